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

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.errors import UsageError
from analysis.models.selection import (
    KEY_SEP,
    Selection,
    Vocabulary,
    as_type_list,
    iso_date,
    listing,
    resolve_sides,
    selection_problems,
    split_key,
    vocabulary_of,
)

__all__ = [
    "KEY_SEP",
    "Dyad",
    "Selection",
    "Vocabulary",
    "as_type_list",
    "check_selection",
    "listing",
    "parse_date",
    "resolve_sides",
    "select_dyad",
    "selection_problems",
    "split_key",
    "table_vocabulary",
]


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


def table_vocabulary(events: pd.DataFrame) -> Vocabulary:
    """The sides, event types and subtypes of ``events``, with counts.

    Parameters
    ----------
    events
        An event table with ``actor1_side`` and ``actor2_side``; ``event_type`` and
        ``sub_event_type`` are optional.

    Returns
    -------
    :class:`~analysis.models.selection.Vocabulary`.
    """

    def column(name: str) -> list | None:
        return events[name].astype(str).tolist() if name in events.columns else None

    return vocabulary_of(
        column("actor1_side"), column("actor2_side"), column("event_type"), column("sub_event_type")
    )


def parse_date(value: object, name: str = "date") -> pd.Timestamp | None:
    """:func:`~analysis.models.selection.iso_date` as a Timestamp (strict full ISO dates)."""
    day = iso_date(value, name)
    return None if day is None else pd.Timestamp(day)


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
