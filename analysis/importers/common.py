"""Pieces shared by every importer: reading in chunks, checking headers, parsing values with
errors that name the file, line and column, side maps, and writing the event table.

Every format module defines a pure ``convert_chunk(frame, spec) -> DataFrame`` that turns one
chunk of raw rows (all columns read as text) into rows of the event schema. The drivers here
feed it chunks from ``pandas.read_csv`` so that inputs larger than memory stream through; a
Dask path can map the same function over partitions.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.errors import UsageError
from analysis.events.checks import validate_events
from analysis.schema import (
    DATE_COLUMNS,
    EARLIEST_DATE,
    EVENT_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    LIST_SEP,
    MAX_COUNT,
)

#: Rows of external data sets enter the table as coded by their publisher, not reviewed here.
IMPORTED = "imported"
#: Rows per chunk: large enough to amortise pandas overhead, small enough to bound memory.
DEFAULT_CHUNKSIZE = 100_000
SIDE_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: Header line + 1-based record number = the line of a record in a file without multi-line
#: quoted fields.
HEADER_LINES = 1


class UnmappedSides(UsageError):
    """Actor or side values that the side map does not cover.

    ``values`` lets a driver collect them over every chunk before reporting them once.
    """

    def __init__(self, source: str, values: Iterable[str], where: str):
        self.source = source
        self.values = tuple(sorted(set(values)))
        self.where = where
        shown = ", ".join(repr(v) for v in self.values)
        super().__init__(
            f"{source}: {len(self.values)} value(s) have no side in {where}: {shown}; "
            f"add them to {where}"
        )


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """What a raw file of one format must look like.

    Attributes
    ----------
    name
        Format name as given to ``--format``.
    required
        Columns the importer reads; any missing one is an error.
    signature
        A few columns that identify the format, used to say which format a file looks like.
    exact
        If true, no other column is allowed either.
    """

    name: str
    required: tuple[str, ...]
    signature: frozenset[str]
    exact: bool = False


def check_header(path: Path, header: list[str], fmt: Format, known: Iterable[Format]) -> None:
    """Raise :class:`UsageError` if ``header`` is not the header ``fmt`` expects.

    The message names the file, the missing (or unexpected) columns, the expected format and,
    when the header matches another format's signature, that format.
    """
    present = set(header)
    missing = [c for c in fmt.required if c not in present]
    unknown = [c for c in header if c not in fmt.required] if fmt.exact else []
    if not missing and not unknown:
        return
    parts = []
    if missing:
        parts.append(f"missing column(s) {_listing(missing)}")
    if unknown:
        parts.append(f"unexpected column(s) {_listing(unknown)}")
    message = f"{path}: {'; '.join(parts)} for --format {fmt.name}"
    looks_like = [
        other.name
        for other in known
        if other.name != fmt.name and other.signature and other.signature <= present
    ]
    if looks_like:
        message += f"; the header looks like --format {looks_like[0]}"
    raise UsageError(message)


def _listing(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def read_chunks(
    path: str | os.PathLike,
    fmt: Format,
    known: Iterable[Format] = (),
    chunksize: int = DEFAULT_CHUNKSIZE,
    usecols: Iterable[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield chunks of a CSV file (plain or compressed) with every value read as text.

    The index of each chunk is the 0-based record number in the file, so that
    ``index + 2`` is the line a value came from. Missing values are ``""``.

    Raises
    ------
    UsageError
        If the file is missing, empty, has no data rows, or lacks the columns of ``fmt``.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        header = list(pd.read_csv(path, nrows=0).columns)
    except pd.errors.EmptyDataError:
        raise UsageError(
            f"{path}: the file is empty (expected a --format {fmt.name} CSV)"
        ) from None
    except (UnicodeDecodeError, pd.errors.ParserError, OSError, EOFError, zlib.error) as err:
        raise UsageError(
            f"{path} line 1, field header: not a readable CSV file ({_short(err)}); "
            "check that it is a complete, uncompressed or gzip CSV"
        ) from None
    check_header(path, header, fmt, known)
    cols = list(usecols) if usecols is not None else list(fmt.required)
    skipping = _REJECTED.get() is not None
    # All columns are read (no usecols) so that a record with more fields than the header
    # is an error rather than silently cut; bad bytes become U+FFFD, found by check_text.
    rows = 0
    skipped: set[int] = set()
    record = 0
    try:
        reader = pd.read_csv(
            path,
            dtype=object,
            keep_default_na=False,
            chunksize=chunksize,
            encoding_errors="replace",
            on_bad_lines="warn" if skipping else "error",
        )
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                chunk = next(reader, None)
            if skipping:
                skipped |= _note_skipped_lines(str(path), caught)
            if chunk is None:
                break
            if chunk.empty:
                continue
            rows += len(chunk)
            # Record numbers as in the file: records set aside by --skip-bad keep theirs, so
            # that later records keep their lines and their record-based ids.
            numbers = []
            while len(numbers) < len(chunk):
                if record not in skipped:
                    numbers.append(record)
                record += 1
            chunk.index = pd.Index(numbers)
            # Values arrive as text so that parsing errors can be reported with their line.
            yield chunk[cols]
    except pd.errors.ParserError as err:
        raise UsageError(
            f"{path}: malformed CSV after record {rows}, field count ({_short(err)}); quote "
            "values that hold commas, or pass --skip-bad to set such records aside"
        ) from None
    except (OSError, EOFError, zlib.error) as err:
        raise UsageError(
            f"{path}: cannot read past record {rows} (line {rows + 1 + HEADER_LINES}), "
            f"field compression ({_short(err)}); the file is truncated or damaged, "
            "download it again"
        ) from None
    if rows == 0:
        raise UsageError(f"{path}: the file has a header but no rows")


def _short(err: BaseException) -> str:
    return " ".join(str(err).split())[:200]


_SKIPPING_LINE = re.compile(r"Skipping line (\d+): (.*)")


def _note_skipped_lines(path: str, caught: list) -> set[int]:
    """Set aside the records pandas skipped; return their record numbers."""
    rejected = _REJECTED.get()
    records = set()
    for warning in caught:
        for line, reason in _SKIPPING_LINE.findall(str(warning.message)):
            rejected.append((path, int(line), "row", reason.strip()))
            records.add(int(line) - 1 - HEADER_LINES)
    return records


def line_of(index: Any) -> int:
    """Line of a record in its file, from its 0-based record number."""
    return int(index) + 1 + HEADER_LINES


class BadValue(UsageError):
    """One bad value of one record: the file, the record, the column and what was expected.

    Under :func:`skipping_bad_rows` the drivers set the record aside and convert the rest.
    """

    def __init__(self, source: str, index: Any, column: str, value: Any, expected: str):
        self.source, self.index, self.column = source, index, column
        shown = repr(value) if len(str(value)) <= 80 else repr(str(value)[:80]) + "..."
        self.reason = f"cannot read {shown} ({expected})"
        super().__init__(
            f"{source}, line {line_of(index)}, column {column}: {self.reason}; correct the "
            "value, or pass --skip-bad to set bad rows aside in rejected.csv"
        )


def bad_value(source: str, index: Any, column: str, value: Any, expected: str) -> BadValue:
    """Build the error for one bad value: file, line, column, value and what was expected."""
    return BadValue(source, index, column, value, expected)


#: Where the rows set aside go while :func:`skipping_bad_rows` is active (else ``None``).
_REJECTED: contextvars.ContextVar[list | None] = contextvars.ContextVar("rejected", default=None)


@contextlib.contextmanager
def skipping_bad_rows() -> Iterator[list[tuple[str, int, str, str]]]:
    """Within the block, a bad record is set aside instead of stopping the import.

    Yields the list that collects ``(file, line, column, reason)`` of every record set
    aside (``escalation import --skip-bad`` writes it to ``rejected.csv``).
    """
    rejected: list[tuple[str, int, str, str]] = []
    token = _REJECTED.set(rejected)
    try:
        yield rejected
    finally:
        _REJECTED.reset(token)


def convert_skipping(
    chunk: pd.DataFrame, convert: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """``convert(chunk)``; under :func:`skipping_bad_rows` bad records are dropped and noted.

    A chunk with k bad records is converted k + 1 times, which is cheap for the rare bad
    record and bounded by the chunk size.
    """
    rejected = _REJECTED.get()
    if rejected is None:
        return convert(chunk)
    while True:
        try:
            return convert(chunk)
        except BadValue as err:
            if err.index not in chunk.index:
                raise
            rejected.append((err.source, line_of(err.index), err.column, err.reason))
            chunk = chunk.drop(index=err.index)
            if chunk.empty:
                return assemble({}, pd.RangeIndex(0))


def check_text(chunk: pd.DataFrame, source: str) -> None:
    """Raise :class:`BadValue` at the first value that was not valid UTF-8 or holds a NUL.

    Files are decoded with replacement characters so that one bad byte names its record
    and column instead of stopping the reader somewhere in the file.
    """
    for column in chunk.columns:
        values = chunk[column]
        bad = values.map(lambda v: isinstance(v, str) and ("\ufffd" in v or "\x00" in v))
        if bad.any():
            idx = bad.idxmax()
            raise bad_value(
                source, idx, column, values[idx], "not UTF-8 text or holds a NUL; re-save as UTF-8"
            )


# --- parsing -------------------------------------------------------------------------------


def text(values: pd.Series) -> pd.Series:
    """Strip surrounding white space; missing values become ``""``."""
    # Plain Python strings (object dtype): pandas' own string dtype would convert the
    # column to Arrow and back on every call.
    stripped = [str(v).strip() if isinstance(v, str) or pd.notna(v) else "" for v in values]
    return pd.Series(stripped, index=values.index, dtype=object)


def clean(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Copy of ``frame[columns]`` as stripped text (:func:`text`), done once per chunk."""
    return pd.DataFrame({c: text(frame[c]) for c in dict.fromkeys(columns)}, index=frame.index)


