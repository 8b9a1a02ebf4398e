"""The power ladder's score statistic and its size-adjusted power."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.models import power_ladder


def _regression(seed: int, effect: float):
    rng = np.random.default_rng(seed)
    n = 600
    base = np.column_stack([np.ones(n), rng.normal(size=n)])
    extra = rng.normal(size=(n, 2))
    y = rng.poisson(np.exp(0.3 + 0.4 * base[:, 1] + effect * extra[:, 0])).astype(float)
    return y, base, extra


def test_poisson_score_statistic_is_the_glm_score_test():
    # statsmodels' score (Lagrange multiplier) test of the extra columns, computed from
    # the restricted GLM fit: the same chi-square, here divided by its 2 degrees of freedom.
    for effect in (0.0, 0.15):
        y, base, extra = _regression(3, effect)
        restricted = sm.GLM(y, base, family=sm.families.Poisson()).fit()
        test = restricted.score_test(exog_extra=extra)
        ours = power_ladder.score_statistic(y, base, extra)
        assert test.k_constraint == 2
        assert ours == pytest.approx(float(test.statistic[0]) / 2, rel=1e-6)


def test_score_statistic_finds_a_planted_effect_and_not_a_missing_one():
    y, base, extra = _regression(5, 0.25)
    assert power_ladder.score_statistic(y, base, extra) > 10
    assert power_ladder.score_statistic(y, base, extra, negative_binomial=True, hac_lags=5) > 10
    y, base, extra = _regression(5, 0.0)
    assert power_ladder.score_statistic(y, base, extra) < 4


def test_summarise_is_the_share_of_planted_samples_above_the_null_quantile():
    null = np.arange(100, dtype=float)  # 95% quantile 94.05, 96% quantile 95.04
    planted = np.array([94.5] * 30 + [95.5] * 20 + [0.0] * 50)
    rows = [
        {"k": k, "scenario": "null", **dict.fromkeys(power_ladder.STEPS, v)}
        for k, v in enumerate(null)
    ]
    rows += [
        {"k": k, "scenario": "planted", **dict.fromkeys(power_ladder.STEPS, v)}
        for k, v in enumerate(planted)
    ]
    table = power_ladder.summarise(pd.DataFrame(rows)).set_index("step")
    assert table.loc["buckets_3df", "power"] == 0.5
    assert table.loc["buckets_3df", "power_at_4"] == 0.2
    assert table.loc["buckets_3df", "ci_low"] < 0.5 < table.loc["buckets_3df", "ci_high"]
