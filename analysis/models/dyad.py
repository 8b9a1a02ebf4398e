"""Select one dyad's events: the unit every analysis works on.

A dyad is two sides, ``side_a`` and ``side_b``. An event belongs to side A when side A
initiated it (``actor1_side``) against side B or an unstated target, and symmetrically.
Each side's events can be narrowed to some event types (``types_a``, ``types_b``): a type
is matched against both ``event_type`` and ``sub_event_type``, so ``"Battles"`` and
``"Armed clash"`` are both valid. The atlas's keys ``SIDE:type`` (for example
``INSURGENTS:Remote explosive/landmine/IED``) are read as the side ``SIDE`` narrowed to
that type, wherever a side or a type is asked for.

:func:`check_selection` checks sides, types and dates against a table before any work and
raises :class:`~analysis.errors.UsageError` listing the valid values with their counts;
:func:`table_vocabulary` gives those values (``escalation describe`` prints them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.errors import UsageError

#: Separator of the atlas's ``SIDE:type`` keys.
KEY_SEP = ":"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIDE_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class Dyad:
    """One dyad's events, sorted by date, with a ``side`` column of ``"A"`` or ``"B"``.

    ``types_a`` and ``types_b`` are the event types each side's events were narrowed to
    (empty: all types).
    """

    side_a: str
    side_b: str
    events: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    types_a: tuple[str, ...] = ()
    types_b: tuple[str, ...] = ()

    @property
    def a(self) -> pd.DataFrame:
        """Events initiated by side A."""
        return self.events[self.events["side"] == "A"]

    @property
    def b(self) -> pd.DataFrame:
        """Events initiated by side B."""
        return self.events[self.events["side"] == "B"]

    def counts(self) -> dict[str, int]:
        """Number of events per side, keyed by side name."""
        return {self.side_a: len(self.a), self.side_b: len(self.b)}


@dataclass(frozen=True)
class Selection:
    """Checked dyad parameters: side codes, type lists and ISO dates (``""`` when open)."""

    side_a: str
    side_b: str
    types_a: list[str] = field(default_factory=list)
    types_b: list[str] = field(default_factory=list)
    start: str = ""
    end: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """What a table holds: the valid sides and event types, with their counts.

    ``sides`` counts the events each side initiated (a side that is only ever a target
    counts 0); ``types[side]`` counts that side's events by ``event_type`` and
    ``subtypes[side]`` by ``sub_event_type``.
    """

    sides: dict[str, int]
    types: dict[str, dict[str, int]]
    subtypes: dict[str, dict[str, int]]


def _counts(values: pd.Series) -> dict[str, int]:
    values = values.astype(str)
    counted = values[values != ""].value_counts()
    # Most frequent first, ties by name, so that listings are stable across runs.
    order = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    return {str(k): int(v) for k, v in order}


def table_vocabulary(events: pd.DataFrame) -> Vocabulary:
    """The sides, event types and subtypes of ``events``, with counts.

    Parameters
    ----------
    events
        An event table with ``actor1_side`` and ``actor2_side``; ``event_type`` and
        ``sub_event_type`` are optional.

    Returns
    -------
    :class:`Vocabulary`.
    """
    initiated = _counts(events["actor1_side"])
    targets = set(_counts(events["actor2_side"])) - set(initiated)
    sides = {**initiated, **{s: 0 for s in sorted(targets)}}
    types: dict[str, dict[str, int]] = {}
    subtypes: dict[str, dict[str, int]] = {}
    by_side = events["actor1_side"].astype(str)
    for side in sides:
        mine = events[by_side == side]
        types[side] = _counts(mine["event_type"]) if "event_type" in mine else {}
        subtypes[side] = _counts(mine["sub_event_type"]) if "sub_event_type" in mine else {}
    return Vocabulary(sides=sides, types=types, subtypes=subtypes)


def listing(counts: dict[str, int]) -> str:
    """``"A (1,234), B (5)"``: values with their counts, as error messages list them."""
    return ", ".join(f"{k} ({v:,})" for k, v in counts.items()) or "none"


def split_key(value: str) -> tuple[str, str]:
    """Split an atlas key ``SIDE:type`` into ``(SIDE, type)``; ``(value, "")`` otherwise."""
    head, sep, tail = str(value).partition(KEY_SEP)
    if sep and _SIDE_CODE.match(head) and tail:
        return head, tail
    return str(value), ""


def as_type_list(types: str | Iterable[str] | None) -> list[str]:
    """A type parameter as a list: ``None`` or ``""`` is no restriction, a text one type."""
    if types is None or types == "":
        return []
    if isinstance(types, str):
        return [types]
    return [str(t) for t in types]


def parse_date(value: object, name: str = "date") -> pd.Timestamp | None:
    """Read a full ISO date ``YYYY-MM-DD`` strictly; ``None`` or ``""`` is an open end.

    Partial dates (``2007-12``, ``2007``) are rejected rather than read as the first day of
    the month or year, which would silently drop the rest of the period.

    Raises
    ------
    UsageError
        Naming the parameter and saying how to write the date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return pd.Timestamp(value).normalize()
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:
            pass
    hint = ""
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        hint = (
            "; partial dates are not accepted: write the first or last day in full, e.g. "
            "start = '2007-12-01' and end = '2007-12-31' for December 2007"
        )
    raise UsageError(
        f"{name}: {value!r} is not a full ISO date (YYYY-MM-DD) or an empty value{hint}"
    )


