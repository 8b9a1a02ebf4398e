"""Response lags: for each attack by one side, the time to the other side's next action.

A lag is *observed* when the other side acts before the same side acts again; it is
*censored* (right-censored, in survival terms) when the same side provokes again first, or
when the data end. Censored lags are not zero and not missing: they say "no answer for at
least this long", which the Kaplan-Meier estimator uses and a naive share ignores.

At day precision two events on the same day cannot be ordered, so a response must fall on a
later day than its provocation (lags are at least one day). Every function here works on one
dyad's events and is a pure function of its inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.models.dyad import Dyad
from analysis.schema import DATE_PRECISIONS, precision_rank

if TYPE_CHECKING:
    # statsmodels loads lazily: notebooks that only pair events start without it.
    from statsmodels.duration.survfunc import SurvfuncRight

#: Horizons (days) at which the share of provocations answered is reported.
HORIZONS = (1, 3, 7, 14)
_EPOCH = np.datetime64("1970-01-01", "ns")
_Z95 = 1.959963984540054


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Dates as float days since 1970-01-01 (NaT becomes NaN).

    Parameters
    ----------
    dates
        A datetime-like Series.
    """
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    out = (values - _EPOCH) / np.timedelta64(1, "D")
    return out.astype(float)


def filter_precision(events: pd.DataFrame, max_precision: str = "days") -> tuple[pd.DataFrame, int]:
    """Keep events dated at least as precisely as ``max_precision``.

    Parameters
    ----------
    events
        Event table (one dyad's events). Without a ``date_precision`` column every event is
        kept; an empty precision counts as unknown and is kept too (imported tables that
        do not record precision are dated to the day).
    max_precision
        The coarsest precision kept: one of :data:`analysis.schema.DATE_PRECISIONS`.

    Returns
    -------
    The kept events (index reset) and the number dropped.
    """
    limit = precision_rank(max_precision)
    if limit is None:
        raise ValueError(f"max_precision must be one of {DATE_PRECISIONS}, not {max_precision!r}")
    if "date_precision" not in events.columns or events.empty:
        return events.reset_index(drop=True), 0
    # An empty precision is unknown and kept (imported tables dated to the day leave it
    # empty); any other value is ranked by the schema, so a coarse one is never taken
    # for a day.
    precision = events["date_precision"].fillna("").astype(str)
    ranks = precision.map(lambda p: -1 if p == "" else precision_rank(p))
    keep = (ranks.notna() & (ranks <= limit)).to_numpy(dtype=bool)
    return events[keep].reset_index(drop=True), int((~keep).sum())


