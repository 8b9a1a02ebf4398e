"""Casualty totals with unknowns, per-period series, exact rate test, trend models."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.models.casualties import (
    casualty_series,
    casualty_totals,
    dyad_rate_tests,
    fit_trend,
    rate_test,
    rolling_totals,
)
from analysis.models.dyad import select_dyad


def _dyad(dates, sides, killed):
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(len(dates))],
            "event_date": pd.to_datetime(dates),
            "actor1_side": sides,
            "actor2_side": ["Y" if s == "X" else "X" for s in sides],
            "fatalities_best": killed,
            "fatalities_low": [k if k != k else max(k - 1, 0) for k in killed],
        }
    )
    return select_dyad(frame, "X", "Y")


def test_totals_keep_unknown_apart():
    events = pd.DataFrame({"fatalities_best": [1.0, np.nan, 3.0], "injured_best": [np.nan] * 3})
    tot = casualty_totals(events)
    assert tot["killed"]["best"] == 4.0
    assert tot["killed"]["n_known"] == 2 and tot["killed"]["n_unknown"] == 1
    assert tot["injured"]["best"] is None and tot["injured"]["n_unknown"] == 3
    assert tot["killed"]["high"] is None


def test_series_unknown_period_is_nan_and_empty_period_is_zero():
    dyad = _dyad(
        ["2024-01-01", "2024-01-02", "2024-01-15", "2024-01-29"],
        ["X", "X", "X", "Y"],
        [2.0, np.nan, np.nan, 1.0],
    )
    series = casualty_series(dyad, "W")
    a = series[series["side"] == "A"].set_index("period")
    assert len(a) == 5  # five weeks from 1 to 29 January
    assert a["killed_best"].iloc[0] == 2.0 and a["killed_unknown"].iloc[0] == 1
    assert a["n_events"].iloc[1] == 0 and a["killed_best"].iloc[1] == 0
    assert np.isnan(a["killed_best"].iloc[2]) and a["killed_unknown"].iloc[2] == 1
    rolled = rolling_totals(series, "killed_best", 2)
    assert rolled["A"].iloc[1] == 2.0 and rolled["A"].iloc[2] == 0.0


def test_rate_test_matches_binomial_and_is_exact():
    res = rate_test(5, 100.0, 15, 100.0)
    assert res["rate_ratio"] == pytest.approx(3.0)
    assert res["p_value"] == pytest.approx(stats.binomtest(15, 20, 0.5).pvalue)
    ci = stats.binomtest(15, 20, 0.5).proportion_ci(method="exact")
    assert res["ci_low"] == pytest.approx(ci.low / (1 - ci.low))
    assert res["ci_low"] < 3.0 < res["ci_high"]
    hidden = rate_test(5, 100.0, 15, 100.0, allows_tests=False)
    assert hidden["p_value"] is None and hidden["p_value_reason"]
    assert rate_test(0, 10.0, 0, 10.0)["rate_ratio"] is None


def test_rate_test_size_is_at_most_nominal_under_equal_rates():
    rng = np.random.default_rng(5)
    sims = 500
    before = rng.poisson(0.1 * 60, sims)
    after = rng.poisson(0.1 * 40, sims)
    rejections = sum(
        rate_test(b, 60.0, a, 40.0)["p_value"] <= 0.05 for b, a in zip(before, after, strict=True)
    )
    assert 0.01 <= rejections / sims <= 0.07


def test_dyad_rate_tests_split_at_midpoint():
    dyad = _dyad(
        ["2024-01-01", "2024-01-02", "2024-01-20", "2024-01-21", "2024-01-21"],
        ["X", "X", "X", "X", "Y"],
        [1.0, 1.0, 4.0, np.nan, 0.0],
    )
    res = dyad_rate_tests(dyad, "", allows_tests=True)
    assert res["split_date"] == "2024-01-11"
    x = res["X"]
    assert x["events"]["count_before"] == 2 and x["events"]["count_after"] == 2
    assert x["events"]["exposure_before"] == 10.0 and x["events"]["exposure_after"] == 11.0
    assert x["fatalities"]["count_after"] == 4 and x["fatalities"]["n_unknown"] == 1


def test_negative_binomial_trend_recovers_known_irr():
    rng = np.random.default_rng(3)
    t = np.arange(160)
    mu = np.exp(1.5 + 0.01 * t)
    alpha = 0.5
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    res = fit_trend(y, allows_parametric=True)
    assert res["model"] == "negative binomial"
    assert res["dispersion"]["p_value"] < 0.05
    assert res["ci_low"] <= np.exp(0.01) <= res["ci_high"]
    assert res["irr"] == pytest.approx(np.exp(0.01), abs=0.006)
    assert res["alpha"]["estimate"] == pytest.approx(alpha, abs=0.25)


def test_poisson_counts_keep_poisson_model():
    rng = np.random.default_rng(4)
    t = np.arange(120)
    y = rng.poisson(np.exp(2.0 - 0.005 * t))
    res = fit_trend(y, allows_parametric=True)
    assert res["model"] == "Poisson"
    assert res["ci_low"] <= np.exp(-0.005) <= res["ci_high"]


def test_trend_not_fitted_on_small_samples():
    assert "not_fitted" in fit_trend(np.arange(20), allows_parametric=False)
    assert "not_fitted" in fit_trend(np.array([1, 2, 3]), allows_parametric=True)
    assert "not_fitted" in fit_trend(np.array([1.0, np.nan] * 6), allows_parametric=True)


def _clustered_daily(seed: int, n_days: int = 490, step: float = 1.0) -> np.ndarray:
    """Daily counts in bursts: a log-rate AR(1) with a 10-day memory, NB noise on top."""
    rng = np.random.default_rng(seed)
    rho = np.exp(-1 / 10)
    z = np.zeros(n_days)
    for t in range(1, n_days):
        z[t] = rho * z[t - 1] + rng.normal(0, 0.5 * np.sqrt(1 - rho**2))
    mu = 20.0 * np.exp(z)
    mu[n_days // 2 :] *= step
    return rng.negative_binomial(2, 2 / (2 + mu))


def test_rate_change_test_holds_its_size_where_the_exact_test_does_not():
    from analysis.models.casualties import rate_change_test

    changed, exact = [], []
    for seed in range(150):
        y = _clustered_daily(seed)
        res = rate_change_test(y, 245)
        changed.append(res["p_value"] < 0.05)
        exact.append(
            rate_test(res["count_before"], 245.0, res["count_after"], 245.0)["p_value"] < 0.05
        )
    assert 0.0 <= np.mean(changed) <= 0.1
    assert np.mean(exact) > 0.5


def test_rate_change_test_recovers_a_planted_ratio():
    from analysis.models.casualties import rate_change_test

    covered, rejected, ratios = [], [], []
    for seed in range(60):
        res = rate_change_test(_clustered_daily(seed, step=0.5), 245)
        covered.append(res["ci_low"] < 0.5 < res["ci_high"])
        rejected.append(res["p_value"] < 0.05)
        ratios.append(res["rate_ratio"])
    assert np.mean(covered) >= 0.85
    assert np.mean(rejected) >= 0.8
    assert abs(np.median(ratios) - 0.5) < 0.05


def test_rate_change_test_long_run_variance_by_hand():
    # 112 days before the split: two cosines of half-period 56 days. The series
    # 10 + 2 cos(pi (t + 1/2) / 112) projects on the first cosine only, with
    # sqrt(2) * 2 * 112 / 2 = sqrt(2) * 112; the mean square of the two projections is
    # 112^2, so the long-run variance is 112 and its ratio to the mean 11.2. After the
    # split 56 constant days and 56 with one more event each: on the first cosine
    # sqrt(2) * sum_{t=56..111} cos(pi (t + 1/2) / 112) = -sqrt(2) / (2 sin(pi / 224))
    # (the sum of an arithmetic run of cosines), on the second 0 (a whole period), so a
    # long-run variance of 1 / (4 * 112 * sin(pi / 224)^2) about a mean of 10.5.
    from analysis.models.casualties import rate_change_test

    n = 112
    before = 10 + 2 * np.cos(np.pi * (np.arange(n) + 0.5) / n)
    after = np.r_[np.full(56, 10.0), np.full(56, 11.0)]
    res = rate_change_test(np.r_[before, after], n, allows_tests=True)
    assert res["n_cosines_before"] == 2 and res["n_cosines_after"] == 2
    assert res["dispersion_before"] == pytest.approx(11.2, rel=1e-9)
    lrv_after = 1 / (4 * n * np.sin(np.pi / 224) ** 2)
    assert res["dispersion_after"] == pytest.approx(lrv_after / 10.5, rel=1e-9)
    # Var(log mean) per side = long-run variance / (days * mean^2); Welch degrees of freedom.
    v = np.array([112.0 / (n * 100.0), lrv_after / (n * 10.5**2)])
    assert res["df"] == pytest.approx(v.sum() ** 2 / (v[0] ** 2 / 2 + v[1] ** 2 / 2))
    t = np.log(10.5 / 10.0) / np.sqrt(v.sum())
    assert res["p_value"] == pytest.approx(2 * stats.t.sf(t, res["df"]), rel=1e-9)


def test_rate_change_test_needs_a_half_wave_on_each_side():
    from analysis.models.casualties import rate_change_test

    res = rate_change_test(np.ones(100), 50)
    assert res["p_value"] is None and "fewer than 56 days" in res["p_value_reason"]
    assert res["rate_ratio"] == pytest.approx(1.0)
    flat = rate_change_test(np.full(200, 3.0), 100)
    assert flat["p_value"] is None and "do not vary" in flat["p_value_reason"]


def test_rate_change_test_size_on_slowly_drifting_rates():
    # The study's drifting-rate null (each day's log-rate an AR(1), 0.9 a day, sd 0.5) at
    # 10 events a day over 500 days, where the test on 28-day blocks rejected 11% of 500
    # series at 5%. 200 fixed-seed series; a true 5% gives more than 20 rejections with
    # probability 0.01.
    from analysis.models.casualties import rate_change_test
    from analysis.models.validation import simulate

    rejected = [
        rate_change_test(
            simulate("autocorrelated_rates", 5000, np.random.default_rng([31, r])).counts[:, 1],
            249,
        )["p_value"]
        < 0.05
        for r in range(200)
    ]
    assert sum(rejected) <= 20
