"""Reaction functions and Granger tests: counts per period, lag buckets, a planted
reaction recovered in the right direction only, and Granger false positives near 5%."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.models import calendar, granger, reaction
from analysis.models.dyad import select_dyad
from analysis.models.fitting import FitFailed


def _dyad_from_counts(a: np.ndarray, b: np.ndarray, fatalities: bool = False):
    start = pd.Timestamp("2020-01-01")
    dates, sides, fat = [], [], []
    for side, counts in (("X", a), ("Y", b)):
        days = np.repeat(np.arange(len(counts)), counts)
        dates.append(start + pd.to_timedelta(days, unit="D"))
        sides += [side] * len(days)
        fat += [1.0 if fatalities else np.nan] * len(days)
    dates = pd.DatetimeIndex(np.concatenate([d.to_numpy() for d in dates]))
    events = pd.DataFrame(
        {
            "event_id": [f"e{k:06d}" for k in range(len(sides))],
            "event_date": dates,
            "actor1_side": sides,
            "actor2_side": ["Y" if s == "X" else "X" for s in sides],
            "fatalities_best": fat,
        }
    )
    return select_dyad(
        events, "X", "Y", "2020-01-01", str((start + pd.Timedelta(days=len(a) - 1)).date())
    )


def test_bucket_sums_values():
    x = np.arange(1.0, 11.0)  # 1..10
    out = reaction.bucket_sums(x, ((1, 1), (2, 3)))
    assert np.isnan(out[:3, 1]).all() and np.isnan(out[0, 0])
    assert out[1, 0] == 1.0 and out[5, 0] == 5.0
    # period 5 (value 6): lags 2-3 are values 4 and 3
    assert out[5, 1] == 7.0


def test_period_counts_fills_gaps_and_drops_partial_week():
    dyad = _dyad_from_counts(np.array([2, 0, 0, 1, 0, 0, 0, 3, 0, 1]), np.zeros(10, int))
    daily = calendar.period_counts(dyad, freq="D")
    assert len(daily) == 10 and daily["A"].tolist() == [2, 0, 0, 1, 0, 0, 0, 3, 0, 1]
    # Weeks run Monday to Sunday: Wed 2020-01-01 .. Fri 2020-01-10 holds no whole week.
    assert calendar.period_counts(dyad, freq="W")["A"].tolist() == []
    weekly = calendar.period_counts(dyad, freq="W", complete=False)
    assert weekly["period"].dt.day_name().tolist() == ["Monday", "Monday"]
    assert weekly["A"].tolist() == [3.0, 4.0]  # Dec 30-Jan 5: days 1-5; Jan 6-12: days 6-10


def test_fatality_coverage():
    assert reaction.fatality_coverage(_dyad_from_counts(np.ones(5, int), np.ones(5, int))) == 0
    known = _dyad_from_counts(np.ones(5, int), np.ones(5, int), fatalities=True)
    assert reaction.fatality_coverage(known) == 1.0
    assert calendar.period_counts(known, value="fatalities")["B"].sum() == 5.0


def _planted(seed: int, n_days: int = 730, effect: float = 0.05):
    rng = np.random.default_rng(seed)
    a = rng.poisson(2.0, n_days)
    lagged = np.nan_to_num(reaction.bucket_sums(a, ((2, 7),))[:, 0], nan=12.0)
    b = rng.poisson(np.exp(-0.3 + effect * lagged))
    return a, b


def test_reaction_function_finds_planted_effect_in_one_direction_only():
    dyad = _dyad_from_counts(*_planted(seed=0))
    fits = reaction.reaction_functions(dyad, shift_reps=19)
    b_on_a = fits["A->B"]["table"].set_index("term")
    hit = b_on_a.loc["A lag 2-7 days"]
    assert hit["ci_low"] < np.exp(0.05) < hit["ci_high"]
    assert hit["ci_low"] > 1.0
    for term in ("A lag 1 day", "A lag 8-14 days"):
        assert b_on_a.loc[term, "ci_low"] < 1.0 < b_on_a.loc[term, "ci_high"]
    a_on_b = fits["B->A"]["table"]
    reverse = a_on_b[a_on_b["source"] == "B"]
    assert ((reverse["ci_low"] < 1.0) & (reverse["ci_high"] > 1.0)).all()
    assert fits["A->B"]["wald_other"]["p_value"] == pytest.approx(1 / 20)  # beats every shift
    assert fits["A->B"]["wald_other"]["p_value_asymptotic"] < 1e-4
    assert fits["B->A"]["wald_other"]["p_value"] > 0.05


def test_reaction_function_estimates_overdispersion():
    rng = np.random.default_rng(3)
    a = rng.negative_binomial(2, 0.5, 500)  # mean 2, alpha = 1/2
    b = rng.negative_binomial(2, 0.5, 500)
    fits = reaction.reaction_functions(_dyad_from_counts(a, b), shift_reps=0)
    assert fits["A->B"]["family"] == "negbin"
    assert fits["A->B"]["alpha"] == pytest.approx(0.5, abs=0.15)


def test_granger_detects_planted_lag_and_not_the_reverse():
    rng = np.random.default_rng(5)
    a = rng.poisson(10.0, 200).astype(float)
    b = rng.poisson(2.0 + 0.5 * np.concatenate([[10.0], a[:-1]])).astype(float)
    ab = granger.granger_test(b, a, lags=2)
    assert ab["p_value"] < 1e-6
    assert ab["sum_ci_low"] < 0.5 < ab["sum_ci_high"]
    assert granger.granger_test(a, b, lags=2)["p_value"] > 0.01


def test_granger_false_positive_rate_is_near_nominal():
    rejections = []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        a, b = rng.poisson(5.0, 104).astype(float), rng.poisson(5.0, 104).astype(float)
        rejections += [granger.granger_test(b, a)["p_value"] < 0.05]
    assert 0.01 <= np.mean(rejections) <= 0.11


def test_granger_degenerate_input_gives_nan():
    out = granger.granger_test(np.zeros(20), np.ones(20))
    assert np.isnan(out["stat"]) and np.isnan(out["p_value"])
    assert np.isnan(granger.granger_test(np.ones(4), np.ones(4))["stat"])


def test_summary_never_calls_an_effect_clear_when_its_interval_reaches_zero():
    from analysis.present.model_summaries import _excitation_verdict

    assert _excitation_verdict(0.2, 0.05).startswith("no clear")
    assert _excitation_verdict(0.01, 0.03).startswith("a clear")
    # An interval [0.0003, ...] excludes 0: small, not "reaching 0" after rounding.
    assert _excitation_verdict(0.02, 0.0003).startswith("a clear but very small")
    assert "0.0003" in _excitation_verdict(0.02, 0.0003)
    assert _excitation_verdict(0.02, 0.0).startswith("a weak")


def test_model_route_needs_days_and_events():
    from analysis.models.routing import model_route

    # The hand-set floors, used when the validation study has no row (the committed
    # study's routes are tested in test_routing.py).
    assert model_route("var", 68573, 3938, 499, routes={})[0]
    assert model_route("reaction", 68573, 3938, 499, routes={})[0]
    assert model_route("changepoints", 68573, 3938, 499, routes={})[0]
    runs, why = model_route("var", 150, 150, 499, routes={})
    assert not runs and "150 events" in why
    runs, why = model_route("reaction", 500, 500, 60)
    assert not runs and "60 days" in why


def _shared_trend_counts(seed: int, n: int = 360) -> pd.DataFrame:
    """Two independent NB(alpha 0.5) daily series sharing a trend from 1.6x to 0.4x."""
    rng = np.random.default_rng(seed)
    level = 1.6 - 1.2 * np.arange(n) / (n - 1)
    a = rng.negative_binomial(2, 2 / (2 + 5 * level))
    b = rng.negative_binomial(2, 2 / (2 + 1 * level))
    periods = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n), unit="D")
    return pd.DataFrame({"period": periods, "A": a, "B": b})


@pytest.mark.slow
def test_joint_test_holds_its_size_under_a_shared_trend_and_fixed_effects_matter():
    shifted, no_fe = [], []
    for seed in range(30):
        counts = _shared_trend_counts(seed)
        fit = reaction.fit_reaction(counts, "B", shift_reps=19, seed=seed)
        shifted.append(fit["wald_other"]["p_value"] <= 0.05)
        old = reaction.fit_reaction(counts, "B", fixed_effects=False, shift_reps=0)
        no_fe.append(old["wald_other"]["p_value"] < 0.05)
    assert np.mean(shifted) <= 0.15
    assert np.mean(no_fe) >= 0.5


def test_incidence_outcome_and_failures_are_reported_not_printed():
    rng = np.random.default_rng(8)
    a = rng.poisson(0.5, 400)
    b = rng.binomial(1, 0.2 + 0.5 * (np.concatenate([[0], a[:-1]]) > 0))
    fits = reaction.reaction_functions(_dyad_from_counts(a, b), value="incidence", shift_reps=19)
    ab = fits["A->B"]
    assert ab["scale"] == "probability"
    row = ab["table"].set_index("term").loc["A lag 1 day"]
    # One more A event the day before raises B's chance of acting by about 0.5 * P(a > 0
    # | a >= 1) ~ 0.3-0.5 per event on the linear scale; the interval must exclude 0.
    assert row["ci_low"] > 0.1
    none = reaction.reaction_functions(
        _dyad_from_counts(a, np.zeros(400, int)), value="events", shift_reps=0
    )
    assert "failed" in none["A->B"] and "periods with events" in none["A->B"]["failed"]


def test_negative_binomial_fit_never_reports_the_start_value():
    from analysis.models.fitting import FitFailed, negbin_alpha

    rng = np.random.default_rng(4)
    y = rng.negative_binomial(1, 1 / (1 + 150.0), 400).astype(float)  # mean 150, alpha 1
    x = np.column_stack([np.ones(400), rng.normal(size=400)])
    alpha, how = negbin_alpha(y, x)
    assert alpha == pytest.approx(1.0, rel=0.25)
    assert alpha != pytest.approx(np.exp(0.05))
    with pytest.raises(FitFailed):
        negbin_alpha(np.zeros(50), np.ones((50, 1)))


def test_wrapped_bucket_sums_are_those_of_the_shifted_series():
    x = np.arange(10, dtype=float) ** 2
    buckets = ((1, 1), (2, 4))
    wrapped = reaction.circular_bucket_sums(x, buckets)
    for shift in (3, 7):
        direct = reaction.bucket_sums(np.roll(x, shift), buckets)
        t = np.arange(4, 10)  # periods whose lags do not reach before the series
        assert wrapped[(t - shift) % 10] == pytest.approx(direct[t])
    # By hand: period 0 wraps to the end, lag 1 is x[9] = 81, lags 2-4 are 64 + 49 + 36.
    assert wrapped[0] == pytest.approx([81.0, 149.0])


def test_same_day_residual_by_hand():
    # Regressed on a constant and own = [0, 1, 0, 1]: the fit is each group's mean (2 and
    # 3), so the residual is [-1, -1, 1, 1].
    res = reaction.same_day_residual(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 1, 0, 1]))
    assert res == pytest.approx([-1.0, -1.0, 1.0, 1.0])


def _shared_shock_counts(seed: int, n_days: int = 500, rate: float = 2.0) -> pd.DataFrame:
    """Two sides without any reaction, both driven by one Gamma(1, 1) factor a day."""
    rng = np.random.default_rng(seed)
    shock = rng.gamma(1.0, 1.0, n_days)
    return pd.DataFrame(
        {
            "period": pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n_days), unit="D"),
            "A": rng.poisson(rate * shock).astype(float),
            "B": rng.poisson(rate * shock).astype(float),
        }
    )


def test_joint_test_sees_the_other_side_only_through_its_same_day_residual():
    # A' = A + 2 B + 5 has the same residual on B's same-day series as A, and its lag
    # buckets differ from A's by B's own buckets and a constant, which the null model
    # holds: every number of the joint test must be the same.
    counts = _shared_shock_counts(seed=1)
    moved = counts.assign(A=counts["A"] + 2.0 * counts["B"] + 5.0)
    first = reaction.fit_reaction(counts, "B", shift_reps=49, seed=3)["wald_other"]
    second = reaction.fit_reaction(moved, "B", shift_reps=49, seed=3)["wald_other"]
    for key in ("stat", "p_value_asymptotic"):
        assert second[key] == pytest.approx(first[key], rel=1e-5)
    assert second["p_value"] == first["p_value"]
    assert first["shift_reps"] == 49
    without = reaction.fit_reaction(counts, "B", shift_reps=0)["wald_other"]
    assert without["stat"] == pytest.approx(first["stat"])
    assert without["p_value"] == without["p_value_asymptotic"]


@pytest.mark.slow
def test_joint_test_holds_its_size_when_both_sides_share_daily_shocks():
    # Same-day association is allowed by the null (the lags start at one day). Shifting
    # the raw series put it into the lag windows of the shifts next to a full turn, and
    # the test rejected 1-2% of such samples; on uniform p-values 80 samples give a mean
    # within 0.5 +- 0.1 with probability 0.998, and 12 or more rejections at 5% have
    # probability below 0.001.
    p = [
        reaction.fit_reaction(_shared_shock_counts(seed), "B", seed=seed)["wald_other"]["p_value"]
        for seed in range(80)
    ]
    assert 0.4 <= np.mean(p) <= 0.6
    assert np.sum(np.array(p) < 0.05) <= 11


def test_a_month_without_events_is_left_out_not_failed():
    rng = np.random.default_rng(11)
    a = rng.poisson(1.0, 400)
    b = rng.poisson(1.0, 400)
    b[91:121] = 0  # all of April 2020 (days 91-120) without B events
    counts = pd.DataFrame(
        {
            "period": pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(400), unit="D"),
            "A": a.astype(float),
            "B": b.astype(float),
        }
    )
    fit = reaction.fit_reaction(counts, "B", shift_reps=19)
    assert fit["n_periods"] == 400 - 14 - 30
    assert 0 < fit["wald_other"]["p_value"] <= 1


def test_an_effect_without_finite_estimate_fails_by_name():
    a = np.zeros(300, int)
    a[::10] = 1  # A acts every tenth day; B never the day after
    b = np.tile([0, 0, 1, 1, 0, 2, 0, 1, 0, 1], 30)
    counts = pd.DataFrame(
        {
            "period": pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(300), unit="D"),
            "A": a.astype(float),
            "B": b.astype(float),
        }
    )
    with pytest.raises(FitFailed, match="A lag 1 day"):
        reaction.fit_reaction(counts, "B", shift_reps=0)
