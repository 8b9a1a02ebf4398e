"""Hand corrections of the event table, applied after reconciliation.

``data/codings/overrides.csv`` has the columns ``target_id,field,value,reason``; each row
names an event by its ``event_id`` and either

- sets one field of it (``field`` is an event-table column, ``value`` the new value,
  empty for unknown);
- ``drop``: removes the event (its mentions stay in ``mentions.csv`` with an empty
  ``event_id``); ``value`` is left empty;
- ``merge_into``: merges the event into the event named in ``value``; the merged event is
  recomputed from all their mentions and keeps the id in ``value``.

Merges and drops are applied to the clusters of mentions, field values to the finished
rows; an overridden event's ``review_status`` starts with ``override``. Every row needs a
``reason``. A row naming an unknown event or field is an error (file and line).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis.errors import UsageError
from analysis.events.reconcile import Cluster
from analysis.schema import (
    DATE_COLUMNS,
    EARLIEST_DATE,
    EVENT_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    MAX_COUNT,
    SIDE_PATTERN,
)

COLUMNS = ("target_id", "field", "value", "reason")
DROP, MERGE_INTO = "drop", "merge_into"
#: Columns computed from the mentions that no override may set.
DERIVED = ("event_id", "number_of_sources", "sources", "origin", "review_status")
SETTABLE = tuple(c for c in EVENT_COLUMNS if c not in DERIVED)
#: review_status flag -> fields whose override settles it.
_SETTLES = {"date_conflict": DATE_COLUMNS, "weapon_conflict": ("weapon",)}


@dataclass(frozen=True)
class Override:
    """One row of the overrides file; ``value`` already parsed for its field."""

    target_id: str
    field: str
    value: object
    reason: str
    line: int


@dataclass(frozen=True)
class Overrides:
    """The rows of one overrides file, with the file's name for messages."""

    path: str
    rows: tuple[Override, ...] = ()

    def where(self, row: Override) -> str:
        """``file line N`` of a row."""
        return f"{self.path} line {row.line}"


def _parse(field: str, raw: str) -> object:
    """Typed value of ``raw`` for ``field``; raises ``ValueError`` with the expectation."""
    if field in (DROP, MERGE_INTO):
        if field == MERGE_INTO and not raw:
            raise ValueError("merge_into needs the id of the event to merge into")
        return raw
    if raw == "":
        return None if field in INT_COLUMNS + FLOAT_COLUMNS + DATE_COLUMNS else ""
    if field in DATE_COLUMNS:
        try:
            day = dt.date.fromisoformat(raw) if len(raw) == 10 else _bad("an ISO date")
        except ValueError:
            _bad("an ISO date (YYYY-MM-DD)")
        if not dt.date.fromisoformat(EARLIEST_DATE) <= day <= dt.date.today():
            _bad(f"a date from {EARLIEST_DATE} to today")
        return day
    if field in INT_COLUMNS:
        if not raw.isdigit() or int(raw) > MAX_COUNT:
            _bad(f"a whole number from 0 to {MAX_COUNT}")
        return int(raw)
    if field in FLOAT_COLUMNS:
        try:
            return float(raw)
        except ValueError:
            _bad("a number")
    if field.endswith("_side") and not re.match(SIDE_PATTERN, raw):
        _bad("an upper-case side code such as US_COALITION")
    return raw


def _bad(expected: str):
    raise ValueError(f"expected {expected}")


def load_overrides(path: str | Path) -> Overrides:
    """Read and check an overrides file.

    Raises
    ------
    UsageError
        Listing every bad row (file and line): missing column, unknown field, missing
        reason, a value of the wrong type, the same (event, field) twice.
    """
    path = Path(path)
    try:
        # utf-8-sig: a byte-order mark is not part of the first column's name.
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: overrides file not found; pass --no-overrides") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8; re-save it as UTF-8") from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageError(
            f"{path} line 1: missing column(s) {', '.join(missing)}; "
            f"the header must be {','.join(COLUMNS)}"
        )
    rows, problems, seen = [], [], {}
    for raw in reader:
        where = f"{path} line {reader.line_num}"
        values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        target, field = values["target_id"], values["field"]
        if raw.get(None):
            problems.append(
                f"{where}: {len(raw[None])} field(s) more than the header; quote a reason "
                "that holds commas"
            )
            continue
        if not target:
            problems.append(f"{where}: target_id is empty; give the event_id to correct")
            continue
        if field not in SETTABLE + (DROP, MERGE_INTO):
            problems.append(
                f"{where}: unknown field {field!r}; use drop, merge_into or one of "
                + ", ".join(SETTABLE)
            )
            continue
        if not values["reason"]:
            problems.append(f"{where}: reason is empty; say why the correction is needed")
            continue
        if (target, field) in seen:
            problems.append(f"{where}: {target} {field} already set on line {seen[target, field]}")
            continue
        try:
            value = _parse(field, values["value"])
        except ValueError as err:
            problems.append(f"{where}: bad value {values['value']!r} for {field}: {err}")
            continue
        seen[target, field] = reader.line_num
        rows.append(Override(target, field, value, values["reason"], reader.line_num))
    if problems:
        raise UsageError("\n".join(problems))
    return Overrides(str(path), tuple(rows))


