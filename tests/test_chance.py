"""Surrogate series, the lag statistics against chance, and the size of their tests."""

import numpy as np
import pandas as pd
import pytest

from analysis.models import chance, surrogates, validation
from analysis.models.dyad import select_dyad
from analysis.present import reader_tables


def test_month_blocks_follow_the_calendar():
    blocks = surrogates.month_blocks(pd.Timestamp("2024-01-30"), 33)  # Jan 30 .. Mar 2
    assert blocks.tolist() == [0, 0] + [1] * 29 + [2, 2]  # 2024 is a leap year


@pytest.mark.parametrize("method", surrogates.METHODS)
def test_day_map_keeps_every_day_in_its_month_and_is_one_to_one(method):
    blocks = surrogates.month_blocks(pd.Timestamp("2023-01-01"), 365)
    new = surrogates.day_map(blocks, np.random.default_rng(0), method)
    assert sorted(new.tolist()) == list(range(365))
    np.testing.assert_array_equal(blocks[new], blocks)


def test_block_shift_rotates_each_month():
    blocks = np.array([0, 0, 0, 0, 1, 1, 1, 2])
    new = surrogates.day_map(blocks, np.random.default_rng(3), "block_shift")
    for first, length in ((0, 4), (4, 3)):
        part = new[first : first + length] - first
        offset = part[0]
        assert offset != 0  # no offset would reproduce the observed timing
        assert part.tolist() == [(k + offset) % length for k in range(length)]
    assert new[7] == 7  # a one-day month cannot move


def test_month_permutation_moves_both_sides_of_a_day_together():
    first, blocks = surrogates.span_blocks(0.0, 89.0)  # 1970-01-01 .. 1970-03-31
    x = np.array([3.0, 3.0, 3.0, 40.0, 41.0])
    y = np.array([3.0, 10.0, 40.0, 40.0])
    sx, sy = surrogates.surrogate_pair(x, y, first, blocks, np.random.default_rng(1))
    day3, day40 = sx[0], sx[3]
    assert sx.tolist().count(day3) == 3 and day3 in sy  # the three-event day moved whole
    assert sy.tolist().count(day40) == 2  # with the other side's two events of day 40
    assert 0 <= day3 <= 30 and 31 <= day40 <= 58  # each stayed in its month
    bx, by = surrogates.surrogate_pair(x, y, first, blocks, np.random.default_rng(1), "block_shift")
    np.testing.assert_array_equal(bx, x)  # a block shift moves the answering side only


def test_compare_counts_ties_against_the_observed_value():
    res = surrogates.compare(3.0, np.array([1.0, 3.0, 5.0, np.nan]))
    assert res["p_value"] == pytest.approx(3 / 4)  # (1 + two values >= 3) / (1 + 3)
    assert res["null_mean"] == pytest.approx(3.0) and res["n_surrogates"] == 3
    assert surrogates.compare(3.0, np.array([1.0, 3.0, 5.0]), larger=False)["p_value"] == 0.75


def test_lag_statistics_by_hand():
    x = np.array([0.0, 1.0, 10.0])
    y = np.array([2.0, 11.0, 20.0])
    stats = chance.lag_statistics(x, y, end=30.0, horizons=(1, 3))
    # Followed: day 0 -> 2 (2 days), day 1 -> 2 (1 day), day 10 -> 11 (1 day).
    assert stats["followed"] == {"1": pytest.approx(2 / 3), "3": pytest.approx(1.0)}
    # Answered before the same side acts again: day 0 is cut short by day 1.
    assert stats["answered"] == {"1": pytest.approx(2 / 3), "3": pytest.approx(2 / 3)}
    assert stats["median_lag_days"] == 1.0


def _dyad(days_a, days_b):
    day0 = pd.Timestamp("2021-01-01")
    days = list(days_a) + list(days_b)
    sides = ["X"] * len(days_a) + ["Y"] * len(days_b)
    frame = pd.DataFrame(
        {
            "event_id": [f"e{k}" for k in range(len(days))],
            "event_date": [day0 + pd.Timedelta(days=int(d)) for d in days],
            "actor1_side": sides,
            "actor2_side": ["Y" if s == "X" else "X" for s in sides],
        }
    )
    return select_dyad(frame, "X", "Y", "2021-01-01", "2021-12-31")


