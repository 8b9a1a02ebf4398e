"""The one calendar: Monday-to-Sunday weeks, calendar months, partial periods dropped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.models import calendar
from analysis.models.dyad import select_dyad


def _dyad(dates_a, dates_b, start=None, end=None):
    events = pd.DataFrame(
        {
            "event_id": [f"e{k}" for k in range(len(dates_a) + len(dates_b))],
            "event_date": pd.to_datetime(list(dates_a) + list(dates_b)),
            "actor1_side": ["X"] * len(dates_a) + ["Y"] * len(dates_b),
            "actor2_side": ["Y"] * len(dates_a) + ["X"] * len(dates_b),
            "fatalities_best": [1.0] * len(dates_a) + [np.nan] * len(dates_b),
        }
    )
    return select_dyad(events, "X", "Y", start, end)


def test_weeks_start_on_monday_whatever_the_first_event():
    # 2020-01-01 is a Wednesday: its week starts on Monday 2019-12-30.
    starts = calendar.period_start(
        pd.Series(pd.to_datetime(["2020-01-01", "2020-01-05", "2020-01-06"])), "W"
    )
    assert [d.date().isoformat() for d in starts] == ["2019-12-30", "2019-12-30", "2020-01-06"]
    months = calendar.period_start(pd.Series(pd.to_datetime(["2020-02-29"])), "M")
    assert months[0] == pd.Timestamp("2020-02-01")


def test_weekly_counts_drop_the_partial_first_and_last_weeks():
    # Span Wed 2020-01-01 .. Wed 2020-01-22: full weeks are Jan 6-12 and Jan 13-19.
    a = ["2020-01-01", "2020-01-06", "2020-01-12", "2020-01-13", "2020-01-22"]
    b = ["2020-01-07"]
    dyad = _dyad(a, b, "2020-01-01", "2020-01-22")
    weekly = calendar.period_counts(dyad, "W")
    assert weekly["period"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-06", "2020-01-13"]
    assert weekly["A"].tolist() == [2.0, 1.0] and weekly["B"].tolist() == [1.0, 0.0]
    every = calendar.period_counts(dyad, "W", complete=False)
    assert every["A"].tolist() == [1.0, 2.0, 1.0, 1.0]
    assert every["A"].sum() == 5


def test_daily_counts_fill_gaps_and_fatalities_count_unknown_as_zero():
    dyad = _dyad(["2020-01-01", "2020-01-01", "2020-01-03"], ["2020-01-02"])
    daily = calendar.period_counts(dyad, "D")
    assert daily["A"].tolist() == [2.0, 0.0, 1.0] and daily["B"].tolist() == [0.0, 1.0, 0.0]
    deaths = calendar.period_counts(dyad, "D", value="fatalities")
    assert deaths["A"].tolist() == [2.0, 0.0, 1.0] and deaths["B"].tolist() == [0.0, 0.0, 0.0]


def test_monthly_counts_and_range():
    dyad = _dyad(["2020-01-15", "2020-02-01", "2020-02-29", "2020-03-31"], [])
    # January starts on the 15th (cut short); March ends on the 31st (whole).
    assert calendar.period_counts(dyad, "M")["A"].tolist() == [2.0, 1.0]
    assert calendar.period_counts(dyad, "M", complete=False)["A"].tolist() == [1.0, 2.0, 1.0]
    rng = calendar.period_range(pd.Timestamp("2020-01-15"), pd.Timestamp("2020-03-31"), "M")
    assert [d.month for d in rng] == [1, 2, 3]


def test_units_and_bad_frequency():
    assert calendar.period_unit("W") == "week" and calendar.period_unit("W", 3) == "weeks"
    with pytest.raises(ValueError, match="freq must be one of"):
        calendar.period_counts(_dyad(["2020-01-01"], []), "Y")


def test_empty_dyad_gives_an_empty_table():
    out = calendar.period_counts(_dyad([], []), "W")
    assert list(out.columns) == ["period", "A", "B"] and len(out) == 0
