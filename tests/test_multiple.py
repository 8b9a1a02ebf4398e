"""Benjamini-Hochberg q-values against hand-computed values and simulated false
discovery rates."""

import numpy as np
import pytest

from analysis.models.multiple import add_q_values, bh_qvalues


def test_q_values_match_hand_computation():
    # m = 4: sorted p 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.04, 0.04, 0.5 (monotone from the top).
    q = bh_qvalues([0.03, 0.5, 0.01, 0.02])
    assert q == pytest.approx([0.04, 0.5, 0.04, 0.04])


def test_missing_p_values_are_left_out_of_the_family():
    q = bh_qvalues([0.01, None, float("nan"), 0.04])
    assert q[1] is None and q[2] is None
    assert q[0] == pytest.approx(0.02) and q[3] == pytest.approx(0.04)
    tests = [{"p_value": 0.2}, {"p_value": None}]
    add_q_values(tests)
    assert tests[0]["q_value"] == pytest.approx(0.2) and tests[1]["q_value"] is None


def test_false_discovery_rate_is_controlled_under_independence():
    rng = np.random.default_rng(0)
    fdr = []
    for _ in range(300):
        null = rng.uniform(size=16)
        alt = rng.uniform(size=4) * 1e-3
        q = np.array(bh_qvalues(np.concatenate([null, alt]).tolist()))
        found = q <= 0.1
        fdr.append(found[:16].sum() / max(found.sum(), 1))
    assert np.mean(fdr) <= 0.1
