"""UCDP Georeferenced Event Dataset (GED) CSV files into the event table.

GED does not code who initiated an event. By convention the importer puts ``side_a`` (in
state-based conflict the government) in ``actor1`` and ``side_b`` in ``actor2``; analyses of
who answers whom must not read initiative into that order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.importers.common import (
    IMPORTED,
    Format,
    assemble,
    bad_value,
    clean,
    convert_files,
    join_sources,
    map_sides,
    parse_coordinates,
    parse_dates,
    parse_numbers,
)

ORIGIN = "ucdp-ged"
ID_PREFIX = "ucdp"
#: GED ``date_prec``: 1 exact day, 2 a span of 2-6 days, 3 the week, 4 the month,
#: 5 the year or longer.
PRECISIONS = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
#: GED ``type_of_violence``.
VIOLENCE_TYPES = {
    "1": "State-based conflict",
    "2": "Non-state conflict",
    "3": "One-sided violence",
}
#: GED CSV files write plain dates; some releases append a time of day.
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")

FORMAT = Format(
    name="ucdp",
    required=(
        "id",
        "type_of_violence",
        "side_a",
        "side_b",
        "number_of_sources",
        "source_office",
        "where_coordinates",
        "adm_1",
        "latitude",
        "longitude",
        "country",
        "date_prec",
        "date_start",
        "date_end",
        "best",
        "high",
        "low",
    ),
    signature=frozenset({"side_a", "side_b", "date_prec", "where_prec"}),
)


@dataclass(frozen=True)
class UcdpSpec:
    """How to convert GED rows (see :class:`analysis.importers.acled.AcledSpec`)."""

    source: str
    side_map: Mapping[str, str] | None = None
    side_map_name: str = "the side map"
    origin: str = ORIGIN
    lexicon: Mapping[str, str] | None = None


def _code(frame: pd.DataFrame, column: str, table: Mapping[str, str], source: str) -> pd.Series:
    raw = frame[column]
    mapped = raw.map(table)
    if mapped.isna().any():
        idx = mapped.isna().idxmax()
        allowed = ", ".join(table)
        raise bad_value(source, idx, column, raw[idx], f"expected one of {allowed}")
    return mapped.astype(object)


def convert_chunk(frame: pd.DataFrame, spec: UcdpSpec) -> pd.DataFrame:
    """Convert one chunk of a GED CSV (text columns) to event rows.

    ``event_date`` is the middle of GED's ``[date_start, date_end]`` (rounded down to a day),
    the interval itself is kept, and ``date_precision`` follows ``date_prec``. Fatalities
    low/best/high come from GED's ``low``/``best``/``high``; injuries are not in GED.
    """
    frame = clean(frame, FORMAT.required)
    source = spec.source
    start = parse_dates(frame["date_start"], DATE_FORMATS, source, "date_start")
    end = parse_dates(frame["date_end"], DATE_FORMATS, source, "date_end")
    reversed_ = end < start
    if reversed_.any():
        idx = reversed_.idxmax()
        raise bad_value(
            source, idx, "date_end", frame["date_end"][idx], "date_end is before date_start"
        )
    middle = start + ((end - start) // 2).dt.floor("D")
    low = parse_numbers(frame["low"], source, "low", integer=True, minimum=0)
    best = parse_numbers(frame["best"], source, "best", integer=True, minimum=0)
    high = parse_numbers(frame["high"], source, "high", integer=True, minimum=0)
    disordered = (low > best) | (best > high)
    if disordered.fillna(False).any():
        idx = disordered.fillna(False).idxmax()
        raise bad_value(source, idx, "best", frame["best"][idx], "expected low <= best <= high")
    # GED writes -1 or 0 when the count of sources is not known.
    n_sources = parse_numbers(frame["number_of_sources"], source, "number_of_sources", integer=True)
    n_sources = n_sources.where(n_sources > 0, pd.NA)
    sources, _ = join_sources(frame["source_office"])
    side_a = frame["side_a"]
    side_b = frame["side_b"]
    sides = map_sides(
        pd.concat([side_a, side_b]), spec.side_map, source, spec.side_map_name, spec.lexicon
    )
    date_text = frame["date_start"] + "/" + frame["date_end"]
    return assemble(
        {
            "event_id": ID_PREFIX + ":" + frame["id"],
            "event_date": middle,
            "date_start": start,
            "date_end": end,
            "date_precision": _code(frame, "date_prec", PRECISIONS, source),
            "date_text": date_text,
            "actor1": side_a,
            "actor1_side": sides.iloc[: len(frame)].set_axis(frame.index),
            "actor2": side_b,
            "actor2_side": sides.iloc[len(frame) :].set_axis(frame.index),
            "event_type": _code(frame, "type_of_violence", VIOLENCE_TYPES, source),
            "country": frame["country"],
            "admin1": frame["adm_1"],
            "location": frame["where_coordinates"],
            **parse_coordinates(frame, source),
            "fatalities_low": low,
            "fatalities_best": best,
            "fatalities_high": high,
            "number_of_sources": n_sources,
            "sources": sources,
            "origin": spec.origin,
            "review_status": IMPORTED,
        },
        frame.index,
    )


def import_files(
    paths: Iterable[str | os.PathLike],
    side_map: Mapping[str, str] | None = None,
    side_map_name: str = "the side map",
    origin: str = ORIGIN,
    known: Iterable[Format] = (),
    chunksize: int | None = None,
    lexicon: Mapping[str, str] | None = None,
) -> list[pd.DataFrame]:
    """Convert GED CSV files; returns one frame of event rows per file."""
    return convert_files(
        paths,
        lambda path: UcdpSpec(path, side_map, side_map_name, origin, lexicon),
        FORMAT,
        known,
        convert_chunk,
        chunksize,
    )
