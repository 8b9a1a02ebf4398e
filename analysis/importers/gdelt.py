"""GDELT 2.0 events export: tab-separated, no header, 61 columns; material conflict only.

Kept rows: ``QuadClass`` 4 (material conflict) or a CAMEO root code 18 (assault), 19
(fight) or 20 (unconventional mass violence). CAMEO codes stay text with their leading
zeros (``"0211"`` is not ``211``). Sides are built from an actor's country code and first
type code, ``"USA" + "MIL" -> "USA_MIL"`` (:class:`SideRule`; an optional map renames such
codes, e.g. ``USA_MIL: US_COALITION``). GDELT does not count the dead: fatalities are
unknown, never zero. Files of any size stream through in chunks (:func:`read_chunks`).
"""

from __future__ import annotations

import csv
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import UsageError
from analysis.importers.common import (
    DEFAULT_CHUNKSIZE,
    IMPORTED,
    assemble,
    bad_value,
    check_text,
    convert_skipping,
    parse_coordinates,
    parse_dates,
    parse_numbers,
    text,
)

ORIGIN = "gdelt"
ID_PREFIX = "gdelt"
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
#: The 61 columns of a GDELT 2.0 events export, in file order.
GDELT_COLUMNS = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR)
    + tuple(f"Actor2{c}" for c in _ACTOR)
    + (
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    )
    + tuple(f"Actor1Geo_{c}" for c in _GEO)
    + tuple(f"Actor2Geo_{c}" for c in _GEO)
    + tuple(f"ActionGeo_{c}" for c in _GEO)
    + ("DATEADDED", "SOURCEURL")
)
MATERIAL_CONFLICT_QUAD = "4"
MATERIAL_CONFLICT_ROOTS = ("18", "19", "20")
#: CAMEO root codes of material conflict and their names (the ``sub_event_type``).
ROOT_NAMES = {
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Unconventional mass violence",
}
_CODE_PART = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True)
class SideRule:
    """How an actor's GDELT codes become a side code.

    Attributes
    ----------
    use_country, use_type
        Build the code from the country code (``USA``), the first type code (``MIL``), or
        both joined by ``_`` (``USA_MIL``). An actor without any of the used codes has no
        side (``""``).
    rename
        Optional map from built codes to the project's sides (``{"USA_MIL":
        "US_COALITION"}``); codes not in it are kept as built.
    """

    use_country: bool = True
    use_type: bool = True
    rename: Mapping[str, str] = field(default_factory=dict)

    def sides(self, country: pd.Series, type1: pd.Series) -> pd.Series:
        """Side codes for aligned series of country and type codes."""
        parts = []
        if self.use_country:
            parts.append(text(country).str.upper().str.replace(_CODE_PART, "", regex=True))
        if self.use_type:
            parts.append(text(type1).str.upper().str.replace(_CODE_PART, "", regex=True))
        if not parts:
            raise UsageError("a GDELT side rule must use the country code, the type code or both")
        joined = parts[0]
        for extra in parts[1:]:
            joined = joined.str.cat(extra, sep="_")
        joined = joined.str.strip("_")
        # A code may not start with a digit (side codes are like US_COALITION).
        joined = joined.where(~joined.str.match(r"^[0-9]"), "X" + joined)
        if self.rename:
            joined = joined.map(lambda c: self.rename.get(c, c))
        return joined.astype(object)


@dataclass(frozen=True)
class GdeltSpec:
    """How to convert GDELT rows: file name for errors, origin and the side rule."""

    source: str
    origin: str = ORIGIN
    sides: SideRule = field(default_factory=SideRule)


def is_material_conflict(frame: pd.DataFrame) -> pd.Series:
    """Rows of material conflict: QuadClass 4 or CAMEO root 18, 19 or 20."""
    root = text(frame["EventRootCode"]).str.zfill(2)
    return (text(frame["QuadClass"]) == MATERIAL_CONFLICT_QUAD) | root.isin(MATERIAL_CONFLICT_ROOTS)


def convert_chunk(frame: pd.DataFrame, spec: GdeltSpec) -> pd.DataFrame:
    """Convert one chunk of a GDELT export (all columns text) to event rows.

    Parameters
    ----------
    frame
        Raw rows with :data:`GDELT_COLUMNS`, as :func:`read_chunks` yields them (index:
        line number - 2, so that error messages name the file's line).
    spec
        File name, origin and side rule.

    Returns
    -------
    Event rows of the material-conflict records, in file order.
    """
    frame = frame[is_material_conflict(frame)]
    source = spec.source
    ids = text(frame["GLOBALEVENTID"])
    bad_id = ~ids.str.fullmatch(r"[0-9]+")
    if bad_id.any():
        idx = bad_id.idxmax()
        raise bad_value(source, idx, "GLOBALEVENTID", ids[idx], "expected a whole number")
    dates = parse_dates(frame["SQLDATE"], ("%Y%m%d",), source, "SQLDATE")
    root = text(frame["EventRootCode"]).str.zfill(2)
    side1 = spec.sides.sides(frame["Actor1CountryCode"], frame["Actor1Type1Code"])
    side2 = spec.sides.sides(frame["Actor2CountryCode"], frame["Actor2Type1Code"])
    n_sources = parse_numbers(frame["NumSources"], source, "NumSources", integer=True, minimum=0)
    url = text(frame["SOURCEURL"])
    return assemble(
        {
            "event_id": ID_PREFIX + ":" + ids,
            "event_date": dates,
            "date_start": dates,
            "date_end": dates,
            "date_precision": "day",
            "date_text": text(frame["SQLDATE"]),
            "actor1": text(frame["Actor1Name"]),
            "actor1_side": side1,
            "actor2": text(frame["Actor2Name"]),
            "actor2_side": side2,
            "event_type": "Material conflict",
            "sub_event_type": root.map(lambda r: ROOT_NAMES.get(r, f"CAMEO {r}")).astype(object),
            "cameo_code": text(frame["EventCode"]),
            "country": text(frame["ActionGeo_CountryCode"]),
            "admin1": text(frame["ActionGeo_ADM1Code"]),
            "location": text(frame["ActionGeo_FullName"]),
            **parse_coordinates(frame, source, "ActionGeo_Lat", "ActionGeo_Long"),
            "number_of_sources": n_sources,
            "sources": url,
            "origin": spec.origin,
            "review_status": IMPORTED,
        },
        frame.index,
    )


