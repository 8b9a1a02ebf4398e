"""The Iraq 2007-2008 airstrike and insurgency files (R package geocausal) into the event table.

Each file has one row per event and the columns ``date, longitude, latitude, type``. The
``type`` decides who acted:

- ``Airstrike`` and ``SOF`` (show of force: aircraft flown low over a position without
  releasing a weapon) are coalition air operations against insurgents;
- ``IED``, ``SAF`` (small-arms fire) and ``other`` are insurgent attacks on coalition and
  Iraqi forces.

The data name no actors beyond these sides and count no casualties, so casualty columns
stay empty (unknown, not zero). Each ``type`` has its own ``sub_event_type`` (``Air/drone
strike``, ``Show of force``, ``Remote explosive/landmine/IED``, ``Armed clash``, ``Other``) so
that analyses can filter, e.g. drop shows of force, in which no weapon was released.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.importers.common import (
    IMPORTED,
    Format,
    assemble,
    bad_value,
    clean,
    convert_file,
    parse_coordinates,
    parse_dates,
)

ORIGIN = "iraq-2006-2008"
ID_PREFIX = "iraq"
COALITION = "US_COALITION"
INSURGENTS = "INSURGENTS"
#: Names of the files shipped in ``data/external/iraq-2007-2008/``.
SHIPPED_FILES = ("airstrikes.csv.gz", "insurgencies.csv.gz")
SOURCE_NAME = "geocausal-0.4.2"

#: type -> (kind letter of the event id, actor1, actor1_side, actor2, actor2_side,
#: event_type, sub_event_type). The kind letter keeps ids of the two files apart.
TYPES = {
    "Airstrike": (
        "A",
        "Coalition air forces",
        COALITION,
        "Insurgents",
        INSURGENTS,
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    "SOF": (
        "A",
        "Coalition air forces",
        COALITION,
        "Insurgents",
        INSURGENTS,
        "Strategic developments",
        "Show of force",
    ),
    "IED": (
        "I",
        "Insurgents",
        INSURGENTS,
        "Coalition and Iraqi forces",
        COALITION,
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    "SAF": (
        "I",
        "Insurgents",
        INSURGENTS,
        "Coalition and Iraqi forces",
        COALITION,
        "Battles",
        "Armed clash",
    ),
    "other": (
        "I",
        "Insurgents",
        INSURGENTS,
        "Coalition and Iraqi forces",
        COALITION,
        "Other",
        "Other",
    ),
}
#: What the source's ``type`` says, kept in ``weapon`` where the data say it.
WEAPONS = {"Airstrike": "air-delivered munition", "IED": "IED", "SAF": "small arms"}
FIELDS = ("kind", "actor1", "actor1_side", "actor2", "actor2_side", "event_type", "sub_event_type")

FORMAT = Format(
    name="iraq",
    required=("date", "longitude", "latitude", "type"),
    signature=frozenset({"date", "longitude", "latitude", "type"}),
    exact=True,
)


@dataclass(frozen=True)
class IraqSpec:
    """How to convert rows of one geocausal file.

    Attributes
    ----------
    source
        File name used in error messages.
    dataset
        Name of the source data set (``airstrikes``, ``insurgencies``), kept in ``sources``.
    origin
        Value of the ``origin`` column.
    """

    source: str
    dataset: str
    origin: str = ORIGIN


def dataset_name(path: str | os.PathLike) -> str:
    """Data set name of a file: its name without the ``.csv``/``.csv.gz`` suffixes."""
    name = Path(path).name
    for suffix in (".gz", ".csv"):
        name = name.removesuffix(suffix)
    return name


def convert_chunk(frame: pd.DataFrame, spec: IraqSpec) -> pd.DataFrame:
    """Convert one chunk of a geocausal file to event rows.

    The event id is ``iraq:<date>:<A|I>:<record number>`` with the 1-based record number in
    its file, so ids stay put when the files are re-imported.
    """
    frame = clean(frame, FORMAT.required)
    source = spec.source
    kinds = frame["type"]
    unknown = ~kinds.isin(list(TYPES))
    if unknown.any():
        idx = unknown.idxmax()
        raise bad_value(source, idx, "type", kinds[idx], f"expected one of {', '.join(TYPES)}")
    dates = parse_dates(frame["date"], ("%Y-%m-%d",), source, "date")
    coded = pd.DataFrame(kinds.map(TYPES).tolist(), index=frame.index, columns=FIELDS)
    record = pd.Series(frame.index + 1, index=frame.index).map("{:06d}".format)
    event_id = ID_PREFIX + ":" + dates.dt.strftime("%Y-%m-%d") + ":" + coded["kind"] + ":" + record
    columns = {field: coded[field] for field in FIELDS[1:]}
    return assemble(
        {
            "event_id": event_id,
            "event_date": dates,
            "date_start": dates,
            "date_end": dates,
            "date_precision": "day",
            "date_text": frame["date"],
            **columns,
            "weapon": kinds.map(WEAPONS).fillna("").astype(object),
            "country": "Iraq",
            **parse_coordinates(frame, source),
            "sources": f"{SOURCE_NAME}:{spec.dataset}",
            "number_of_sources": 1,
            "origin": spec.origin,
            "review_status": IMPORTED,
        },
        frame.index,
    )


def import_files(
    paths: Iterable[str | os.PathLike],
    origin: str = ORIGIN,
    known: Iterable[Format] = (),
    chunksize: int | None = None,
) -> list[pd.DataFrame]:
    """Convert geocausal CSV files (plain or gzip); returns one frame per file."""
    frames = []
    for path in paths:
        spec = IraqSpec(str(path), dataset_name(path), origin)
        kwargs = {"chunksize": chunksize} if chunksize else {}
        frames.append(
            convert_file(path, FORMAT, known, lambda c, s=spec: convert_chunk(c, s), **kwargs)
        )
    return frames


def shipped_paths(root: str | os.PathLike) -> list[Path]:
    """Paths of the shipped geocausal files under the project root ``root``."""
    base = Path(root) / "data" / "external" / "iraq-2007-2008"
    return [base / name for name in SHIPPED_FILES]