def resolve_sides(
    side_a: str,
    side_b: str,
    types_a: object = None,
    types_b: object = None,
    split_sides: bool = True,
) -> tuple[str, str, list[str], list[str]]:
    """Read atlas keys: ``side_a = "X:t"`` becomes side ``X`` with ``t`` added to its
    types (unless ``split_sides`` is false), and a type ``"X:t"`` in ``types_a`` becomes
    ``t`` (its ``X`` must be side A)."""
    out = []
    for which, side, types in (("a", side_a, types_a), ("b", side_b, types_b)):
        side, key_type = split_key(side) if split_sides else (side, "")
        listed = as_type_list(types)
        plain = []
        for item in listed:
            owner, kind = split_key(item)
            if kind and owner != side:
                raise UsageError(
                    f"types_{which}: {item!r} names side {owner}, but side_{which} is {side}"
                )
            plain.append(kind or item)
        if key_type and key_type not in plain:
            plain.insert(0, key_type)
        out.append((side, plain))
    (sa, ta), (sb, tb) = out
    return sa, sb, ta, tb


def selection_problems(
    vocabulary: Vocabulary,
    side_a: str,
    side_b: str,
    types_a: object = None,
    types_b: object = None,
    start: object = None,
    end: object = None,
) -> tuple[Selection | None, list[str]]:
    """Check dyad parameters against a table's vocabulary.

    Returns
    -------
    ``(selection, problems)``: the checked :class:`Selection` (``None`` when there are
    problems) and one message per problem, each listing the valid values with counts.
    """
    problems: list[str] = []
    try:
        sa, sb, ta, tb = resolve_sides(side_a, side_b, types_a, types_b)
    except UsageError as err:
        return None, [str(err)]
    for which, side in (("side_a", sa), ("side_b", sb)):
        if side not in vocabulary.sides:
            near = [s for s in vocabulary.sides if s.lower() == str(side).lower()]
            hint = f" (did you mean {near[0]}?)" if near else ""
            problems.append(
                f"{which}: {side} not found{hint}; sides in this table: {listing(vocabulary.sides)}"
            )
    if sa == sb and not problems:
        problems.append(f"side_a and side_b must differ (both are {sa})")
    for which, side, types in (("types_a", sa, ta), ("types_b", sb, tb)):
        if side not in vocabulary.sides:
            continue
        known = {**vocabulary.types.get(side, {}), **vocabulary.subtypes.get(side, {})}
        for kind in types:
            if kind not in known:
                problems.append(
                    f"{which}: {kind!r} not found among the events of {side}; its event "
                    f"types: {listing(vocabulary.types.get(side, {}))}; its subtypes: "
                    f"{listing(vocabulary.subtypes.get(side, {}))}"
                )
    bounds = []
    for name, value in (("start", start), ("end", end)):
        try:
            bounds.append(parse_date(value, name))
        except UsageError as err:
            problems.append(str(err))
            bounds.append(None)
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        problems.append(f"start: {bounds[0].date()} is after end {bounds[1].date()}")
    if problems:
        return None, problems
    iso = ["" if b is None else b.date().isoformat() for b in bounds]
    return Selection(sa, sb, ta, tb, iso[0], iso[1]), []


