"""Casualty trends: killed and injured per side over time, with honest handling of unknowns.

Unknown casualty figures are never read as zero. Totals are sums of the *known* values and
always come with the number of events whose figure is unknown. A period whose events all
have unknown figures has an unknown (NaN) total; a period without events has zero.

Two kinds of inference:

- :func:`rate_change_test`, the comparison of rates before and after a date that
  :func:`dyad_rate_tests` reports: the ratio of the mean daily counts, with each side's
  long-run variance estimated from its slowest cosine waves and a t reference, so that
  clustered, overdispersed and slowly drifting counts do not pass for a change.
  :func:`rate_test`, the exact conditional test of two Poisson rates, is kept for
  comparison and for samples too short for the long-run variance; on clustered event
  counts it rejects far too often.
- :func:`fit_trend`, a count regression on time (Poisson, and negative binomial with an
  estimated dispersion, checked for convergence), only on the parametric route.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.discrete_model import Poisson
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning
from statsmodels.tools.tools import add_constant

from analysis.models import calendar
from analysis.models.dyad import Dyad
from analysis.models.fitting import FitFailed, converged, fit_discrete_negbin

MEASURES = ("killed", "injured")
BOUNDS = ("low", "best", "high")
#: Schema column prefix of each measure.
COLUMN_PREFIX = {"killed": "fatalities", "injured": "injured"}
#: Fewest periods a trend model is fitted on.
MIN_PERIODS = 8
#: Shortest half-period (days) of the cosine waves whose projections estimate the long-run
#: variance of each side's rate in :func:`rate_change_test`.
HALF_WAVE_DAYS = 56


def _column(measure: str, bound: str) -> str:
    return f"{COLUMN_PREFIX[measure]}_{bound}"


def _numeric(events: pd.DataFrame, column: str) -> pd.Series:
    if column not in events.columns:
        return pd.Series(np.nan, index=events.index, dtype=float)
    return pd.to_numeric(events[column], errors="coerce").astype(float)


def casualty_totals(events: pd.DataFrame) -> dict:
    """Totals of killed and injured (low, best, high) over known values.

    Returns
    -------
    ``{"killed": {low, best, high, n_known, n_unknown}, "injured": {...}, "n_events": n}``.
    A total is ``None`` when no event has that figure. ``n_known``/``n_unknown`` refer to
    the best estimate.
    """
    out: dict = {"n_events": int(len(events))}
    for measure in MEASURES:
        entry = {}
        for bound in BOUNDS:
            values = _numeric(events, _column(measure, bound))
            entry[bound] = float(values.sum()) if values.notna().any() else None
        best = _numeric(events, _column(measure, "best"))
        entry["n_known"] = int(best.notna().sum())
        entry["n_unknown"] = int(best.isna().sum())
        out[measure] = entry
    return out


def dyad_totals(dyad: Dyad) -> dict:
    """:func:`casualty_totals` per side, keyed by side code."""
    return {
        dyad.side_a: casualty_totals(dyad.a),
        dyad.side_b: casualty_totals(dyad.b),
    }


def casualty_series(dyad: Dyad, freq: str = "W") -> pd.DataFrame:
    """Events, killed and injured per side and period, every period of the span included.

    Parameters
    ----------
    dyad
        The dyad's events.
    freq
        Period: ``"W"`` (Monday-to-Sunday weeks) or ``"M"`` (months); see
        :mod:`analysis.models.calendar`.

    Returns
    -------
    Long DataFrame with ``period`` (start date), ``side`` (``"A"``/``"B"``), ``n_events``,
    ``killed_low``, ``killed_best``, ``killed_high``, ``injured_low`` ... and
    ``killed_unknown``/``injured_unknown`` (events with unknown best figure).
    """
    value_cols = [f"{m}_{b}" for m in MEASURES for b in BOUNDS]
    cols = ["period", "side", "n_events", *value_cols, "killed_unknown", "injured_unknown"]
    events = dyad.events
    if events.empty or pd.isna(dyad.start) or pd.isna(dyad.end):
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(
        {
            "period": calendar.period_start(events["event_date"], freq).to_numpy(),
            "side": events["side"],
            "n_events": 1,
        }
    )
    for m in MEASURES:
        for b in BOUNDS:
            frame[f"{m}_{b}"] = _numeric(events, _column(m, b)).to_numpy()
        frame[f"{m}_unknown"] = frame[f"{m}_best"].isna().astype(int)
    grouped = frame.groupby(["period", "side"])
    # min_count=1: a period whose events all have unknown figures stays unknown, not zero.
    sums = grouped[value_cols].sum(min_count=1)
    counts = grouped[["n_events", "killed_unknown", "injured_unknown"]].sum()
    table = counts.join(sums)
    periods = calendar.period_range(dyad.start, dyad.end, freq)
    full = pd.MultiIndex.from_product([periods, ["A", "B"]], names=["period", "side"])
    table = table.reindex(full)
    empty = table["n_events"].isna()
    table.loc[empty, ["n_events", "killed_unknown", "injured_unknown", *value_cols]] = 0
    table = table.reset_index()
    for c in ("n_events", "killed_unknown", "injured_unknown"):
        table[c] = table[c].astype(int)
    return table[cols]


def rolling_totals(
    series: pd.DataFrame, column: str = "killed_best", window: int = 4
) -> pd.DataFrame:
    """Rolling sum of ``column`` per side over ``window`` periods (known values only).

    Returns the wide table ``period`` x side (``"A"``, ``"B"``).
    """
    if series.empty:
        return pd.DataFrame(columns=["A", "B"])
    wide = series.pivot(index="period", columns="side", values=column).astype(float)
    return wide.rolling(window, min_periods=1).sum()


def rate_test(
    count_before: int,
    exposure_before: float,
    count_after: int,
    exposure_after: float,
    allows_tests: bool = True,
) -> dict:
    """Exact conditional test of two Poisson rates, with the exact CI of their ratio.

    Given ``n = count_before + count_after``, under equal rates ``count_after`` is
    binomial with ``p = exposure_after / (exposure_before + exposure_after)``. The
    Clopper-Pearson interval of that proportion maps to an exact interval of the rate
    ratio ``(count_after / exposure_after) / (count_before / exposure_before)``.

    Returns
    -------
    ``{rate_before, rate_after, rate_ratio, ci_low, ci_high, p_value, p_value_reason,
    count_before, count_after, exposure_before, exposure_after}``. The p-value is
    two-sided, and ``None`` (with a reason) when tests are not allowed or there are no
    events.
    """
    out = {
        "count_before": int(count_before),
        "count_after": int(count_after),
        "exposure_before": float(exposure_before),
        "exposure_after": float(exposure_after),
        "rate_before": count_before / exposure_before if exposure_before > 0 else None,
        "rate_after": count_after / exposure_after if exposure_after > 0 else None,
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "p_value_reason": None,
    }
    n = int(count_before + count_after)
    if n == 0 or exposure_before <= 0 or exposure_after <= 0:
        out["p_value_reason"] = "no events, or an empty period: nothing to compare"
        return out
    scale = exposure_before / exposure_after
    if count_before > 0:
        out["rate_ratio"] = (count_after / count_before) * scale
    p0 = exposure_after / (exposure_before + exposure_after)
    test = stats.binomtest(int(count_after), n, p0)
    ci = test.proportion_ci(confidence_level=0.95, method="exact")
    out["ci_low"] = float(ci.low / (1 - ci.low) * scale)
    out["ci_high"] = float(ci.high / (1 - ci.high) * scale) if ci.high < 1 else None
    if allows_tests:
        out["p_value"] = float(test.pvalue)
    else:
        out["p_value_reason"] = "too few events for a test (descriptive route)"
    return out


def _side_long_run_variance(y: np.ndarray, n_cosines: int) -> float:
    """Long-run variance of a daily series from its ``n_cosines`` slowest cosine waves.

    The projections ``sqrt(2) * sum_t y_t cos(pi j (t - 1/2) / n)``, ``j = 1..K``, do not
    see the series' mean (each cosine sums to zero), and each has expectation ``n`` times
    the long-run variance when the long-run variance barely changes over the lowest
    frequencies: their mean square over ``n`` is the equal-weighted cosine estimator.
    """
    n = len(y)
    t = np.arange(n) + 0.5
    j = np.arange(1, n_cosines + 1)[:, None]
    # The cosines sum to zero, so demeaning changes nothing but rounding (a constant
    # series projects on exactly zero).
    proj = np.sqrt(2.0) * (np.cos(np.pi * j * t / n) @ (y - y.mean()))
    return float(np.mean(proj**2) / n)


def rate_change_test(
    daily: np.ndarray,
    split_index: int,
    *,
    half_wave_days: int = HALF_WAVE_DAYS,
    allows_tests: bool = True,
) -> dict:
    """Rate after vs before a split, allowing overdispersion, bursts and slowly drifting rates.

    The rate ratio is the ratio of the mean daily counts after and before the split. Its
    variance comes from each side's own *long-run* variance (the variance of a mean of
    dependent days, which counts the covariance of every pair of days), estimated from the
    side's projections on its ``K`` slowest cosine waves, ``K = days // half_wave_days``
    (at least one): the equal-weighted cosine estimator (Mueller 2007; Lazarus, Lewis,
    Stock & Watson 2018, "HAR inference: recommendations for practice"). The log ratio
    over its delta-method standard error is referred to a t distribution: in the limit
    each side's estimate is a chi-square with ``K`` degrees of freedom over ``K``, and the
    two are combined with Welch-Satterthwaite degrees of freedom.

    Why cosines of at least ``half_wave_days`` (56 days) per half-period: summing days
    into 28-day blocks (the earlier form of this test) leaves adjacent blocks correlated
    when busy periods last weeks, and the block-to-block spread then understates the
    variance (it rejected 9-11% of stationary series whose log-rate is an AR(1) of 0.9 a
    day at nominal 5%). The cosine estimator's bias is of second order in the frequency,
    and with waves no faster than one per 112 days it stays near a tenth of the variance
    for such series at any span, for a true size of about 6%; dependence shorter than a
    few weeks (bursts, self-excitation, daily shocks) costs nothing.

    Parameters
    ----------
    daily
        Counts per day over the whole period (unknowns already removed).
    split_index
        Index of the first day "after".
    half_wave_days
        Shortest half-period of a cosine used, in days; each side needs at least this
        many days for a p-value.
    allows_tests
        False on the descriptive route: no p-value.

    Returns
    -------
    The keys of :func:`rate_test` plus ``method``, ``n_cosines_before``,
    ``n_cosines_after``, ``dispersion_before`` and ``dispersion_after`` (each side's
    long-run variance over its mean: 1 for independent Poisson days) and ``df``;
    ``p_value`` is ``None`` (with a reason) when a side is shorter than
    ``half_wave_days``, has no events, or its counts do not vary.
    """
    y = np.asarray(daily, float)
    before, after = y[:split_index], y[split_index:]
    out = rate_test(
        int(round(before.sum())),
        float(len(before)),
        int(round(after.sum())),
        float(len(after)),
        allows_tests=False,
    )
    k_before, k_after = len(before) // half_wave_days, len(after) // half_wave_days
    out.update(
        method=(
            f"rate ratio, long-run variance from the slowest cosines "
            f"({k_before} before, {k_after} after; half-periods of {half_wave_days} days "
            "or more), t reference"
        ),
        n_cosines_before=k_before,
        n_cosines_after=k_after,
        dispersion_before=None,
        dispersion_after=None,
        df=None,
        ci_low=None,
        ci_high=None,
        p_value=None,
    )
    if k_before < 1 or k_after < 1:
        out["p_value_reason"] = (
            f"fewer than {half_wave_days} days on a side of the split: the variance of a "
            "side's rate cannot be estimated"
        )
        return out
    if before.sum() == 0 or after.sum() == 0:
        out["p_value_reason"] = "no events on one side of the split: ratio not estimable"
        return out
    means = np.array([before.mean(), after.mean()])
    lrv = np.array(
        [_side_long_run_variance(before, k_before), _side_long_run_variance(after, k_after)]
    )
    # Delta method: Var(log mean) = long-run variance / (days * mean^2), per side.
    var_log = lrv / (np.array([len(before), len(after)]) * means**2)
    total = float(var_log.sum())
    out["dispersion_before"], out["dispersion_after"] = (float(v) for v in lrv / means)
    if not np.isfinite(total) or total <= 0:
        out["p_value_reason"] = "the daily counts do not vary: no variance to test against"
        return out
    df = total**2 / float(np.sum(var_log**2 / np.array([k_before, k_after])))
    coef, se = float(np.log(means[1] / means[0])), float(np.sqrt(total))
    t_crit = float(stats.t.ppf(0.975, df))
    out["df"] = float(df)
    out["ci_low"] = float(np.exp(coef - t_crit * se))
    out["ci_high"] = float(np.exp(coef + t_crit * se))
    if allows_tests:
        out["p_value"] = float(2 * stats.t.sf(abs(coef / se), df))
        out["p_value_reason"] = None
    else:
        out["p_value_reason"] = "too few events for a test (descriptive route)"
    return out


def split_point(dyad: Dyad, split_date: str = "") -> pd.Timestamp:
    """The date splitting "before" from "after": ``split_date`` or the period's midpoint."""
    if split_date:
        return pd.Timestamp(split_date)
    return (dyad.start + (dyad.end - dyad.start) / 2).normalize()


