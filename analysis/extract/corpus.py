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
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import UsageError
from analysis.records import Article

#: Columns the metadata file must have, in any order; extra columns are allowed.
REQUIRED_COLUMNS = ("article_id", "file", "outlet", "title", "author", "published", "url")
#: Largest article text read (bytes). Larger files are refused before they are read:
#: extraction time and memory grow linearly, but such a file is almost surely not an article.
MAX_ARTICLE_BYTES = 50_000_000
#: Earliest publication date accepted; older dates are typing errors in this corpus.
EARLIEST_PUBLISHED = dt.date(1900, 1, 1)
#: A number written with this many digits or more cannot be stored in 64 bits; it is a
#: corrupted text, not a count (tweet ids and the like have 19 digits or fewer).
_HUGE_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3}){6,}(?![\d,])|\d{20,}")
#: Control characters other than tab, LF and CR (and DEL) never occur in news text; they
#: mean a binary or mis-decoded file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """One bad input: which file, which line and field, and what is wrong and what to do."""

    file: str
    line: int
    field: str
    reason: str
    #: ``article_id`` of the row concerned ("" when the problem is not tied to a row).
    article_id: str = ""

    def __str__(self) -> str:
        return f"{self.file} line {self.line}, field {self.field}: {self.reason}"


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]
    extra: int = 0


def _read_metadata(metadata: Path, problems: list[Problem]) -> list[_Row]:
    try:
        # utf-8-sig: a byte-order mark written by spreadsheet programs is not part of the
        # first column's name.
        text = metadata.read_bytes().decode("utf-8-sig")
    except (FileNotFoundError, IsADirectoryError):
        problems.append(
            Problem(str(metadata), 0, "--metadata", "metadata file not found; pass --metadata FILE")
        )
        return []
    except OSError as err:
        problems.append(Problem(str(metadata), 0, "--metadata", f"cannot read ({err.strerror})"))
        return []
    except UnicodeDecodeError as err:
        line = err.object[: err.start].count(b"\n") + 1
        problems.append(
            Problem(
                str(metadata),
                line,
                "encoding",
                f"not UTF-8 (byte {err.start}); re-save it as UTF-8",
            )
        )
        return []
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(
            Problem(
                str(metadata), line, "encoding", "NUL byte in a CSV file; re-save it as UTF-8 text"
            )
        )
        return []
    reader = csv.DictReader(text.splitlines(keepends=True))
    try:
        header = reader.fieldnames or []
    except csv.Error as err:
        problems.append(Problem(str(metadata), 1, "header", f"not a CSV header ({err})"))
        return []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(
            Problem(
                str(metadata),
                1,
                "header",
                f"missing column(s) {', '.join(missing)}; "
                f"the header needs {','.join(REQUIRED_COLUMNS)}",
            )
        )
        return []
    rows = []
    try:
        for values in reader:
            clean = {k: (v or "").strip() for k, v in values.items() if k is not None}
            extra = len(values.get(None) or [])
            rows.append(_Row(line=reader.line_num, values=clean, extra=extra))
    except csv.Error as err:
        problems.append(
            Problem(
                str(metadata), reader.line_num, "row", f"malformed CSV ({err}); fix the quoting"
            )
        )
        return []
    return rows


def check_published(value: str, today: dt.date | None = None) -> str | None:
    """What is wrong with a ``published`` value (ISO date from 1900-01-01 to ``today``)."""
    return _check_published(value, today or dt.date.today())


def _check_published(value: str, today: dt.date) -> str | None:
    if not _ISO_DATE.match(value):
        return f"published {value!r} is not an ISO date (YYYY-MM-DD)"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return f"published {value!r} is not a real calendar date"
    if day > today:
        return f"published {value} is in the future (today is {today})"
    if day < EARLIEST_PUBLISHED:
        return f"published {value} is before {EARLIEST_PUBLISHED}; correct the date"
    return None


