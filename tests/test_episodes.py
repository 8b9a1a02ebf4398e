"""Episodes split at quiet gaps: starters, enders, lengths, one-sided share."""

import numpy as np
import pandas as pd

from analysis.models.dyad import select_dyad
from analysis.models.episodes import (
    QUIET_DAYS,
    dyad_episodes,
    episode_summary,
    gap_sensitivity,
    split_episodes,
)
from analysis.present.summaries import tit_for_tat_summary


def test_split_episodes_hand_example():
    times = np.array([0.0, 2.0, 5.0, 50.0, 51.0, 200.0])
    sides = np.array(["A", "B", "A", "B", "B", "A"])
    eps = split_episodes(times, sides, quiet_days=30)
    assert eps["n_events"].tolist() == [3, 2, 1]
    assert eps["starter"].tolist() == ["A", "B", "A"]
    assert eps["ender"].tolist() == ["A", "B", "A"]
    assert eps["length_days"].tolist() == [6.0, 2.0, 1.0]
    assert eps["one_sided"].tolist() == [False, True, True]
    assert eps["n_a"].tolist() == [2, 0, 1]


def test_gap_equal_to_quiet_days_does_not_split():
    eps = split_episodes(np.array([0.0, 30.0, 61.0]), np.array(["A", "B", "A"]), quiet_days=30)
    assert eps["n_events"].tolist() == [2, 1]


def test_empty_input_gives_empty_table_and_summary():
    eps = split_episodes(np.array([]), np.array([]))
    assert eps.empty
    summary = episode_summary(eps, "X", "Y")
    assert summary["n_episodes"] == 0 and summary["one_sided"]["share"] is None


def test_dyad_episodes_names_sides_and_summary_counts():
    frame = pd.DataFrame(
        {
            "event_id": ["a1", "b1", "a2", "a3"],
            "event_date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-03-01", "2024-03-02"]),
            "actor1_side": ["X", "Y", "X", "X"],
            "actor2_side": ["Y", "X", "Y", "Y"],
        }
    )
    eps = dyad_episodes(select_dyad(frame, "X", "Y"), quiet_days=30)
    assert eps["start"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-03-01"]))
    assert eps["ender"].tolist() == ["Y", "X"]
    summary = episode_summary(eps, "X", "Y")
    assert summary["started_by"] == {"X": 2, "Y": 0}
    assert summary["ended_by"] == {"X": 1, "Y": 1}
    assert summary["one_sided"]["share"] == 0.5 and summary["one_sided"]["n"] == 2
    assert summary["median_length_days"] == 2.5


def test_same_day_start_is_reported_as_both_and_default_gap_is_two_days():
    times = np.array([0.0, 0.0, 1.0, 10.0, 11.0])
    sides = np.array(["B", "A", "B", "A", "B"])
    eps = split_episodes(times, sides)
    assert len(eps) == 2  # the 9-day gap splits; the 1-day gaps do not
    assert eps["starter"].tolist() == ["both", "A"]
    assert eps["ender"].tolist() == ["B", "B"]


def test_gap_sensitivity_by_hand_counts_simultaneous_starts_apart():
    # X and Y both act on day 0; then X on day 2, Y on day 6, X on day 20.
    day0 = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame(
        {
            "event_id": ["a1", "b1", "a2", "b2", "a3"],
            "event_date": [day0 + pd.Timedelta(days=d) for d in (0, 0, 2, 6, 20)],
            "actor1_side": ["X", "Y", "X", "Y", "X"],
            "actor2_side": ["Y", "X", "Y", "X", "Y"],
        }
    )
    table = gap_sensitivity(select_dyad(frame, "X", "Y"))
    assert table["quiet_days"].tolist() == [1, 2, 3, 7, 30]
    assert 1 <= QUIET_DAYS <= 3  # the literature's 24-72 hours
    assert table["n_episodes"].tolist() == [4, 3, 3, 2, 1]
    assert table["started_a"].tolist() == [2, 1, 1, 1, 0]
    assert table["started_b"].tolist() == [1, 1, 1, 0, 0]
    assert table["started_both"].tolist() == [1, 1, 1, 1, 1]  # day 0 opens with both
    np.testing.assert_allclose(table["share_one_sided"], [3 / 4, 2 / 3, 2 / 3, 1 / 2, 0.0])
    assert table["median_length_days"].tolist() == [1.0, 1.0, 1.0, 4.0, 21.0]


def test_summary_names_episodes_that_both_sides_open_on_the_same_day():
    day0 = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame(
        {
            "event_id": ["a1", "b1", "a2", "b2"],
            "event_date": [day0 + pd.Timedelta(days=d) for d in (0, 0, 10, 20)],
            "actor1_side": ["X", "Y", "X", "Y"],
            "actor2_side": ["Y", "X", "Y", "X"],
        }
    )
    summary = episode_summary(dyad_episodes(select_dyad(frame, "X", "Y")), "X", "Y")
    assert summary["started_by"] == {"X": 1, "Y": 1} and summary["started_by_both"] == 1
    text = tit_for_tat_summary({"parameters": {"side_a": "X", "side_b": "Y"}, "episodes": summary})
    assert "3 episodes; started by X 1, Y 1, both on the same day 1;" in text
    assert "last word: X 1, Y 1, both on the same day 1;" in text