def dyad_rate_tests(
    dyad: Dyad,
    split_date: str = "",
    allows_tests: bool = True,
    half_wave_days: int = HALF_WAVE_DAYS,
) -> dict:
    """Rates of events and of known fatalities per day, before vs after the split, per side.

    Before is ``[start, split)``, after is ``[split, end]``; exposures are in days. Each
    comparison is :func:`rate_change_test` (overdispersion, bursts and drifting rates
    allowed); the
    exact Poisson test, which assumes independent events, is kept under
    ``"exact_poisson"`` for comparison. The fatality test uses known figures only
    (``n_unknown`` says how many are left out).

    Returns
    -------
    ``{"split_date": iso, "half_wave_days", side_code: {"events": rate_change_test,
    "fatalities": rate_change_test}}``.
    """
    split = split_point(dyad, split_date)
    out: dict = {
        "split_date": split.date().isoformat() if pd.notna(split) else None,
        "half_wave_days": half_wave_days,
    }
    if pd.isna(split):
        return out
    start = dyad.start.normalize()
    n_days = (dyad.end.normalize() - start).days + 1
    split_index = (split.normalize() - start).days
    for code, part in ((dyad.side_a, dyad.a), (dyad.side_b, dyad.b)):
        day = (part["event_date"].dt.normalize() - start).dt.days.to_numpy()
        deaths = _numeric(part, "fatalities_best")
        known = deaths.notna().to_numpy()
        entry = {}
        for measure, weights, sel in (
            ("events", np.ones(len(day)), np.ones(len(day), bool)),
            ("fatalities", np.nan_to_num(deaths.to_numpy()), known),
        ):
            daily = np.bincount(day[sel], weights=weights[sel], minlength=n_days)[:n_days]
            res = rate_change_test(
                daily, split_index, half_wave_days=half_wave_days, allows_tests=allows_tests
            )
            exact = rate_test(
                res["count_before"],
                res["exposure_before"],
                res["count_after"],
                res["exposure_after"],
                allows_tests,
            )
            res["exact_poisson"] = {
                k: exact[k] for k in ("rate_ratio", "ci_low", "ci_high", "p_value")
            }
            entry[measure] = res
        entry["fatalities"]["n_unknown"] = int((~known).sum())
        out[code] = entry
    return out


