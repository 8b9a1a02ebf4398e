"""ACLED exports (Armed Conflict Location & Event Data) into the event table.

ACLED codes ``actor1`` and ``actor2`` without saying who started an event; the project reads
ACLED's ``actor1`` as the initiator, which matches ACLED's own ordering for attacks and
strikes. ACLED reports fatalities only (a conservative single figure, kept as
``fatalities_best``; low and high stay unknown) and no injuries.
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

ORIGIN = "acled"
ID_PREFIX = "acled"
#: Current exports write ISO dates; older ones wrote "23 January 2024".
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y")
#: ACLED ``time_precision``: 1 the day is known, 2 the week, 3 the month.
PRECISIONS = {"1": "day", "2": "week", "3": "month"}
#: ACLED records a week-precise event on a day in that week; the interval is that day +- 3.
WEEK_HALF_WIDTH = pd.Timedelta(days=3)

FORMAT = Format(
    name="acled",
    required=(
        "event_id_cnty",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "source",
        "fatalities",
    ),
    signature=frozenset({"event_id_cnty", "time_precision", "inter1"}),
)


@dataclass(frozen=True)
class AcledSpec:
    """How to convert ACLED rows.

    Attributes
    ----------
    source
        File name used in error messages.
    side_map
        Actor name -> side code; every actor must be in it. ``None``: look names up in
        ``lexicon``, else derive codes from the names.
    side_map_name
        Where the side map came from, for error messages.
    origin
        Value of the ``origin`` column.
    lexicon
        Case-folded actor name or alias -> side code, used when there is no side map.
    """

    source: str
    side_map: Mapping[str, str] | None = None
    side_map_name: str = "the side map"
    origin: str = ORIGIN
    lexicon: Mapping[str, str] | None = None


def date_intervals(dates: pd.Series, precision: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Interval ``(date_start, date_end)`` that ACLED's date and precision stand for.

    Day: the date itself. Week: the date +- 3 days. Month: the calendar month of the date.
    """
    start = dates.copy()
    end = dates.copy()
    week = precision == "week"
    start[week] = dates[week] - WEEK_HALF_WIDTH
    end[week] = dates[week] + WEEK_HALF_WIDTH
    month = precision == "month"
    start[month] = dates[month].dt.to_period("M").dt.start_time
    end[month] = dates[month].dt.to_period("M").dt.end_time.dt.normalize()
    return start, end


def convert_chunk(frame: pd.DataFrame, spec: AcledSpec) -> pd.DataFrame:
    """Convert one chunk of an ACLED export (text columns) to event rows.

    Parameters
    ----------
    frame
        Raw rows with ACLED's column names; the index is the 0-based record number.
    spec
        Side map, origin and the file name for error messages.

    Returns
    -------
    Event rows in the project's schema, in the order of ``frame``.
    """
    frame = clean(frame, FORMAT.required)
    source = spec.source
    dates = parse_dates(frame["event_date"], DATE_FORMATS, source, "event_date")
    codes = frame["time_precision"]
    precision = codes.map(PRECISIONS)
    if precision.isna().any():
        idx = precision.isna().idxmax()
        raise bad_value(source, idx, "time_precision", codes[idx], "expected 1, 2 or 3")
    start, end = date_intervals(dates, precision)
    sources, n_sources = join_sources(frame["source"])
    actor1 = frame["actor1"]
    actor2 = frame["actor2"]
    sides = map_sides(
        pd.concat([actor1, actor2]), spec.side_map, source, spec.side_map_name, spec.lexicon
    )
    return assemble(
        {
            "event_id": ID_PREFIX + ":" + frame["event_id_cnty"],
            "event_date": dates,
            "date_start": start,
            "date_end": end,
            "date_precision": precision.astype(object),
            "date_text": frame["event_date"],
            "actor1": actor1,
            "actor1_side": sides.iloc[: len(frame)].set_axis(frame.index),
            "actor2": actor2,
            "actor2_side": sides.iloc[len(frame) :].set_axis(frame.index),
            "event_type": frame["event_type"],
            "sub_event_type": frame["sub_event_type"],
            "country": frame["country"],
            "admin1": frame["admin1"],
            "location": frame["location"],
            **parse_coordinates(frame, source),
            "fatalities_best": parse_numbers(
                frame["fatalities"], source, "fatalities", integer=True, minimum=0
            ),
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
    """Convert ACLED export files; returns one frame of event rows per file."""
    return convert_files(
        paths,
        lambda path: AcledSpec(path, side_map, side_map_name, origin, lexicon),
        FORMAT,
        known,
        convert_chunk,
        chunksize,
    )
