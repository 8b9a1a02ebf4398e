"""Reaction functions after Jaeger & Paserman (2008, *American Economic Review*).

Each side's outcome per day is regressed on the OTHER side's counts in past lag buckets
(by default 1, 2-7 and 8-14 days, each the sum over the bucket), on its own counts in the
same buckets and, as in the published model, on month-by-year and day-of-week fixed
effects. The fixed effects take out trends and seasons that both sides share: without them
two sides that merely decline together look as if they react to each other.

Three outcomes, as in the paper: ``"events"`` (a count), ``"fatalities"`` (a count, only
when deaths are known and some occur) and ``"incidence"`` (whether the side acted at all
that day, a linear probability model). Counts are modelled by a negative binomial GLM whose
dispersion ``alpha`` is estimated first and checked for convergence
(:mod:`analysis.models.fitting`); standard errors are Newey-West (HAC), which stay valid
when the residuals are autocorrelated. Count coefficients are incidence-rate ratios (IRR);
incidence coefficients are changes in the probability of acting.

The headline is the **joint** test that all the other side's lag buckets are zero
(``wald_other``), an F test built on the HAC covariance; the individual buckets are
described, not tested one by one.

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
from analysis.models.fitting import FitFailed, fit_glm_checked, negbin_alpha

#: Default lag buckets, in periods of the chosen frequency: (first lag, last lag).
DEFAULT_BUCKETS = {"D": ((1, 1), (2, 7), (8, 14)), "W": ((1, 1), (2, 2), (3, 4))}
#: Share of events with a known fatality count needed to model fatalities.
FATALITY_COVERAGE = 0.8
#: Outcomes of the reaction function (Jaeger & Paserman 2008 use all three).
OUTCOMES = ("events", "fatalities", "incidence")
#: Fewest periods with a positive count for a count model.
MIN_NONZERO = 10


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


def calendar_effects(
    periods: pd.Series, freq: str = "D", month: bool = True, weekday: bool = True
) -> tuple[np.ndarray, list[str]]:
    """Month-by-year and day-of-week dummy columns (first level of each dropped).

    Parameters
    ----------
    periods
        Start dates of the periods.
    freq
        ``"D"`` or ``"W"``; day-of-week effects only exist for days.
    month, weekday
        Which fixed effects to build.

    Returns
    -------
    ``(matrix, names)``; the matrix has one row per period and may have no columns.
    """
    dates = pd.to_datetime(pd.Series(periods)).reset_index(drop=True)
    blocks, names = [], []
    if month and len(dates):
        key = dates.dt.strftime("%Y-%m")
        dummies = pd.get_dummies(key, dtype=float)
        blocks.append(dummies.to_numpy()[:, 1:])
        names += [f"month {m}" for m in dummies.columns[1:]]
    if weekday and freq == "D" and len(dates):
        dummies = pd.get_dummies(dates.dt.day_of_week, dtype=float)
        blocks.append(dummies.to_numpy()[:, 1:])
        day_names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        names += [f"weekday {day_names[d]}" for d in dummies.columns[1:]]
    if not blocks:
        return np.empty((len(dates), 0)), []
    return np.hstack(blocks), names


def fit_reaction(
    counts: pd.DataFrame,
    target: str,
    *,
    freq: str = "D",
    buckets: tuple[tuple[int, int], ...] | None = None,
    maxlags: int | None = None,
    outcome: str = "events",
    fixed_effects: bool = True,
    shift_reps: int = 99,
    seed: int = 0,
    keep_shifts: bool = False,
) -> dict:
    """Reaction function of side ``target`` to the other side (Jaeger & Paserman 2008).

    Parameters
    ----------
    counts
        Output of :func:`analysis.models.calendar.period_counts` (events, or fatalities
        for that outcome).
    target
        ``"A"`` or ``"B"``: the side whose outcome is explained.
    freq
        Frequency of ``counts`` (labels, default buckets, day-of-week effects).
    buckets
        Lag buckets ``(first, last)`` in periods; default :data:`DEFAULT_BUCKETS`.
    maxlags
        HAC truncation lag; default :func:`newey_west_lags`.
    outcome
        ``"events"`` or ``"fatalities"`` (negative binomial counts of ``counts``) or
        ``"incidence"`` (whether ``counts`` is positive; linear probability model).
    fixed_effects
        Month-by-year and day-of-week fixed effects (the published model). Turning them
        off reproduces the older model, whose joint test over-rejects under shared trends.
    shift_reps
        Time shifts of the other side's series that calibrate the joint test (0: the
        asymptotic F p-value, which over-rejects; see ``wald_other``).
    seed
        Seed of the shifts.
    keep_shifts
        Also return the shifted statistics (``wald_other["shift_stats"]``), as the
        validation study needs them.

    Returns
    -------
    ``{"table": DataFrame(term, source, lags, estimate, irr, ci_low, ci_high, p_value),
    "scale", "outcome", "alpha", "alpha_method", "family", "n_periods", "maxlags",
    "fixed_effects", "converged", "wald_other": {stat, df, df_denom, p_value, test}}``.
    ``estimate`` is an IRR for counts (and repeated in ``irr``) and a change in the
    probability of acting for incidence (``irr`` is NaN). ``wald_other`` is the joint F
    test that every lag bucket of the other side is zero; its ``p_value`` is the rank of
    the observed statistic among those of the shifted series (``p_value_asymptotic`` is
    the F distribution's, shown for comparison).

    Raises
    ------
    FitFailed
        When the outcome does not vary enough to be modelled or a fit did not converge.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    buckets = buckets or DEFAULT_BUCKETS[freq]
    other = "B" if target == "A" else "A"
    y_all = counts[target].to_numpy(float)
    x_other = bucket_sums(counts[other].to_numpy(float), buckets)
    x_own = bucket_sums(y_all, buckets)
    keep = ~np.isnan(x_other).any(axis=1)
    y = y_all[keep]
    if outcome == "incidence":
        y = (y > 0).astype(float)
    _check_variation(y, outcome)
    # Dummies are built on the rows kept after the first lag window, so that a month
    # wholly inside that window does not leave a column of zeros.
    periods = counts["period"].reset_index(drop=True)[keep]
    fe, fe_names = calendar_effects(periods, freq) if fixed_effects else (np.empty((len(y), 0)), [])
    k_lags = len(buckets)
    exog = np.column_stack([np.ones(keep.sum()), x_other[keep], x_own[keep], fe])
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise FitFailed("the regressors are collinear (a side never acts in a lag window?)")
    names = ["const"]
    names += [_bucket_label(other, lo, hi, freq) for lo, hi in buckets]
    names += [_bucket_label(target, lo, hi, freq) for lo, hi in buckets]
    sources = ["", *[other] * k_lags, *[target] * k_lags]
    lags = ["", *[f"{lo}-{hi}" if lo != hi else f"{lo}" for lo, hi in buckets] * 2]
    maxlags = newey_west_lags(len(y)) if maxlags is None else maxlags
    cov = {"cov_type": "HAC", "cov_kwds": {"maxlags": maxlags}}
    if outcome == "incidence":
        alpha, alpha_method, family_name = float("nan"), "", "linear probability"
        family = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.OLS(y, exog).fit(**cov)
    else:
        alpha, alpha_method = negbin_alpha(y, exog)
        if alpha < 1e-4:
            family, family_name = sm.families.Poisson(), "poisson"
        else:
            family, family_name = sm.families.NegativeBinomial(alpha=alpha), "negbin"
        res = fit_glm_checked(y, exog, family, **cov)
    z = stats.norm.ppf(0.975)
    n_show = 1 + 2 * k_lags
    params, bse = np.asarray(res.params)[:n_show], np.asarray(res.bse)[:n_show]
    lo_b, hi_b = params - z * bse, params + z * bse
    counts_scale = outcome != "incidence"
    est = np.exp(params) if counts_scale else params
    table = pd.DataFrame(
        {
            "term": names,
            "source": sources,
            "lags": lags,
            "estimate": est,
            "irr": est if counts_scale else np.full(n_show, np.nan),
            "ci_low": np.exp(lo_b) if counts_scale else lo_b,
            "ci_high": np.exp(hi_b) if counts_scale else hi_b,
            "p_value": np.asarray(res.pvalues)[:n_show],
        }
    )
    block = np.zeros((k_lags, exog.shape[1]))
    block[:, 1 : 1 + k_lags] = np.eye(k_lags)

    def joint_f(result) -> tuple[float, float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = result.wald_test(block, scalar=True, use_f=True)
        return float(np.squeeze(w.statistic)), float(w.pvalue)

    stat, p_asymptotic = joint_f(res)
    df_denom = int(len(y) - exog.shape[1])
    # The robust F test rejects 10-15% of the time at 5% with these many fixed effects
    # (simulated, independent sides); its null distribution is taken instead from the
    # other side's series shifted in time, which keeps both series' own dependence,
    # trends within the fixed effects and clustering, and breaks only their alignment.
    other_series = counts[other].to_numpy(float)
    max_lag = max(hi for _, hi in buckets)
    n_all = len(other_series)
    rng = np.random.default_rng(seed)
    null = []
    if shift_reps and n_all > 4 * max_lag:
        for shift in rng.integers(max_lag + 1, n_all - max_lag, size=shift_reps):
            x_s = bucket_sums(np.roll(other_series, int(shift)), buckets)[keep]
            exog_s = exog.copy()
            exog_s[:, 1 : 1 + k_lags] = x_s
            try:
                res_s = (
                    sm.OLS(y, exog_s).fit(**cov)
                    if outcome == "incidence"
                    else fit_glm_checked(y, exog_s, family, **cov)
                )
            except FitFailed:
                continue
            null.append(joint_f(res_s)[0])
    null = np.asarray(null)
    p_value = float((1 + np.sum(null >= stat)) / (1 + len(null))) if len(null) else p_asymptotic
    wald_other = {
        "stat": stat,
        "df": int(k_lags),
        "df_denom": df_denom,
        "p_value": p_value,
        "p_value_asymptotic": p_asymptotic,
        "shift_reps": int(len(null)),
        "test": f"joint F test of the {k_lags} lag buckets of {other} (HAC covariance), "
        + (
            f"p-value from {len(null)} time shifts of {other}'s series"
            if len(null)
            else "asymptotic F p-value (series too short to shift)"
        ),
    }
    if keep_shifts:
        wald_other["shift_stats"] = null.tolist()
    return {
        "table": table[table["term"] != "const"].reset_index(drop=True),
        "scale": "IRR" if counts_scale else "probability",
        "outcome": outcome,
        "alpha": float(alpha),
        "alpha_method": alpha_method,
        "family": family_name,
        "n_periods": int(len(y)),
        "maxlags": int(maxlags),
        "fixed_effects": _fe_summary(fe_names),
        "converged": True,
        "wald_other": wald_other,
    }


def _check_variation(y: np.ndarray, outcome: str) -> None:
    if outcome == "incidence":
        share = float(y.mean()) if len(y) else 0.0
        if share <= 0.02 or share >= 0.98:
            raise FitFailed(
                f"the side acts on {share:.0%} of the periods: incidence hardly varies and "
                "cannot be modelled"
            )
        return
    nonzero = int((y > 0).sum())
    if nonzero < MIN_NONZERO:
        what = "deaths" if outcome == "fatalities" else "events"
        raise FitFailed(
            f"only {nonzero} periods with {what} (< {MIN_NONZERO}): too few to model counts"
        )


def _fe_summary(names: list[str]) -> str:
    months = sum(n.startswith("month") for n in names)
    days = sum(n.startswith("weekday") for n in names)
    parts = []
    if months:
        parts.append(f"month-year ({months + 1} months)")
    if days:
        parts.append("day of week")
    return " and ".join(parts) if parts else "none"


def reaction_functions(
    dyad: Dyad,
    *,
    freq: str = "D",
    value: str = "events",
    buckets: tuple[tuple[int, int], ...] | None = None,
    maxlags: int | None = None,
    fixed_effects: bool = True,
    shift_reps: int = 99,
    seed: int = 0,
) -> dict:
    """Reaction functions in both directions.

    Parameters
    ----------
    dyad
        The dyad.
    freq, buckets, maxlags, fixed_effects, shift_reps, seed
        As in :func:`fit_reaction`.
    value
        The outcome: ``"events"``, ``"fatalities"`` or ``"incidence"`` (regressors are
        event counts for events and incidence, fatalities for fatalities).

    Returns
    -------
    ``{"A->B": fit_reaction(..., target="B"), "B->A": fit_reaction(..., target="A"),
    "freq", "value"}``; a direction whose fit failed is ``{"failed": reason}``.
    """
    if value not in OUTCOMES:
        raise ValueError(f"value must be one of {OUTCOMES}, not {value!r}")
    counts = calendar.period_counts(
        dyad,
        freq=calendar.check_fixed_freq(freq),
        value="fatalities" if value == "fatalities" else "events",
    )
    out: dict = {"freq": freq, "value": value}
    for label, target in (("A->B", "B"), ("B->A", "A")):
        try:
            out[label] = fit_reaction(
                counts,
                target,
                freq=freq,
                buckets=buckets,
                maxlags=maxlags,
                outcome=value,
                fixed_effects=fixed_effects,
                shift_reps=shift_reps,
                seed=seed,
            )
        except FitFailed as err:
            out[label] = {"failed": str(err)}
    return out
