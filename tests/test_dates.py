"""Date expressions resolve against the publication date."""

import datetime as dt

import pytest

from analysis.extract.dates import find_dates, resolve_date

WED_31_JUL_2024 = dt.date(2024, 7, 31)
TUE_30_JUL_2024 = dt.date(2024, 7, 30)
FRI_13_MAR_2020 = dt.date(2020, 3, 13)


@pytest.mark.parametrize(
    ("expression", "published", "start", "end", "precision"),
    [
        ("on Tuesday", WED_31_JUL_2024, "2024-07-30", "2024-07-30", "day"),
        ("on Tuesday", TUE_30_JUL_2024, "2024-07-30", "2024-07-30", "day"),
        # One night runs past midnight into the next day.
        ("Monday night", dt.date(2023, 12, 26), "2023-12-25", "2023-12-26", "day"),
        ("Monday night", dt.date(2023, 12, 25), "2023-12-25", "2023-12-26", "day"),
        ("in the early hours of Friday", FRI_13_MAR_2020, "2020-03-13", "2020-03-13", "day"),
        ("Wednesday’s", FRI_13_MAR_2020, "2020-03-11", "2020-03-11", "day"),
        ("in December", FRI_13_MAR_2020, "2019-12-01", "2019-12-31", "month"),
        ("In January", WED_31_JUL_2024, "2024-01-01", "2024-01-31", "month"),
        ("January 3", FRI_13_MAR_2020, "2020-01-03", "2020-01-03", "day"),
        ("Jan. 8", FRI_13_MAR_2020, "2020-01-08", "2020-01-08", "day"),
        ("Oct. 7", WED_31_JUL_2024, "2023-10-07", "2023-10-07", "day"),
        ("30 July 2024", dt.date(2024, 8, 2), "2024-07-30", "2024-07-30", "day"),
        ("March 4, 2021", dt.date(2022, 1, 1), "2021-03-04", "2021-03-04", "day"),
        ("last week", WED_31_JUL_2024, "2024-07-22", "2024-07-28", "week"),
        ("earlier this month", dt.date(2024, 1, 24), "2024-01-01", "2024-01-24", "month"),
        ("in recent days", TUE_30_JUL_2024, "2024-07-23", "2024-07-30", "days"),
        ("a few days ago", TUE_30_JUL_2024, "2024-07-24", "2024-07-28", "days"),
        ("yesterday", dt.date(2024, 3, 1), "2024-02-29", "2024-02-29", "day"),
        ("since May 2019", FRI_13_MAR_2020, "2019-05-01", "2019-05-31", "month"),
        ("in 2009", dt.date(2023, 12, 26), "2009-01-01", "2009-12-31", "year"),
        ("in the past week", dt.date(2022, 6, 10), "2022-06-03", "2022-06-10", "week"),
        ("over the last two months", dt.date(2022, 6, 10), "2022-04-11", "2022-06-10", "month"),
    ],
)
def test_resolve_date(expression, published, start, end, precision):
    got = resolve_date(expression, published)
    assert (got.date_start, got.date_end, got.precision) == (start, end, precision)
    assert start <= got.event_date <= end


def test_relative_to_the_previous_date_in_the_discourse():
    anchor = dt.date(2023, 12, 25)
    assert resolve_date("earlier in the day", dt.date(2023, 12, 26), anchor).event_date == (
        "2023-12-25"
    )
    assert resolve_date("earlier in the day", dt.date(2023, 12, 26)) is None
    days = resolve_date("a few days after", dt.date(2024, 7, 30), dt.date(2024, 7, 30))
    assert (days.date_start, days.date_end, days.precision) == ("2024-07-24", "2024-07-28", "days")


def test_not_a_date():
    assert resolve_date("they may strike", WED_31_JUL_2024) is None
    assert resolve_date("the march on Baghdad", WED_31_JUL_2024) is None


def test_find_dates_keeps_offsets_and_month_with_year():
    sentence = "Rockets hit Balad on 5 June 2021, weeks after strikes in March 2021 and in May."
    found = find_dates(sentence)
    assert [d.text for d in found] == ["5 June 2021", "March 2021", "in May"]
    for d in found:
        assert sentence[d.start : d.end] == d.text
