"""Reader tables of model and analysis results: raw frames for code, plain tables for
pages. Expected cells are written out by hand from the inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from IPython.core.formatters import DisplayFormatter

from analysis.models import casualties, lags
from analysis.present import model_summaries, reader_tables
from analysis.reporting.plain import plain_directions

A, B = "IRAN_ALIGNED", "US_COALITION"
NAMES = {"A": "Iran-aligned militias", "B": "US-led coalition"}


def test_numbers_and_intervals_for_reading():
    assert reader_tables.with_interval(1.2345, 0.9123, 1.6789) == "1.2 [0.91 to 1.7]"
    assert reader_tables.with_interval(0.0023, 0.0011, 0.0049) == "0.0023 [0.0011 to 0.0049]"
    assert reader_tables.with_interval(68573.0, 60000.0, None) == "68,573 [60,000 to ∞]"
    assert reader_tables.with_interval(None, 1, 2) == "–"
    assert reader_tables.direction_text("A->B", NAMES) == (
        "Iran-aligned militias → US-led coalition"
    )
    assert reader_tables.direction_text("Granger B->A", NAMES) == (
        "Granger US-led coalition → Iran-aligned militias"
    )


def _by_direction() -> dict:
    # 2 of 3 attacks answered within 7 days: Wilson 95% interval 0.208 to 0.939.
    entry = {
        "n": 3,
        "share": 2 / 3,
        "ci_low": 0.2077,
        "ci_high": 0.9385,
        "km_share": 2 / 3,
        "km_ci_low": 0.23,
        "km_ci_high": 0.99,
    }
    empty = {"n": 6, "share": 0.0, "ci_low": 0.0, "ci_high": 0.39}
    empty |= {"km_share": 0.0, "km_ci_low": None, "km_ci_high": None}
    return {"A->B": {"share_answered": {"7": entry}}, "B->A": {"share_answered": {"7": empty}}}


def test_share_table_raw_for_code_plain_for_readers():
    raw = lags.share_table(_by_direction(), A, B)
    # The model function keeps the numbers and the codes.
    assert raw.loc[0, "share"] == 2 / 3 and raw.loc[0, "answerer"] == B
    assert math.isnan(raw.loc[1, "km_ci_low"])
    shown = reader_tables.reader_table(raw)
    assert list(shown.columns) == [
        "Answer",
        "Within (days)",
        "Attacks",
        "Share answered [95% interval]",
        "Kaplan-Meier share [95% interval]",
    ]
    assert shown.iloc[0].tolist() == [
        "US-led coalition after Iran-aligned militias",
        "7",
        "3",
        "67% [21% to 94%]",
        "67% [23% to 99%]",
    ]
    assert shown.iloc[1].tolist()[3:] == ["0% [0% to 39%]", "0%"]


def test_casualty_tables_plain():
    totals = {
        A: {
            "killed": {"low": 7.0, "best": 7.0, "high": 9.0, "n_known": 4, "n_unknown": 1},
            "injured": {"low": 17.0, "best": 17.0, "high": 17.0, "n_known": 3, "n_unknown": 2},
        }
    }
    shown = reader_tables.reader_table(casualties.totals_table(totals))
    assert shown.iloc[0].tolist() == ["Iran-aligned militias", "Killed", "7 [7 to 9]", "4", "1"]
    rates = {
        B: {
            "events": {
                "count_before": 1200,
                "count_after": 2400,
                "rate_ratio": 2.0,
                "ci_low": 1.5,
                "ci_high": None,
                "p_value": 0.0000123,
                "exact_poisson": {"p_value": 0.0123},
                "p_value_reason": "",
                "method": "negative binomial",
            }
        }
    }
    row = reader_tables.reader_table(casualties.rate_table(rates)).iloc[0].tolist()
    assert row == [
        "US-led coalition",
        "Events",
        "1,200",
        "2,400",
        "2.000 [1.500 to ∞]",
        "< 0.0001",
        "0.012",
        "negative binomial",
    ]


def test_any_frame_has_no_index_raw_floats_or_direction_keys():
    raw = pd.DataFrame(
        {
            "window_days": [7, 7],
            "direction": ["A->B", "B->A"],
            "n_provocations": [68573, 3938],
            "n_pairs": [2, 0],
            "share_paired": [2 / 68573, 0.0],
            "median_lag_days": [2.0, np.nan],
        },
        index=[5, 9],
    )
    html = reader_tables.frame_html(raw, A, B)
    assert "A-&gt;B" not in html and "e-05" not in html and "NaN" not in html
    assert "<th" in html and "<th></th>" not in html  # no index column
    assert ">Iran-aligned militias → US-led coalition<" in html
    assert ">68,573<" in html and "><1%<" in html.replace("&lt;", "<")
    generic = reader_tables.reader_frame(pd.DataFrame({"p_value": [0.000001], "x": [0.1234567]}))
    assert generic.iloc[0].tolist() == ["< 0.0001", "0.12"]
    assert list(generic.columns) == ["p-value", "X"]


def test_install_shows_every_frame_as_a_reader_table():
    class Shell:
        display_formatter = DisplayFormatter()
        user_ns = {"side_a": A, "side_b": B}

    shell = Shell()
    assert reader_tables.install(shell)
    raw = lags.share_table(_by_direction(), A, B)
    data, _ = shell.display_formatter.format(raw)
    assert 'class="reader-table"' in data["text/html"]
    assert "67% [21% to 94%]" in data["text/html"]
    assert reader_tables.install(object()) is False  # not a shell: nothing changes


def _models() -> dict:
    branching = {
        "A->A": {"estimate": 0.3, "ci_low": 0.1, "ci_high": 0.5},
        "A->B": {"estimate": 0.4, "ci_low": 0.25, "ci_high": 0.55},
        "B->A": {"estimate": 0.0023, "ci_low": 0.0, "ci_high": 0.0091},
        "B->B": {"estimate": 0.2, "ci_low": 0.1, "ci_high": 0.3},
    }
    cross = {"A->B": {"p_value": 0.001, "q_value": 0.004}, "B->A": {"p_value": 0.6}}
    return {
        "sides": {"A": A, "B": B},
        "hawkes": {"branching": branching, "cross_tests": cross},
        "reasons": {},
        "tests": [
            {"test": "Granger A->B", "p_value": 0.01234, "q_value": 0.0456},
            {"test": "change point B 2", "p_value": 0.5, "q_value": 0.7},
            {"test": "reaction incidence B->A", "p_value": 0.2, "q_value": 0.4},
        ],
    }


def test_model_tables_name_directions_and_round():
    table = model_summaries.hawkes_table(_models())
    assert table.to_dict(orient="records") == [
        {
            "Direction": "Iran-aligned militias, after its own events",
            "Events triggered per event [95% interval]": "0.30 [0.10 to 0.50]",
            "p-value": "–",
            "q-value": "–",
        },
        {
            "Direction": "Iran-aligned militias → US-led coalition",
            "Events triggered per event [95% interval]": "0.40 [0.25 to 0.55]",
            "p-value": "0.001",
            "q-value": "0.004",
        },
        {
            "Direction": "US-led coalition → Iran-aligned militias",
            "Events triggered per event [95% interval]": "0.0023 [0.00 to 0.0091]",
            "p-value": "0.60",
            "q-value": "–",
        },
        {
            "Direction": "US-led coalition, after its own events",
            "Events triggered per event [95% interval]": "0.20 [0.10 to 0.30]",
            "p-value": "–",
            "q-value": "–",
        },
    ]
    tests = model_summaries.tests_frame(_models())
    assert tests["Test"].tolist() == [
        "Granger test, Iran-aligned militias → US-led coalition",
        "Change point 2 of US-led coalition",
        "Reaction function (incidence), US-led coalition → Iran-aligned militias",
    ]
    assert tests.iloc[0].tolist()[1:] == ["0.012", "0.046"]
    why = model_summaries.granger_frame({"reasons": {"granger": "not fitted: too few weeks"}})
    assert why.iloc[0].tolist() == ["not fitted: too few weeks"]


def test_direction_keys_in_page_text_become_names():
    sides = {"A": A, "B": B}
    assert plain_directions("- **A->B**: median 2 days", sides, {}, False) == (
        "- **Iran-aligned militias → US-led coalition**: median 2 days"
    )
    html = plain_directions("<b>B-&gt;A</b>", {"A": "X", "B": "Y"}, {"X": "<x>", "Y": "y"}, True)
    assert html == "<b>y → &lt;x&gt;</b>"
    assert plain_directions("A->B", None, {}, False) == "A->B"


def test_numbers_are_never_in_exponent_notation():
    from analysis.present.tables import number

    # 312 days at two significant digits is 312, not 3.1e+02; 0.0000235 is not 2.3e-05.
    assert [number(v) for v in (312.0, 68573.0, 0.31234, 0.0000235, 0.0, 2.0)] == [
        "312",
        "68,573",
        "0.31",
        "0.000023",
        "0",
        "2",
    ]
    assert reader_tables.estimate(0.0000235, 3) == "0.0000235"


def test_ratios_near_one_keep_three_decimals_and_empty_q_columns_go():
    # An IRR of 0.99985 per day is not "1": three decimals for ratios near 1.
    assert reader_tables.ratio(0.99985) == "1.000" and reader_tables.ratio(0.9964) == "0.996"
    assert reader_tables.ratio(23.456) == "23.5" and reader_tables.ratio(0.0456) == "0.0456"
    models = {"sides": {"A": A, "B": B}, "granger": {"freq": "W"}, "reasons": {}}
    test = {"stat": 1.1, "p_value": 0.33, "lags": 2, "sum_coef": 0.011}
    test |= {"sum_ci_low": -0.0075, "sum_ci_high": 0.029, "partial_r2": 0.035}
    models["granger"] |= {"A->B": test, "B->A": test}
    before = model_summaries.granger_frame(models)
    assert "q-value" not in before.columns  # q-values come at the end of the report
    assert before.iloc[0]["Summed effect [95% interval]"] == "0.011 [-0.0075 to 0.029]"
    models["granger"]["A->B"] = test | {"q_value": 0.69}
    assert model_summaries.granger_frame(models)["q-value"].tolist() == ["0.69", "–"]
