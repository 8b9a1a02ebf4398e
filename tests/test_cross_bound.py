"""The ceiling on the power of a test of a reaction at lags of one day or more: kernel
masses, the oracle score test and the analytic bound, against hand-computed values and
simulations of the model they describe."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.models import cross_bound
from analysis.models.hawkes import simulate_hawkes


def test_kernel_masses_by_hand_and_by_simulation():
    w = cross_bound.kernel_masses(0.5)
    # (1 - e^-0.5)^2 / 0.5 = 0.393469^2 / 0.5 = 0.309636; each further day times e^-0.5.
    assert w[0] == pytest.approx(0.309636, abs=1e-6)
    assert w[1] == pytest.approx(0.309636 * 0.606531, abs=1e-6)
    # Same day + every later day = all of a parent's offspring.
    assert cross_bound.same_day_share(0.5) + w.sum() == pytest.approx(1.0, abs=1e-8)
    assert cross_bound.same_day_share(0.5) == pytest.approx(0.213061, abs=1e-6)
    # Parents uniform within their day, exponential delays: the day offsets' shares.
    rng = np.random.default_rng(0)
    s = rng.uniform(size=400_000)
    lag = np.floor(s + rng.exponential(2.0, size=s.size)).astype(int)
    share = np.bincount(lag, minlength=5)[1:5] / s.size
    np.testing.assert_allclose(share, w[:4], atol=3e-3)


def test_lagged_sum_is_a_causal_convolution():
    x = cross_bound.lagged_sum(np.array([1.0, 0.0, 2.0, 0.0]), np.array([0.5, 0.25]))
    # Day 0: no past; day 1: 0.5*1; day 2: 0.5*0 + 0.25*1; day 3: 0.5*2 + 0.25*0.
    np.testing.assert_allclose(x, [0.0, 0.5, 0.25, 1.0])


def test_hawkes_day_covariance_sums_to_the_long_run_variance():
    # A stationary Hawkes process's counts over long windows have variance rate / (1-a)^2
    # per day; the daily autocovariances sum to it.
    gamma = cross_bound.hawkes_day_covariance(2.0, 0.2, 0.5, lags=400)
    assert gamma[0] + 2 * gamma[1:].sum() == pytest.approx(2.0 / 0.8**2, rel=1e-6)
    np.testing.assert_allclose(cross_bound.hawkes_day_covariance(2.0, 0.0, 0.5, 3), [2, 0, 0, 0])


def test_hawkes_day_covariance_matches_a_simulated_process():
    t, _ = simulate_hawkes([1.6, 1e-12], [[0.2, 0.0], [0.0, 0.0]], 0.5, 60_000.0, seed=3)
    a = np.bincount(np.floor(t).astype(int), minlength=60_000)[1000:60_000]
    a = a - a.mean()
    sim = [np.mean(a * a)] + [np.mean(a[k:] * a[:-k]) for k in (1, 2)]
    gamma = cross_bound.hawkes_day_covariance(2.0, 0.2, 0.5, lags=2)
    np.testing.assert_allclose(sim, gamma, atol=0.03)


def test_oracle_estimates_the_baseline_and_is_centred_without_a_reaction():
    rng = np.random.default_rng(2)
    a, b = rng.poisson(2.0, 800), rng.poisson(2.0, 800)
    out = cross_bound.oracle_score_test(a, b, 0.5, 0.0)
    # Without self-excitation the baseline's likelihood equation gives B's mean.
    assert out["baseline"] == pytest.approx(b.mean(), rel=1e-9)
    zs = []
    for k in range(300):
        r = np.random.default_rng([3, k])
        zs.append(cross_bound.oracle_score_test(r.poisson(2, 500), r.poisson(2, 500), 0.5, 0)["z"])
    zs = np.array(zs)
    assert abs(zs.mean()) < 0.2 and 0.85 < zs.std() < 1.15
    assert 0.02 <= np.mean(zs > 1.6449) <= 0.09
    with pytest.raises(ValueError, match="no events"):
        cross_bound.oracle_score_test(np.zeros(10), np.ones(10), 0.5, 0.0)


def test_brief_arithmetic_of_the_bound():
    # Poisson A, equal rates: information n_days * sum w^2, 0.1517 a day at beta = 0.5,
    # whatever the rate; z = 0.2 * sqrt(0.1517 * 500) = 1.742, power Phi(1.742 - 1.645).
    w2 = float(np.sum(cross_bound.kernel_masses(0.5) ** 2))
    assert w2 == pytest.approx(0.309636**2 / (1 - math.exp(-1.0)), rel=1e-5)
    for rate in (0.4, 2.0, 10.0):
        out = cross_bound.power_bound(0.2, 500, 0.5, rate)
        assert out["information"] == pytest.approx(500 * w2, rel=1e-9)
        assert out["z"] == pytest.approx(1.7417, abs=1e-3)
        assert out["power"] == pytest.approx(0.5386, abs=1e-3)


@pytest.mark.parametrize(("self_a", "n_days"), [(0.0, 500), (0.0, 1000), (0.2, 500)])
def test_bound_matches_the_simulated_oracle_in_its_own_model(self_a, n_days):
    # B Poisson given the past with mean c + 0.2 X_d, A Poisson or self-exciting: the
    # model the analytic bound describes. 300 samples: power within 0.08 (about 3 SE).
    rate, w = 1000 / n_days, cross_bound.kernel_masses(0.5)
    hits = []
    for k in range(300):
        rng = np.random.default_rng([4, k, n_days])
        if self_a:
            seed = int(rng.integers(2**31))
            t, _ = simulate_hawkes(
                [rate * (1 - self_a), 1e-12], [[self_a, 0], [0, 0]], 0.5, float(n_days), seed=seed
            )
            a = np.bincount(np.floor(t).astype(int), minlength=n_days)[:n_days]
        else:
            a = rng.poisson(rate, n_days)
        x = cross_bound.lagged_sum(a, w)
        b = rng.poisson(rate - 0.2 * x.mean() + 0.2 * x)
        hits.append(cross_bound.oracle_score_test(a, b, 0.5, 0.0)["p_value"] < 0.05)
    bound = cross_bound.power_bound(0.2, n_days, 0.5, rate, self_excitation_a=self_a)
    assert np.mean(hits) == pytest.approx(bound["power"], abs=0.08)
