"""Check a dyad's parameters against what an event table holds, in plain Python.

No pandas here: ``reports.yml`` validation checks every report set against its table
before any kernel starts, and a build with nothing to do must stay fast.
:mod:`analysis.models.dyad` builds on these for data frames.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from analysis.errors import UsageError

#: Separator of the atlas's ``SIDE:type`` keys.
KEY_SEP = ":"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIDE_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


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


def _ordered(counter: Counter) -> dict[str, int]:
    # Most frequent first, ties by name, so that listings are stable across runs.
    return {k: int(v) for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if k}


def vocabulary_of(
    actor1_side: Iterable[str],
    actor2_side: Iterable[str],
    event_type: Iterable[str] | None = None,
    sub_event_type: Iterable[str] | None = None,
) -> Vocabulary:
    """Count sides, event types and subtypes from the columns of an event table (text,
    ``""`` or ``None`` when unknown; the type columns may be missing)."""
    initiators = ["" if v is None else str(v) for v in actor1_side]
    n = len(initiators)
    targets = ["" if v is None else str(v) for v in actor2_side]
    kinds = [
        ["" if v is None else str(v) for v in column] if column is not None else [""] * n
        for column in (event_type, sub_event_type)
    ]
    initiated = _ordered(Counter(initiators))
    only_targets = sorted(set(targets) - set(initiated) - {""})
    sides = {**initiated, **{s: 0 for s in only_targets}}
    by_type: dict[str, Counter] = {s: Counter() for s in sides}
    by_subtype: dict[str, Counter] = {s: Counter() for s in sides}
    for side, kind, subkind in zip(initiators, kinds[0], kinds[1], strict=True):
        if side:
            by_type[side][kind] += 1
            by_subtype[side][subkind] += 1
    return Vocabulary(
        sides=sides,
        types={s: _ordered(c) for s, c in by_type.items()},
        subtypes={s: _ordered(c) for s, c in by_subtype.items()},
    )


def iso_date(value: object, name: str = "date") -> dt.date | None:
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
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
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
            bounds.append(iso_date(value, name))
        except UsageError as err:
            problems.append(str(err))
            bounds.append(None)
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        problems.append(f"start: {bounds[0]} is after end {bounds[1]}")
    if problems:
        return None, problems
    iso = ["" if b is None else b.isoformat() for b in bounds]
    return Selection(sa, sb, ta, tb, iso[0], iso[1]), []
