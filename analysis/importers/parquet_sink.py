"""Stream converted chunks into a Parquet dataset partitioned by year, atomically.

Large imports (GDELT) do not fit in memory as one table. :func:`write_dataset` takes the
converted chunks one by one and writes each chunk's rows of a year to
``<out>/<year>/part-<n>.parquet`` with the event schema's column order and Arrow types
(:func:`analysis.io.parquet_bytes`). Directory names are plain years (not
``year=2007``), so readers see no extra partition column: ``analysis.io.read_events`` and
``dask.dataframe.read_parquet`` read the directory as the event table.

Everything is written into a temporary directory next to ``out`` and renamed over it at
the end; on any failure the temporary directory is removed and a previous ``out`` is left
as it was. File names depend only on the order of the chunks, rows within a file are
sorted by ``(event_date, event_id)``, and Parquet is written without timestamps, so the
same input gives the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.errors import UsageError
from analysis.files import replace_files
from analysis.io import parquet_bytes
from analysis.schema import EVENT_COLUMNS


def write_dataset(
    chunks: Iterable[pd.DataFrame],
    out: str | os.PathLike,
    extra: Callable[[], Mapping[str | os.PathLike, bytes]] | None = None,
) -> dict[int, int]:
    """Write event chunks as a year-partitioned Parquet dataset at ``out``.

    Parameters
    ----------
    chunks
        Event rows in the project's schema (e.g. from ``gdelt.iter_events``).
    out
        Directory of the dataset; replaced as a whole when everything is written.
    extra
        Called once every chunk is written; the files it returns (path -> bytes, such as
        the list of records set aside while reading the chunks) replace their targets
        together with the dataset: on any error the dataset and those files all stay as
        they were (:func:`analysis.files.replace_files`).

    Returns
    -------
    Events written per year.

    Raises
    ------
    analysis.errors.UsageError
        When ``out`` is an existing file, a chunk lacks schema columns, an event has no
        date, or no event was written. ``out`` is untouched then.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    counts: dict[int, int] = {}
    parts: dict[int, int] = {}
    columns = list(EVENT_COLUMNS)
    try:
        for chunk in chunks:
            missing = [c for c in columns if c not in chunk.columns]
            if missing:
                raise UsageError(f"event rows lack column(s) {', '.join(missing)}")
            if chunk["event_date"].isna().any():
                raise UsageError("an event without event_date cannot be placed in a year")
            years = chunk["event_date"].dt.year
            for year, rows in chunk.groupby(years, sort=True):
                year = int(year)
                rows = rows.sort_values(["event_date", "event_id"], kind="mergesort")
                target = staging / f"{year:04d}" / f"part-{parts.get(year, 0):05d}.parquet"
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(parquet_bytes(rows[columns]))
                parts[year] = parts.get(year, 0) + 1
                counts[year] = counts.get(year, 0) + len(rows)
        if not counts:
            raise UsageError("no events to write")
        files = dict(extra()) if extra is not None else {}
        _swap_in(staging, out, files)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dict(sorted(counts.items()))


def _swap_in(staging: Path, out: Path, files: Mapping[str | os.PathLike, bytes]) -> None:
    """Replace ``out`` by ``staging`` and the ``files`` by their bytes, all or nothing.

    The old dataset is kept aside until the files are replaced, and put back if they fail.
    """
    previous = out.parent / f".{out.name}.previous"
    shutil.rmtree(previous, ignore_errors=True)
    existed = out.exists()
    if existed:
        os.replace(out, previous)
    try:
        os.replace(staging, out)
    except BaseException:
        if existed:
            os.replace(previous, out)
        raise
    try:
        replace_files(files)
    except BaseException:
        # The new dataset goes back to staging (removed by the caller), the old one returns.
        os.replace(out, staging)
        if existed:
            os.replace(previous, out)
        raise
    shutil.rmtree(previous, ignore_errors=True)