def check_targets(overrides: Overrides, event_ids: set[str]) -> None:
    """Raise :class:`UsageError` for rows naming an event that the build did not produce."""
    problems = []
    for row in overrides.rows:
        named = [row.target_id] + ([row.value] if row.field == MERGE_INTO else [])
        for event_id in named:
            if event_id not in event_ids:
                problems.append(
                    f"{overrides.where(row)}: unknown event id {event_id!r}; "
                    "see data/processed/events.csv (built with --no-overrides) for the ids"
                )
    if problems:
        raise UsageError("\n".join(problems))


def _merge_target(row_of: dict[str, Override], event_id: str, overrides: Overrides) -> str:
    path = [event_id]
    while event_id in row_of:
        event_id = row_of[event_id].value
        if event_id in path:
            row = row_of[path[0]]
            raise UsageError(f"{overrides.where(row)}: merge_into forms a cycle: {path}")
        path.append(event_id)
    return event_id


def apply_structure(clusters: Sequence[Cluster], overrides: Overrides) -> list[Cluster]:
    """Apply the ``drop`` and ``merge_into`` rows to the clusters of mentions.

    Returns
    -------
    The remaining clusters, sorted by event id; a merged cluster keeps the id it was
    merged into.
    """
    by_id = {c.event_id: c for c in clusters}
    check_targets(overrides, set(by_id))
    merges = {r.target_id: r for r in overrides.rows if r.field == MERGE_INTO}
    dropped = {r.target_id for r in overrides.rows if r.field == DROP}
    grouped: dict[str, list[Cluster]] = {}
    for event_id, cluster in by_id.items():
        grouped.setdefault(_merge_target(merges, event_id, overrides), []).append(cluster)
    out = []
    for into, parts in sorted(grouped.items()):
        if into in dropped:
            continue
        members = tuple(sorted({m for c in parts for m in c.members}, key=lambda m: m.mention_id))
        own = {m.mention_id for m in members}
        shared = {m for c in parts for m in c.shared if m.mention_id not in own}
        umbrellas = frozenset(i for c in parts for i in c.umbrella_ids)
        merged = Cluster(
            members, tuple(sorted(shared, key=lambda m: m.mention_id)), umbrella_ids=umbrellas
        )
        out.append(replace(merged, assigned_id=into) if len(parts) > 1 else parts[0])
    return sorted(out, key=lambda c: c.event_id)


def _frame_value(field: str, value: object) -> object:
    if field in DATE_COLUMNS:
        return pd.NaT if value is None else pd.Timestamp(value)
    if field in INT_COLUMNS:
        return pd.NA if value is None else value
    if field in FLOAT_COLUMNS:
        return float("nan") if value is None else value
    return value


def apply_fields(events: pd.DataFrame, overrides: Overrides) -> pd.DataFrame:
    """Set the overridden field values and mark the events' ``review_status``.

    Rows that target an event removed by ``drop`` or ``merge_into`` are skipped (they are
    reported by :func:`check_targets` only when the id never existed).

    Returns
    -------
    A new DataFrame; ``events`` is not modified.
    """
    events = events.copy()
    position = {event_id: i for i, event_id in enumerate(events["event_id"])}
    touched: dict[str, set[str]] = {}
    merged_into = {r.value for r in overrides.rows if r.field == MERGE_INTO}
    for row in overrides.rows:
        if row.field in (DROP, MERGE_INTO) or row.target_id not in position:
            continue
        events.iloc[position[row.target_id], events.columns.get_loc(row.field)] = _frame_value(
            row.field, row.value
        )
        touched.setdefault(row.target_id, set()).add(row.field)
    for event_id in sorted(set(touched) | (merged_into & set(position))):
        i = position[event_id]
        flags = str(events.iloc[i, events.columns.get_loc("review_status")]).split(";")[1:]
        fields = touched.get(event_id, set())
        kept = [f for f in flags if not fields & set(_SETTLES.get(f, ()))]
        events.iloc[i, events.columns.get_loc("review_status")] = ";".join(["override", *kept])
    return events
