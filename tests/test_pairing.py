"""Window and stated pairing, the permutation null's calibration, proportionality."""

import numpy as np
import pandas as pd
import pytest

from analysis.models.dyad import select_dyad
from analysis.models.pairing import (
    agreement,
    agreement_null,
    all_pairs,
    dyad_permutation,
    dyad_window_pairs,
    permutation_null,
    proportionality,
    sensitivity,
    stated_pairs,
    window_pairs,
)


def _greedy_reference(x, y, w):
    # Literal statement of the rule: in time order, each x takes the first free y in (x, x+w].
    used, out = set(), []
    for i, t in enumerate(x):
        for j, u in enumerate(y):
            if j not in used and t < u <= t + w:
                used.add(j)
                out.append((i, j))
                break
    return out


def _dyad(rows):
    frame = pd.DataFrame(
        rows,
        columns=["event_id", "event_date", "actor1_side", "fatalities_best", "retaliation_for"],
    )
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["actor2_side"] = np.where(frame["actor1_side"] == "X", "Y", "X")
    return select_dyad(frame, "X", "Y")


def test_window_pairs_hand_example():
    ix, iy = window_pairs(np.array([0.0, 1.0, 2.0]), np.array([1.5, 2.5, 10.0]), 3)
    assert list(zip(ix, iy, strict=True)) == [(0, 0), (1, 1)]
    # Same-day actions are not answers.
    assert window_pairs(np.array([0.0]), np.array([0.0]), 3)[0].size == 0
    assert window_pairs(np.array([]), np.array([1.0]), 3)[0].size == 0


@pytest.mark.parametrize("seed", range(5))
def test_window_pairs_matches_literal_greedy_rule(seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.integers(0, 60, 40)).astype(float)
    y = np.sort(rng.integers(0, 60, 35)).astype(float)
    ix, iy = window_pairs(x, y, 4)
    assert list(zip(ix.tolist(), iy.tolist(), strict=True)) == _greedy_reference(x, y, 4)


def test_planted_answers_at_two_days_are_found_and_rejected_by_permutation():
    rng = np.random.default_rng(7)
    x = np.sort(rng.choice(np.arange(0, 700), 40, replace=False)).astype(float)
    y = np.sort(x + 2)
    ix, iy = window_pairs(x, y, 7)
    assert ix.size == 40
    np.testing.assert_array_equal(y[iy] - x[ix], 2.0)
    res = permutation_null(x, y, 7, start=0, end=702, n_perm=199, seed=1)
    assert res["observed"] == 40
    assert res["observed"] > res["null_ci"][1]
    assert res["p_value"] == pytest.approx(1 / 200)


def test_permutation_false_positive_rate_is_near_nominal():
    rng = np.random.default_rng(11)
    rejections = 0
    sims = 200
    for k in range(sims):
        x = np.sort(np.floor(rng.uniform(0, 365, rng.poisson(30))))
        y = np.sort(np.floor(rng.uniform(0, 365, rng.poisson(30))))
        res = permutation_null(x, y, 7, start=0, end=364, n_perm=99, seed=k)
        rejections += res["p_value"] <= 0.05
    assert 0.01 <= rejections / sims <= 0.10


def test_permutation_is_reproducible_and_descriptive_route_hides_p_value():
    dyad = _dyad(
        [
            ("a1", "2024-01-01", "X", 1, ""),
            ("b1", "2024-01-02", "Y", 2, "a1"),
            ("a2", "2024-02-01", "X", np.nan, ""),
            ("b2", "2024-02-20", "Y", 0, ""),
        ]
    )
    one = dyad_permutation(dyad, 7, allows_tests=False, n_perm=50, seed=2)
    two = dyad_permutation(dyad, 7, allows_tests=False, n_perm=50, seed=2)
    assert one == two
    assert one["A->B"]["p_value"] is None and one["A->B"]["p_value_reason"]
    assert one["A->B"]["observed"] == 1


