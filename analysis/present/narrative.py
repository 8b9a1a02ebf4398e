"""Plain-words sentences that open every report: the sample and what it allows."""

from __future__ import annotations

import pandas as pd

from analysis.models.dyad import Dyad
from analysis.models.routing import Route, choose_route


def _day(value: pd.Timestamp) -> str:
    return "n/a" if pd.isna(value) else pd.Timestamp(value).strftime("%d %b %Y").lstrip("0")


def _kinds(types: tuple[str, ...]) -> str:
    return f" ({', '.join(types)} only)" if types else ""


def sample_markdown(dyad: Dyad, route: Route | None = None) -> str:
    """Markdown paragraph stating the sample (events per side, period) and the route taken.

    Parameters
    ----------
    dyad
        The dyad the notebook works on.
    route
        The inference route; chosen from the event counts when not given.
    """
    n_a, n_b = len(dyad.a), len(dyad.b)
    route = route or choose_route(n_a, n_b)
    return (
        f"**Sample.** {n_a:,} events initiated by **{dyad.side_a}**{_kinds(dyad.types_a)} and "
        f"{n_b:,} by **{dyad.side_b}**{_kinds(dyad.types_b)}, from {_day(dyad.start)} to "
        f"{_day(dyad.end)}.\n\n"
        f"**What it allows.** Route: *{route.name}* — {route.reason}"
    )
