"""Tables and words of the validation report, from a results directory written here."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import json

import pandas as pd
import pytest

from analysis.models import validation
from analysis.present import validation_tables as vt


def _cell(test, scenario, n, k, reps=500, n_days=500):
    lo, hi = validation.wilson(k, reps)
    return {
        "test": test,
        "kind": "pvalue",
        "scenario": scenario,
        "role": "power" if scenario.startswith("planted") else "size",
        "events_per_side": n,
        "n_days": n_days,
        "reps_target": 500,
        "reps_done": reps,
        "failures": 0,
        "rejections": k,
        "rejection_rate": k / reps if reps else float("nan"),
        "ci_low": lo,
        "ci_high": hi,
        "critical_value": float("nan"),
        "seconds": 1.0,
        "cell_seed": 1,
    }


@pytest.fixture
def study_dir(tmp_path):
    rows = []
    for n in (200, 1000):
        for scenario in validation.NULL_SCENARIOS:
            # 60/500 = 12% under a shared trend at 200 events; 25/500 = 5% elsewhere.
            k = 60 if (n == 200 and scenario == "shared_trend") else 25
            rows.append(_cell("var_granger", scenario, n, k))
        rows.append(_cell("var_granger", "planted_cross_0.2", n, 450 if n == 1000 else 200))
    rows.append(_cell("granger_weekly", "shared_trend", 1000, 5, reps=50))  # too few reps
    rows.append(_cell("var_granger", "not_run_here", 5000, 0, reps=0))
    pd.DataFrame(rows).to_csv(tmp_path / "study.csv", index=False)
    (tmp_path / "study.json").write_text(
        json.dumps(
            {
                "n_days": 500,
                "cells": 13,
                "cells_complete": 12,
                "reps_target": 500,
                "elapsed_hours": 0.5,
            }
        )
    )
    validation.write_routes(str(tmp_path))
    return tmp_path


def test_size_table_gives_rate_interval_replicates_and_marks(study_dir):
    study = vt.read_study(str(study_dir))
    assert 0 not in set(study["reps_done"])  # cells never run are left out
    table = vt.size_table(study)
    row = table[
        (table["Test"] == "Granger test in the vector autoregression")
        & (table["No effect, but"] == "shared trend")
    ].iloc[0]
    # 60/500: Wilson 95% interval 9.4% to 15.1% (computed by hand from the formula).
    assert row["200 events"] == "12.0% (9.4%–15.1%), 500, rejects too often"
    assert row["1,000 events"] == "5.0% (3.4%–7.3%), 500"
    granger = table[table["Test"] == "Granger test, weekly counts"].iloc[0]
    assert granger["200 events"] == "not run"


def test_routes_summary_and_power_in_words(study_dir):
    study = vt.read_study(str(study_dir))
    routes = vt.read_routes(str(study_dir))
    words = vt.summary_markdown(study, routes)
    assert "holds its error rate from 1,000 events per side" in words
    assert "rejects up to 12.0% of the time" in words and "same trend" in words
    assert "90.0% of the time over 500 days (80% or more from 500 days)" in words
    table = vt.routes_table(routes)
    var = table[table["Test"] == "Granger test in the vector autoregression"].iloc[0]
    assert var["Holds from"] == "1,000 events per side"
    power = vt.power_table(study)
    assert set(power["Power"]) == {"40.0%", "90.0%"}
    hours = vt.study_hours(str(study_dir))
    assert hours["Hours"].tolist() == ["0.5"]  # text for reading


def test_figure_has_a_panel_per_null_and_power(study_dir):
    fig = vt.study_figure(vt.read_study(str(study_dir)))
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 6 and titles[-1].startswith("Power")
    assert any("shared trend" in t for t in titles)


def test_every_registered_test_and_scenario_has_a_plain_name():
    assert set(validation.REGISTRY) <= set(vt.TEST_NAMES)
    assert set(validation.NULL_SCENARIOS + validation.POWER_SCENARIOS) <= set(vt.SCENARIO_NAMES)
    assert set(validation.SCENARIO_WORDS) == set(vt.SCENARIO_NAMES)


def test_power_by_span_table_figure_and_words(study_dir):
    rows = [
        _cell("hawkes_cross_bootstrap", "planted_cross_0.2", 1000, k, n_days=d)
        for d, k in ((500, 300), (1000, 420), (2000, 480))
    ]
    pd.DataFrame(rows).to_csv(study_dir / "spans.csv", index=False)
    validation.write_routes(str(study_dir))
    power = vt.read_power(str(study_dir))
    table = vt.power_span_table(power).set_index("Test")
    hawkes = table.loc["Hawkes cross-excitation, bootstrap"]
    # 300/500: Wilson 95% interval 55.6% to 64.2%.
    assert hawkes["500 days"] == "60.0% (55.6%–64.2%), 500"
    assert hawkes["Span for 80% power"] == "1,000 days"
    var = table.loc["Granger test in the vector autoregression"]
    assert var["1,000 days"] == "not run" and var["Span for 80% power"] == "500 days"
    words = vt.power_markdown(power)
    assert (
        "**Hawkes cross-excitation, bootstrap**: 60.0% over 500 days, 84.0% over 1,000 days, "
        "96.0% over 2,000 days; it needs 1,000 days to reach 80%." in words
    )
    fig = vt.power_figure(power)
    ax = fig.axes[0]
    assert any(list(line.get_ydata()) == [0.8, 0.8] for line in ax.get_lines())  # the 80% line
    assert [t.get_text() for t in ax.get_xticklabels()] == ["500", "1,000", "2,000"]


def test_power_table_shows_the_ceiling_beside_each_test(study_dir):
    rows = [
        _cell("hawkes_cross_bootstrap", "planted_cross_0.2", 1000, k, n_days=d)
        for d, k in ((500, 300), (1000, 420))
    ] + [
        {**_cell("oracle_cross_score", "planted_cross_0.2", 1000, k, n_days=d), "kind": "bound"}
        for d, k in ((500, 320), (1000, 460))
    ]
    pd.DataFrame(rows).to_csv(study_dir / "spans.csv", index=False)
    validation.write_routes(str(study_dir))
    power = vt.read_power(str(study_dir))
    table = vt.power_span_table(power)
    name = vt.test_name("oracle_cross_score")
    assert table["Test"].iloc[-1] == name  # the ceiling's row comes last
    hawkes = table.set_index("Test").loc["Hawkes cross-excitation, bootstrap"]
    assert hawkes["500 days"] == "60.0% (55.6%–64.2%), 500; ceiling 64.0%"
    assert hawkes["1,000 days"] == "84.0% (80.5%–87.0%), 500; ceiling 92.0%"
    ceiling = table.set_index("Test").loc[name]
    assert "ceiling" not in ceiling["500 days"]
    words = vt.power_markdown(power)
    assert "60.0% over 500 days (ceiling 64.0%), 84.0% over 1,000 days (ceiling 92.0%)" in words
    assert "the ceiling, not a method" in words
    results = vt.read_study(str(study_dir))
    summary = vt.summary_markdown(results, vt.read_routes(str(study_dir)))
    assert f"**{name}** is a ceiling, not a method" in summary
    assert "oracle_cross_score" not in set(vt.read_routes(str(study_dir))["test"])
    vt.power_figure(power)


def test_a_route_that_starts_above_a_conservative_size_says_so():
    nulls = validation.REGISTRY["changepoint_scan"].null_scenarios
    cells = [_cell("changepoint_scan", sc, 50, 25) for sc in nulls[1:]]
    cells.append(_cell("changepoint_scan", nulls[0], 50, 7))  # 1.4% of 500
    cells += [_cell("changepoint_scan", sc, 200, 25) for sc in nulls]
    routes = validation.derive_routes(pd.DataFrame(cells))
    assert set(routes["min_events"]) == {200}
    words = vt._holds_words("changepoint_scan", routes)
    assert words.startswith("holds its error rate from 200 events per side")
    assert "below that it rejects as little as 1.4% of the time" in words
