"""Counting by day, week, month or quarter: the one calendar every model counts with.

Convention: periods are calendar periods, named by the date of their first day.

- a **day** is a calendar day;
- a **week** runs from Monday to Sunday (ISO 8601), so week counts from two tables, two
  dyads or two models line up;
- a **month** and a **quarter** are calendar months and quarters.

A period that the dyad's span covers only in part (a first week that starts before the
first day, a last month cut by the last day) holds fewer events only because it is cut
short. :func:`period_counts` drops such periods by default (``complete=True``) so that
they do not look like drops in activity; :func:`period_range` lists every period touched.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.dyad import Dyad

#: Frequency code -> plain name of one period.
PERIODS = {"D": "day", "W": "week", "M": "month", "Q": "quarter"}
#: The first day of a week.
WEEK_START = "Monday"
#: Days in one period, for the periods of fixed length (days and weeks): the models that
#: count lags in periods (reaction functions, change points) work on these only.
DAYS_PER_PERIOD = {"D": 1, "W": 7}
# pandas periods whose start_time is the first day of the period in this convention
# ("W-SUN": weeks ending on Sunday, i.e. starting on Monday).
_PANDAS = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q"}


def check_freq(freq: str) -> str:
    """Return ``freq`` if it is one of :data:`PERIODS`; raise ValueError otherwise."""
    if freq not in _PANDAS:
        raise ValueError(f"freq must be one of {', '.join(PERIODS)}, not {freq!r}")
    return freq


def check_fixed_freq(freq: str) -> str:
    """Return ``freq`` if its periods have a fixed length (:data:`DAYS_PER_PERIOD`); raise
    ValueError otherwise."""
    if freq not in DAYS_PER_PERIOD:
        raise ValueError(f"freq must be 'D' or 'W', not {freq!r}")
    return freq


def period_unit(freq: str, n: int = 1) -> str:
    """Plain name of ``n`` periods: ``period_unit("W", 3) == "weeks"``."""
    name = PERIODS[check_freq(freq)]
    return name if n == 1 else f"{name}s"


def period_start(dates: pd.Series | pd.DatetimeIndex, freq: str) -> pd.Series:
    """First day of the period holding each date (NaT stays NaT)."""
    dates = pd.Series(pd.to_datetime(dates))
    return dates.dt.to_period(_PANDAS[check_freq(freq)]).dt.start_time.dt.normalize()


def period_range(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """First days of every period from the one holding ``start`` to the one holding
    ``end`` (both included)."""
    code = _PANDAS[check_freq(freq)]
    periods = pd.period_range(
        pd.Timestamp(start).to_period(code), pd.Timestamp(end).to_period(code)
    )
    return pd.DatetimeIndex(periods.start_time.normalize())


def complete_periods(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """First days of the periods that lie wholly between ``start`` and ``end``."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    firsts = period_range(start, end, freq)
    code = _PANDAS[freq]
    lasts = pd.DatetimeIndex(firsts.to_period(code).end_time.normalize())
    return firsts[(firsts >= start) & (lasts <= end)]


def period_counts(
    dyad: Dyad, freq: str = "D", value: str = "events", complete: bool = True
) -> pd.DataFrame:
    """Counts per period for both sides of a dyad, including the periods without events.

    Parameters
    ----------
    dyad
        The dyad; its span is ``dyad.start`` to ``dyad.end``.
    freq
        ``"D"``, ``"W"`` (Monday to Sunday), ``"M"`` or ``"Q"``.
    value
        ``"events"`` (number of events) or ``"fatalities"`` (sum of ``fatalities_best``;
        unknown values count as 0).
    complete
        Keep only the periods that the span covers in full (see the module docstring);
        the events of the dropped partial periods are left out.

    Returns
    -------
    DataFrame with ``period`` (first day of each period) and the counts ``A`` and ``B``.
    """
    check_freq(freq)
    if value not in ("events", "fatalities"):
        raise ValueError(f"value must be 'events' or 'fatalities', not {value!r}")
    empty = pd.DataFrame({"period": pd.to_datetime([]), "A": [], "B": []})
    if len(dyad.events) == 0 or pd.isna(dyad.start) or pd.isna(dyad.end):
        return empty
    if complete:
        periods = complete_periods(dyad.start, dyad.end, freq)
    else:
        periods = period_range(dyad.start, dyad.end, freq)
    if len(periods) == 0:
        return empty
    idx = periods.get_indexer(period_start(dyad.events["event_date"], freq))
    keep = idx >= 0
    if value == "events":
        weights = np.ones(len(idx))
    else:
        weights = pd.to_numeric(dyad.events.get("fatalities_best"), errors="coerce")
        weights = np.nan_to_num(np.asarray(weights, float), nan=0.0)
    side = dyad.events["side"].to_numpy()
    out: dict = {"period": periods}
    for s in ("A", "B"):
        sel = keep & (side == s)
        out[s] = np.bincount(idx[sel], weights=weights[sel], minlength=len(periods))
    return pd.DataFrame(out)