def check_selection(
    events: pd.DataFrame,
    side_a: str,
    side_b: str,
    types_a: object = None,
    types_b: object = None,
    start: object = None,
    end: object = None,
    *,
    source: str = "",
) -> Selection:
    """Check a notebook's dyad parameters against its event table before any work.

    Parameters
    ----------
    events
        The event table.
    side_a, side_b, types_a, types_b, start, end
        The parameters, as a notebook or ``reports.yml`` gives them (atlas keys allowed).
    source
        The table's path, named in the message.

    Returns
    -------
    The :class:`Selection` with atlas keys split and dates in ISO text.

    Raises
    ------
    UsageError
        Every problem found, each with the valid values and their counts.
    """
    selection, problems = selection_problems(
        table_vocabulary(events), side_a, side_b, types_a, types_b, start, end
    )
    if problems:
        where = f"{source}: " if source else ""
        raise UsageError(
            where + "the parameters do not match this event table "
            "(`escalation describe EVENTS` lists what it holds):\n  " + "\n  ".join(problems)
        )
    assert selection is not None
    return selection


def _type_mask(frame: pd.DataFrame, types: Sequence[str]) -> pd.Series:
    mask = pd.Series(False, index=frame.index)
    for column in ("event_type", "sub_event_type"):
        if column in frame.columns:
            mask |= frame[column].astype(str).isin(list(types))
    return mask


def select_dyad(
    events: pd.DataFrame,
    side_a: str,
    side_b: str,
    start: str | None = None,
    end: str | None = None,
    types_a: str | Sequence[str] | None = None,
    types_b: str | Sequence[str] | None = None,
) -> Dyad:
    """Return the events of the dyad (``side_a``, ``side_b``) between ``start`` and ``end``.

    Parameters
    ----------
    events
        An event table in the project's schema (see ``data/README.md``); needs at least
        ``event_date``, ``actor1_side`` and ``actor2_side`` (and ``event_type`` or
        ``sub_event_type`` when types are given).
    side_a, side_b
        Side codes, e.g. ``"IRAN_ALIGNED"`` and ``"US_COALITION"``, or atlas keys
        ``SIDE:type``.
    start, end
        Optional full ISO dates ``YYYY-MM-DD`` bounding ``event_date`` (inclusive);
        partial dates are refused (see :func:`parse_date`). When not given, the period is
        the span of the dyad's events.
    types_a, types_b
        Optional event types or subtypes (a list, or one text) that side A's and side
        B's events must have; empty means every type.

    Events without a date are dropped: they cannot enter a time analysis. Names are not
    checked here (an unknown side selects nothing); :func:`check_selection` checks them.
    """
    initiators = set(events["actor1_side"].astype(str).unique())
    # A key present as such (the atlas's own keyed frames) is a side, not SIDE:type.
    keyed = side_a in initiators and side_b in initiators
    side_a, side_b, ta, tb = resolve_sides(side_a, side_b, types_a, types_b, not keyed)
    if side_a == side_b:
        raise ValueError(f"side_a and side_b must differ (both are {side_a!r})")
    lo = parse_date(start, "start")
    hi = parse_date(end, "end")
    frame = events[events["event_date"].notna()]
    a1, a2 = frame["actor1_side"], frame["actor2_side"]
    is_a = (a1 == side_a) & a2.isin([side_b, ""])
    is_b = (a1 == side_b) & a2.isin([side_a, ""])
    if ta:
        is_a &= _type_mask(frame, ta)
    if tb:
        is_b &= _type_mask(frame, tb)
    frame = frame[is_a | is_b].copy()
    frame["side"] = ["A" if s == side_a else "B" for s in frame["actor1_side"]]
    if lo is not None:
        frame = frame[frame["event_date"] >= lo]
    if hi is not None:
        frame = frame[frame["event_date"] <= hi]
    sort_cols = ["event_date", "event_id"] if "event_id" in frame.columns else ["event_date"]
    frame = frame.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    if lo is None:
        lo = frame["event_date"].min() if len(frame) else pd.NaT
    if hi is None:
        hi = frame["event_date"].max() if len(frame) else pd.NaT
    return Dyad(
        side_a=side_a,
        side_b=side_b,
        events=frame,
        start=lo,
        end=hi,
        types_a=tuple(ta),
        types_b=tuple(tb),
    )
