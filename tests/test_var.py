"""VAR with impulse responses: a planted one-way effect is recovered with its impulse
response, the reverse Granger test holds its size under a shared trend, and ADF tells a
random walk from white noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.models import var


def _frame(a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    periods = pd.Timestamp("2021-01-01") + pd.to_timedelta(np.arange(len(a)), unit="D")
    return pd.DataFrame({"period": periods, "A": a, "B": b})


def _var1(seed: int, n: int, cross: float, trend: bool = False):
    rng = np.random.default_rng(seed)
    level = 1.6 - 1.2 * np.arange(n) / (n - 1) if trend else np.ones(n)
    a, b = np.zeros(n), np.zeros(n)
    for t in range(1, n):
        a[t] = 5 * level[t] + 0.3 * (a[t - 1] - 5 * level[t - 1]) + rng.normal(0, 2)
        b[t] = (
            3 * level[t]
            + 0.2 * (b[t - 1] - 3 * level[t - 1])
            + cross * (a[t - 1] - 5 * level[t - 1])
            + rng.normal(0, 1.5)
        )
    return a, b


def test_planted_cross_effect_is_recovered_with_its_impulse_response():
    a, b = _var1(0, 600, cross=0.25)
    res = var.fit_var(_frame(a, b), max_order=5)
    assert res["stable"] and res["max_root_modulus"] < 1
    assert res["orders"]["bic"] >= 1
    # Beats all 99 shifts of A's series; the F distribution's p-value is tiny.
    assert res["granger"]["A->B"]["p_value"] == 1 / 100
    assert res["granger"]["A->B"]["p_value_asymptotic"] < 1e-4
    irf = res["irf"]["A->B"]
    assert irf["response"][0] == 0.0
    assert irf["ci_low"][1] < 0.25 < irf["ci_high"][1]
    assert res["granger"]["B->A"]["p_value"] > 0.01


def test_var_granger_holds_its_size_under_a_shared_trend():
    rejected = []
    for seed in range(40):
        a, b = _var1(100 + seed, 400, cross=0.0, trend=True)
        rejected.append(var.fit_var(_frame(a, b), max_order=4)["granger"]["A->B"]["p_value"] < 0.05)
    assert np.mean(rejected) <= 0.15


def test_adf_separates_a_random_walk_from_noise():
    rng = np.random.default_rng(3)
    walk = np.cumsum(rng.normal(size=400)) + 100
    noise = rng.normal(10, 1, 400)
    out = var.adf_tests(_frame(walk, noise))
    assert out["A"]["stationary"] is False
    assert out["B"]["stationary"] is True


def test_shifted_granger_statistic_is_the_var_refitted_on_the_shifted_series():
    from statsmodels.tsa.api import VAR

    from analysis.models.reaction import calendar_effects

    a, b = _var1(7, 300, cross=0.1)
    frame = _frame(a, b)
    fe, _ = calendar_effects(frame["period"], "D")
    for shift in (0, 40):
        endog = np.column_stack([np.roll(a, shift), b])
        ref = VAR(endog, exog=fe).fit(3, trend="c").test_causality(1, [0], kind="f")
        ours = var.granger_f_statistics(b, a, 3, fe, [shift])[0]
        assert ours == pytest.approx(float(ref.test_statistic), rel=1e-8)
