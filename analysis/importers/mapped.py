"""Any event CSV into the event table, as declared by a YAML mapping file.

A mapping names the data set, says which input column feeds which field, how values of the
actor or side columns translate to side codes, and which fields are the same on every row::

    name: example-incidents        # origin of the rows and prefix of their event ids
    date_format: "%d/%m/%Y"        # optional; ISO dates (2024-01-23) by default
    columns:                       # field -> column of the input file
      date: incident_date          # required
      side: perpetrator            # either `side` (the initiator's side) ...
      # actor1: attacker           # ... or `actor1` and optionally `actor2`
      # actor2: target
      fatalities: killed           # optional: id, injured, latitude, longitude, location,
      location: place              #   country, admin1, event_type, sub_event_type, weapon
    sides:                         # value of the side/actor column(s) -> side code
      Coalition: US_COALITION
      Insurgent group: INSURGENTS
    constants:                     # same value on every row
      actor2_side: INSURGENTS

The mapping is checked against :data:`MAPPING_SCHEMA` (a subset of JSON Schema) before any
row is read, so a typo in a key is reported with its path rather than silently ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import UsageError
from analysis.importers.common import (
    IMPORTED,
    SIDE_CODE,
    Format,
    assemble,
    check_side_table,
    clean,
    convert_file,
    load_yaml,
    map_sides,
    parse_dates,
    parse_numbers,
)

#: Input columns a mapping may name (``columns:`` keys).
COLUMN_KEYS = (
    "id",
    "date",
    "side",
    "actor1",
    "actor2",
    "fatalities",
    "injured",
    "latitude",
    "longitude",
    "location",
    "country",
    "admin1",
    "event_type",
    "sub_event_type",
    "weapon",
)
#: Fields a mapping may fix for every row (``constants:`` keys).
CONSTANT_KEYS = (
    "actor1",
    "actor1_side",
    "actor2",
    "actor2_side",
    "event_type",
    "sub_event_type",
    "weapon",
    "country",
    "admin1",
    "location",
)
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
_TEXT = {"type": "string", "minLength": 1}
_SIDE = {
    "type": "string",
    "pattern": SIDE_CODE.pattern,
    "description": "an upper-case side code like US_COALITION",
}

#: The shape of a mapping file, in the JSON Schema vocabulary that :func:`schema_errors`
#: understands (type, required, properties, additionalProperties, pattern, enum, minLength).
MAPPING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "columns"],
    "additionalProperties": False,
    "properties": {
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "description": "a lower-case name like example-incidents",
        },
        "description": {"type": "string"},
        "date_format": {
            "type": "string",
            "pattern": "%",
            "description": "a strptime format like %d/%m/%Y",
        },
        "columns": {
            "type": "object",
            "required": ["date"],
            "additionalProperties": False,
            "properties": {key: _TEXT for key in COLUMN_KEYS},
        },
        "sides": {"type": "object", "additionalProperties": _SIDE},
        "constants": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                **{key: _TEXT for key in CONSTANT_KEYS},
                "actor1_side": _SIDE,
                "actor2_side": _SIDE,
            },
        },
    },
}
_TYPES = {"object": dict, "string": str}


def schema_errors(value: Any, schema: Mapping[str, Any], path: str = "") -> list[str]:
    """Check ``value`` against a JSON-Schema-like ``schema``; return readable errors.

    Parameters
    ----------
    value
        The data read from YAML.
    schema
        Uses ``type`` (object, string), ``required``, ``properties``,
        ``additionalProperties`` (false or a schema), ``pattern``, ``enum``, ``minLength``,
        and ``description`` to say what a ``pattern`` stands for.
    path
        Dotted path of ``value`` in the file, for the messages.

    Returns
    -------
    One message per problem, each starting with the path of the key at fault.
    """
    where = path or "top level"
    expected = _TYPES[schema["type"]]
    if not isinstance(value, expected) or isinstance(value, bool):
        found = type(value).__name__ if value is not None else "nothing"
        hint = (
            " (YAML reads unquoted yes/no/on/off as booleans: quote it)"
            if isinstance(value, bool)
            else ""
        )
        return [f"{where}: expected {schema['type']}, found {found}{hint}"]
    if schema["type"] == "string":
        errors = []
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: must not be empty")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            wanted = schema.get("description", f"text matching {schema['pattern']}")
            errors.append(f"{where}: {value!r} is not {wanted}")
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{where}: {value!r} is not one of {', '.join(schema['enum'])}")
        return errors
    errors = []
    props = schema.get("properties", {})
    for key in schema.get("required", []):
        if key not in value:
            errors.append(f"{path + '.' if path else ''}{key}: missing required key")
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        sub = f"{path}.{key}" if path else str(key)
        if key in props:
            errors.extend(schema_errors(item, props[key], sub))
        elif extra is False:
            allowed = ", ".join(props)
            errors.append(f"{sub}: unknown key (allowed here: {allowed})")
        elif isinstance(extra, dict):
            errors.extend(schema_errors(item, extra, sub))
    return errors


@dataclass(frozen=True)
class ColumnMapping:
    """A checked mapping file.

    Attributes
    ----------
    name
        Data set name: ``origin`` of the rows and prefix of their ids.
    columns
        Field -> input column.
    sides
        Value of the side or actor columns -> side code.
    constants
        Field -> value on every row.
    date_format
        ``strptime`` format of the date column.
    path
        The mapping file, for messages.
    """

    name: str
    columns: dict[str, str]
    sides: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    date_format: str = "%Y-%m-%d"
    path: str = "mapping"


def check_mapping(data: Any, path: str = "mapping") -> ColumnMapping:
    """Check mapping data read from YAML and return it as a :class:`ColumnMapping`.

    Raises
    ------
    UsageError
        Listing every problem: unknown or missing keys, wrong types, contradictions (both
        ``side`` and ``actor1``, a field given as both a column and a constant, side columns
        without a ``sides`` table).
    """
    errors = schema_errors(data, MAPPING_SCHEMA)
    if not errors:
        columns = data["columns"]
        constants = data.get("constants", {})
        if "side" in columns and "actor1" in columns:
            errors.append("columns: give one of 'side' or 'actor1', not both")
        if not {"side", "actor1"} & set(columns) and "actor1_side" not in constants:
            errors.append("columns: missing 'side' or 'actor1' (or give constants.actor1_side)")
        if "side" in columns and "actor2" in columns:
            errors.append("columns: 'actor2' goes with 'actor1', not with 'side'")
        derived = set(columns) | ({"actor1_side"} if "side" in columns else set())
        derived |= {"actor1_side"} if "actor1" in columns else set()
        derived |= {"actor2_side"} if "actor2" in columns else set()
        clash = sorted(derived & set(constants))
        if clash:
            errors.append(f"constants: {', '.join(clash)} also come(s) from a column")
        uses_sides = {"side", "actor1", "actor2"} & set(columns)
        if uses_sides and "sides" not in data:
            errors.append("sides: missing required key (side codes of the side/actor values)")
    if errors:
        raise UsageError(f"{path}: invalid mapping:\n  " + "\n  ".join(errors))
    sides = check_side_table(data["sides"], f"{path} (sides)") if "sides" in data else {}
    return ColumnMapping(
        name=data["name"],
        columns=dict(data["columns"]),
        sides=sides,
        constants=dict(data.get("constants", {})),
        date_format=data.get("date_format", "%Y-%m-%d"),
        path=path,
    )


def load_mapping(path: str | os.PathLike) -> ColumnMapping:
    """Read and check a mapping file (see the module documentation for its shape)."""
    return check_mapping(load_yaml(path), str(path))


def input_format(mapping: ColumnMapping) -> Format:
    """The header a file must have for ``mapping``: the columns it names."""
    return Format(
        name=f"mapped ({mapping.path})",
        required=tuple(dict.fromkeys(mapping.columns.values())),
        signature=frozenset(),
    )


@dataclass(frozen=True)
class MappedSpec:
    """How to convert rows of one file: the mapping, the file name and the origin."""

    source: str
    mapping: ColumnMapping
    origin: str


def convert_chunk(frame: pd.DataFrame, spec: MappedSpec) -> pd.DataFrame:
    """Convert one chunk of a mapped CSV (text columns) to event rows.

    One reported figure of fatalities or injuries goes to ``*_best``; low and high stay
    unknown. Without an ``id`` column the event id is ``<origin>:<file stem>:<record>``.
    """
    m, source = spec.mapping, spec.source
    cols = m.columns
    where = f"the 'sides' table of {m.path}"

    frame = clean(frame, cols.values())

    def column(key: str) -> pd.Series:
        return frame[cols[key]]

    dates = parse_dates(frame[cols["date"]], (m.date_format,), source, cols["date"])
    if "id" in cols:
        event_id = spec.origin + ":" + column("id")
    else:
        stem = Path(source).name.split(".")[0]
        record = pd.Series(frame.index + 1, index=frame.index).map("{:06d}".format)
        event_id = f"{spec.origin}:{stem}:" + record
    fields: dict[str, Any] = {
        "event_id": event_id,
        "event_date": dates,
        "date_start": dates,
        "date_end": dates,
        "date_precision": "day",
        "date_text": column("date"),
        "origin": spec.origin,
        "review_status": IMPORTED,
    }
    actor_keys = (
        ("side",) if "side" in cols else tuple(k for k in ("actor1", "actor2") if k in cols)
    )
    actors = [column(k) for k in actor_keys]
    sides = map_sides(pd.concat(actors), m.sides, source, where) if actors else None
    for i, key in enumerate(actor_keys):
        target = "actor1" if key == "side" else key
        fields[target] = actors[i]
        fields[f"{target}_side"] = sides.iloc[i * len(frame) : (i + 1) * len(frame)].set_axis(
            frame.index
        )
    for key in ("location", "country", "admin1", "event_type", "sub_event_type", "weapon"):
        if key in cols:
            fields[key] = column(key)
    for key, target in (("fatalities", "fatalities_best"), ("injured", "injured_best")):
        if key in cols:
            fields[target] = parse_numbers(
                frame[cols[key]], source, cols[key], integer=True, minimum=0
            )
    for key, bound in (("latitude", 90), ("longitude", 180)):
        if key in cols:
            fields[key] = parse_numbers(
                frame[cols[key]], source, cols[key], minimum=-bound, maximum=bound
            )
    fields.update(m.constants)
    return assemble(fields, frame.index)


def import_files(
    paths: Iterable[str | os.PathLike],
    mapping: ColumnMapping,
    origin: str | None = None,
    chunksize: int | None = None,
    known: Iterable[Format] = (),
) -> list[pd.DataFrame]:
    """Convert CSV files described by ``mapping``; returns one frame of event rows per file."""
    fmt = input_format(mapping)
    frames = []
    for path in paths:
        spec = MappedSpec(str(path), mapping, origin or mapping.name)
        kwargs = {"chunksize": chunksize} if chunksize else {}
        frames.append(
            convert_file(
                path,
                fmt,
                known,
                lambda c, s=spec: convert_chunk(c, s),
                usecols=fmt.required,
                **kwargs,
            )
        )
    return frames
