"""Load the source articles and their metadata, checking everything before any work starts.

The corpus is a directory of UTF-8 ``.txt`` files and one metadata CSV with a row per
file. :func:`check_corpus` reads the metadata and every file once (one at a time, so memory
stays flat) and reports *all* problems together in one :class:`~analysis.errors.UsageError`.
:func:`iter_articles` then yields the articles one by one; :func:`load_corpus` is the list
version for corpora that fit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import UsageError
from analysis.records import Article

#: Columns the metadata file must have, in any order; extra columns are allowed.
REQUIRED_COLUMNS = ("article_id", "file", "outlet", "title", "author", "published", "url")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


def _read_metadata(metadata: Path, problems: list[str]) -> list[_Row]:
    try:
        text = metadata.read_bytes().decode("utf-8")
    except FileNotFoundError:
        problems.append(f"{metadata}: metadata file not found; pass --metadata FILE")
        return []
    except UnicodeDecodeError as err:
        problems.append(f"{metadata}: not UTF-8 (byte {err.start}); re-save it as UTF-8")
        return []
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(
            f"{metadata} line 1: missing column(s) {', '.join(missing)}; "
            f"the header needs {','.join(REQUIRED_COLUMNS)}"
        )
        return []
    rows = []
    for values in reader:
        clean = {k: (v or "").strip() for k, v in values.items() if k is not None}
        rows.append(_Row(line=reader.line_num, values=clean))
    return rows


def _check_published(value: str, where: str, today: dt.date, problems: list[str]) -> None:
    if not _ISO_DATE.match(value):
        problems.append(f"{where}: published {value!r} is not an ISO date (YYYY-MM-DD)")
        return
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: published {value!r} is not a real calendar date")
        return
    if day > today:
        problems.append(f"{where}: published {value} is in the future (today is {today})")


def _read_text(path: Path) -> str:
    """Text of one article; raises ``UnicodeDecodeError`` or ``ValueError`` (empty)."""
    # Bytes, not text mode: character offsets must match the file exactly (no newline
    # translation).
    text = path.read_bytes().decode("utf-8")
    if not text.strip():
        raise ValueError("empty")
    return text


def check_corpus(
    articles_dir: Path, metadata: Path, today: dt.date | None = None
) -> list[tuple[dict[str, str], Path]]:
    """Check the corpus and return its metadata rows with their files, in metadata order.

    Parameters
    ----------
    articles_dir
        Directory holding the article ``.txt`` files.
    metadata
        CSV with one row per file and at least the columns :data:`REQUIRED_COLUMNS`.
    today
        Latest allowed publication date (default: the current date).

    Raises
    ------
    UsageError
        Listing every problem found: a row without its file, a file without a row, a
        missing column, a duplicate ``article_id``, a ``published`` value that is not a
        real ISO date or lies in the future, a text that is not UTF-8 or is empty.
    """
    articles_dir, metadata = Path(articles_dir), Path(metadata)
    today = today or dt.date.today()
    problems: list[str] = []
    if not articles_dir.is_dir():
        raise UsageError(f"{articles_dir}: articles directory not found; pass --articles DIR")
    rows = _read_metadata(metadata, problems)
    if problems:
        raise UsageError("\n".join(problems))
    seen_ids: dict[str, int] = {}
    listed: set[str] = set()
    checked = []
    for row in rows:
        where = f"{metadata} line {row.line}"
        article_id, name = row.values["article_id"], row.values["file"]
        if not article_id:
            problems.append(f"{where}: article_id is empty; give every row a unique id")
        elif article_id in seen_ids:
            problems.append(
                f"{where}: duplicate article_id {article_id!r} (first on line "
                f"{seen_ids[article_id]}); ids must be unique"
            )
        else:
            seen_ids[article_id] = row.line
        _check_published(row.values["published"], where, today, problems)
        listed.add(name)
        path = articles_dir / name
        if not name or not path.is_file():
            problems.append(
                f"{where}: file {name!r} not found in {articles_dir}; "
                "add the file or remove the row"
            )
            continue
        try:
            _read_text(path)
        except UnicodeDecodeError as err:
            problems.append(f"{path}: not UTF-8 (byte {err.start}); re-save the file as UTF-8")
            continue
        except ValueError:
            problems.append(f"{path}: the text is empty; add the article text or remove it")
            continue
        checked.append((row.values, path))
    for path in sorted(articles_dir.glob("*.txt")):
        if path.name not in listed:
            problems.append(f"{path}: no row in {metadata}; add a row for it or remove the file")
    if problems:
        raise UsageError("\n".join(problems))
    return checked


def iter_articles(
    articles_dir: Path, metadata: Path, today: dt.date | None = None
) -> Iterator[Article]:
    """Yield the articles one at a time, after :func:`check_corpus` has passed.

    The check runs when the iterator is created, so a bad corpus fails before the first
    article is processed; texts are then read again one by one.
    """
    checked = check_corpus(articles_dir, metadata, today)
    return (_article(values, path) for values, path in checked)


def _article(values: dict[str, str], path: Path) -> Article:
    return Article(
        article_id=values["article_id"],
        file=values["file"],
        outlet=values["outlet"],
        title=values["title"],
        author=values["author"],
        published=dt.date.fromisoformat(values["published"]),
        url=values["url"],
        text=_read_text(path),
    )


def load_corpus(articles_dir: Path, metadata: Path, today: dt.date | None = None) -> list[Article]:
    """Load every article into memory (see :func:`iter_articles` for the streaming form).

    Returns
    -------
    The articles in metadata order.
    """
    return list(iter_articles(articles_dir, metadata, today))
