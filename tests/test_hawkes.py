"""The continuous-time bivariate Hawkes process: likelihood, gradient, recovery of known
parameters, calibration of its tests under a null, goodness of fit and the simulator.
The daily-count model (the default for day-dated events) is in test_hawkes_daily.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.models import hawkes
from analysis.models.dyad import select_dyad

MU = np.array([0.5, 0.4])
ALPHA = np.array([[0.3, 0.1], [0.4, 0.2]])  # alpha[target, source]
BETA = 1.5


def _direct_loglik(times, horizon, mu, alpha, beta):
    """Log-likelihood by the O(n^2) definition, as an independent reference."""
    total = 0.0
    for i, own in enumerate(times):
        for t in own:
            lam = mu[i]
            for j, src in enumerate(times):
                past = src[src < t]
                lam += alpha[i, j] * beta * np.exp(-beta * (t - past)).sum()
            total += np.log(lam)
        total -= mu[i] * horizon
        for j, src in enumerate(times):
            total -= alpha[i, j] * (1.0 - np.exp(-beta * (horizon - src))).sum()
    return total


def test_loglik_matches_direct_definition():
    ta, tb = hawkes.simulate_hawkes(MU, ALPHA, BETA, 60.0, seed=3)
    assert len(ta) > 10 and len(tb) > 10
    expected = _direct_loglik((ta, tb), 60.0, MU, ALPHA, BETA)
    assert hawkes.loglik((ta, tb), 60.0, MU, ALPHA, BETA) == pytest.approx(expected, rel=1e-10)


def test_gradient_matches_finite_differences():
    t, mark = hawkes._merge(hawkes.simulate_hawkes(MU, ALPHA, BETA, 300.0, seed=4))
    p = np.array([0.4, 0.5, 0.2, 0.15, 0.3, 0.1, 1.1])
    _, grad = hawkes._negloglik(p, t, mark, 300.0)
    numeric = []
    for k in range(7):
        step = np.zeros(7)
        step[k] = 1e-6
        up = hawkes._negloglik(p + step, t, mark, 300.0)[0]
        dn = hawkes._negloglik(p - step, t, mark, 300.0)[0]
        numeric.append((up - dn) / 2e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-4)


def test_simulator_matches_stationary_mean():
    # Stationary rates solve r = mu + alpha r.
    rates = np.linalg.solve(np.eye(2) - ALPHA, MU)
    ta, tb = hawkes.simulate_hawkes(MU, ALPHA, BETA, 20000.0, seed=5)
    np.testing.assert_allclose([len(ta) / 20000.0, len(tb) / 20000.0], rates, rtol=0.05)


def test_simulator_refuses_explosive_branching():
    with pytest.raises(ValueError, match="spectral radius"):
        hawkes.simulate_hawkes(MU, [[0.8, 0.5], [0.5, 0.8]], BETA, 10.0)


def test_fit_recovers_branching_matrix_and_decay():
    times = hawkes.simulate_hawkes(MU, ALPHA, BETA, 5000.0, seed=11)
    assert 7000 < len(times[0]) + len(times[1]) < 11000
    fit = hawkes.fit_hawkes_continuous(times, 5000.0)
    np.testing.assert_allclose(np.asarray(fit.alpha), ALPHA, atol=0.05)
    assert fit.beta == pytest.approx(BETA, rel=0.10)
    np.testing.assert_allclose(fit.mu, MU, rtol=0.15)
    out = fit.to_dict()
    # Direction labels: "A->B" is the number of B events one A event triggers.
    assert out["branching"]["A->B"]["estimate"] == pytest.approx(ALPHA[1, 0], abs=0.05)
    assert out["branching"]["B->A"]["estimate"] == pytest.approx(ALPHA[0, 1], abs=0.05)
    for label in hawkes.DIRECTIONS:
        row = out["branching"][label]
        assert row["ci_low"] < row["estimate"] < row["ci_high"]
        assert 0.005 < row["se"] < 0.05
    assert out["half_life_days"]["estimate"] == pytest.approx(np.log(2) / BETA, rel=0.11)
    assert fit.spectral_radius < 1


def test_fit_is_deterministic():
    times = hawkes.simulate_hawkes(MU, ALPHA, BETA, 400.0, seed=2)
    assert hawkes.fit_hawkes_continuous(times, 400.0) == hawkes.fit_hawkes_continuous(times, 400.0)


def test_cross_excitation_false_positive_rate_is_near_nominal():
    # Self-excitation only: any rejected cross entry is a false positive.
    null_alpha = [[0.4, 0.0], [0.0, 0.4]]
    rejections = []
    for seed in range(100):
        times = hawkes.simulate_hawkes([0.3, 0.3], null_alpha, 1.0, 600.0, seed=seed)
        fit = hawkes.fit_hawkes_continuous(times, 600.0, n_starts=3, with_cov=False)
        tests = hawkes.cross_excitation_tests(times, 600.0, fit)
        rejections += [tests[k]["p_value"] < 0.05 for k in ("A->B", "B->A")]
    assert 0.01 <= np.mean(rejections) <= 0.11


def test_cross_excitation_test_detects_planted_effect():
    times = hawkes.simulate_hawkes([0.3, 0.3], [[0.2, 0.0], [0.4, 0.2]], 1.0, 600.0, seed=1)
    fit = hawkes.fit_hawkes_continuous(times, 600.0)
    tests = hawkes.cross_excitation_tests(times, 600.0, fit)
    assert tests["A->B"]["p_value"] < 0.001
    assert tests["A->B"]["ci_low"] > 0.15


def test_lr_test_against_poisson():
    clustered = hawkes.simulate_hawkes(MU, ALPHA, BETA, 300.0, seed=7)
    fit = hawkes.fit_hawkes_continuous(clustered, 300.0)
    res = hawkes.lr_test_poisson(clustered, 300.0, fit, reps=19, seed=0)
    assert res["reps"] == 19
    assert res["p_value_bootstrap"] == pytest.approx(1 / 20)
    rng = np.random.default_rng(8)
    flat = tuple(np.sort(rng.uniform(0, 300.0, size=150)) for _ in range(2))
    fit0 = hawkes.fit_hawkes_continuous(flat, 300.0)
    res0 = hawkes.lr_test_poisson(flat, 300.0, fit0, reps=19, seed=0)
    assert res0["p_value_bootstrap"] > 0.1
    assert res0["stat"] < res["stat"]


def test_time_rescaling_accepts_true_model_and_rejects_poisson_fit():
    times = hawkes.simulate_hawkes(MU, ALPHA, BETA, 2000.0, seed=9)
    fit = hawkes.fit_hawkes_continuous(times, 2000.0)
    gof = hawkes.goodness_of_fit(times, 2000.0, fit)
    for side in ("A", "B"):
        assert gof[side]["ks_p_value"] > 0.01
        assert gof[side]["mean_interval"] == pytest.approx(1.0, abs=0.05)
    rates = [len(t) / 2000.0 for t in times]
    poisson = hawkes.HawkesFit(
        mu=(rates[0], rates[1]),
        alpha=((0.0, 0.0), (0.0, 0.0)),
        beta=1.0,
        loglik=0.0,
        n_events=(len(times[0]), len(times[1])),
        horizon=2000.0,
        cov=tuple(tuple([np.nan] * 7) for _ in range(7)),
        converged=True,
        n_iter=0,
    )
    bad = hawkes.goodness_of_fit(times, 2000.0, poisson)
    assert bad["A"]["ks_p_value"] < 1e-4


def test_dyad_times_jitter_within_day_and_seeded():
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3", "e4"],
            "event_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-05"]),
            "actor1_side": ["X", "Y", "X", "Y"],
            "actor2_side": ["Y", "X", "", "X"],
        }
    )
    dyad = select_dyad(events, "X", "Y")
    ta, tb, horizon = hawkes.dyad_times(dyad, seed=1)
    assert horizon == 5.0
    assert np.array_equal(np.floor(ta), [0.0, 2.0])
    assert np.array_equal(np.floor(tb), [0.0, 4.0])
    again = hawkes.dyad_times(dyad, seed=1)
    assert np.array_equal(again[0], ta) and np.array_equal(again[1], tb)
    assert not np.array_equal(hawkes.dyad_times(dyad, seed=2)[0], ta)


def test_fit_needs_events_on_both_sides():
    with pytest.raises(ValueError, match="each side"):
        hawkes.fit_hawkes_continuous((np.array([1.0, 2.0]), np.empty(0)), 10.0)


def test_default_fit_is_the_daily_model_with_the_old_result_keys():
    times = hawkes.simulate_hawkes([0.3, 0.3], [[0.2, 0.0], [0.5, 0.2]], 0.5, 1500.0, seed=4)
    fit = hawkes.fit_hawkes(times, 1500.0)
    assert isinstance(fit, hawkes.DailyHawkesFit) and fit.converged
    out = fit.to_dict()
    old_keys = {
        "baseline_per_day",
        "branching",
        "decay",
        "half_life_days",
        "spectral_radius",
        "loglik",
        "n_events",
        "horizon_days",
        "converged",
    }
    assert old_keys <= set(out)
    assert out["n_events"] == {"A": len(times[0]), "B": len(times[1])}
    tests = hawkes.cross_excitation_tests(times, 1500.0, fit, reps=9)
    assert tests["A->B"]["p_value"] == pytest.approx(0.1)  # smallest possible with 9 reps
    assert tests["A->B"]["reps"] == 9
    assert tests["A->B"]["estimate"] == out["branching"]["A->B"]["estimate"]
    assert tests["B->A"]["p_value"] > 0.1
    gof = hawkes.goodness_of_fit(times, 1500.0, fit)
    assert set(gof) == {"A", "B"} and gof["A"]["n"] == 1500
    with pytest.raises(ValueError, match="resolution"):
        hawkes.fit_hawkes(times, 1500.0, resolution="hourly")