def next_response(
    provocations: np.ndarray, responses: np.ndarray, end: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lag from each provocation to the other side's next action, with censoring.

    Parameters
    ----------
    provocations, responses
        Sorted event times in days (one side's actions, the other side's actions).
    end
        End of observation in days (the last day of the data).

    Returns
    -------
    ``lag`` (days), ``censored`` (bool) and ``response_index`` (index into ``responses``,
    -1 when censored), one entry per provocation.
    """
    prov = np.asarray(provocations, dtype=float)
    resp = np.asarray(responses, dtype=float)
    t_resp, j = _next_after(resp, prov)
    t_next, _ = _next_after(prov, prov)
    # A response on the same day as the next provocation still counts as the answer: it is
    # not later than the new provocation.
    answered = (t_resp <= t_next) & (t_resp <= end)
    stop = np.minimum(t_next, end)
    lag = np.where(answered, t_resp - prov, stop - prov)
    return lag, ~answered, np.where(answered, j, -1)


def _next_after(times: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # First entry of the sorted ``times`` strictly after each of ``at`` (inf when none).
    idx = np.searchsorted(times, at, side="right")
    padded = np.append(times, np.inf)
    return padded[idx], idx


def dyad_lags(dyad: Dyad, max_precision: str = "days") -> tuple[pd.DataFrame, int]:
    """Table of response lags in both directions of a dyad.

    Parameters
    ----------
    dyad
        The dyad's events.
    max_precision
        Coarsest date precision kept (see :func:`filter_precision`).

    Returns
    -------
    DataFrame with ``direction`` (``"A->B"`` or ``"B->A"``), ``provocation``, ``response``
    (``""`` when censored), ``lag_days`` and ``censored``, sorted by direction and date; and
    the number of events dropped for coarse dates.
    """
    events, dropped = filter_precision(dyad.events, max_precision)
    end = float(day_numbers(pd.Series([dyad.end]))[0]) if pd.notna(dyad.end) else np.inf
    times = day_numbers(events["event_date"]) if len(events) else np.array([])
    ids = events["event_id"].astype(str).to_numpy() if len(events) else np.array([], dtype=str)
    sides = events["side"].to_numpy() if len(events) else np.array([], dtype=object)
    parts = []
    for x, y in (("A", "B"), ("B", "A")):
        px, py = times[sides == x], times[sides == y]
        lag, censored, idx = next_response(px, py, end)
        ids_y = ids[sides == y]
        parts.append(
            pd.DataFrame(
                {
                    "direction": f"{x}->{y}",
                    "provocation": ids[sides == x],
                    "response": np.append(ids_y, "")[np.where(idx >= 0, idx, ids_y.size)],
                    "lag_days": lag,
                    "censored": censored,
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    table["censored"] = table["censored"].astype(bool)
    return table, dropped


def split_directions(lags: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Lags and censoring of each direction of a :func:`dyad_lags` table.

    Returns
    -------
    ``{"A->B": (lag_days, censored), "B->A": (...)}`` as float and bool arrays; a direction
    without provocations has empty arrays.
    """
    out = {}
    for direction in ("A->B", "B->A"):
        part = lags[lags["direction"] == direction]
        out[direction] = (
            part["lag_days"].to_numpy(dtype=float),
            part["censored"].to_numpy(dtype=bool),
        )
    return out


def wilson_share(count: int, n: int) -> dict:
    """Share ``count / n`` with its Wilson 95% interval (``None`` values when ``n`` is 0)."""
    if n == 0:
        return {"share": None, "ci_low": None, "ci_high": None, "n": 0}
    # statsmodels is imported where it is used: notebooks that only pair events or list
    # the table start their kernels without it.
    # statsmodels loads lazily: notebooks that only pair events start without it.
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(count, n, alpha=0.05, method="wilson")
    return {"share": count / n, "ci_low": float(lo), "ci_high": float(hi), "n": int(n)}


def kaplan_meier(lag_days: np.ndarray, censored: np.ndarray) -> SurvfuncRight | None:
    """Kaplan-Meier estimate of the time to response; ``None`` without any lag."""
    lag_days = np.asarray(lag_days, dtype=float)
    if lag_days.size == 0:
        return None
    # statsmodels loads lazily: notebooks that only pair events start without it.
    from statsmodels.duration.survfunc import SurvfuncRight

    return SurvfuncRight(lag_days, (~np.asarray(censored, dtype=bool)).astype(int))


def km_curve(sf: SurvfuncRight | None) -> pd.DataFrame:
    """Survival curve with the pointwise (cloglog) and simultaneous 95% bands.

    Returns columns ``time``, ``surv``, ``ci_low``, ``ci_high`` (pointwise) and
    ``band_low``, ``band_high`` (Hall-Wellner simultaneous band; NaN when it cannot be
    computed, e.g. with one event).
    """
    cols = ["time", "surv", "ci_low", "ci_high", "band_low", "band_high"]
    if sf is None or len(sf.surv_times) == 0:
        return pd.DataFrame(columns=cols, dtype=float)
    surv = np.asarray(sf.surv_prob, dtype=float)
    lo, hi = _cloglog_ci(surv, np.asarray(sf.surv_prob_se, dtype=float))
    try:
        with np.errstate(all="ignore"):
            band_lo, band_hi = sf.simultaneous_cb(alpha=0.05)
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
        band_lo = band_hi = np.full(surv.shape, np.nan)
    return pd.DataFrame(
        {
            "time": np.asarray(sf.surv_times, dtype=float),
            "surv": surv,
            "ci_low": lo,
            "ci_high": hi,
            "band_low": np.asarray(band_lo, dtype=float),
            "band_high": np.asarray(band_hi, dtype=float),
        }
    )


def _cloglog_ci(surv: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # The log(-log S) scale keeps the interval inside (0, 1); undefined where S is 0 or 1.
    with np.errstate(all="ignore"):
        log_s = np.log(surv)
        se_ll = se / (surv * np.abs(log_s))
        lo = surv ** np.exp(_Z95 * se_ll)
        hi = surv ** np.exp(-_Z95 * se_ll)
    bad = (surv <= 0) | (surv >= 1) | ~np.isfinite(se_ll)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def share_answered(
    lag_days: np.ndarray, censored: np.ndarray, horizons: tuple[int, ...] = HORIZONS
) -> dict[str, dict]:
    """Share of provocations answered within each horizon, naive and Kaplan-Meier.

    The naive share counts answers within ``h`` days among all provocations, with a Wilson
    interval; censored provocations count as unanswered, so it is biased low when many are
    censored early. The Kaplan-Meier share, ``1 - S(h)``, uses censoring properly; its
    interval is the pointwise cloglog interval (``None`` when the curve is still at 1 or
    already at 0, where that interval is undefined).

    Returns
    -------
    ``{"1": {share, ci_low, ci_high, n, km_share, km_ci_low, km_ci_high}, ...}``
    """
    lag_days = np.asarray(lag_days, dtype=float)
    censored = np.asarray(censored, dtype=bool)
    curve = km_curve(kaplan_meier(lag_days, censored))
    out = {}
    for h in horizons:
        entry = wilson_share(int(((~censored) & (lag_days <= h)).sum()), int(lag_days.size))
        entry.update(km_share=None, km_ci_low=None, km_ci_high=None)
        if lag_days.size:
            pos = np.searchsorted(curve["time"].to_numpy(), h, side="right") - 1
            if pos < 0:
                surv, s_lo, s_hi = 1.0, np.nan, np.nan
            else:
                row = curve.iloc[pos]
                surv, s_lo, s_hi = row["surv"], row["ci_low"], row["ci_high"]
            entry["km_share"] = float(1 - surv)
            if np.isfinite(s_lo) and np.isfinite(s_hi):
                entry["km_ci_low"], entry["km_ci_high"] = float(1 - s_hi), float(1 - s_lo)
        out[str(h)] = entry
    return out


def km_median(lag_days: np.ndarray, censored: np.ndarray) -> dict:
    """Kaplan-Meier median time to response with its 95% (cloglog) interval.

    Values are ``None`` when fewer than half the provocations are answered (the median is
    not reached) or the interval is unbounded.
    """
    sf = kaplan_meier(lag_days, censored)
    out = {"estimate": None, "ci_low": None, "ci_high": None}
    if sf is None or len(sf.surv_times) == 0:
        return out
    with np.errstate(all="ignore"):
        est = sf.quantile(0.5)
        lo, hi = sf.quantile_ci(0.5)
    for key, val in (("estimate", est), ("ci_low", lo), ("ci_high", hi)):
        out[key] = float(val) if val is not None and np.isfinite(val) else None
    return out


def bootstrap_median(values: np.ndarray, n_boot: int = 2000, seed: int = 0) -> dict:
    """Median with a percentile bootstrap 95% interval.

    Parameters
    ----------
    values
        Observed (uncensored) lags in days.
    n_boot
        Number of bootstrap resamples.
    seed
        Seed of the random generator.

    Returns
    -------
    ``{estimate, ci_low, ci_high, n}``; the interval is ``None`` with fewer than 2 values.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n == 0:
        return {"estimate": None, "ci_low": None, "ci_high": None, "n": 0}
    est = float(np.median(values))
    if n < 2:
        return {"estimate": est, "ci_low": None, "ci_high": None, "n": n}
    rng = np.random.default_rng(seed)
    # Resample in blocks so memory stays bounded for large samples.
    block = max(1, min(n_boot, 2_000_000 // n))
    medians = np.concatenate(
        [
            np.median(values[rng.integers(0, n, size=(min(block, n_boot - s), n))], axis=1)
            for s in range(0, n_boot, block)
        ]
    )
    lo, hi = np.percentile(medians, [2.5, 97.5])
    return {"estimate": est, "ci_low": float(lo), "ci_high": float(hi), "n": n}


def lag_results(
    dyad: Dyad,
    max_precision: str = "days",
    horizons: tuple[int, ...] = HORIZONS,
    n_boot: int = 2000,
    seed: int = 0,
) -> dict:
    """Key numbers of the response-lag analysis for both directions of a dyad.

    Returns
    -------
    ``{"lags": DataFrame, "dropped_coarse": int, "max_precision": str, "by_direction":
    {"A->B": {n_provocations, n_answered, n_censored, median_lag_days, km_median_lag_days,
    share_answered}, "B->A": {...}}}``. ``median_lag_days`` is the median of the observed
    lags with a bootstrap interval; ``km_median_lag_days`` accounts for censoring.
    """
    lags, dropped = dyad_lags(dyad, max_precision)
    by_direction = {}
    for direction, (lag, cens) in split_directions(lags).items():
        by_direction[direction] = {
            "n_provocations": int(lag.size),
            "n_answered": int((~cens).sum()),
            "n_censored": int(cens.sum()),
            "median_lag_days": bootstrap_median(lag[~cens], n_boot=n_boot, seed=seed),
            "km_median_lag_days": km_median(lag, cens),
            "share_answered": share_answered(lag, cens, horizons),
        }
    return {
        "lags": lags,
        "dropped_coarse": dropped,
        "max_precision": max_precision,
        "by_direction": by_direction,
    }


def km_curves(lags: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier curves (:func:`km_curve`) per direction of a :func:`dyad_lags` table."""
    return {
        d: km_curve(kaplan_meier(lag, cens)) for d, (lag, cens) in split_directions(lags).items()
    }


def share_table(by_direction: dict, side_a: str, side_b: str) -> pd.DataFrame:
    """The shares answered per direction and horizon as one raw frame (the page shows it
    through :func:`analysis.present.reader_tables.share_table`).

    Parameters
    ----------
    by_direction
        ``lag_results(...)["by_direction"]``.
    side_a, side_b
        Side codes, to name the attacking and the answering side.

    Returns
    -------
    Columns ``direction, attacker, answerer, within_days, n_attacks, share, ci_low,
    ci_high`` (Wilson) and ``km_share, km_ci_low, km_ci_high`` (Kaplan-Meier); missing
    values as NaN.
    """
    sides = {"A->B": (side_a, side_b), "B->A": (side_b, side_a)}
    rows = []
    for direction, res in by_direction.items():
        for h, s in res["share_answered"].items():
            rows.append(
                {
                    "direction": direction,
                    "attacker": sides[direction][0],
                    "answerer": sides[direction][1],
                    "within_days": int(h),
                    "n_attacks": s["n"],
                    **{
                        key: np.nan if s.get(key) is None else float(s[key])
                        for key in ("share", "ci_low", "ci_high")
                        + ("km_share", "km_ci_low", "km_ci_high")
                    },
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs["table"] = "lags.share_table"
    return frame