def _filled(values: pd.Series) -> pd.Series:
    """Stripped text with ``""`` for missing; strips each distinct value once."""
    values = values.fillna("").astype(object)
    distinct = {v: str(v).strip() for v in pd.unique(values)}
    if all(k == v for k, v in distinct.items()):
        return values
    return values.map(distinct).astype(object)


def parse_dates(values: pd.Series, formats: Iterable[str], source: str, column: str) -> pd.Series:
    """Parse date strings trying ``formats`` in order; the first that works wins per value.

    Returns a ``datetime64[ns]`` series at midnight. A value that no format reads (or an
    empty one) raises :class:`UsageError` naming its line.
    """
    raw = _filled(values)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    earliest, latest = pd.Timestamp(EARLIEST_DATE), pd.Timestamp.today().normalize()
    outside = pd.Series(False, index=raw.index)
    for fmt in formats:
        todo = parsed.isna() & ~outside
        if not todo.any():
            break
        # Seconds, not nanoseconds: a year such as 2999 must be read to be reported.
        attempt = pd.to_datetime(raw[todo], format=fmt, errors="coerce").astype("datetime64[s]")
        wrong = attempt.notna() & (
            (attempt < earliest) | (attempt >= latest + pd.Timedelta(days=1))
        )
        outside[wrong[wrong].index] = True
        parsed[todo] = attempt.where(~wrong).astype("datetime64[ns]")
    if outside.any():
        idx = outside.idxmax()
        raise bad_value(
            source, idx, column, raw[idx], f"expected a date from {EARLIEST_DATE} to today"
        )
    failed = parsed.isna()
    if failed.any():
        idx = failed.idxmax()
        shown = " or ".join(formats)
        raise bad_value(source, idx, column, raw[idx], f"expected a date as {shown}")
    return parsed.dt.normalize()