def test_planted_answers_two_days_later_beat_every_surrogate():
    rng = np.random.default_rng(5)
    a = np.sort(rng.choice(np.arange(0, 360, 4), 60, replace=False))
    res = chance.lag_baseline(_dyad(a, a + 2), allows_tests=True, n_surrogates=99, seed=1)
    ab = res["by_direction"]["A->B"]
    assert ab["followed"]["3"]["observed"] == 1.0
    assert ab["followed"]["3"]["p_value"] == pytest.approx(1 / 100)
    assert ab["followed"]["1"]["observed"] == 0.0  # nothing the next day
    assert ab["median_lag_days"]["observed"] == 2.0
    assert ab["median_lag_days"]["p_value"] is None and ab["median_lag_days"]["p_value_reason"]
    assert ab["answered"]["3"]["p_value"] is None
    assert res["method"] == "month_permutation" and res["n_surrogates"] == 99
    table = chance.baseline_table(res, "X", "Y")
    assert len(table) == 2 * (2 * len(chance.HORIZONS) + 1)
    assert table["p_value"].notna().sum() == 2 * len(chance.HORIZONS)
    shown = reader_tables.baseline_table(table, labels={"X": "Side X", "Y": "Side Y"})
    row = shown[shown["Statistic"] == "share followed within 3 days"].iloc[0]
    assert row["Answer"] == "Side Y after Side X" and row["Observed"] == "100%"
    assert row["p-value"] == "0.01"
    median = shown[shown["Statistic"] == "median lag (days)"].iloc[0]
    assert median["Observed"] == "2" and median["p-value"] == "–"
    assert ab["followed"]["3"]["warning"] is None


def test_a_side_active_every_day_saturates_the_shares():
    res = chance.lag_baseline(_dyad(range(0, 300, 5), range(300)), True, n_surrogates=19)
    entry = res["by_direction"]["A->B"]["followed"]["1"]
    assert entry["observed"] == 1.0 and entry["null_mean"] >= chance.SATURATION
    assert entry["p_value"] is not None and "no power" in entry["warning"]
    table = chance.baseline_table(res, "X", "Y")
    assert table["saturated"].sum() >= 2 * len(chance.HORIZONS)
    shown = reader_tables.baseline_table(table)
    assert (shown["Note"] == "saturated: no power").sum() >= 2 * len(chance.HORIZONS)


def test_descriptive_route_and_an_empty_side_give_no_p_value():
    res = chance.lag_baseline(_dyad([1, 5, 9], [2]), allows_tests=False, n_surrogates=19)
    entry = res["by_direction"]["A->B"]["followed"]["1"]
    assert entry["observed"] == pytest.approx(1 / 3) and entry["null_mean"] is not None
    assert entry["p_value"] is None and "descriptive" in entry["p_value_reason"]
    empty = chance.lag_baseline(_dyad([1, 5, 9], []), allows_tests=True, n_surrogates=19)
    entry = empty["by_direction"]["A->B"]["followed"]["1"]
    assert entry["observed"] == 0.0 and entry["p_value"] is None and entry["p_value_reason"]
    assert empty["by_direction"]["B->A"]["median_lag_days"]["observed"] is None


@pytest.mark.parametrize("test", ["lag_surrogate", "pairing_surrogate"])
@pytest.mark.parametrize("scenario", ["shared_trend", "shared_daily_shocks"])
def test_surrogate_tests_hold_their_size_under_shared_activity(test, scenario):
    # Reduced study: 150 replicates of 200 events per side over 500 days. A circular
    # shift of the whole series rejected 11% of the time under the shared trend; the
    # within-month permutation stays in a wide band around the nominal 5%.
    cell = validation.run_cell(
        validation.REGISTRY[test], scenario, 200, reps=150, seed=20261130, deadline=np.inf
    )
    assert cell["reps_done"] >= 145
    assert 0.01 <= cell["rejection_rate"] <= 0.11, cell
