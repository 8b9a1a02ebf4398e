"""Pick the importer of a format and run it over the input files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import yaml

from analysis.errors import UsageError
from analysis.importers import acled, gdelt, iraq, mapped, ucdp
from analysis.importers.common import finalize, lexicon_side_map, load_side_map

FORMATS = ("acled", "ucdp", "mapped", "iraq", "gdelt")
#: Formats recognisable from their header, to say which format a file looks like.
KNOWN = (acled.FORMAT, ucdp.FORMAT, iraq.FORMAT)
#: The project's actor lexicon, the default source of sides when no side map is given.
PROJECT_LEXICON = Path(__file__).resolve().parents[2] / "data" / "lexicon" / "actors.csv"


def import_events(
    fmt: str,
    paths: Iterable[str | os.PathLike],
    *,
    mapping: str | os.PathLike | None = None,
    origin: str | None = None,
    chunksize: int | None = None,
    lexicon: str | os.PathLike | None = PROJECT_LEXICON,
) -> pd.DataFrame:
    """Import external event files into one event table.

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    paths
        Input CSV files (plain or compressed).
    mapping
        YAML file: the side map (``acled``, ``ucdp``) or the column mapping (``mapped``,
        required there). Without a side map, actor names are looked up in ``lexicon``
        and the others get a code derived from the name.
    origin
        Value of the ``origin`` column; defaults to the format's (``acled``, ``ucdp-ged``,
        ``iraq-2006-2008``) or the mapping's name.
    chunksize
        Rows read at a time.
    lexicon
        Actor lexicon (``actors.csv``) used when there is no side map; ``None`` or a
        missing file means none.

    Returns
    -------
    Event rows sorted by ``(event_date, event_id)``.

    Raises
    ------
    UsageError
        For any problem with the inputs or the mapping; nothing is returned then.
    """
    paths = list(paths)
    if not paths:
        raise UsageError("no input file given")
    if fmt == "mapped":
        if mapping is None:
            raise UsageError("--format mapped needs --mapping FILE (a YAML column mapping)")
        frames = mapped.import_files(paths, mapped.load_mapping(mapping), origin, chunksize, KNOWN)
    elif fmt in ("acled", "ucdp"):
        module = acled if fmt == "acled" else ucdp
        side_map = load_side_map(mapping) if mapping is not None else None
        use_lexicon = side_map is None and lexicon is not None and Path(lexicon).is_file()
        frames = module.import_files(
            paths,
            side_map=side_map,
            side_map_name=f"the sides of {mapping}" if mapping else "the side map",
            origin=origin or module.ORIGIN,
            known=KNOWN,
            chunksize=chunksize,
            lexicon=lexicon_side_map(lexicon) if use_lexicon else None,
        )
    elif fmt == "iraq":
        if mapping is not None:
            raise UsageError("--format iraq takes no --mapping (its sides are fixed)")
        frames = iraq.import_files(paths, origin or iraq.ORIGIN, KNOWN, chunksize)
    elif fmt == "gdelt":
        frames = gdelt.import_files(paths, _gdelt_rule(mapping), origin or gdelt.ORIGIN, chunksize)
    else:
        raise UsageError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    return finalize(frames, what=", ".join(map(str, paths)))


def stream_events(
    fmt: str,
    paths: Iterable[str | os.PathLike],
    *,
    mapping: str | os.PathLike | None = None,
    origin: str | None = None,
    chunksize: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield converted event chunks without holding the whole input in memory.

    GDELT exports are converted chunk by chunk as they are read; the other formats are
    small enough in practice to be converted whole by :func:`import_events`. Feed the
    chunks to :func:`analysis.importers.parquet_sink.write_dataset`.
    """
    if fmt == "gdelt":
        yield from gdelt.iter_events(
            list(paths), _gdelt_rule(mapping), origin or gdelt.ORIGIN, chunksize
        )
    else:
        yield import_events(fmt, paths, mapping=mapping, origin=origin, chunksize=chunksize)


def _gdelt_rule(mapping: str | os.PathLike | None) -> gdelt.SideRule | None:
    if mapping is None:
        return None
    try:
        data = yaml.safe_load(Path(mapping).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise UsageError(f"{mapping}: cannot read the GDELT side rule: {err}") from err
    if not isinstance(data, dict):
        raise UsageError(f"{mapping}: the GDELT side rule must be a mapping of keys to values")
    return gdelt.load_side_rule(data)