def dispersion_test(y: np.ndarray, mu: np.ndarray) -> dict:
    """Cameron-Trivedi regression test of Poisson overdispersion.

    Regresses ``((y - mu)^2 - y) / mu`` on ``mu`` without a constant; under the Poisson
    model the slope (the NB2 dispersion ``alpha``) is 0. One-sided t-test.

    Returns ``{alpha, statistic, p_value}``.
    """
    aux = ((y - mu) ** 2 - y) / mu
    fit = OLS(aux, mu).fit()
    t = float(fit.tvalues[0])
    return {
        "alpha": float(fit.params[0]),
        "statistic": t,
        "p_value": float(stats.t.sf(t, df=fit.df_resid)),
    }


def fit_trend(counts: np.ndarray, allows_parametric: bool, unit: str = "week") -> dict:
    """Trend of counts per period: incidence-rate ratio per period with its 95% CI.

    Fits a Poisson regression of the counts on the period index and tests its dispersion
    (:func:`dispersion_test`); fits a negative binomial (NB2, dispersion ``alpha``
    estimated). The reported ``model`` is the Poisson one when the dispersion test does
    not reject at 5%, else the negative binomial.

    Returns
    -------
    ``{model, irr, ci_low, ci_high, per, n_periods, dispersion, alpha, poisson, negbin}``
    or ``{"not_fitted": reason}``.
    """
    y = np.asarray(counts, dtype=float)
    if not allows_parametric:
        return {"not_fitted": "the sample is too small for parametric models (see route)"}
    if y.size < MIN_PERIODS:
        return {"not_fitted": f"only {y.size} periods (< {MIN_PERIODS}) to fit a trend"}
    if not np.all(np.isfinite(y)):
        return {"not_fitted": "some periods have unknown totals"}
    if y.sum() == 0 or np.all(y == y[0]):
        return {"not_fitted": "the counts do not vary: no trend to estimate"}
    x = add_constant(np.arange(y.size, dtype=float))
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", (ConvergenceWarning, HessianInversionWarning, RuntimeWarning)
        )
        pois = Poisson(y, x).fit(disp=0, maxiter=200)
    if not converged(pois):
        return {"not_fitted": "the Poisson trend did not converge"}
    disp = dispersion_test(y, pois.predict(x))
    try:
        negbin = fit_discrete_negbin(y, x)
    except FitFailed as err:
        negbin = None
        negbin_reason = str(err)
    chosen = "poisson" if disp["p_value"] >= 0.05 else "negbin"
    if chosen == "negbin" and negbin is None:
        return {
            "not_fitted": "the counts are overdispersed and the negative binomial trend "
            f"failed: {negbin_reason}"
        }
    summaries = {"poisson": _irr(pois), "negbin": _irr(negbin) if negbin is not None else None}
    alpha = {"estimate": None, "ci_low": None, "ci_high": None, "converged": False}
    if negbin is not None:
        alpha_ci = negbin.conf_int()[-1]
        alpha = {
            "estimate": float(negbin.params[-1]),
            "ci_low": float(max(alpha_ci[0], 0.0)),
            "ci_high": float(alpha_ci[1]),
            "converged": True,
        }
    return {
        "model": "Poisson" if chosen == "poisson" else "negative binomial",
        **summaries[chosen],
        "per": unit,
        "n_periods": int(y.size),
        "dispersion": disp,
        "alpha": alpha,
        **summaries,
    }


