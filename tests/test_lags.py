"""Response lags: censoring rules, Kaplan-Meier recovery of a known median, intervals."""

import numpy as np
import pandas as pd
import pytest

from analysis.models.dyad import select_dyad
from analysis.models.lags import (
    bootstrap_median,
    day_numbers,
    dyad_lags,
    filter_precision,
    km_median,
    lag_results,
    next_response,
    share_answered,
)


def _events(rows):
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "actor1_side", "date_precision"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["actor2_side"] = np.where(frame["actor1_side"] == "X", "Y", "X")
    return frame


def test_next_response_observed_and_censored():
    lag, censored, idx = next_response(np.array([0.0, 5.0, 6.0]), np.array([2.0, 8.0]), end=20.0)
    # 0 -> answered at 2; 5 -> same side acts again at 6 first: censored after 1 day;
    # 6 -> answered at 8.
    np.testing.assert_array_equal(lag, [2.0, 1.0, 2.0])
    np.testing.assert_array_equal(censored, [False, True, False])
    np.testing.assert_array_equal(idx, [0, -1, 1])


def test_same_day_action_is_not_an_answer_and_end_censors():
    lag, censored, _ = next_response(np.array([3.0]), np.array([3.0]), end=10.0)
    assert censored[0] and lag[0] == 7.0


def test_no_responses_at_all_censors_every_provocation_at_end():
    lag, censored, idx = next_response(np.array([1.0, 4.0]), np.array([]), end=4.0)
    np.testing.assert_array_equal(lag, [3.0, 0.0])
    assert censored.all() and (idx == -1).all()


def test_filter_precision_drops_coarse_dates_only():
    frame = pd.DataFrame({"date_precision": ["day", "days", "week", "month", "", "year"]})
    kept, dropped = filter_precision(frame, "days")
    assert dropped == 3
    assert kept["date_precision"].tolist() == ["day", "days", ""]
    with pytest.raises(ValueError):
        filter_precision(frame, "fortnight")


def test_dyad_lags_names_events_and_counts_dropped():
    events = _events(
        [
            ("a1", "2024-01-01", "X", "day"),
            ("b1", "2024-01-03", "Y", "day"),
            ("a2", "2024-01-04", "X", "month"),
            ("a3", "2024-01-10", "X", "day"),
        ]
    )
    dyad = select_dyad(events, "X", "Y")
    lags, dropped = dyad_lags(dyad)
    assert dropped == 1
    ab = lags[lags["direction"] == "A->B"].set_index("provocation")
    assert ab.loc["a1", "response"] == "b1" and ab.loc["a1", "lag_days"] == 2
    assert ab.loc["a3", "censored"] and ab.loc["a3", "response"] == ""
    ba = lags[lags["direction"] == "B->A"].set_index("provocation")
    assert ba.loc["b1", "response"] == "a3" and ba.loc["b1", "lag_days"] == 7


def test_one_side_without_events_does_not_crash():
    events = _events([("a1", "2024-01-01", "X", "day"), ("a2", "2024-01-05", "X", "day")])
    res = lag_results(select_dyad(events, "X", "Y"), n_boot=50)
    assert res["by_direction"]["A->B"]["n_censored"] == 2
    assert res["by_direction"]["B->A"]["n_provocations"] == 0
    assert res["by_direction"]["B->A"]["share_answered"]["7"]["share"] is None
    assert res["by_direction"]["A->B"]["median_lag_days"]["estimate"] is None


def test_km_median_recovers_exponential_median_under_censoring():
    rng = np.random.default_rng(1)
    mean = 4.0
    true = rng.exponential(mean, 3000)
    cens = rng.exponential(12.0, 3000)
    lag = np.minimum(true, cens)
    censored = cens < true
    res = km_median(lag, censored)
    truth = mean * np.log(2)
    assert res["estimate"] == pytest.approx(truth, abs=0.25)
    assert res["ci_low"] <= truth <= res["ci_high"]
    # The naive median of observed lags is biased low by censoring; KM is not.
    assert np.median(lag[~censored]) < truth - 0.2


def test_share_answered_naive_wilson_and_km():
    lag = np.array([1.0, 2.0, 5.0, 1.0, 3.0])
    censored = np.array([False, False, False, True, True])
    res = share_answered(lag, censored, horizons=(1, 3))
    assert res["1"]["share"] == pytest.approx(0.2) and res["1"]["n"] == 5
    # Wilson interval of 1/5 at 95%.
    assert res["1"]["ci_low"] == pytest.approx(0.0362, abs=1e-3)
    assert res["1"]["ci_high"] == pytest.approx(0.6245, abs=1e-3)
    # KM: S(1) = 4/5; S(2) = 4/5 * 2/3 (censored at 1 leaves 3 at risk at 2).
    assert res["1"]["km_share"] == pytest.approx(0.2)
    assert res["3"]["km_share"] == pytest.approx(1 - 0.8 * 2 / 3)
    assert res["3"]["km_share"] >= res["3"]["share"]


def test_bootstrap_median_is_seeded_and_brackets_estimate():
    values = np.arange(1.0, 21.0)
    a = bootstrap_median(values, n_boot=500, seed=3)
    b = bootstrap_median(values, n_boot=500, seed=3)
    assert a == b
    assert a["estimate"] == 10.5
    assert a["ci_low"] < 10.5 < a["ci_high"]
    assert bootstrap_median(np.array([4.0]))["ci_low"] is None


def test_day_numbers_are_days_since_epoch():
    out = day_numbers(pd.Series(pd.to_datetime(["1970-01-02", None])))
    assert out[0] == 1.0 and np.isnan(out[1])