def parse_numbers(
    values: pd.Series,
    source: str,
    column: str,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> pd.Series:
    """Parse numbers; ``""`` is missing (unknown, never zero).

    Returns ``Int64`` when ``integer`` else ``float64``. A value that is not a number, not a
    whole number when ``integer``, or outside ``[minimum, maximum]`` raises
    :class:`UsageError` naming its line.
    """
    raw = _filled(values)
    numbers = pd.to_numeric(raw.where(raw != "", None), errors="coerce").astype("float64")
    wrong = numbers.isna() & (raw != "")
    expected = "a whole number" if integer else "a number"
    if integer and maximum is None:
        # Counts above the bound are errors, and larger ones would not fit in 64 bits.
        maximum = MAX_COUNT
    if integer:
        wrong |= numbers.notna() & (numbers != np.floor(numbers))
    if minimum is not None:
        wrong |= numbers < minimum
        expected += f" >= {minimum:g}"
    if maximum is not None:
        wrong |= numbers > maximum
        expected += f" <= {maximum:g}"
    if wrong.any():
        idx = wrong.idxmax()
        raise bad_value(source, idx, column, raw[idx], f"expected {expected}")
    return numbers.astype("Int64") if integer else numbers


def join_sources(values: pd.Series, sep: str = LIST_SEP) -> tuple[pd.Series, pd.Series]:
    """Normalise a list field split on ``sep``: strip items, drop empty ones.

    Returns the ``";"``-joined lists and the number of items (``NA`` when there are none).
    """
    raw = _filled(values)
    # Few distinct source lists recur across many rows: split each once.
    lists = {v: [s.strip() for s in v.split(sep) if s.strip()] for v in raw.unique()}
    joined = raw.map({v: LIST_SEP.join(items) for v, items in lists.items()}).astype(object)
    counts = raw.map({v: len(items) for v, items in lists.items()}).astype("Int64")
    return joined, counts.where(counts > 0, pd.NA)


def code_of(name: str) -> str:
    """Side code of an actor without a side map: upper case, non-alphanumerics as ``_``."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def map_sides(
    names: pd.Series,
    side_map: Mapping[str, str] | None,
    source: str,
    where: str,
    fallback: Mapping[str, str] | None = None,
) -> pd.Series:
    """Side code of each actor name; ``""`` for an empty name.

    With ``side_map`` every non-empty name must be in it, else :class:`UnmappedSides`.
    Without one, a name is looked up case-insensitively in ``fallback`` (the lexicon's
    actor names and aliases, see :func:`lexicon_side_map`), and otherwise its code is derived
    from the name itself (:func:`code_of`).
    """
    names = _filled(names)
    # Actor names repeat across rows: decide each distinct name once.
    distinct = [n for n in names.unique() if n]
    if side_map is None:
        known = fallback or {}
        table = {n: known.get(n.casefold()) or code_of(n) for n in distinct}
    else:
        unmapped = [n for n in distinct if n not in side_map]
        if unmapped:
            raise UnmappedSides(source, unmapped, where)
        table = {n: side_map[n] for n in distinct}
    table[""] = ""
    return names.map(table).astype(object)


# --- side maps -----------------------------------------------------------------------------


def load_yaml(path: str | os.PathLike) -> Any:
    """Read a YAML file; errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such mapping file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise UsageError(f"{path}: not valid YAML ({err})") from None


def check_side_table(table: Any, where: str) -> dict[str, str]:
    """Check an ``actor value -> SIDE`` table read from YAML and return it with text keys.

    YAML turns unquoted ``NO``/``yes`` into booleans and ``010`` into numbers; those are
    reported rather than silently converted.
    """
    if not isinstance(table, dict) or not table:
        raise UsageError(f"{where}: expected a non-empty mapping of actor value -> SIDE")
    errors = []
    clean: dict[str, str] = {}
    for key, side in table.items():
        if isinstance(key, bool) or not isinstance(key, str | int):
            errors.append(f"key {key!r} is not text (quote it)")
            continue
        if not isinstance(side, str) or not SIDE_CODE.match(side):
            errors.append(
                f"{key!r}: side {side!r} is not an upper-case code like US_COALITION "
                "(quote values such as NO that YAML reads as booleans)"
            )
            continue
        clean[str(key)] = side
    if errors:
        raise UsageError(f"{where}: " + "; ".join(errors))
    return clean


def load_side_map(path: str | os.PathLike) -> dict[str, str]:
    """Read a side map file: ``sides:`` mapping actor names to side codes.

    Parameters
    ----------
    path
        YAML file with a top-level ``sides`` mapping and an optional ``description``.

    Returns
    -------
    ``{actor name: SIDE}``.
    """
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping with a 'sides' key")
    unknown = sorted(set(map(str, data)) - {"sides", "description"})
    if unknown:
        raise UsageError(
            f"{path}: unknown key(s) {', '.join(unknown)} (allowed: sides, description)"
        )
    if "sides" not in data:
        raise UsageError(f"{path}: missing required key 'sides'")
    return check_side_table(data["sides"], f"{path} (sides)")


def lexicon_side_map(path: str | os.PathLike) -> dict[str, str]:
    """Side of every actor name and alias of the project's actor lexicon, keyed case-folded.

    Parameters
    ----------
    path
        ``actors.csv`` with columns ``actor``, ``side`` and ``aliases`` (``;``-separated);
        lines starting with ``#`` are comments.

    Returns
    -------
    ``{name or alias, case-folded: SIDE}``; an alias claimed by two sides is left out, since
    it cannot decide a side.
    """
    table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    claims: dict[str, set[str]] = {}
    for actor, side, aliases in zip(table["actor"], table["side"], table["aliases"], strict=True):
        for name in [actor, *aliases.split(LIST_SEP)]:
            if name.strip():
                claims.setdefault(name.strip().casefold(), set()).add(side.strip())
    return {name: sides.pop() for name, sides in sorted(claims.items()) if len(sides) == 1}


# --- driving and writing -------------------------------------------------------------------


def parse_coordinates(
    frame: pd.DataFrame, source: str, latitude: str = "latitude", longitude: str = "longitude"
) -> dict[str, pd.Series]:
    """``latitude`` and ``longitude`` columns of ``frame`` as checked numbers (degrees)."""
    return {
        "latitude": parse_numbers(frame[latitude], source, latitude, minimum=-90, maximum=90),
        "longitude": parse_numbers(frame[longitude], source, longitude, minimum=-180, maximum=180),
    }


def convert_files(
    paths: Iterable[str | os.PathLike],
    make_spec: Callable[[str], object],
    fmt: Format,
    known: Iterable[Format],
    convert_chunk: Callable[[pd.DataFrame, object], pd.DataFrame],
    chunksize: int | None = None,
) -> list[pd.DataFrame]:
    """Convert each file with its own spec (``make_spec(path)``); one frame per file."""
    known = tuple(known)
    kwargs = {"chunksize": chunksize} if chunksize else {}
    frames = []
    for path in paths:
        spec = make_spec(str(path))
        frames.append(
            convert_file(path, fmt, known, lambda c, s=spec: convert_chunk(c, s), **kwargs)
        )
    return frames


def convert_file(
    path: str | os.PathLike,
    fmt: Format,
    known: Iterable[Format],
    convert: Callable[[pd.DataFrame], pd.DataFrame],
    chunksize: int = DEFAULT_CHUNKSIZE,
    usecols: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Convert a whole file chunk by chunk with ``convert`` and concatenate the results.

    Side values missing from the map are collected over every chunk and reported once.
    """
    known = tuple(known)
    parts = []
    unmapped: list[UnmappedSides] = []

    def checked(chunk: pd.DataFrame) -> pd.DataFrame:
        check_text(chunk, str(path))
        return convert(chunk)

    for chunk in read_chunks(path, fmt, known, chunksize, usecols):
        try:
            parts.append(convert_skipping(chunk, checked))
        except UnmappedSides as err:
            unmapped.append(err)
    if unmapped:
        values = [v for err in unmapped for v in err.values]
        raise UnmappedSides(unmapped[0].source, values, unmapped[0].where)
    return pd.concat(parts, ignore_index=True)


def validated(events: pd.DataFrame) -> pd.DataFrame:
    """Check ``events`` against the event-table checks; return them.

    Raises
    ------
    UsageError
        ``analysis.events.checks.InvalidTable`` naming the failing checks and rows.
    """
    validate_events(events)
    return events


def assemble(columns: Mapping[str, Any], index: pd.Index) -> pd.DataFrame:
    """Build event rows from ``columns`` (series or constants) with every schema column.

    Absent text columns are ``""``; absent numbers are missing (unknown).
    """
    out = {}
    for name in EVENT_COLUMNS:
        value = columns.get(name)
        if name in DATE_COLUMNS:
            out[name] = pd.Series(value, index=index, dtype="datetime64[ns]")
        elif name in INT_COLUMNS:
            out[name] = pd.Series(pd.NA if value is None else value, index=index, dtype="Int64")
        elif name in FLOAT_COLUMNS:
            out[name] = pd.Series(np.nan if value is None else value, index=index, dtype="float64")
        else:
            out[name] = pd.Series("" if value is None else value, index=index, dtype=object)
    return pd.DataFrame(out, index=index)


def finalize(frames: Iterable[pd.DataFrame], what: str = "input") -> pd.DataFrame:
    """Concatenate converted rows, refuse duplicate event ids, sort by (event_date, event_id)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        raise UsageError(f"{what}: no events to import")
    events = pd.concat(frames, ignore_index=True)
    dupes = events["event_id"][events["event_id"].duplicated()]
    if len(dupes):
        shown = ", ".join(sorted(dupes.unique())[:10])
        raise UsageError(
            f"{what}: {dupes.nunique()} event id(s) occur more than once ({shown}); "
            "is the same file or an overlapping export given twice?"
        )
    events = events.sort_values(["event_date", "event_id"], kind="mergesort")
    return events.reset_index(drop=True)
