"""Reaction functions after Jaeger & Paserman (2008, *American Economic Review*).

Each side's counts per period (events, or fatalities when they are known) are regressed
on the OTHER side's counts in past lag buckets (by default 1, 2-7 and 8-14 days, each the
sum over the bucket) and on its own counts in the same buckets. The model is a negative
binomial GLM: its dispersion ``alpha`` is estimated first with the discrete negative
binomial model, then the GLM is refitted at that ``alpha`` with Newey-West (HAC) standard
errors, which stay valid when the residuals are autocorrelated. Coefficients are reported
as incidence-rate ratios (IRR): the factor by which the expected count changes for one
more event of the other side in the bucket.

Direction labels follow the Hawkes convention: ``"A->B"`` is B's reaction to A's events.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis.models import calendar
from analysis.models.dyad import Dyad

#: Default lag buckets, in periods of the chosen frequency: (first lag, last lag).
DEFAULT_BUCKETS = {"D": ((1, 1), (2, 7), (8, 14)), "W": ((1, 1), (2, 2), (3, 4))}
_STEP_DAYS = {"D": 1, "W": 7}
#: Share of events with a known fatality count needed to model fatalities.
FATALITY_COVERAGE = 0.8


def period_counts(
    dyad: Dyad, freq: str = "D", value: str = "events", complete: bool = True
) -> pd.DataFrame:
    """Counts per period for both sides: :func:`analysis.models.calendar.period_counts`
    (days, or Monday-to-Sunday weeks), kept here for existing callers."""
    if freq not in _STEP_DAYS:
        raise ValueError(f"freq must be 'D' or 'W', not {freq!r}")
    return calendar.period_counts(dyad, freq=freq, value=value, complete=complete)


def fatality_coverage(dyad: Dyad) -> float:
    """Smallest share, over the two sides, of events with a known ``fatalities_best``."""
    if "fatalities_best" not in dyad.events.columns:
        return 0.0
    shares = []
    for frame in (dyad.a, dyad.b):
        known = pd.to_numeric(frame["fatalities_best"], errors="coerce").notna()
        shares.append(float(known.mean()) if len(frame) else 0.0)
    return min(shares)


def bucket_sums(series: np.ndarray, buckets: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Sum of ``series`` over each lag bucket, for every period (NaN where the lags start
    before the series).

    Returns
    -------
    Array of shape ``(len(series), len(buckets))``; column ``k`` at period ``t`` is
    ``sum(series[t - hi : t - lo + 1])`` for bucket ``(lo, hi)``.
    """
    x = np.asarray(series, float)
    csum = np.concatenate([[0.0], np.cumsum(x)])
    t = np.arange(len(x))
    out = np.full((len(x), len(buckets)), np.nan)
    for k, (lo, hi) in enumerate(buckets):
        ok = t - hi >= 0
        out[ok, k] = csum[t[ok] - lo + 1] - csum[t[ok] - hi]
    return out


