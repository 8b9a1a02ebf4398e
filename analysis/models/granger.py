"""Granger tests in both directions on counts per period (weekly by default).

Side A "Granger-causes" side B when A's past counts improve the prediction of B's counts
beyond what B's own past already gives. Each direction is an OLS regression of the
target's count on a constant, ``lags`` of its own counts and ``lags`` of the other side's
counts; the test is the F test of the other side's block (as in
``statsmodels.tsa.stattools.grangercausalitytests``, ``ssr_ftest``).

Effect sizes travel with every p-value: the summed coefficient of the other side's lags
(extra target events per period for one more source event in each of the past ``lags``
periods, with a 95% interval) and the partial R-squared of the block.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from analysis.models.calendar import period_counts
from analysis.models.dyad import Dyad


def _lagged(x: np.ndarray, lags: int) -> np.ndarray:
    n = len(x)
    return np.column_stack([x[lags - k : n - k] for k in range(1, lags + 1)])


def granger_test(target: np.ndarray, source: np.ndarray, lags: int = 2) -> dict:
    """F test that ``source``'s past adds to the prediction of ``target``.

    Parameters
    ----------
    target, source
        Counts per period, same length.
    lags
        Number of past periods of each series in the regression.

    Returns
    -------
    ``{"stat", "df_num", "df_denom", "p_value", "lags", "sum_coef", "sum_ci_low",
    "sum_ci_high", "partial_r2", "n"}``; the statistic is NaN when the regression is
    degenerate (e.g. a series with no variation).
    """
    y_full = np.asarray(target, float)
    x_full = np.asarray(source, float)
    n = len(y_full) - lags
    k_full = 1 + 2 * lags
    empty = {
        "stat": np.nan,
        "df_num": lags,
        "df_denom": max(n - k_full, 0),
        "p_value": np.nan,
        "lags": lags,
        "sum_coef": np.nan,
        "sum_ci_low": np.nan,
        "sum_ci_high": np.nan,
        "partial_r2": np.nan,
        "n": max(n, 0),
    }
    if n - k_full < 1:
        return empty
    y = y_full[lags:]
    own = _lagged(y_full, lags)
    other = _lagged(x_full, lags)
    ones = np.ones((n, 1))
    restricted = np.hstack([ones, own])
    full = np.hstack([ones, own, other])
    if np.linalg.matrix_rank(full) < k_full:
        return empty
    beta_f, *_ = np.linalg.lstsq(full, y, rcond=None)
    beta_r, *_ = np.linalg.lstsq(restricted, y, rcond=None)
    ssr_f = float(np.sum((y - full @ beta_f) ** 2))
    ssr_r = float(np.sum((y - restricted @ beta_r) ** 2))
    df_denom = n - k_full
    if ssr_f <= 0:
        return empty
    stat = ((ssr_r - ssr_f) / lags) / (ssr_f / df_denom)
    sigma2 = ssr_f / df_denom
    cov = sigma2 * np.linalg.inv(full.T @ full)
    w = np.zeros(k_full)
    w[1 + lags :] = 1.0
    sum_coef = float(w @ beta_f)
    sum_se = float(np.sqrt(w @ cov @ w))
    t_crit = stats.t.ppf(0.975, df_denom)
    return {
        "stat": float(stat),
        "df_num": lags,
        "df_denom": int(df_denom),
        "p_value": float(stats.f.sf(stat, lags, df_denom)),
        "lags": lags,
        "sum_coef": sum_coef,
        "sum_ci_low": float(sum_coef - t_crit * sum_se),
        "sum_ci_high": float(sum_coef + t_crit * sum_se),
        "partial_r2": float((ssr_r - ssr_f) / ssr_r) if ssr_r > 0 else np.nan,
        "n": int(n),
    }


def granger_tests(dyad: Dyad, *, freq: str = "W", lags: int = 2) -> dict:
    """Granger tests both ways on the dyad's counts per period.

    Returns
    -------
    ``{"A->B": granger_test(B, A), "B->A": granger_test(A, B), "freq": freq}``, where
    ``"A->B"`` asks whether A's past predicts B.
    """
    counts = period_counts(dyad, freq=freq)
    a, b = counts["A"].to_numpy(float), counts["B"].to_numpy(float)
    return {
        "A->B": granger_test(b, a, lags=lags),
        "B->A": granger_test(a, b, lags=lags),
        "freq": freq,
    }