def test_stated_pairs_agreement_and_all_pairs():
    dyad = _dyad(
        [
            ("a1", "2024-01-01", "X", 4, ""),
            ("b1", "2024-01-03", "Y", 2, "a1"),
            ("a2", "2024-01-04", "X", 1, ""),
            ("b2", "2024-01-20", "Y", np.nan, "a2;zz"),
            ("b3", "2024-01-05", "Y", 6, ""),
        ]
    )
    stated = stated_pairs(dyad)
    assert stated[["provocation", "response", "lag_days"]].values.tolist() == [
        ["a1", "b1", 2.0],
        ["a2", "b2", 16.0],
    ]
    window = dyad_window_pairs(dyad, 7)
    ab = window[window["direction"] == "A->B"]
    assert ab[["provocation", "response"]].values.tolist() == [["a1", "b1"], ["a2", "b3"]]
    agree = agreement(stated, window, dyad)
    assert agree["recall"]["share"] == 0.5 and agree["recall"]["n"] == 2
    # Only the window pair a1->b1 has a response with a stated link: it is right.
    assert agree["precision"]["share"] == 1.0 and agree["precision"]["n"] == 1
    pairs = all_pairs(dyad, 7)
    assert (pairs["basis"] == "stated").sum() == 2
    assert len(pairs) == len(stated) + len(window) - 1


def test_sensitivity_grows_with_window():
    dyad = _dyad(
        [
            ("a1", "2024-01-01", "X", 0, ""),
            ("b1", "2024-01-02", "Y", 0, ""),
            ("a2", "2024-02-01", "X", 0, ""),
            ("b2", "2024-02-11", "Y", 0, ""),
        ]
    )
    table = sensitivity(dyad, (1, 3, 14))
    ab = table[table["direction"] == "A->B"]
    assert ab["n_pairs"].tolist() == [1, 1, 2]
    assert ab["share_paired"].tolist() == [0.5, 0.5, 1.0]


def test_proportionality_uses_known_pairs_only():
    events = pd.DataFrame(
        {
            "event_id": ["p1", "r1", "p2", "r2", "p3", "r3"],
            "fatalities_best": [2.0, 4.0, 3.0, 3.0, np.nan, 50.0],
        }
    )
    pairs = pd.DataFrame({"provocation": ["p1", "p2", "p3"], "response": ["r1", "r2", "r3"]})
    res = proportionality(pairs, events, n_boot=500, seed=0)
    assert res["n_known"] == 2 and res["n_pairs"] == 3
    assert res["ratio"] == pytest.approx(7 / 5)
    assert res["ci_low"] <= res["ratio"] <= res["ci_high"]
    zero = proportionality(pairs.iloc[:1], events.assign(fatalities_best=[0, 1, 0, 0, 0, 0]))
    assert zero["ratio"] is None and "undefined" in zero["reason"]


def test_dense_pairing_is_flagged_as_saturated_and_sparse_is_not():
    from analysis.models.pairing import permutation_null

    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 500, 5000))  # ten a day
    y = np.sort(rng.uniform(0, 500, 300))
    dense = permutation_null(x, y, 3.0, 0.0, 500.0, n_perm=19)
    assert dense["saturation"] >= 0.9 and "no power" in dense["warning"]
    sparse = permutation_null(y[:50], y[50:100] + 0.5, 1.0, 0.0, 500.0, n_perm=19)
    assert sparse["warning"] is None


def test_same_day_counts_against_independence():
    from analysis.models.dyad import select_dyad
    from analysis.models.pairing import same_day

    frame = pd.DataFrame(
        {
            "event_id": ["a1", "a2", "b1", "b2"],
            "event_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-04"]),
            "actor1_side": ["X", "X", "Y", "Y"],
            "actor2_side": ["Y", "Y", "X", "X"],
        }
    )
    out = same_day(select_dyad(frame, "X", "Y"))
    assert out == {"days": 4, "days_a": 2, "days_b": 2, "days_both": 1, "expected_both": 1.0}


def test_agreement_against_chance_recovers_planted_links_beyond_surrogates():
    day0 = pd.Timestamp("2024-01-01")
    rows = []
    for k, day in enumerate(range(3, 360, 9)):  # 40 attacks; each answered 2 days later
        rows.append((f"a{k}", day0 + pd.Timedelta(days=day), "X", 0, ""))
        rows.append((f"b{k}", day0 + pd.Timedelta(days=day + 2), "Y", 0, f"a{k}"))
    dyad = _dyad(rows)
    stated = stated_pairs(dyad)
    res = agreement_null(dyad, stated, 3, n_perm=99, seed=0)
    assert res["n_stated"] == 40 and res["observed"] == 1.0
    # Shuffled within months, an attack's own answer lands 1-3 days later about 3 times
    # in 30 or so: chance recall stays far below the observed.
    assert res["null_ci"][1] < 0.5 and res["null_mean"] < 0.3
    none = agreement_null(dyad, stated.iloc[:0], 3, n_perm=9)
    assert none["observed"] is None and none["n_stated"] == 0