def _bucket_label(who: str, lo: int, hi: int, freq: str) -> str:
    unit = "day" if freq == "D" else "week"
    span = f"{lo}" if lo == hi else f"{lo}-{hi}"
    return f"{who} lag {span} {unit}{'' if span == '1' else 's'}"


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule of thumb for the HAC truncation lag: ``floor(4 (n/100)^(2/9))``."""
    return int(math.floor(4.0 * (max(n, 1) / 100.0) ** (2.0 / 9.0)))


def fit_reaction(
    counts: pd.DataFrame,
    target: str,
    *,
    freq: str = "D",
    buckets: tuple[tuple[int, int], ...] | None = None,
    maxlags: int | None = None,
) -> dict:
    """Negative binomial reaction function of side ``target`` to the other side.

    Parameters
    ----------
    counts
        Output of :func:`period_counts`.
    target
        ``"A"`` or ``"B"``: the side whose counts are explained.
    freq
        Frequency of ``counts`` (only used for labels and default buckets).
    buckets
        Lag buckets ``(first, last)`` in periods; default :data:`DEFAULT_BUCKETS`.
    maxlags
        HAC truncation lag; default :func:`newey_west_lags`.

    Returns
    -------
    ``{"table": DataFrame(term, source, lags, irr, ci_low, ci_high, p_value),
    "alpha", "family", "n_periods", "maxlags", "wald_other": {stat, df, p_value}}``;
    the rows with ``source`` equal to the other side are the reaction to it.
    """
    buckets = buckets or DEFAULT_BUCKETS[freq]
    other = "B" if target == "A" else "A"
    y_all = counts[target].to_numpy(float)
    x_other = bucket_sums(counts[other].to_numpy(float), buckets)
    x_own = bucket_sums(y_all, buckets)
    keep = ~np.isnan(x_other).any(axis=1)
    y = y_all[keep]
    exog = np.column_stack([np.ones(keep.sum()), x_other[keep], x_own[keep]])
    names = ["const"]
    names += [_bucket_label(other, lo, hi, freq) for lo, hi in buckets]
    names += [_bucket_label(target, lo, hi, freq) for lo, hi in buckets]
    sources = ["", *[other] * len(buckets), *[target] * len(buckets)]
    lags = ["", *[f"{lo}-{hi}" if lo != hi else f"{lo}" for lo, hi in buckets] * 2]
    maxlags = newey_west_lags(len(y)) if maxlags is None else maxlags
    alpha, family_name = _nb_alpha(y, exog)
    family = (
        sm.families.NegativeBinomial(alpha=alpha)
        if family_name == "negbin"
        else sm.families.Poisson()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(y, exog, family=family).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    z = stats.norm.ppf(0.975)
    params, bse = np.asarray(res.params), np.asarray(res.bse)
    table = pd.DataFrame(
        {
            "term": names,
            "source": sources,
            "lags": lags,
            "irr": np.exp(params),
            "ci_low": np.exp(params - z * bse),
            "ci_high": np.exp(params + z * bse),
            "p_value": np.asarray(res.pvalues),
        }
    )
    block = np.zeros((len(buckets), exog.shape[1]))
    block[:, 1 : 1 + len(buckets)] = np.eye(len(buckets))
    wald = res.wald_test(block, scalar=True)
    return {
        "table": table[table["term"] != "const"].reset_index(drop=True),
        "alpha": float(alpha),
        "family": family_name,
        "n_periods": int(len(y)),
        "maxlags": int(maxlags),
        "wald_other": {
            "stat": float(wald.statistic),
            "df": int(len(buckets)),
            "p_value": float(wald.pvalue),
        },
    }


def _nb_alpha(y: np.ndarray, exog: np.ndarray) -> tuple[float, str]:
    """Dispersion of the discrete negative binomial model; Poisson when it is ~0 or fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.NegativeBinomial(y, exog).fit(disp=0, maxiter=300)
        alpha = float(res.params[-1])
    except (np.linalg.LinAlgError, ValueError):
        return 0.0, "poisson"
    if not np.isfinite(alpha) or alpha < 1e-6:
        return 0.0, "poisson"
    return alpha, "negbin"


def reaction_functions(
    dyad: Dyad,
    *,
    freq: str = "D",
    value: str = "events",
    buckets: tuple[tuple[int, int], ...] | None = None,
    maxlags: int | None = None,
) -> dict:
    """Reaction functions in both directions.

    Returns
    -------
    ``{"A->B": fit_reaction(..., target="B"), "B->A": fit_reaction(..., target="A"),
    "freq", "value"}``.
    """
    counts = period_counts(dyad, freq=freq, value=value)
    return {
        "A->B": fit_reaction(counts, "B", freq=freq, buckets=buckets, maxlags=maxlags),
        "B->A": fit_reaction(counts, "A", freq=freq, buckets=buckets, maxlags=maxlags),
        "freq": freq,
        "value": value,
    }