def _irr(result) -> dict:
    ci = np.asarray(result.conf_int())[1]
    return {
        "irr": float(np.exp(result.params[1])),
        "ci_low": float(np.exp(ci[0])),
        "ci_high": float(np.exp(ci[1])),
    }


def dyad_trends(series: pd.DataFrame, dyad: Dyad, allows_parametric: bool, freq: str = "W") -> dict:
    """Trend models of events and of known deaths per period, per side.

    Deaths are modelled only when every event of the side has a known best figure:
    a trend in partly unknown totals would mix the trend with reporting.
    """
    unit = calendar.period_unit(freq)
    out = {}
    for side, code in (("A", dyad.side_a), ("B", dyad.side_b)):
        part = series[series["side"] == side]
        entry = {"events": fit_trend(part["n_events"].to_numpy(), allows_parametric, unit)}
        unknown = int(part["killed_unknown"].sum()) if len(part) else 0
        if unknown:
            entry["killed"] = {
                "not_fitted": f"{unknown:,} events have unknown deaths; a trend would mix "
                "violence with reporting"
            }
        else:
            entry["killed"] = fit_trend(part["killed_best"].to_numpy(), allows_parametric, unit)
        out[code] = entry
    return out


def totals_table(totals: dict) -> pd.DataFrame:
    """:func:`dyad_totals` as one raw frame, a row per side and measure (the page shows it
    through :func:`analysis.present.reader_tables.totals_table`).

    Columns ``side, measure, low, best, high, n_known, n_unknown``.
    """
    rows = []
    for code, entry in totals.items():
        for measure in MEASURES:
            m = entry[measure]
            rows.append(
                {
                    "side": code,
                    "measure": measure,
                    "low": m["low"],
                    "best": m["best"],
                    "high": m["high"],
                    "n_known": m["n_known"],
                    "n_unknown": m["n_unknown"],
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs["table"] = "casualties.totals_table"
    return frame


def trend_table(trends: dict) -> pd.DataFrame:
    """:func:`dyad_trends` as one raw frame (the page shows it through
    :func:`analysis.present.reader_tables.trend_table`).

    Columns ``side, series, model, irr, ci_low, ci_high, per, n_periods,
    dispersion_p_value, alpha, not_fitted`` (the reason, empty when fitted).
    """
    rows = []
    for code, entry in trends.items():
        for series, res in entry.items():
            row = {"side": code, "series": series}
            if "not_fitted" in res:
                rows.append({**row, "model": "", "not_fitted": res["not_fitted"]})
                continue
            rows.append(
                {
                    **row,
                    "model": res["model"],
                    "irr": res["irr"],
                    "ci_low": res["ci_low"],
                    "ci_high": res["ci_high"],
                    "per": res["per"],
                    "n_periods": res["n_periods"],
                    "dispersion_p_value": res["dispersion"]["p_value"],
                    "alpha": res["alpha"]["estimate"],
                    "not_fitted": "",
                }
            )
    columns = ["side", "series", "model", "irr", "ci_low", "ci_high", "per", "n_periods"]
    columns += ["dispersion_p_value", "alpha", "not_fitted"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["table"] = "casualties.trend_table"
    return frame


def rate_table(tests: dict) -> pd.DataFrame:
    """:func:`dyad_rate_tests` as one raw frame (the page shows it through
    :func:`analysis.present.reader_tables.rate_table`).

    Columns ``side, measure, count_before, count_after, rate_ratio, ci_low, ci_high``
    (``ci_high`` NaN when unbounded), ``p_value, exact_poisson_p_value, note``.
    """
    rows = []
    for code, entry in tests.items():
        if not isinstance(entry, dict):
            continue
        for measure, res in entry.items():
            rows.append(
                {
                    "side": code,
                    "measure": measure,
                    "count_before": res["count_before"],
                    "count_after": res["count_after"],
                    "rate_ratio": res["rate_ratio"],
                    "ci_low": res["ci_low"],
                    "ci_high": res["ci_high"],
                    "p_value": res["p_value"],
                    "exact_poisson_p_value": (res.get("exact_poisson") or {}).get("p_value"),
                    "note": res["p_value_reason"] or res.get("method", ""),
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs["table"] = "casualties.rate_table"
    return frame
