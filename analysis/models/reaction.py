"""Reaction functions after Jaeger & Paserman (2008, *American Economic Review*).

Each side's outcome per day is regressed on the OTHER side's counts in past lag buckets
(by default 1, 2-7 and 8-14 days, each the sum over the bucket), on its own counts in the
same buckets and, as in the published model, on month-by-year and day-of-week fixed
effects. The fixed effects take out trends and seasons that both sides share: without them
two sides that merely decline together look as if they react to each other.

Three outcomes, as in the paper: ``"events"`` (a count), ``"fatalities"`` (a count, only
when deaths are known and some occur) and ``"incidence"`` (whether the side acted at all
that day, a linear probability model). Counts are modelled by a negative binomial
regression whose dispersion ``alpha`` is estimated by maximum likelihood in the model
without the other side's lags and then held fixed; every fit is checked for convergence
(:mod:`analysis.models.hac_regression`). Standard errors are Newey-West (HAC) sandwiches,
which stay valid when the residuals are autocorrelated or the dispersion is off. Count
coefficients are incidence-rate ratios (IRR); incidence coefficients are changes in the
probability of acting.

The headline is the **joint** test that all the other side's lag buckets are zero
(``wald_other``): a HAC-robust score test, calibrated against the other side's series
shifted in time (:data:`SHIFT_REPS` shifts) after that series is purged of its same-day
association with the side's own (:func:`same_day_residual`); the individual buckets are
described, not tested one by one.

Direction labels follow the Hawkes convention: ``"A->B"`` is B's reaction to A's events.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.models import calendar, hac_regression
from analysis.models.dyad import Dyad
from analysis.models.fitting import FitFailed

#: Default lag buckets, in periods of the chosen frequency: (first lag, last lag).
DEFAULT_BUCKETS = {"D": ((1, 1), (2, 7), (8, 14)), "W": ((1, 1), (2, 2), (3, 4))}
#: Share of events with a known fatality count needed to model fatalities.
FATALITY_COVERAGE = 0.8
#: Outcomes of the reaction function (Jaeger & Paserman 2008 use all three).
OUTCOMES = ("events", "fatalities", "incidence")
#: Fewest periods with a positive count for a count model.
MIN_NONZERO = 10
#: Time shifts calibrating the joint test, drawn without replacement from all circular
#: shifts (the validation study measured the test with this many; the reports use it too).
SHIFT_REPS = 99
#: Fewest shifts for a shift p-value (below, the asymptotic one is given).
MIN_SHIFTS = 19


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


def _calendar_keys(periods: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Month (``datetime64[M]``) and weekday (Monday 0) of each period start."""
    days = pd.to_datetime(pd.Series(periods)).to_numpy().astype("datetime64[D]")
    # 1970-01-01 was a Thursday (weekday 3).
    return days.astype("datetime64[M]"), (days.astype(np.int64) + 3) % 7


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
    months, days = _calendar_keys(periods)
    blocks, names = [], []
    if month and len(months):
        levels, codes = np.unique(months, return_inverse=True)
        blocks.append(np.eye(len(levels))[codes][:, 1:])
        names += [f"month {m}" for m in levels.astype(str)[1:]]
    if weekday and freq == "D" and len(days):
        levels, codes = np.unique(days, return_inverse=True)
        blocks.append(np.eye(len(levels))[codes][:, 1:])
        day_names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        names += [f"weekday {day_names[d]}" for d in levels[1:]]
    if not blocks:
        return np.empty((len(months), 0)), []
    return np.hstack(blocks), names