def read_chunks(
    path: str | os.PathLike, chunksize: int = DEFAULT_CHUNKSIZE
) -> Iterator[pd.DataFrame]:
    """Yield chunks of a GDELT export (plain or compressed) with every value as text.

    Raises
    ------
    UsageError
        If the file is missing or empty, or a record does not have 61 tab-separated
        fields (the message names the line).
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    reader = pd.read_csv(
        path,
        sep="\t",
        header=None,
        names=list(GDELT_COLUMNS),
        dtype=str,
        keep_default_na=False,
        quoting=csv.QUOTE_NONE,
        chunksize=chunksize,
        on_bad_lines="error",
        # Bad bytes become U+FFFD and are reported with their record by check_text.
        encoding_errors="replace",
    )
    rows = 0
    try:
        for chunk in reader:
            # Short records are padded by pandas, so a GDELT 1.0 file (57 or 58 fields) or a
            # cut line shows as a DATEADDED that is not a YYYYMMDDHHMMSS time stamp.
            added = chunk["DATEADDED"].fillna("").astype(str)
            short = ~added.str.fullmatch(r"[0-9]{14}")
            if short.any():
                line = int(chunk.index[short.to_numpy().argmax()]) + 1
                raise UsageError(
                    f"{path}, line {line}: fewer than {len(GDELT_COLUMNS)} tab-separated "
                    "fields or no DATEADDED time stamp (is this a GDELT 2.0 events export?)"
                )
            rows += len(chunk)
            # The shared error messages add a header line (record n on line n + 2); GDELT
            # has none, so index by record number - 1 to name the right line.
            chunk.index = chunk.index - 1
            yield chunk.astype(object)
    except pd.errors.ParserError as err:
        raise UsageError(
            f"{path}: more than {len(GDELT_COLUMNS)} fields after record {rows} ({err})"
        ) from None
    except pd.errors.EmptyDataError:
        raise UsageError(f"{path}: the file is empty") from None
    except (OSError, EOFError, zlib.error) as err:
        raise UsageError(
            f"{path}: cannot read past record {rows} (line {rows + 1}), field compression "
            f"({' '.join(str(err).split())[:200]}); the file is truncated or damaged, "
            "download it again"
        ) from None
    if rows == 0:
        raise UsageError(f"{path}: the file has no records")


def iter_events(
    paths: Iterable[str | os.PathLike],
    sides: SideRule | None = None,
    origin: str = ORIGIN,
    chunksize: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Stream event rows from GDELT exports, one converted chunk at a time.

    Feed the chunks to :func:`analysis.importers.parquet_sink.write_dataset` to convert
    files larger than memory.
    """
    for path in paths:
        spec = GdeltSpec(str(path), origin, sides or SideRule())
        for chunk in read_chunks(path, chunksize or DEFAULT_CHUNKSIZE):
            converted = convert_skipping(chunk, lambda c, s=spec: _checked(c, s))
            if len(converted):
                yield converted


def _checked(chunk: pd.DataFrame, spec: GdeltSpec) -> pd.DataFrame:
    check_text(chunk, spec.source)
    return convert_chunk(chunk, spec)


def import_files(
    paths: Iterable[str | os.PathLike],
    sides: SideRule | None = None,
    origin: str = ORIGIN,
    chunksize: int | None = None,
) -> list[pd.DataFrame]:
    """Convert GDELT exports into memory; one frame of event rows per chunk."""
    return list(iter_events(paths, sides, origin, chunksize))


def load_side_rule(mapping: Mapping | None) -> SideRule:
    """Side rule from a parsed YAML mapping: ``use_country``, ``use_type``, ``rename``."""
    if mapping is None:
        return SideRule()
    allowed = {"use_country", "use_type", "rename", "description"}
    unknown = sorted(set(map(str, mapping)) - allowed)
    if unknown:
        raise UsageError(f"GDELT side rule: unknown key(s) {', '.join(unknown)}")
    rename = mapping.get("rename") or {}
    if not isinstance(rename, dict):
        raise UsageError("GDELT side rule: 'rename' must map built codes to sides")
    return SideRule(
        use_country=bool(mapping.get("use_country", True)),
        use_type=bool(mapping.get("use_type", True)),
        rename={str(k): str(v) for k, v in rename.items()},
    )
