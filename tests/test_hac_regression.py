"""Numpy regressions with HAC covariance and the robust score test: hand-computed sums,
closed-form estimates and the truth of simulations."""

import numpy as np
import pytest
import statsmodels.api as sm

from analysis.models import hac_regression as hr
from analysis.models.fitting import FitFailed


def test_newey_west_sum_by_hand():
    g = np.array([[1.0], [2.0], [3.0]])
    # sum g^2 = 14; lag 1: 2*1 + 3*2 = 8, weight 1/2 -> 14 + 0.5 * 16 = 22.
    assert hr.hac_meat(g, 1)[0, 0] == pytest.approx(22.0)
    assert hr.hac_meat(g, 0)[0, 0] == pytest.approx(14.0)
    # Rows at days 0 and 2: the day between counts as zero. Lag 1 pairs nothing; lag 2
    # pairs 3 with 1, weight 1 - 2/3.
    gap = np.array([[1.0], [3.0]])
    assert hr.hac_meat(gap, 1, positions=np.array([0, 2]))[0, 0] == pytest.approx(10.0)
    assert hr.hac_meat(gap, 2, positions=np.array([0, 2]))[0, 0] == pytest.approx(12.0)
    # Several sets at once give each set's own sum.
    both = np.stack([g, 2 * g])
    assert hr.hac_meat(both, 1)[:, 0, 0] == pytest.approx([22.0, 88.0])


@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_group_dummies_give_group_means(alpha):
    # With one dummy per group the score equations make each fitted mean the group's mean,
    # whatever the dispersion.
    y = np.array([0, 1, 2, 5, 1, 7, 9, 2, 4], float)
    group = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    x = np.column_stack([np.ones(9), group == 1, group == 2]).astype(float)
    fit = hr.fit_loglinear(y, x, alpha)
    assert np.exp(fit.params[0]) == pytest.approx(1.0)
    assert np.exp(fit.params[0] + fit.params[1]) == pytest.approx(13 / 3)
    assert np.exp(fit.params[0] + fit.params[2]) == pytest.approx(5.0)


def test_sandwich_matches_statsmodels_hac_for_a_fixed_dispersion():
    rng = np.random.default_rng(2)
    n = 400
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n)])
    y = rng.negative_binomial(2, 2 / (2 + np.exp(0.5 + 0.3 * x[:, 1])))
    fit = hr.fit_loglinear(y, x, 0.5)
    cov = hr.sandwich_cov(x, fit, 4)
    ref = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=0.5)).fit(
        cov_type="HAC", cov_kwds={"maxlags": 4}, tol=1e-12
    )
    assert fit.params == pytest.approx(np.asarray(ref.params), rel=1e-6)
    assert np.sqrt(np.diag(cov)) == pytest.approx(np.asarray(ref.bse), rel=1e-4)


def test_dispersion_is_recovered_and_zero_without_overdispersion():
    rng = np.random.default_rng(5)
    x = np.column_stack([np.ones(3000), rng.normal(size=3000)])
    mu = np.exp(1.0 + 0.2 * x[:, 1])
    y = rng.negative_binomial(1 / 0.4, 1 / (1 + 0.4 * mu))  # alpha = 0.4
    alpha, fit = hr.nb2_alpha(y, x)
    assert alpha == pytest.approx(0.4, abs=0.06)
    assert fit.alpha == alpha
    flat = rng.binomial(4, 0.5, 500).astype(float)  # variance 1 < mean 2
    alpha, _ = hr.nb2_alpha(flat, np.ones((500, 1)))
    assert alpha == 0.0


def test_separation_is_a_failure_not_a_number():
    # y is 0 wherever the second regressor is positive: its coefficient has no finite MLE.
    y = np.array([1, 2, 0, 3, 0, 1, 0, 2, 4, 0], float)
    x = np.column_stack([np.ones(10), [0, 0, 1, 0, 1, 0, 1, 0, 0, 0]])
    with pytest.raises(FitFailed, match="no finite estimate|did not converge"):
        hr.fit_loglinear(y, x, 0.0)


def test_score_statistic_by_hand_for_least_squares():
    # Null model: a constant. Candidate z. Residuals e = y - mean(y), z~ = z - mean(z),
    # U = sum z~ e, S = sum (z~ e)^2 without lags, statistic U^2 / S.
    y = np.array([1.0, 3.0, 2.0, 6.0])
    z = np.array([0.0, 1.0, 0.0, 2.0])
    null = hr.fit_linear(y, np.ones((4, 1)))
    test = hr.ScoreTest(np.ones((4, 1)), null, maxlags=0)
    e, zt = y - 3.0, z - 0.75
    expected = (zt @ e) ** 2 / np.sum((zt * e) ** 2)
    assert test.statistics(z[:, None])[0] == pytest.approx(expected)
    # A candidate the null model already spans has nothing to test.
    assert np.isnan(test.statistics(np.ones((4, 1)))[0])


def test_robust_score_test_holds_its_size_with_overdispersed_autocorrelated_counts():
    # Counts with a persistent log-rate (AR(1), 0.8) and an independent regressor that is
    # persistent too: the HAC score test's chi-square p-value should reject near 5%.
    from scipy import stats

    rejections = []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        n = 600
        z = np.empty(n)
        w = np.empty(n)
        z[0], w[0] = rng.normal(size=2)
        for t in range(1, n):
            z[t] = 0.8 * z[t - 1] + 0.6 * rng.normal()
            w[t] = 0.8 * w[t - 1] + 0.6 * rng.normal()
        y = rng.poisson(np.exp(0.5 + 0.4 * z)).astype(float)
        x = np.ones((n, 1))
        alpha, null = hr.nb2_alpha(y, x)
        stat = hr.ScoreTest(x, null, maxlags=12).statistics(w[:, None])[0]
        rejections.append(stats.chi2.sf(stat, 1) < 0.05)
    assert 0.02 <= np.mean(rejections) <= 0.10