def circular_bucket_sums(series: np.ndarray, buckets: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Like :func:`bucket_sums`, with the series wrapped around: the lags of the first
    periods are taken from its end. Row ``(t - s) mod n`` holds the bucket sums at period
    ``t`` of the series shifted ``s`` periods later (``numpy.roll(series, s)``)."""
    x = np.asarray(series, float)
    out = np.zeros((len(x), len(buckets)))
    for k, (lo, hi) in enumerate(buckets):
        for lag in range(lo, hi + 1):
            out[:, k] += np.roll(x, lag)
    return out


def same_day_residual(other: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The other side's series less its least-squares fit on a constant and the side's
    own series of the same period: what the time shifts move.

    Lag buckets of the residual differ from the other side's by a multiple of the side's
    own lag buckets and a constant, both in the null model, so the observed score test is
    the same with either. A shifted copy of the raw series, though, carries the two sides'
    same-period association to the wrong place: when both react to the same daily news,
    a shift that brings the outcome's own day into a lag window (shifts ``n - 14`` to
    ``n - 1`` for lags up to 14) gives a statistic several times the observed one, and
    the test becomes conservative (1-2% at 5% in the validation study). The residual has no linear
    same-period association left to move (Kennedy 1995 permutes residuals of the
    regressor of interest the same way).
    """
    x = np.asarray(other, float)
    design = np.column_stack([np.ones(len(x)), np.asarray(own, float)])
    coef = np.linalg.lstsq(design, x, rcond=None)[0]
    return x - design @ coef


def draw_shifts(n_periods: int, reps: int, seed: int = 0) -> np.ndarray:
    """Circular time shifts of a series of ``n_periods`` periods that calibrate a test:
    every shift from 1 to ``n_periods - 1`` when ``reps`` reaches their number, else
    ``reps`` of them drawn without replacement (sorted); none below :data:`MIN_SHIFTS`.

    Shifts close to zero are kept although they overlap the observed lag windows. When
    the other side's series is stationary and independent of the outcome, the statistics
    of all circular shifts are alike, and the observed one (shift 0) is equally likely to
    take any rank among them: the p-value is then exact. Leaving out the shifts next to
    zero would break that symmetry: their statistics are close to the observed one, and
    when it is high by chance its closest rivals would be missing. Under an effect the
    shifts close to zero carry part of it, which costs a little power.
    """
    shifts = np.arange(1, n_periods)
    if len(shifts) < MIN_SHIFTS or reps <= 0:
        return shifts[:0]
    if reps < len(shifts):
        shifts = np.sort(np.random.default_rng(seed).choice(shifts, reps, replace=False))
    return shifts


def _identified_rows(y: np.ndarray, periods: pd.Series, freq: str) -> np.ndarray:
    """Rows whose fixed effects have a finite estimate in a count model: a month (or a
    weekday) in which the side never acts has its effect at minus infinity, and its rows
    carry no information on the other coefficients, so they are left out (as in Poisson
    regressions with fixed effects generally)."""
    months, days = _calendar_keys(periods)
    rows = np.ones(len(y), bool)
    for key in (months, days) if freq == "D" else (months,):
        _, codes = np.unique(key, return_inverse=True)
        rows &= np.bincount(codes, weights=y)[codes] > 0
    return rows


def fit_reaction(
    counts: pd.DataFrame,
    target: str,
    *,
    freq: str = "D",
    buckets: tuple[tuple[int, int], ...] | None = None,
    maxlags: int | None = None,
    outcome: str = "events",
    fixed_effects: bool = True,
    shift_reps: int = SHIFT_REPS,
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
        Time shifts of the other side's series that calibrate the joint test
        (:func:`draw_shifts`: all of them when there are no more than this, else this
        many drawn without replacement); 0 gives the asymptotic p-value only.
    seed
        Seed of the draw of shifts (only used when not every shift is taken).
    keep_shifts
        Also return the shifted statistics (``wald_other["shift_stats"]``).

    Returns
    -------
    ``{"table": DataFrame(term, source, lags, estimate, irr, ci_low, ci_high, p_value),
    "scale", "outcome", "alpha", "alpha_method", "family", "n_periods", "maxlags",
    "fixed_effects", "converged", "wald_other": {stat, df, df_denom, p_value,
    p_value_asymptotic, shift_reps, test}}``. ``estimate`` is an IRR for counts (and
    repeated in ``irr``) and a change in the probability of acting for incidence (``irr``
    is NaN); intervals and ``p_value`` of the table are Wald, with the HAC sandwich
    covariance.

    ``wald_other`` is the joint test that every lag bucket of the other side is zero: a
    HAC-robust score test on the null model (the fit without those buckets;
    :class:`~analysis.models.hac_regression.ScoreTest`, statistic chi-square / df) whose
    ``p_value`` is the rank of the observed statistic among those of the other side's
    series shifted in time, after that series is purged of its same-period association
    with the side's own (:func:`same_day_residual`; the observed statistic is unchanged by
    it). ``p_value_asymptotic`` is the chi-square's, shown for comparison.

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
    other_series = counts[other].to_numpy(float)
    x_other = bucket_sums(other_series, buckets)
    x_own = bucket_sums(y_all, buckets)
    keep = ~np.isnan(x_other).any(axis=1)
    y = y_all[keep]
    if outcome == "incidence":
        y = (y > 0).astype(float)
    _check_variation(y, outcome)
    maxlags = newey_west_lags(len(y)) if maxlags is None else maxlags
    # Dummies are built on the rows kept after the first lag window, so that a month
    # wholly inside that window does not leave a column of zeros.
    periods = counts["period"].reset_index(drop=True)[keep].reset_index(drop=True)
    rows = np.ones(len(y), bool)
    if fixed_effects and outcome != "incidence":
        rows = _identified_rows(y, periods, freq)
    positions = np.flatnonzero(keep)[rows]
    y = y[rows]
    fe, fe_names = (
        calendar_effects(periods[rows], freq) if fixed_effects else (np.empty((len(y), 0)), [])
    )
    k_lags = len(buckets)
    z_other = x_other[keep][rows]
    null_exog = np.column_stack([np.ones(len(y)), x_own[keep][rows], fe])
    exog = np.column_stack([null_exog[:, :1], z_other, null_exog[:, 1:]])
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise FitFailed("the regressors are collinear (a side never acts in a lag window?)")
    names = ["const"]
    names += [_bucket_label(other, lo, hi, freq) for lo, hi in buckets]
    names += [_bucket_label(target, lo, hi, freq) for lo, hi in buckets]
    if outcome != "incidence":
        for j in range(1, 1 + 2 * k_lags):
            if not np.any(y[exog[:, j] > 0] > 0):
                raise FitFailed(
                    f"{target} never acted when {names[j]} was positive: that effect has no "
                    "finite estimate (too few events)"
                )
    sources = ["", *[other] * k_lags, *[target] * k_lags]
    lags = ["", *[f"{lo}-{hi}" if lo != hi else f"{lo}" for lo, hi in buckets] * 2]
    if outcome == "incidence":
        alpha, alpha_method, family_name = float("nan"), "", "linear probability"
        null_fit = hac_regression.fit_linear(y, null_exog)
        fit = hac_regression.fit_linear(y, exog)
    else:
        # The dispersion is estimated once, in the model without the other side's lags,
        # and kept for the full model: the null model is then the same for the observed
        # series and every shifted one, so their statistics are exchangeable under the
        # null (with fixed alpha the count model is quasi-likelihood: its estimates stay
        # consistent and the sandwich covariance covers any error in alpha).
        alpha, null_fit = hac_regression.nb2_alpha(y, null_exog)
        alpha_method = "profile likelihood, model without the other side's lags"
        family_name = "negbin" if alpha > 0 else "poisson"
        start = np.concatenate([null_fit.params[:1], np.zeros(k_lags), null_fit.params[1:]])
        fit = hac_regression.fit_loglinear(y, exog, alpha, start=start)
    try:
        cov = hac_regression.sandwich_cov(exog, fit, maxlags, positions)
        test = hac_regression.ScoreTest(null_exog, null_fit, maxlags, positions)
    except np.linalg.LinAlgError as err:
        raise FitFailed(f"the covariance of the fit is singular ({err})") from None
    z = stats.norm.ppf(0.975)
    n_show = 1 + 2 * k_lags
    params = fit.params[:n_show]
    with np.errstate(invalid="ignore"):
        bse = np.sqrt(np.diag(cov))[:n_show]
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(bse)) and np.all(bse > 0)):
        raise FitFailed("the fit gave non-finite estimates or standard errors")
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
            "p_value": 2 * stats.norm.sf(np.abs(params / bse)),
        }
    )
    stat = float(test.statistics(z_other)[0])
    if not np.isfinite(stat):
        raise FitFailed(f"{other}'s lags add nothing the model does not already explain")
    p_asymptotic = float(stats.chi2.sf(stat * k_lags, k_lags))
    df_denom = int(len(y) - exog.shape[1])
    # The robust test's chi-square p-value is too small with these many fixed effects
    # (the HAC covariance of the score is estimated from a few hundred days); its null
    # distribution is taken instead from the other side's series shifted in time, which
    # keeps both series' own dependence, trends within the fixed effects and clustering,
    # and breaks only their alignment. Every shift uses the same null model, so the
    # observed statistic and the shifted ones are computed alike; the series shifted is
    # purged of its same-day association with the outcome side's (see same_day_residual).
    shifts = draw_shifts(len(other_series), shift_reps, seed)
    null = np.empty(0)
    if len(shifts):
        wrapped = circular_bucket_sums(same_day_residual(other_series, y_all), buckets)
        index = (positions[None, :] - shifts[:, None]) % len(other_series)
        null = test.statistics(wrapped[index])
        null = null[np.isfinite(null)]
    p_value = float((1 + np.sum(null >= stat)) / (1 + len(null))) if len(null) else p_asymptotic
    wald_other = {
        "stat": stat,
        "df": int(k_lags),
        "df_denom": df_denom,
        "p_value": p_value,
        "p_value_asymptotic": p_asymptotic,
        "shift_reps": int(len(null)),
        "test": f"robust score test (HAC) that the {k_lags} lag buckets of {other} are zero, "
        + (
            f"p-value from {len(null)} time shifts of {other}'s series (purged of its "
            "same-day association)"
            if len(null)
            else "asymptotic chi-square p-value (series too short to shift)"
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
    shift_reps: int = SHIFT_REPS,
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
