"""The daily-count bivariate Hawkes process: kernel, likelihood and gradient against direct
definitions, baselines, recovery of a simulated day-dated Hawkes process (with and without
a shared trend), tests, attribution, half-life reporting and the dyad entry points."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.models import hawkes, hawkes_daily
from analysis.models.dyad import select_dyad
from analysis.present import model_summaries

# Acceptance design: baselines 0.3 and 0.05 a day, self 0.3 and 0.1, A->B 0.4, B->A 0,
# decay 0.25 a day, 8,000 days, events dated to the day.
MU = [0.3, 0.05]
ALPHA = np.array([[0.3, 0.0], [0.4, 0.1]])  # alpha[target, source]
BETA = 0.25
N_DAYS = 8000


def _day_dated(times, n_days, knot_days=None):
    days = [np.floor(t).astype(np.int64) for t in times]
    return hawkes_daily.counts_from_days(days[0], days[1], n_days, knot_days=knot_days)


def _fit(times, n_days):
    """Daily counts and fit with the knot spacing adapted to the decay (the default)."""
    return hawkes_daily.fit_adaptive(lambda k: _day_dated(times, n_days, k))


def test_kernel_weights_match_binned_exponential():
    # A parent uniform in day 0 and an Exp(beta) delay: the mass on day l is the integral
    # over the parent's position u of P(l <= u + X < l + 1), done here by quadrature.
    beta = 0.7
    u = (np.arange(20000) + 0.5) / 20000
    for lag in (1, 2, 5):
        mass = np.mean(np.exp(-beta * np.maximum(lag - u, 0)) - np.exp(-beta * (lag + 1 - u)))
        assert hawkes_daily.kernel_scale(beta) * math.exp(-beta * lag) == pytest.approx(
            mass, rel=1e-6
        )
    same_day = np.mean(1 - np.exp(-beta * (1 - u)))
    assert hawkes_daily.later_day_share(beta) == pytest.approx(1 - same_day, rel=1e-6)


def test_filters_match_direct_sums():
    rng = np.random.default_rng(0)
    counts = rng.poisson(1.5, size=(60, 2))
    beta = 0.4
    s, d = hawkes_daily._filters(counts, beta)
    for t in (0, 1, 7, 59):
        lags = t - np.arange(t)
        w = np.exp(-beta * lags)
        np.testing.assert_allclose(s[t], w @ counts[:t] if t else [0, 0], atol=1e-12)
        np.testing.assert_allclose(d[t], (lags * w) @ counts[:t] if t else [0, 0], atol=1e-12)


def _direct_loglik(counts, period, mu, alpha, beta):
    total = 0.0
    c = hawkes_daily.kernel_scale(beta)
    for t in range(len(counts)):
        for i in (0, 1):
            lam = mu[i][period[t]]
            for j in (0, 1):
                for s in range(t):
                    lam += alpha[i, j] * c * math.exp(-beta * (t - s)) * counts[s, j]
            total += counts[t, i] * math.log(lam) - lam
    return total


def test_loglik_and_gradient_match_direct_definition():
    rng = np.random.default_rng(1)
    counts = rng.poisson(0.8, size=(80, 2))
    period = np.repeat([0, 1, 2], [30, 30, 20])
    data = hawkes_daily.DailyCounts(counts, period)
    mu = np.array([[0.3, 0.5, 0.4], [0.2, 0.6, 0.1]])
    alpha = np.array([[0.2, 0.1], [0.3, 0.15]])
    beta = 0.6
    z = np.concatenate([np.log(mu).ravel(), alpha.ravel(), [math.log(beta)]])
    f, g = hawkes_daily._negloglik(z, data, 1.0)
    assert -f == pytest.approx(_direct_loglik(counts, period, mu, alpha, beta), rel=1e-10)
    numeric = []
    for k in range(len(z)):
        step = np.zeros(len(z))
        step[k] = 1e-6
        up = hawkes_daily._negloglik(z + step, data, 1.0)[0]
        dn = hawkes_daily._negloglik(z - step, data, 1.0)[0]
        numeric.append((up - dn) / 2e-6)
    np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-5)


def test_profiled_baselines_solve_their_score_equations():
    rng = np.random.default_rng(2)
    counts = rng.poisson(1.0, size=(120, 2))
    data = hawkes_daily.DailyCounts(counts, np.repeat([0, 1, 2, 3], 30))
    x, _, excite = hawkes_daily._excitation(data, np.array([[0.2, 0.1], [0.1, 0.2]]), 0.5)
    mu = hawkes_daily._profile_baselines(data, excite, None)
    for i in (0, 1):
        lam = mu[i][data.period] + excite[:, i]
        score = np.bincount(data.period, weights=counts[:, i] / lam) - 30
        np.testing.assert_allclose(score, 0, atol=1e-7)


def test_simulator_matches_stationary_mean():
    # Daily-model stationary rates solve r = mu + alpha * share * r.
    share = hawkes_daily.later_day_share(BETA)
    period = np.zeros(20000, np.int64)
    counts = hawkes_daily.simulate_daily(
        np.array([[0.3], [0.05]]), ALPHA, BETA, period, np.random.default_rng(3)
    )
    rates = np.linalg.solve(np.eye(2) - ALPHA * share, MU)
    np.testing.assert_allclose(counts.mean(axis=0), rates, rtol=0.05)


@pytest.mark.parametrize("trend", [(1.0, 1.0), (1.6, 0.4)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_day_dated_hawkes_branching(seed, trend):
    times = hawkes.simulate_hawkes(MU, ALPHA, BETA, float(N_DAYS), seed=seed, trend=trend)
    data, fit = _fit(times, N_DAYS)
    assert fit.converged
    assert data.basis is not None and data.n_baseline >= 10  # knots about 600 days apart
    np.testing.assert_allclose(np.asarray(fit.alpha), ALPHA, atol=0.07)
    assert fit.beta == pytest.approx(BETA, rel=0.3)
    out = fit.to_dict()
    assert out["half_life_days"]["reported"]
    assert out["half_life_days"]["ci_low"] < math.log(2) / BETA < out["half_life_days"]["ci_high"]
    # The same fit through the public entry point used by notebooks and the atlas.
    assert hawkes.fit_hawkes(times, float(N_DAYS)).alpha == fit.alpha


def test_wald_intervals_cover_the_truth_on_a_flat_baseline():
    times = hawkes.simulate_hawkes(MU, ALPHA, BETA, float(N_DAYS), seed=5)
    out = _fit(times, N_DAYS)[1].to_dict()["branching"]
    for label, (i, j) in hawkes_daily.DIRECTIONS.items():
        row = out[label]
        assert row["ci_low"] - 0.02 <= ALPHA[i, j] <= row["ci_high"] + 0.02
        assert 0.01 < row["se"] < 0.08


def test_half_life_below_a_day_is_not_reported():
    times = hawkes.simulate_hawkes([0.5, 0.5], [[0.3, 0.0], [0.3, 0.3]], 4.0, 3000.0, seed=1)
    fit = _fit(times, 3000)[1]
    hl = fit.to_dict()["half_life_days"]
    assert hl["estimate"] is None and not hl["reported"] and "resolution" in hl["note"]


def test_linear_spline_absorbs_a_shared_trend():
    # Shared 60% decline, no triggering: a constant baseline reads it as self-excitation;
    # the spline baseline leaves every branching interval reaching zero.
    rng = np.random.default_rng(9)
    lam = 3.0 * np.linspace(1.0, 0.4, 600)
    counts = rng.poisson(np.stack([lam, lam], axis=1))
    days = [np.repeat(np.arange(600), counts[:, i]) for i in (0, 1)]
    spline = hawkes_daily.fit_adaptive(
        lambda k: hawkes_daily.counts_from_days(days[0], days[1], 600, knot_days=k)
    )[1]
    for row in spline.to_dict()["branching"].values():
        assert row["ci_low"] == 0.0
    constant = hawkes_daily.fit_daily_hawkes(
        hawkes_daily.DailyCounts(counts, np.zeros(600, np.int64))
    ).to_dict()["branching"]
    assert constant["A->A"]["ci_low"] > 0 or constant["B->B"]["ci_low"] > 0


def test_hat_basis():
    basis, knots = hawkes_daily.hat_basis(11, 5.0)
    np.testing.assert_allclose(knots, [0, 5, 10])
    np.testing.assert_allclose(basis.sum(axis=1), 1.0)
    np.testing.assert_allclose(basis[:, 1], [0, 0.2, 0.4, 0.6, 0.8, 1, 0.8, 0.6, 0.4, 0.2, 0])


def test_monthly_blocks_merge_until_enough_events():
    counts = np.zeros((300, 2), np.int64)
    counts[:, 0] = 1
    counts[::10, 1] = 1  # 3 events of B a month: blocks of 10 months hold 30
    period = hawkes_daily.coarsen_periods(hawkes_daily.block_periods(300), counts, 30)
    assert period.max() == 3  # 30 B events in all: one block by count, but four are kept
    # Ten blocks of about a month spread over four: months 0-2, 3-4, 5-7, 8-9.
    assert np.bincount(period).tolist() == [31 + 30 + 31, 30 + 31, 30 + 31 + 30, 30 + 26]
    period = hawkes_daily.coarsen_periods(
        hawkes_daily.block_periods(300), counts, 10, min_periods=1
    )
    assert period.max() == 1  # months 0-2 hold 10 B events, months 3-9 the other 20
    sizes = np.bincount(period)
    b_per_block = np.bincount(period, weights=counts[:, 1])
    assert np.all(b_per_block >= 10) and sizes.sum() == 300


def test_cross_test_detects_planted_effect_and_not_its_absence():
    planted = hawkes.simulate_hawkes([0.3, 0.3], [[0.2, 0.0], [0.5, 0.2]], 0.5, 1500.0, seed=4)
    data = _fit(planted, 1500)[0]
    test = hawkes_daily.cross_test(data, "A->B", reps=19, seed=0)
    assert test["p_value"] == pytest.approx(1 / 20)
    assert test["converged"]
    back = hawkes_daily.cross_test(data, "B->A", reps=19, seed=0)
    assert back["p_value"] > 0.05


def test_shared_daily_shocks_do_not_look_like_excitation():
    # Both sides' rates multiplied by the same Gamma shock each day, no triggering: the old
    # jittered continuous-time fit rejected "no cross-excitation" nearly always here.
    rng = np.random.default_rng(6)
    shock = rng.gamma(1.0, 1.0, size=500)
    counts = rng.poisson(4.0 * np.stack([shock, shock], axis=1))
    data = hawkes_daily.counts_from_days(
        np.repeat(np.arange(500), counts[:, 0]), np.repeat(np.arange(500), counts[:, 1]), 500
    )
    fit = hawkes_daily.fit_daily_hawkes(data)
    assert fit.dispersion[0] > 2  # the shocks make the counts overdispersed
    for label in ("A->B", "B->A"):
        assert fit.to_dict()["branching"][label]["estimate"] < 0.1
        assert hawkes_daily.cross_test(data, label, reps=19, seed=1)["p_value"] > 0.05


def test_shocked_simulator_has_the_stated_moments():
    # Mean-one Gamma factors leave the means alone; a count's variance is
    # lambda + v lambda^2 with v = (1 + shared)(1 + own) - 1, the same-day covariance
    # shared * lambda_A * lambda_B: here 3 + 0.8 * 9 = 10.2, 3 + 0.5 * 9 = 7.5 and 4.5.
    rng = np.random.default_rng(5)
    base = np.full((40000, 2), 3.0)
    shocks = hawkes_daily.DailyShocks(0.5, (0.2, 0.0))
    counts = hawkes_daily._simulate_shocked(base, np.zeros((2, 2)), 0.5, shocks, rng)
    np.testing.assert_allclose(counts.mean(axis=0), [3.0, 3.0], rtol=0.02)
    np.testing.assert_allclose(counts.var(axis=0), [10.2, 7.5], rtol=0.06)
    assert np.cov(counts.T)[0, 1] == pytest.approx(4.5, rel=0.08)
    # With triggering, the stationary rates are those of the Poisson model.
    base = np.tile(MU, (20000, 1))
    shocks = hawkes_daily.DailyShocks(1.0, (0.0, 0.0))
    counts = hawkes_daily._simulate_shocked(base, ALPHA, BETA, shocks, rng)
    rates = np.linalg.solve(np.eye(2) - ALPHA * hawkes_daily.later_day_share(BETA), MU)
    np.testing.assert_allclose(counts.mean(axis=0), rates, rtol=0.08)


def test_daily_shocks_are_estimated_by_moments():
    # A shared Gamma(1, 1) factor a day (variance 1) and A's own Gamma factor of variance
    # 0.5, around a steady rate of 4: no excitation, so the fit's means are about 4.
    rng = np.random.default_rng(6)
    shared = rng.gamma(1.0, 1.0, size=2000)
    own = rng.gamma(2.0, 0.5, size=2000)
    counts = rng.poisson(4.0 * np.stack([shared * own, shared], axis=1))
    data = hawkes_daily.counts_from_days(
        np.repeat(np.arange(2000), counts[:, 0]), np.repeat(np.arange(2000), counts[:, 1]), 2000
    )
    fit = hawkes_daily.fit_daily_hawkes(data, fixed_zero=tuple(hawkes_daily.DIRECTIONS))
    shocks = hawkes_daily.daily_shocks(data, fit)
    assert shocks.shared == pytest.approx(1.0, abs=0.2)
    assert shocks.own[0] == pytest.approx(0.5, abs=0.2)
    assert shocks.own[1] == pytest.approx(0.0, abs=0.1)
    poisson = np.random.default_rng(7).poisson(4.0, size=(2000, 2))
    data = data.with_counts(poisson)
    fit = hawkes_daily.fit_daily_hawkes(data, fixed_zero=tuple(hawkes_daily.DIRECTIONS))
    shocks = hawkes_daily.daily_shocks(data, fit)
    assert shocks.shared < 0.02 and max(shocks.own) < 0.02


def test_bootstrap_world_keeps_the_shared_daily_shocks(monkeypatch):
    # Under shared daily shocks (10 events a day on each side) the two sides' same-day
    # counts correlate 10 / 11; the bootstrap world of the cross test must too. Without the
    # shocks it correlated about 0, and the test rejected 0.2% at nominal 5%.
    rng = np.random.default_rng(8)
    shock = rng.gamma(1.0, 1.0, size=500)
    counts = rng.poisson(10.0 * np.stack([shock, shock], axis=1))
    data = hawkes_daily.counts_from_days(
        np.repeat(np.arange(500), counts[:, 0]), np.repeat(np.arange(500), counts[:, 1]), 500
    )
    simulated = []
    simulate = hawkes_daily.simulate_from_fit

    def spy(*args, **kwargs):
        sim = simulate(*args, **kwargs)
        simulated.append(sim.counts)
        return sim

    monkeypatch.setattr(hawkes_daily, "simulate_from_fit", spy)
    hawkes_daily.warp_cross_statistics(data, "A->B", np.random.default_rng(9))
    (sim,) = simulated
    assert np.corrcoef(sim.T)[0, 1] == pytest.approx(10 / 11, abs=0.06)
    assert sim.var(axis=0).mean() / sim.mean() == pytest.approx(11.0, rel=0.25)


def test_attribution_probabilities():
    times = hawkes.simulate_hawkes(MU, ALPHA, BETA, 3000.0, seed=7)
    data, fit = _fit(times, 3000)
    frame = hawkes_daily.attribution(data, fit)
    for side in ("A", "B"):
        total = frame[[f"p_other_{side}", f"p_self_{side}", f"p_background_{side}"]].sum(axis=1)
        np.testing.assert_allclose(total, 1.0, atol=1e-12)
    summary = hawkes_daily.attribution_summary(frame)
    # B->A is 0: almost none of A's events are attributed to B. A->B is 0.4: in the
    # stationary cluster structure, B events caused directly by A events number
    # alpha_BA_later * n_A (only later-day triggering is attributed).
    assert summary["A"]["other_share"] < 0.03
    expected = ALPHA[1, 0] * hawkes_daily.later_day_share(BETA) * len(times[0])
    assert summary["B"]["other_events"] == pytest.approx(expected, rel=0.25)


def test_stationarity_check_rejects_unfinished_optimum():
    class Res:
        success = True
        x = np.array([0.2, 0.0, 1.0])
        jac = np.array([1e-3, 0.5, 0.0])

    bounds = [(0.0, 5.0), (0.0, 5.0), (None, None)]
    assert not hawkes_daily._stationary(Res, bounds)  # interior gradient 1e-3
    Res.jac = np.array([1e-6, 0.5, 0.0])  # 0.5 points out of the box at the lower bound
    assert hawkes_daily._stationary(Res, bounds)
    Res.success = False
    assert not hawkes_daily._stationary(Res, bounds)


def test_dyad_counts_use_calendar_months():
    dates = pd.date_range("2024-01-20", "2024-04-10", freq="D")
    rng = np.random.default_rng(8)
    rows = []
    for d in dates:
        for side, other in (("X", "Y"), ("Y", "X")):
            for _ in range(rng.poisson(5)):
                rows.append({"event_date": d, "actor1_side": side, "actor2_side": other})
    events = pd.DataFrame(rows)
    events["event_id"] = [f"e{k:05d}" for k in range(len(events))]
    dyad = select_dyad(events, "X", "Y")
    data = hawkes.dyad_counts(dyad)
    assert data.n_days == len(dates)
    assert data.counts.sum() == len(events)
    # January has 12 days (< 14): it joins February. April has 10 days: it joins March.
    monthly = hawkes_daily.counts_from_dyad(dyad, baseline="monthly")
    assert monthly.period_labels == ("2024-01", "2024-03")
    assert np.sum(monthly.period == 0) == 12 + 29
    # The default linear spline: knots on the first and last day (window of 82 days is
    # too short for a knot every 60 days), as dated labels.
    assert data.period_labels == ("knot 2024-01-20", "knot 2024-02-29", "knot 2024-04-10")
    np.testing.assert_allclose(data.basis.sum(axis=1), 1.0)


def test_hawkes_section_of_a_dyad():
    ta, tb = hawkes.simulate_hawkes([0.3, 0.2], [[0.2, 0.0], [0.5, 0.1]], 1.0, 500.0, seed=2)
    start = pd.Timestamp("2023-10-01")
    events = pd.DataFrame(
        {
            "event_date": start + pd.to_timedelta(np.floor(np.concatenate([ta, tb])), unit="D"),
            "actor1_side": ["X"] * len(ta) + ["Y"] * len(tb),
            "actor2_side": ["Y"] * len(ta) + ["X"] * len(tb),
        }
    )
    events["event_id"] = [f"e{k:05d}" for k in range(len(events))]
    dyad = select_dyad(events, "X", "Y")
    out = model_summaries.hawkes_section(dyad, reps=4, seed=0)
    assert out["converged"] and out["method"].startswith("daily-count Hawkes, linear spline")
    by_day = out["attribution"]["by_day"]
    n_days = (dyad.end - dyad.start).days + 1
    assert len(by_day["day"]) == len(by_day["p_other_B"]) == n_days
    assert all(0 <= p <= 1 for p in by_day["p_other_B"])
    assert out["cross_tests"]["A->B"]["reps"] == 4
    assert out["lr_test"]["p_value_bootstrap"] == pytest.approx(0.2)
    assert set(out["gof"]["qq"]) == {"A", "B"}
