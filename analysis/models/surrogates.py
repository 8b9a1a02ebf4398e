"""Surrogate series: what chance alone gives, keeping each side's trend and clustering.

A chance baseline for response lags or pairs needs series with the same activity as the
observed ones but no timing link between the sides. Shifting a whole series in time
(circularly) keeps its clustering but moves its busy months onto the other side's quiet
ones, so two sides that merely share a trend look linked (a 5% test rejects 8-10% of the
time under a shared trend), and it parts days on which both sides act, which a shared
daily shock (the same news, the same operation) produces without any answer. Both
surrogates here move events only *within a calendar month*
(:mod:`analysis.models.calendar`), so each side keeps its monthly counts and thus its
trend:

- ``"month_permutation"`` (default): the days of each month are permuted at random, and
  every event of a day, of both sides, moves to the same new day. Each side keeps its
  monthly counts and its same-day clusters, and the two sides keep their same-day
  co-occurrence (which day-dated data cannot tell from an answer); every link between
  *different* days is broken. It is exact when the days of a month are exchangeable;
  runs of busy days that last longer than the lag are broken too;
- ``"block_shift"``: the answering side's days of each month are rotated by a random
  offset (wrapping within the month). It keeps runs of busy days together, but it parts
  the sides' same-day co-occurrence, so under shared daily shocks it finds links that are
  not there: a sensitivity check, not the test.

Days are whole days counted from the first day of the span.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models import calendar

#: Surrogate methods, the first the default.
METHODS = ("month_permutation", "block_shift")


def check_method(method: str) -> str:
    """Return ``method`` if it is one of :data:`METHODS`; raise ValueError otherwise."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    return method


def month_blocks(start: pd.Timestamp, n_days: int) -> np.ndarray:
    """Calendar month of each day of a span, as block numbers 0, 1, ...

    Parameters
    ----------
    start
        First day of the span.
    n_days
        Days in the span.
    """
    days = pd.date_range(pd.Timestamp(start).normalize(), periods=int(n_days), freq="D")
    firsts = calendar.period_start(days, "M")
    return pd.factorize(firsts, sort=True)[0].astype(np.int64)


def day_map(blocks: np.ndarray, rng: np.random.Generator, method: str) -> np.ndarray:
    """A random map from each day of the span to a day of the same block.

    Parameters
    ----------
    blocks
        Block number of each day, non-decreasing (:func:`month_blocks`).
    rng
        Random generator.
    method
        ``"month_permutation"`` (a random permutation of each block's days) or
        ``"block_shift"`` (each block's days rotated by a random offset, other than no
        offset when the block has two days or more).

    Returns
    -------
    ``new_day[d]`` for every day ``d`` of the span; a one-to-one map.
    """
    blocks = np.asarray(blocks, dtype=np.int64)
    n = blocks.size
    firsts = np.flatnonzero(np.concatenate([[True], blocks[1:] != blocks[:-1]]))
    lengths = np.diff(np.append(firsts, n))
    first = np.repeat(firsts, lengths)
    length = np.repeat(lengths, lengths)
    if check_method(method) == "month_permutation":
        # Sorting random keys within each block gives a uniform permutation of the block.
        return np.lexsort((rng.random(n), blocks)).astype(np.int64)
    offsets = np.where(lengths > 1, rng.integers(1, np.maximum(lengths, 2)), 0)
    return first + (np.arange(n) - first + np.repeat(offsets, lengths)) % length


def span_blocks(start: float, end: float) -> tuple[float, np.ndarray]:
    """First day and month blocks (:func:`month_blocks`) of a span given in days since
    1970-01-01 (as :func:`analysis.models.lags.day_numbers` gives them), both ends
    included."""
    first = float(np.floor(start))
    n_days = max(int(np.floor(end) - first) + 1, 1)
    epoch = pd.Timestamp("1970-01-01") + pd.Timedelta(days=first)
    return first, month_blocks(epoch, n_days)


def _move(times: np.ndarray, first: float, new_day: np.ndarray, sort: bool) -> np.ndarray:
    # Times outside the span stay; the time within a day, if any, is kept.
    times = np.asarray(times, dtype=float)
    offset = times - first
    day = np.floor(offset).astype(np.int64)
    inside = (day >= 0) & (day < new_day.size)
    moved = day.copy()
    moved[inside] = new_day[day[inside]]
    out = first + moved + (offset - day)
    return np.sort(out) if sort else out


def surrogate_pair(
    x: np.ndarray,
    y: np.ndarray,
    first: float,
    blocks: np.ndarray,
    rng: np.random.Generator,
    method: str = METHODS[0],
    sort: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One surrogate of a dyad's event times: ``(x, y)`` redrawn, each sorted (or, with
    ``sort=False``, each event's new time in the order given).

    Parameters
    ----------
    x, y
        Event times in days (since 1970-01-01, or any origin shared with ``first``) of the
        provoking and the answering side.
    first
        First day of the span (:func:`span_blocks`).
    blocks, rng, method
        As in :func:`day_map`. With ``"month_permutation"`` both sides' events of a day
        move to the same new day (same-day co-occurrence is kept, every link between
        different days is broken); with ``"block_shift"`` only ``y`` moves.
    """
    new_day = day_map(blocks, rng, method)
    if method == "month_permutation":
        return _move(x, first, new_day, sort), _move(y, first, new_day, sort)
    x = np.asarray(x, dtype=float)
    return (np.sort(x) if sort else x), _move(y, first, new_day, sort)


def draws(
    statistic,
    x: np.ndarray,
    y: np.ndarray,
    first: float,
    blocks: np.ndarray,
    n: int,
    rng: np.random.Generator,
    method: str = METHODS[0],
) -> list:
    """``statistic(x_surrogate, y_surrogate)`` on ``n`` surrogates
    (:func:`surrogate_pair`)."""
    return [statistic(*surrogate_pair(x, y, first, blocks, rng, method)) for _ in range(n)]


def compare(observed: float | None, null: np.ndarray, larger: bool = True) -> dict:
    """The observed value against its surrogate values.

    Parameters
    ----------
    observed
        The statistic on the observed series (``None`` when undefined).
    null
        The statistic on each surrogate (NaN where undefined; those are left out).
    larger
        Direction of the one-sided p-value: ``True`` when a link between the sides makes
        the statistic larger (shares, pair counts), ``False`` when smaller (lags).

    Returns
    -------
    ``{observed, null_mean, null_ci: [2.5%, 97.5%], p_value, n_surrogates}`` with
    ``p_value = (1 + #(null at least as extreme)) / (1 + n)`` (``None`` values when nothing
    can be compared).
    """
    null = np.asarray(null, dtype=float)
    null = null[np.isfinite(null)]
    out = {
        "observed": None if observed is None or not np.isfinite(observed) else float(observed),
        "null_mean": None,
        "null_ci": [None, None],
        "p_value": None,
        "n_surrogates": int(null.size),
    }
    if null.size == 0:
        return out
    lo, hi = np.percentile(null, [2.5, 97.5])
    out["null_mean"] = float(null.mean())
    out["null_ci"] = [float(lo), float(hi)]
    if out["observed"] is not None:
        extreme = null >= observed if larger else null <= observed
        out["p_value"] = float((1 + np.sum(extreme)) / (1 + null.size))
    return out
