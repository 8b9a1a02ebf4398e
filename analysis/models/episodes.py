"""Episodes: runs of events separated by quiet gaps, after Abrahams et al. (2020).

An episode starts with the first event after a quiet gap longer than ``quiet_days`` (or
with the first event of the data) and ends with the last event before the next such gap.
For each episode we ask who started it, who ended it (who had the last word), how long it
lasted and whether only one side acted in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models.dyad import Dyad
from analysis.models.lags import day_numbers, wilson_share

_COLUMNS = [
    "episode",
    "start",
    "end",
    "length_days",
    "n_events",
    "n_a",
    "n_b",
    "starter",
    "ender",
    "one_sided",
]


def split_episodes(times: np.ndarray, sides: np.ndarray, quiet_days: float = 30) -> pd.DataFrame:
    """Split sorted events into episodes at quiet gaps.

    Parameters
    ----------
    times
        Sorted event times in days.
    sides
        ``"A"`` or ``"B"`` per event, aligned with ``times``.
    quiet_days
        A gap strictly longer than this many days between consecutive events starts a new
        episode.

    Returns
    -------
    One row per episode: ``episode`` (0, 1, ...), ``start`` and ``end`` (days),
    ``length_days`` (end - start + 1, so a one-day episode has length 1 at day precision),
    ``n_events``, ``n_a``, ``n_b``, ``starter`` and ``ender`` (side of the first and last
    event; on a tie in time the earlier row in the input counts) and ``one_sided``.
    """
    times = np.asarray(times, dtype=float)
    sides = np.asarray(sides)
    if times.size == 0:
        return pd.DataFrame(columns=_COLUMNS)
    new = np.concatenate([[True], np.diff(times) > quiet_days])
    episode = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], times.size) - 1
    is_a = (sides == "A").astype(int)
    n_events = np.diff(np.append(starts, times.size))
    n_a = np.add.reduceat(is_a, starts)
    n_b = n_events - n_a
    frame = pd.DataFrame(
        {
            "episode": np.unique(episode),
            "start": times[starts],
            "end": times[ends],
            "length_days": times[ends] - times[starts] + 1,
            "n_events": n_events,
            "n_a": n_a,
            "n_b": n_b,
            "starter": sides[starts],
            "ender": sides[ends],
            "one_sided": (n_a == 0) | (n_b == 0),
        }
    )
    return frame[_COLUMNS]


def dyad_episodes(dyad: Dyad, quiet_days: float = 30) -> pd.DataFrame:
    """Episodes of a dyad, with ``start`` and ``end`` as dates and sides by name.

    ``starter`` and ``ender`` hold the side codes (e.g. ``"US_COALITION"``).
    """
    events = dyad.events
    frame = split_episodes(day_numbers(events["event_date"]), events["side"].to_numpy(), quiet_days)
    if frame.empty:
        return frame
    names = {"A": dyad.side_a, "B": dyad.side_b}
    day = np.timedelta64(1, "D")
    epoch = np.datetime64("1970-01-01", "ns")
    frame["start"] = pd.to_datetime(epoch + (frame["start"].to_numpy() * day).astype("m8[ns]"))
    frame["end"] = pd.to_datetime(epoch + (frame["end"].to_numpy() * day).astype("m8[ns]"))
    frame["starter"] = frame["starter"].map(names)
    frame["ender"] = frame["ender"].map(names)
    return frame


def episode_summary(episodes: pd.DataFrame, side_a: str, side_b: str) -> dict:
    """Who starts, who ends, how long, and how often only one side acts.

    Returns
    -------
    ``{n_episodes, started_by: {side: n}, ended_by: {side: n}, one_sided: {share, ci_low,
    ci_high, n}, median_length_days, max_length_days}``; shares with Wilson intervals.
    """
    n = int(len(episodes))
    started = episodes["starter"].value_counts() if n else pd.Series(dtype=int)
    ended = episodes["ender"].value_counts() if n else pd.Series(dtype=int)
    lengths = episodes["length_days"].to_numpy(dtype=float) if n else np.array([])
    return {
        "n_episodes": n,
        "started_by": {s: int(started.get(s, 0)) for s in (side_a, side_b)},
        "ended_by": {s: int(ended.get(s, 0)) for s in (side_a, side_b)},
        "one_sided": wilson_share(int(episodes["one_sided"].sum()) if n else 0, n),
        "median_length_days": float(np.median(lengths)) if n else None,
        "max_length_days": float(lengths.max()) if n else None,
    }
