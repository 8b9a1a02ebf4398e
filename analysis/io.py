"""Read and write tables, and write any file atomically.

Reading and writing event tables derive their types from :mod:`analysis.schema`: one CSV
format and one Parquet format serve ``escalation events``, every importer and the atlas,
and the same table always gives the same bytes. I/O lives here so that the analysis
functions can stay pure functions of a DataFrame. Files are written atomically
(:mod:`analysis.files`).
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import UsageError
from analysis.files import atomic_write_bytes
from analysis.schema import (
    DATE,
    DATE_COLUMNS,
    EVENT_FIELDS,
    FLOAT,
    INT,
    TEXT,
    TEXT_COLUMNS,
)

#: Suffixes a table file may have; the suffix chooses the format.
OUTPUT_SUFFIXES = (".parquet", ".csv.gz", ".csv")
_ARROW_TYPES = {TEXT: pa.string(), DATE: pa.date32(), INT: pa.int64(), FLOAT: pa.float64()}


def read_events(path: str | os.PathLike, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Read an event table.

    Parameters
    ----------
    path
        A ``.csv`` file, a ``.parquet`` file, or a directory holding a Parquet dataset.
    columns
        Optional subset of columns to read (cheaper on large Parquet datasets).

    Returns
    -------
    DataFrame with text codes as strings (missing text as ``""``) and the date columns as
    ``datetime64``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"event table not found: {path}")
    cols = list(columns) if columns is not None else None
    if path.is_dir() or path.suffix == ".parquet":
        frame = pd.read_parquet(path, columns=cols)
    else:
        frame = pd.read_csv(
            path,
            usecols=cols,
            dtype={c: "string" for c in TEXT_COLUMNS},
            keep_default_na=False,
            na_values={c: [""] for c in _numeric_guess(path)},
        )
    for col in TEXT_COLUMNS:
        if col in frame.columns:
            frame[col] = frame[col].astype("string").fillna("").astype(object)
    for col in DATE_COLUMNS:
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col], errors="coerce")
    return frame


def _numeric_guess(path: Path) -> list[str]:
    header = pd.read_csv(path, nrows=0).columns
    return [c for c in header if c not in TEXT_COLUMNS]


# --- writing tables -------------------------------------------------------------------


def _cell(value, float_format: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if value != value else float_format % value
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def csv_bytes(frame: pd.DataFrame, float_format: str = "%.5f") -> bytes:
    """CSV bytes of a table: UTF-8, ``\\n`` line ends, ISO dates, whole numbers without
    ``.0``, decimals in ``float_format`` (coordinates: 5 decimals, about a metre), empty
    cells for unknown values."""
    text = frame.astype(object).map(lambda v: _cell(v, float_format))
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")


def arrow_schema(fields: dict[str, str] = EVENT_FIELDS) -> pa.Schema:
    """Arrow types of a table's columns (:mod:`analysis.schema` kinds), fixed so that every
    build writes the same bytes."""
    return pa.schema([pa.field(name, _ARROW_TYPES[kind]) for name, kind in fields.items()])


def parquet_bytes(
    frame: pd.DataFrame, fields: dict[str, str] = EVENT_FIELDS, key: str | None = "event_id"
) -> bytes:
    """Parquet bytes of a table: zstd, no pandas index, no schema metadata.

    ``key`` names a sorted id column: ids share long prefixes, which delta encoding stores
    once, and dictionaries suit the other, repetitive columns. Without a key the writer's
    defaults apply.
    """
    schema = arrow_schema(fields)
    arrays = []
    for field in schema:
        column = frame[field.name]
        if pa.types.is_date32(field.type):
            arrays.append(pa.array(column.dt.date.where(column.notna(), None), type=field.type))
        elif pa.types.is_string(field.type):
            arrays.append(pa.array(column.astype(object).tolist(), type=field.type))
        else:
            arrays.append(pa.array(column, type=field.type, from_pandas=True))
    table = pa.Table.from_arrays(arrays, schema=schema)
    sink = io.BytesIO()
    if key is None:
        pq.write_table(table, sink, compression="zstd", store_schema=False)
    else:
        pq.write_table(
            table,
            sink,
            compression="zstd",
            compression_level=9,
            store_schema=False,
            use_dictionary=[name for name in schema.names if name != key],
            column_encoding={key: "DELTA_BYTE_ARRAY"},
        )
    return sink.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` deterministically (no file name, time stamp 0)."""
    sink = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=sink, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return sink.getvalue()


def output_kind(path: str | os.PathLike) -> str:
    """Which of :data:`OUTPUT_SUFFIXES` ``path`` ends in; :class:`UsageError` if none."""
    name = Path(path).name.lower()
    for suffix in OUTPUT_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    raise UsageError(f"{path}: the output must end in {', '.join(OUTPUT_SUFFIXES)}")


def table_bytes(frame: pd.DataFrame, kind: str) -> bytes:
    """An event table's bytes in the format of ``kind`` (one of :data:`OUTPUT_SUFFIXES`)."""
    if kind == ".parquet":
        return parquet_bytes(frame)
    if kind == ".csv.gz":
        return gzip_bytes(csv_bytes(frame))
    return csv_bytes(frame)


def write_events(events: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write an event table atomically; the suffix chooses the format.

    ``.parquet`` (zstd), ``.csv`` or ``.csv.gz`` (gzip with no name and no time stamp),
    so that the same events always give the same bytes.
    """
    atomic_write_bytes(path, table_bytes(events, output_kind(path)))