def _read_text(path: Path) -> str:
    """Text of one article; raises ``UnicodeDecodeError`` or ``ValueError`` (empty)."""
    # Bytes, not text mode: character offsets must match the file exactly (no newline
    # translation).
    text = path.read_bytes().decode("utf-8")
    if not text.strip():
        raise ValueError("empty")
    return text


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _text_problem(path: Path) -> tuple[int, str] | None:
    """(line, reason) of the first problem of an article file, or ``None`` when it reads."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        return 1, (
            f"{size} bytes is more than the {MAX_ARTICLE_BYTES} bytes an article may have; "
            "split the file or remove it"
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return line, f"not UTF-8 (byte {err.start}); re-save the file as UTF-8"
    return text_problem(text)


def text_problem(text: str) -> tuple[int, str] | None:
    """(line, reason) of the first problem of an article's text, or ``None`` when it is fine.

    Problems: an empty text, a control character other than tab, CR and LF, a number of
    20 digits or more (no count fits in 64 bits), more than :data:`MAX_ARTICLE_BYTES`.
    """
    if len(text) > MAX_ARTICLE_BYTES:
        return 1, f"more than the {MAX_ARTICLE_BYTES} bytes an article may have; split it"
    if not text.strip():
        return 1, "the text is empty; add the article text or remove it"
    control = _CONTROL.search(text)
    if control:
        line, col = _line_col(text, control.start())
        return line, (
            f"control character U+{ord(control.group()):04X} at column {col}; "
            "remove it (only tab, CR and LF may occur in a text)"
        )
    huge = _HUGE_NUMBER.search(text)
    if huge:
        line, col = _line_col(text, huge.start())
        return line, (
            f"number {huge.group()[:30]} at column {col} does not fit in 64 bits; correct the text"
        )
    return None


def _add_problem(
    found: list[Problem],
    row: _Row,
    metadata: str,
    field: str,
    reason: str,
    file: str | None = None,
    line: int | None = None,
) -> None:
    found.append(
        Problem(
            metadata if file is None else file,
            row.line if line is None else line,
            field,
            reason,
            row.values.get("article_id", ""),
        )
    )


def _inside(root: Path, name: str) -> Path | None:
    """``root / name`` when it resolves (symlinks followed) inside ``root``, else ``None``."""
    if not name or Path(name).is_absolute() or "\x00" in name:
        return None
    path = (root / name).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def scan_corpus(
    articles_dir: Path, metadata: Path, today: dt.date | None = None
) -> tuple[list[tuple[dict[str, str], Path]], list[Problem]]:
    """Check the corpus; return the good rows with their files and every problem found.

    Unlike :func:`check_corpus` this never raises for a bad row: ``escalation events
    --skip-bad`` builds the good rows and sets the problems aside. A problem that concerns
    the whole corpus (no articles directory, an unreadable metadata file) is the only
    problem returned then, with no rows.
    """
    articles_dir, metadata = Path(articles_dir), Path(metadata)
    today = today or dt.date.today()
    problems: list[Problem] = []
    if not articles_dir.is_dir():
        raise UsageError(f"{articles_dir}: articles directory not found; pass --articles DIR")
    rows = _read_metadata(metadata, problems)
    if problems:
        raise UsageError("\n".join(map(str, problems)))
    seen_ids: dict[str, int] = {}
    listed: set[str] = set()
    checked = []
    for row in rows:
        found: list[Problem] = []

        found: list[Problem] = []
        bad = functools.partial(_add_problem, found, row, str(metadata))
        article_id, name = row.values["article_id"], row.values["file"]
        listed.add(name)
        if row.extra:
            bad("row", f"{row.extra} field(s) more than the header; quote values with commas")
        if not article_id:
            bad("article_id", "article_id is empty; give every row a unique id")
        elif article_id in seen_ids:
            bad(
                "article_id",
                f"duplicate article_id {article_id!r} (first on line "
                f"{seen_ids[article_id]}); ids must be unique",
            )
        else:
            seen_ids[article_id] = row.line
        reason = _check_published(row.values["published"], today)
        if reason:
            bad("published", reason)
        path = _inside(articles_dir, name)
        if path is None and name:
            bad(
                "file",
                f"file {name!r} is outside {articles_dir}; name a file inside the "
                "articles directory",
            )
        elif path is None or not path.is_file():
            bad(
                "file", f"file {name!r} not found in {articles_dir}; add the file or remove the row"
            )
        else:
            try:
                text_problem = _text_problem(path)
            except OSError as err:
                text_problem = 1, f"cannot read the file ({err.strerror})"
            if text_problem:
                bad("text", text_problem[1], str(articles_dir / name), text_problem[0])
        problems.extend(found)
        if not found:
            checked.append((row.values, path))
    for path in sorted(articles_dir.glob("*.txt")):
        if path.name not in listed:
            problems.append(
                Problem(
                    str(path),
                    1,
                    "file",
                    f"no row in {metadata}; add a row for it or remove the file",
                )
            )
    return checked, problems


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
        Listing every problem found (see :func:`scan_corpus`): a row without its file, a
        file without a row or outside ``articles_dir`` (symlinks followed), a missing
        column, extra fields in a row, a duplicate ``article_id``, a ``published`` value
        that is not a real ISO date, lies in the future or before
        :data:`EARLIEST_PUBLISHED`, a text that is not UTF-8, is empty, holds control
        characters or numbers beyond 64 bits, or is larger than :data:`MAX_ARTICLE_BYTES`.
    """
    checked, problems = scan_corpus(articles_dir, metadata, today)
    if problems:
        raise UsageError("\n".join(map(str, problems)))
    return checked


def iter_articles(
    articles_dir: Path, metadata: Path, today: dt.date | None = None
) -> Iterator[Article]:
    """Yield the articles one at a time, after :func:`check_corpus` has passed.

    The check runs when the iterator is created, so a bad corpus fails before the first
    article is processed; texts are then read again one by one.
    """
    checked = check_corpus(articles_dir, metadata, today)
    return (article_of(values, path) for values, path in checked)


def article_of(values: dict[str, str], path: Path) -> Article:
    """The article of a checked metadata row and its file (see :func:`scan_corpus`)."""
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
