"""Response lags against chance: each lag statistic beside its value on surrogate series.

Short lags arise by chance when both sides are busy. Here each statistic of
:mod:`analysis.models.lags` is computed on the observed series and on surrogates that
permute the days within each calendar month, both sides' events of a day together
(:mod:`analysis.models.surrogates`): each side keeps its trend and its same-day clusters,
days on which both sides act stay shared, and every link between different days is
broken. So what chance gives is read off directly:

- ``followed``: the share of one side's events followed by an event of the other side
  1 to ``h`` days later (whatever the same side did in between). This is the **test**: a
  one-sided p-value (larger than chance), registered in the validation study
  (:mod:`analysis.models.validation`, ``lag_surrogate``);
- ``answered``: the naive share of :func:`analysis.models.lags.share_answered` (an answer
  within ``h`` days and before the same side acts again), with its chance interval and no
  p-value (one test per table: the share followed is it);
- ``median_lag_days``: the median of the observed lags, chance interval only: lags are
  whole days, and the many ties make a p-value far too conservative.

In reduced simulations (500 days, 99 surrogates, :mod:`analysis.models.validation`) the
test of the share followed within 3 days rejected 2-4% of the time at the 5% level under a
trend or daily shocks shared by both sides (200 and 1,000 events per side), and 1-3% when
each side's own rate wanders (autocorrelated rates, self-excitation): conservative there,
as the surrogates break runs of busy days. Its power is low: 13% at 200 and 1% at 1,000
events per side against a planted cross-excitation of 0.2, where the share is nearly
saturated (the other side acts on most days).

A same-day answer cannot be told from a shared shock, so every lag is at least one day;
same-day co-occurrence is described by :func:`analysis.models.pairing.same_day`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.models import surrogates
from analysis.models.dyad import Dyad
from analysis.models.lags import HORIZONS, day_numbers, filter_precision, next_response

#: Surrogates per statistic by default.
N_SURROGATES = 199
#: Chance share from which a share is saturated: chance alone answers nearly every event.
SATURATION = 0.9
#: Why a statistic gets no p-value.
UNCALIBRATED = {
    "answered": "no test: the share followed is the test of this table",
    "median_lag_days": "no test: whole-day lags tie too often for a p-value",
}


def followed_share(x: np.ndarray, y: np.ndarray, horizon: float) -> float:
    """Share of the events ``x`` followed by an event of ``y`` more than 0 and at most
    ``horizon`` days later (NaN without ``x``); both sorted, in days."""
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        return np.nan
    nxt = np.append(np.asarray(y, dtype=float), np.inf)[np.searchsorted(y, x, side="right")]
    return float(np.mean(nxt <= x + horizon))


def lag_statistics(
    x: np.ndarray, y: np.ndarray, end: float, horizons: tuple[int, ...] = HORIZONS
) -> dict:
    """The lag statistics of one direction (``x`` provokes, ``y`` answers).

    Returns
    -------
    ``{"followed": {h: share}, "answered": {h: share}, "median_lag_days": float}`` with
    horizons as text keys; NaN where undefined (no provocation, no answered one).
    """
    lag, censored, _ = next_response(x, y, end)
    answered = lag[~censored]
    n = lag.size
    return {
        "followed": {str(h): followed_share(x, y, h) for h in horizons},
        "answered": {str(h): float(np.sum(answered <= h) / n) if n else np.nan for h in horizons},
        "median_lag_days": float(np.median(answered)) if answered.size else np.nan,
    }


def followed_test(
    x: np.ndarray,
    y: np.ndarray,
    horizon: float,
    first: float,
    blocks: np.ndarray,
    n_surrogates: int,
    rng: np.random.Generator,
    method: str = surrogates.METHODS[0],
) -> float | None:
    """One-sided surrogate p-value of :func:`followed_share` (the test of
    :func:`lag_baseline`); ``None`` without events on a side."""
    if not (np.size(x) and np.size(y)):
        return None
    null = surrogates.draws(
        lambda a, b: followed_share(a, b, horizon), x, y, first, blocks, n_surrogates, rng, method
    )
    return surrogates.compare(followed_share(x, y, horizon), np.asarray(null))["p_value"]


def lag_baseline(
    dyad: Dyad,
    allows_tests: bool,
    horizons: tuple[int, ...] = HORIZONS,
    n_surrogates: int = N_SURROGATES,
    seed: int = 0,
    method: str = surrogates.METHODS[0],
    max_precision: str = "days",
) -> dict:
    """Lag statistics of both directions against their surrogate values.

    Parameters
    ----------
    dyad
        The dyad.
    allows_tests
        False on the descriptive route: the chance values are given, no p-value.
    horizons
        Horizons (days) of the shares.
    n_surrogates
        Surrogates of the answering side per direction.
    seed
        Seed of the random generator (direction ``k`` uses ``seed + k``).
    method
        One of :data:`analysis.models.surrogates.METHODS`.
    max_precision
        Coarsest date precision kept (:func:`analysis.models.lags.filter_precision`).

    Returns
    -------
    ``{"method", "n_surrogates", "by_direction": {"A->B": {"followed": {h: entry},
    "answered": {h: entry}, "median_lag_days": entry}, "B->A": ...}}``; each entry is
    :func:`analysis.models.surrogates.compare` with ``p_value_reason`` (why there is no
    p-value, else ``None``) and ``warning`` (set when a share is saturated: chance alone
    gives :data:`SATURATION` or more, so the test has no power).
    """
    surrogates.check_method(method)
    events, _ = filter_precision(dyad.events, max_precision)
    times = day_numbers(events["event_date"]) if len(events) else np.array([])
    sides = events["side"].to_numpy() if len(events) else np.array([], dtype=object)
    if pd.notna(dyad.start) and pd.notna(dyad.end):
        start, end = day_numbers(pd.Series([dyad.start, dyad.end]))
    else:
        start = end = 0.0
    first, blocks = surrogates.span_blocks(start, end)
    out: dict = {"method": method, "n_surrogates": int(n_surrogates), "by_direction": {}}
    for k, (a, b) in enumerate((("A", "B"), ("B", "A"))):
        x, y = np.sort(times[sides == a]), np.sort(times[sides == b])
        observed = lag_statistics(x, y, end, horizons)
        draws = surrogates.draws(
            lambda a, b: lag_statistics(a, b, end, horizons),
            x,
            y,
            first,
            blocks,
            n_surrogates if x.size and y.size else 0,
            np.random.default_rng(seed + k),
            method,
        )
        entry: dict = {}
        for stat in ("followed", "answered"):
            entry[stat] = {
                h: _entry(stat, observed[stat][h], [d[stat][h] for d in draws], allows_tests)
                for h in observed[stat]
            }
        entry["median_lag_days"] = _entry(
            "median_lag_days",
            observed["median_lag_days"],
            [d["median_lag_days"] for d in draws],
            allows_tests,
            larger=False,
        )
        out["by_direction"][f"{a}->{b}"] = entry
    return out


def _entry(stat: str, observed: float, null: list, allows_tests: bool, larger=True) -> dict:
    res = surrogates.compare(observed, np.asarray(null, dtype=float), larger=larger)
    reason = None
    if stat in UNCALIBRATED:
        reason = UNCALIBRATED[stat]
    elif not allows_tests:
        reason = "too few events for a test (descriptive route)"
    elif res["p_value"] is None:
        reason = "a side has no events in the period"
    if reason is not None:
        res["p_value"] = None
    res["p_value_reason"] = reason
    res["warning"] = None
    if stat != "median_lag_days" and (res["null_mean"] or 0.0) >= SATURATION:
        res["warning"] = (
            f"chance alone gives a share of {res['null_mean']:.0%}: the other side acts "
            "nearly every few days, so this horizon cannot show answers (no power)"
        )
    return res


def baseline_table(baseline: dict, side_a: str, side_b: str) -> pd.DataFrame:
    """Raw table of :func:`lag_baseline`: one row per statistic and direction.

    Columns: ``direction`` (``"A->B"``: B's events after A's), ``attacker`` and
    ``answerer`` (side codes), ``statistic`` (``followed``, ``answered`` or
    ``median_lag_days``), ``within_days`` (the horizon; missing for the median),
    ``observed``, ``null_mean``, ``null_low`` and ``null_high`` (the middle 95% of the
    surrogate values), ``p_value`` (missing where no test is made; the reason is in the
    results) and ``saturated`` (chance alone gives shares this high: no power).
    :func:`analysis.present.reader_tables.baseline_table` is its reader table.
    """
    sides = {"A->B": (side_a, side_b), "B->A": (side_b, side_a)}
    rows = []
    for direction, entry in baseline["by_direction"].items():
        items = [(s, int(h), entry[s][h]) for s in ("followed", "answered") for h in entry[s]]
        items.append(("median_lag_days", None, entry["median_lag_days"]))
        for statistic, within, res in items:
            lo, hi = res["null_ci"]
            rows.append(
                {
                    "direction": direction,
                    "attacker": sides[direction][0],
                    "answerer": sides[direction][1],
                    "statistic": statistic,
                    "within_days": within,
                    "observed": res["observed"],
                    "null_mean": res["null_mean"],
                    "null_low": lo,
                    "null_high": hi,
                    "p_value": res["p_value"],
                    "saturated": bool(res.get("warning")),
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs["table"] = "chance.baseline_table"
    return frame
