"""Select one dyad's events: the unit every analysis works on.

A dyad is two sides, ``side_a`` and ``side_b``. An event belongs to side A when side A
initiated it (``actor1_side``) against side B or an unstated target, and symmetrically.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Dyad:
    """One dyad's events, sorted by date, with a ``side`` column of ``"A"`` or ``"B"``."""

    side_a: str
    side_b: str
    events: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp

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


def select_dyad(
    events: pd.DataFrame,
    side_a: str,
    side_b: str,
    start: str | None = None,
    end: str | None = None,
) -> Dyad:
    """Return the events of the dyad (``side_a``, ``side_b``) between ``start`` and ``end``.

    Parameters
    ----------
    events
        An event table in the project's schema (see ``data/README.md``); needs at least
        ``event_date``, ``actor1_side`` and ``actor2_side``.
    side_a, side_b
        Side codes, e.g. ``"IRAN_ALIGNED"`` and ``"US_COALITION"``.
    start, end
        Optional ISO dates bounding ``event_date`` (inclusive). When not given, the
        period is the span of the dyad's events.

    Events without a date are dropped: they cannot enter a time analysis.
    """
    if side_a == side_b:
        raise ValueError(f"side_a and side_b must differ (both are {side_a!r})")
    frame = events[events["event_date"].notna()]
    a1, a2 = frame["actor1_side"], frame["actor2_side"]
    is_a = (a1 == side_a) & a2.isin([side_b, ""])
    is_b = (a1 == side_b) & a2.isin([side_a, ""])
    frame = frame[is_a | is_b].copy()
    frame["side"] = ["A" if s == side_a else "B" for s in frame["actor1_side"]]
    lo = pd.Timestamp(start) if start else None
    hi = pd.Timestamp(end) if end else None
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
    return Dyad(side_a=side_a, side_b=side_b, events=frame, start=lo, end=hi)
