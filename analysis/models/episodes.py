"""Episodes: runs of events separated by quiet gaps, after Abrahams et al. (2020).

An episode starts with the first event after a quiet gap longer than ``quiet_days`` (or
with the first event of the data) and ends with the last event before the next such gap.
For each episode we ask who started it, who ended it (who had the last word), how long it
lasted and whether only one side acted in it.

The default gap is two days, inside the 24-72 hour range of the literature; a 30-day gap
merges a dense conflict into one episode. :func:`gap_sensitivity` shows how the answers
move with the gap. At day precision events on the same day cannot be ordered, so when both
sides act on an episode's first (or last) day the starter (or ender) is ``"both"`` (the
side codes joined by ``" & "`` in :func:`dyad_episodes`), never whichever id sorts first.
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
#: Default quiet gap (days), within the literature's 24-72 hours.
QUIET_DAYS = 2
#: Gaps of the sensitivity table (days).
SENSITIVITY_GAPS = (1, 2, 3, 7, 30)


def split_episodes(
    times: np.ndarray, sides: np.ndarray, quiet_days: float = QUIET_DAYS
) -> pd.DataFrame:
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
    event; ``"both"`` when both sides act at that first or last time) and ``one_sided``.
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
            "starter": _side_at(times, sides, episode, starts, first=True),
            "ender": _side_at(times, sides, episode, ends, first=False),
            "one_sided": (n_a == 0) | (n_b == 0),
        }
    )
    return frame[_COLUMNS]


def _side_at(
    times: np.ndarray, sides: np.ndarray, episode: np.ndarray, at: np.ndarray, first: bool
) -> np.ndarray:
    """Side acting at each episode's first (or last) time; ``"both"`` when both do."""
    out = sides[at].astype(object)
    for k, i in enumerate(at):
        same = (times == times[i]) & (episode == episode[i])
        if len(set(sides[same])) > 1:
            out[k] = "both"
    return out


def dyad_episodes(dyad: Dyad, quiet_days: float = QUIET_DAYS) -> pd.DataFrame:
    """Episodes of a dyad, with ``start`` and ``end`` as dates and sides by name.

    ``starter`` and ``ender`` hold the side codes (e.g. ``"US_COALITION"``).
    """
    events = dyad.events
    frame = split_episodes(day_numbers(events["event_date"]), events["side"].to_numpy(), quiet_days)
    if frame.empty:
        return frame
    names = {"A": dyad.side_a, "B": dyad.side_b, "both": f"{dyad.side_a} & {dyad.side_b}"}
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
    ``{n_episodes, started_by: {side: n}, ended_by: {side: n}, started_by_both,
    ended_by_both, one_sided: {share, ci_low, ci_high, n}, median_length_days,
    max_length_days}``; shares with Wilson intervals; ``started_by_both`` counts episodes
    that both sides open on the same day (their starter cannot be told).
    """
    n = int(len(episodes))
    started = episodes["starter"].value_counts() if n else pd.Series(dtype=int)
    ended = episodes["ender"].value_counts() if n else pd.Series(dtype=int)
    lengths = episodes["length_days"].to_numpy(dtype=float) if n else np.array([])
    return {
        "n_episodes": n,
        "started_by": {s: int(started.get(s, 0)) for s in (side_a, side_b)},
        "ended_by": {s: int(ended.get(s, 0)) for s in (side_a, side_b)},
        "started_by_both": int(started.get(f"{side_a} & {side_b}", 0)),
        "ended_by_both": int(ended.get(f"{side_a} & {side_b}", 0)),
        "one_sided": wilson_share(int(episodes["one_sided"].sum()) if n else 0, n),
        "median_length_days": float(np.median(lengths)) if n else None,
        "max_length_days": float(lengths.max()) if n else None,
    }


def gap_sensitivity(dyad: Dyad, gaps: tuple[float, ...] = SENSITIVITY_GAPS) -> pd.DataFrame:
    """Episode counts and who starts them, for each quiet gap in ``gaps`` (days).

    Returns one row per gap: ``quiet_days``, ``n_episodes``, ``started_a``,
    ``started_b``, ``started_both``, ``share_one_sided``, ``median_length_days``.
    """
    rows = []
    for gap in gaps:
        summary = episode_summary(dyad_episodes(dyad, gap), dyad.side_a, dyad.side_b)
        rows.append(
            {
                "quiet_days": gap,
                "n_episodes": summary["n_episodes"],
                "started_a": summary["started_by"][dyad.side_a],
                "started_b": summary["started_by"][dyad.side_b],
                "started_both": summary["started_by_both"],
                "share_one_sided": summary["one_sided"]["share"],
                "median_length_days": summary["median_length_days"],
            }
        )
    return pd.DataFrame(rows)
