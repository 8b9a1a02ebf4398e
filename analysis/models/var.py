"""Vector autoregression of both sides' daily counts, after Haushofer, Biletzki and
Kanwisher (2010, *PNAS*).

Both sides' counts per day are modelled jointly: each day's counts depend on both sides'
counts over the previous ``p`` days, with month-by-year and day-of-week fixed effects as
exogenous terms (so shared trends and weekly rhythms are not read as reactions). The lag
order ``p`` is chosen by an information criterion (AIC and BIC are both shown); the fit
is checked for stability (every root of the companion matrix inside the unit circle).
Impulse responses trace how one extra event by one side moves both sides' expected counts
over the following days, with asymptotic 95% bands; Granger tests come from the same
model. Augmented Dickey-Fuller tests of each series say whether the counts look
stationary, which the model assumes.

Meant for large samples (hundreds of days with events on both sides); the routing decides
where it runs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.api import VAR
from statsmodels.tsa.stattools import adfuller

from analysis.models.calendar import check_fixed_freq, period_counts
from analysis.models.dyad import Dyad
from analysis.models.reaction import calendar_effects, draw_shifts

#: Time shifts of the cause's series calibrating each Granger test (as the reaction
#: functions'; the validation study measured the test with this many).
SHIFT_REPS = 99

#: Largest lag order considered (days).
MAX_ORDER = 14
#: Days over which impulse responses are traced.
IRF_HORIZON = 14


def adf_tests(counts: pd.DataFrame) -> dict:
    """Augmented Dickey-Fuller test (constant, lag length by AIC) of each side's counts.

    Returns ``{"A": {stat, p_value, lags, stationary}, "B": ...}``; ``stationary`` means
    a unit root is rejected at 5%.
    """
    out = {}
    for side in ("A", "B"):
        y = counts[side].to_numpy(float)
        if len(y) < 20 or np.all(y == y[0]):
            out[side] = {"stat": None, "p_value": None, "lags": None, "stationary": None}
            continue
        stat, p_value, lags, *_ = adfuller(y, autolag="AIC", result_object=False)
        out[side] = {
            "stat": float(stat),
            "p_value": float(p_value),
            "lags": int(lags),
            "stationary": bool(p_value < 0.05),
        }
    return out


def _lag_columns(series: np.ndarray, order: int, rows: np.ndarray) -> np.ndarray:
    """Columns ``series[t - 1], ..., series[t - order]`` for each ``t`` in ``rows``, the
    series wrapped around (rows from ``order`` on never wrap)."""
    n = len(series)
    return np.stack([series[(rows - lag) % n] for lag in range(1, order + 1)], axis=-1)


def granger_f_statistics(
    effect: np.ndarray, cause: np.ndarray, order: int, exog: np.ndarray | None, shifts
) -> np.ndarray:
    """Granger F statistics of ``cause`` in ``effect``'s equation of a VAR of lag ``order``
    (constant, both series' lags, ``exog``), for the cause's series shifted by each of
    ``shifts`` periods (``numpy.roll``; shift 0 is the observed alignment).

    Each statistic is ``((RSS_r - RSS_u) / order) / (RSS_u / (n - k))`` by least squares;
    the restricted model (the effect's own lags and ``exog``) is the same for every shift,
    so its projection is computed once.
    """
    n = len(effect)
    rows = np.arange(order, n)
    null = [np.ones((len(rows), 1)), _lag_columns(effect, order, rows)]
    if exog is not None:
        null.append(exog[rows])
    x = np.hstack(null)
    q, _ = np.linalg.qr(x)
    y = effect[rows]
    e = y - q @ (q.T @ y)
    shifts = np.asarray(shifts, int)
    z = np.stack([_lag_columns(cause, order, (rows - s) % n) for s in shifts])
    zt = z - q @ (np.swapaxes(q, 0, 1) @ z)
    gram = np.swapaxes(zt, 1, 2) @ zt
    ze = np.swapaxes(zt, 1, 2) @ e
    explained = np.einsum("mk,mk->m", ze, np.linalg.solve(gram, ze[..., None])[..., 0])
    df_denom = len(rows) - x.shape[1] - order
    rss = float(e @ e) - explained
    return (explained / order) / (rss / df_denom)


def _fit_and_test(counts, criterion, max_order, fixed_effects, freq, shift_reps, seed):
    """The VAR fit at the chosen order and its Granger tests (see :func:`fit_var`)."""
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic', not {criterion!r}")
    endog = counts[["A", "B"]].to_numpy(float)
    exog = None
    if fixed_effects:
        fe, _ = calendar_effects(counts["period"], freq)
        exog = fe if fe.shape[1] else None
    model = VAR(endog, exog=exog)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        order_sel = model.select_order(maxlags=max_order, trend="c")
        orders = {"aic": int(order_sel.aic), "bic": int(order_sel.bic)}
        order = max(1, orders[criterion])
        res = model.fit(order, trend="c")
    granger = {}
    # Every circular shift may be drawn, the ones close to zero too (see draw_shifts).
    shifts = draw_shifts(len(endog), shift_reps, seed)
    for label, cause, effect in (("A->B", 0, 1), ("B->A", 1, 0)):
        test = res.test_causality(effect, [cause], kind="f")
        stats_all = granger_f_statistics(
            endog[:, effect], endog[:, cause], order, exog, np.concatenate([[0], shifts])
        )
        stat, null = stats_all[0], stats_all[1:]
        null = null[np.isfinite(null)]
        p_value = float((1 + np.sum(null >= stat)) / (1 + len(null))) if len(null) else None
        granger[label] = {
            "stat": float(test.test_statistic),
            "df": int(test.df[0]),
            "df_denom": int(test.df[1]),
            "p_value": float(test.pvalue) if p_value is None else p_value,
            "p_value_asymptotic": float(test.pvalue),
            "shift_reps": int(len(null)),
            "test": f"Granger F test in the VAR of order {order}, "
            + (
                f"p-value from {len(null)} time shifts of the cause's series"
                if len(null)
                else "F distribution's p-value (series too short to shift)"
            ),
        }
    return res, order, orders, granger, exog


def var_granger_tests(
    counts: pd.DataFrame,
    *,
    criterion: str = "bic",
    max_order: int = MAX_ORDER,
    fixed_effects: bool = True,
    freq: str = "D",
    shift_reps: int = SHIFT_REPS,
    seed: int = 0,
) -> dict:
    """The Granger tests of :func:`fit_var` alone (no impulse responses, no ADF tests):
    ``{"order", "orders", "granger"}``, the same numbers as :func:`fit_var` gives."""
    _, order, orders, granger, _ = _fit_and_test(
        counts, criterion, max_order, fixed_effects, freq, shift_reps, seed
    )
    return {"order": order, "orders": orders, "granger": granger}


def fit_var(
    counts: pd.DataFrame,
    *,
    criterion: str = "bic",
    max_order: int = MAX_ORDER,
    horizon: int = IRF_HORIZON,
    fixed_effects: bool = True,
    freq: str = "D",
    shift_reps: int = SHIFT_REPS,
    seed: int = 0,
) -> dict:
    """VAR of the two sides' counts with lag order chosen by ``criterion``.

    Parameters
    ----------
    counts
        Output of :func:`analysis.models.calendar.period_counts` (days or weeks).
    criterion
        ``"aic"`` or ``"bic"``: the criterion that picks the lag order (both are reported).
    max_order
        Largest lag order considered.
    horizon
        Periods of the impulse responses.
    fixed_effects
        Month-by-year and day-of-week dummies as exogenous terms.
    freq
        Frequency of ``counts``.
    shift_reps
        Time shifts of the cause's series that calibrate each Granger test (0: the F
        distribution's p-value only).
    seed
        Seed of the shifts.

    Returns
    -------
    ``{"order", "criterion", "orders": {"aic", "bic"}, "stable", "max_root_modulus",
    "n_periods", "granger": {"A->B": {stat, df, df_denom, p_value, p_value_asymptotic,
    shift_reps, test}, "B->A": ...},
    "irf": {"A->B": {"response", "ci_low", "ci_high"}, ...}, "adf", "fixed_effects"}``.
    ``irf["A->B"]["response"][h]`` is B's expected extra events ``h`` periods after one
    extra A event (non-orthogonalised; ``h = 0`` is 0 by construction), with 95% bands.
    The Granger test's ``p_value`` is the rank of its F statistic among those of the
    cause's series shifted in time (``p_value_asymptotic`` is the F distribution's): with
    slowly drifting rates a low-order VAR leaves autocorrelated errors, and the F test
    then finds the other side's (also drifting) past predictive more often than it should.
    """
    res, order, orders, granger, exog = _fit_and_test(
        counts, criterion, max_order, fixed_effects, freq, shift_reps, seed
    )
    roots = np.abs(np.asarray(res.roots))
    # statsmodels returns the inverse roots of the characteristic polynomial: stable when
    # every one lies outside the unit circle, i.e. the companion eigenvalues are inside.
    max_modulus = float(1.0 / roots.min()) if len(roots) else 0.0
    irf = res.irf(horizon)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stderr = irf.stderr(orth=False)
    irfs = {}
    for label, cause, effect in (
        ("A->A", 0, 0),
        ("A->B", 0, 1),
        ("B->A", 1, 0),
        ("B->B", 1, 1),
    ):
        resp = irf.irfs[:, effect, cause]
        se = stderr[:, effect, cause]
        irfs[label] = {
            "response": resp.tolist(),
            "ci_low": (resp - 1.96 * se).tolist(),
            "ci_high": (resp + 1.96 * se).tolist(),
        }
    return {
        "order": int(order),
        "criterion": criterion,
        "orders": orders,
        "stable": bool(res.is_stable()),
        "max_root_modulus": max_modulus,
        "n_periods": int(res.nobs),
        "granger": granger,
        "irf": irfs,
        "adf": adf_tests(counts),
        "fixed_effects": bool(exog is not None),
    }


def dyad_var(dyad: Dyad, *, criterion: str = "bic", freq: str = "D", **kwargs) -> dict:
    """:func:`fit_var` on the dyad's counts per period."""
    return fit_var(
        period_counts(dyad, freq=check_fixed_freq(freq)), criterion=criterion, freq=freq, **kwargs
    )
