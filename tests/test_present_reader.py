"""Pages for readers: plain names, events described, numbers for reading, the timeline, the
map and the brief's verdict rule. Expected values are written out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from analysis.errors import UsageError  # noqa: E402
from analysis.models import routing  # noqa: E402
from analysis.models.dyad import select_dyad  # noqa: E402
from analysis.models.multiple import bh_qvalues
from analysis.present import brief, labels, mapping, tables, timeline  # noqa: E402
from analysis.reporting import ordering  # noqa: E402
from analysis.reporting.config import load_config  # noqa: E402
from analysis.reporting.plain import drop_range_index, relabel_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- labels


def test_vocabulary_labels_and_subtype_keys():
    assert labels.side_label("IRAN_ALIGNED") == "Iran-aligned militias"
    assert labels.side_label("INSURGENTS:Armed clash") == "Insurgent groups: armed clash"
    assert labels.side_label("X_UNKNOWN") == "X_UNKNOWN"
    assert labels.side_label("ISIS", {"ISIS": "Islamic State group"}) == "Islamic State group"
    assert labels.missing_labels(["US_COALITION", "NEW_SIDE:Riots", "OTHER"], {"OTHER": "x"}) == [
        "NEW_SIDE:Riots"
    ]


def test_plain_text_replaces_whole_codes_only():
    text = "Events of IRAN_ALIGNED; INSURGENTS:Armed clash; file data/IRAN_ALIGNED.csv; XIRAN"
    assert labels.plain_text(text) == (
        "Events of Iran-aligned militias; Insurgent groups: armed clash; "
        "file data/IRAN_ALIGNED.csv; XIRAN"
    )
    assert labels.plain_text("<b>A_SIDE</b>", {"A_SIDE": "A & B"}, is_html=True) == (
        "<b>A &amp; B</b>"
    )


def _config(tmp_path: Path, parameters: dict, set_labels: dict | None = None) -> Path:
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {"tags": ["parameters"]},
                        "source": 'side_a = "A"\nside_b = "B"\nlabels = {}\n',
                        "outputs": [],
                        "execution_count": None,
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    (tmp_path / "events.csv").write_text("event_id\n")
    entry = {"name": "s", "title": "T", "events": "events.csv", "notebooks": ["nb.ipynb"]}
    entry["parameters"] = parameters
    if set_labels is not None:
        entry["labels"] = set_labels
    path = tmp_path / "reports.yml"
    path.write_text(yaml.safe_dump([entry]))
    return path


def test_a_side_without_a_label_fails_validation(tmp_path):
    path = _config(tmp_path, {"side_a": "NEW_SIDE", "side_b": "US_COALITION"})
    with pytest.raises(UsageError, match="'NEW_SIDE' has no plain name"):
        load_config(path)


def test_set_labels_reach_the_notebooks_that_declare_them(tmp_path):
    path = _config(
        tmp_path, {"side_a": "NEW_SIDE", "side_b": "US_COALITION"}, {"NEW_SIDE": "New side"}
    )
    (report_set,) = load_config(path)
    assert report_set.labels == {"NEW_SIDE": "New side"}
    (parameters,) = report_set.notebook_parameters.values()
    assert parameters["labels"] == {"NEW_SIDE": "New side"}


def test_relabel_notebook_rewrites_text_outputs_not_images():
    import nbformat

    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/markdown": "**IRAN_ALIGNED**", "image/png": "IRAN_ALIGNED"},
        )
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("US_COALITION acts"), cell]
    )
    relabel_notebook(notebook)
    assert notebook.cells[0].source == "US-led coalition acts"
    assert notebook.cells[1].outputs[0]["data"]["text/markdown"] == "**Iran-aligned militias**"
    assert notebook.cells[1].outputs[0]["data"]["image/png"] == "IRAN_ALIGNED"


def test_range_index_column_is_dropped_other_indexes_kept():
    frame = pd.DataFrame({"x": [1, 2]})
    cleaned = drop_range_index(frame.to_html())
    assert "<th>0</th>" not in cleaned and "<th>1</th>" not in cleaned
    assert cleaned.count("<th>") == 1  # the header of x
    named = frame.set_index(pd.Index([5, 7])).to_html()
    assert drop_range_index(named) == named


# --------------------------------------------------------------------------- tables


def test_numbers_for_reading():
    assert tables.count(68573) == "68,573"
    assert tables.count(1382.0) == "1,382"
    assert tables.share(0.346) == "35%"
    assert tables.share(0.004) == "<1%"
    assert tables.p_value(0.012345) == "0.012"
    assert tables.p_value(0.5) == "0.50"
    assert tables.p_value(3e-7) == "< 0.0001"
    assert tables.count(None) == tables.p_value(float("nan")) == "–"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"event_date": "2024-01-28", "date_precision": "day"}, "28 Jan 2024"),
        ({"event_date": "2024-01-15", "date_precision": "month"}, "Jan 2024"),
        (
            {
                "event_date": "2024-07-28",
                "date_precision": "days",
                "date_start": "2024-07-24",
                "date_end": "2024-07-28",
            },
            "24–28 Jul 2024",
        ),
        (
            {"event_date": "2024-01-10", "date_precision": "week", "date_start": "2024-01-08"},
            "week of 8 Jan 2024",
        ),
        ({"event_date": "2024-05-15", "date_precision": "quarter"}, "Q2 2024"),
        ({"event_date": "", "date_precision": "day"}, "date unknown"),
    ],
)
def test_dates_keep_their_precision(row, expected):
    assert tables.date_text(row) == expected


EVENTS = pd.DataFrame(
    {
        "event_id": ["EV-2", "EV-1"],
        "event_date": ["2024-01-29", "2024-01-28"],
        "date_precision": ["day", "day"],
        "actor1": ["", "Kataib Hezbollah"],
        "actor1_side": ["US_COALITION", "IRAN_ALIGNED"],
        "actor2": ["Kataib Hezbollah", "US troops"],
        "actor2_side": ["IRAN_ALIGNED", "US_COALITION"],
        "event_type": ["Explosions/Remote violence", "Explosions/Remote violence"],
        "sub_event_type": ["Air/drone strike", "Air/drone strike"],
        "weapon": ["", "one-way drone"],
        "location": ["", "Tower 22"],
        "admin1": ["", "Mafraq"],
        "country": ["Iraq", "Jordan"],
        "fatalities_best": [np.nan, 3],
        "fatalities_low": [np.nan, 3],
        "fatalities_high": [np.nan, np.nan],
        "injured_best": [np.nan, 40],
        "injured_low": [np.nan, 34],
        "injured_high": [np.nan, 47],
        "sources": ["a1", "a1;a2"],
        "retaliation_for": ["EV-1", ""],
    }
)


def test_events_are_described_with_the_id_last():
    described = tables.describe_events(EVENTS, outlets={"a1": "Reuters", "a2": "AP"})
    first = described.iloc[0]
    assert first["Date"] == "28 Jan 2024"
    assert first["By"] == "Kataib Hezbollah" and first["Against"] == "US troops"
    assert first["What"] == "Air or drone strike (one-way drone)"
    assert first["Where"] == "Tower 22, Mafraq, Jordan"
    assert first["Killed"] == "3" and first["Injured"] == "40 (up to 47)"
    assert first["Reported by"] == "Reuters; AP"
    second = described.iloc[1]
    assert second["By"] == "US-led coalition"  # no actor name: the side's label
    assert second["Killed"] == "unknown"
    page = tables.table_html(described)
    headers = [h.split(">")[-1] for h in page.split("</th>")[:-1]]
    assert headers[-1] == "Event id" and "_sort_date" not in page
    assert headers[0] == "Date" and "<th></th>" not in page
    assert 'class="id"' in page and "sortable" not in page  # two rows: not sortable


def test_long_tables_sort():
    frame = pd.DataFrame({"n": [f"{k:,}" for k in range(1000, 1000 + tables.SORTABLE_FROM)]})
    page = tables.table_html(frame)
    assert 'class="reader-table sortable"' in page
    assert 'data-v="1000.0"' in page  # the number, not the text "1,000"


def test_pairs_are_described_in_words():
    pairs = pd.DataFrame(
        {"provocation": ["EV-1"], "response": ["EV-2"], "lag_days": [1.0], "basis": ["stated"]}
    )
    page = tables.pairs_html(pairs, EVENTS)
    assert "28 Jan 2024: Kataib Hezbollah, air or drone strike (one-way drone)" in page
    assert "stated by the sources" in page and "EV-1 → EV-2" in page


# --------------------------------------------------------------------------- timeline, map


def _dyad(events: pd.DataFrame):
    return select_dyad(events, "IRAN_ALIGNED", "US_COALITION")


def test_timeline_draws_one_arc_per_stated_link_and_hollow_unknowns():
    fig = timeline.dyad_timeline(_dyad(EVENTS), window_days=7)
    ax = fig.axes[0]
    arcs = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arcs) == 1  # EV-2 answers EV-1
    hollow = [
        c
        for c in ax.collections
        if len(c.get_offsets()) and (np.asarray(c.get_facecolor())[:, :3] == 1).all()
    ]
    assert sum(len(c.get_offsets()) for c in hollow) == 1  # EV-2's deaths are unknown
    labels_shown = [t.get_text() for t in ax.get_yticklabels()]
    assert labels_shown == ["Iran-aligned militias", "US-led coalition"]


def test_timeline_aggregates_large_tables_by_week():
    days = pd.date_range("2024-01-01", periods=timeline.WEEKLY_FROM + 10, freq="6h")
    events = pd.DataFrame(
        {
            "event_id": [f"E{k}" for k in range(len(days))],
            "event_date": days.normalize(),
            "actor1_side": ["IRAN_ALIGNED", "US_COALITION"] * (len(days) // 2),
            "actor2_side": ["US_COALITION", "IRAN_ALIGNED"] * (len(days) // 2),
            "fatalities_best": np.nan,
        }
    )
    fig = timeline.dyad_timeline(_dyad(events), window_days=1)
    ax = fig.axes[0]
    marks = sum(len(c.get_offsets()) for c in ax.collections if c.get_offsets().shape[1] == 2)
    weeks = events["event_date"].dt.to_period("W-SUN").nunique()
    # one mark per side and week (both sides act in every week), not one per event
    assert marks == 2 * weeks
    assert "per week" in ax.get_title()


def test_topojson_decoding_by_hand():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Sq"}}],
            }
        },
    }
    (square,) = mapping.decode_topojson(topology)
    assert square["name"] == "Sq"
    # arc 0: (10,20) (11,20) (11,21); arc 1 continues (11,21) (10,21) (10,20)
    np.testing.assert_allclose(
        square["rings"][0], [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]
    )


def test_vendored_outlines_place_baghdad_in_iraq():
    countries = {c["name"]: c for c in mapping.countries()}
    assert len(countries) > 170
    iraq = countries["Iraq"]
    assert any(MplPath(ring).contains_point((44.37, 33.31)) for ring in iraq["rings"])
    assert not any(MplPath(ring).contains_point((35.5, 33.9)) for ring in iraq["rings"])


def test_map_counts_events_without_coordinates():
    events = EVENTS.assign(latitude=[np.nan, 32.3], longitude=[np.nan, 38.7])
    fig = mapping.event_map(_dyad(events))
    assert "1 without coordinates" in fig.axes[0].get_title()
    assert mapping.event_map(_dyad(EVENTS)) is None  # no coordinates at all


# --------------------------------------------------------------------------- brief


def test_benjamini_hochberg_by_hand():
    # p sorted: 0.01, 0.02, 0.03, 0.5 -> p*m/rank = 0.04, 0.04, 0.04, 0.5
    np.testing.assert_allclose(bh_qvalues([0.03, 0.5, 0.01, 0.02]), [0.04, 0.5, 0.04, 0.04])


DIRS = ("A->B", "B->A")


def planted(answer: str) -> dict[str, dict]:
    """Results files of a set with a planted answer (A's attacks answered by B or not)."""
    n = 5 if answer == "too few" else 300
    sample = {"side_a": "IRAN_ALIGNED", "side_b": "US_COALITION", "n_a": n, "n_b": n}
    sample |= {"start": "2024-01-01", "end": "2024-12-31"}
    if answer == "too few":
        return {"05_escalation_models": {"sample": sample, "hawkes": None, "granger": None}}
    if answer == "one kind":
        # Enough events, but only the Hawkes fit ran; the set has no pairing report.
        reasons = {
            "reaction": "not fitted: at 300 events per side this test rejects 12% of the time",
            "granger": "not fitted: too few W periods or no variation in the counts",
        }
        hawkes_only = {
            "sample": sample,
            "reasons": reasons,
            "hawkes": {
                "branching": {d: {"estimate": 0.02, "ci_low": 0.0, "ci_high": 0.09} for d in DIRS},
                "cross_tests": {d: {"p_value": 0.6} for d in DIRS},
            },
        }
        return {"05_escalation_models": hawkes_only}
    strong, weak = answer == "strong", answer == "weak"
    effect = {
        "hawkes": (0.4, 0.25, 0.55, 0.001) if strong or weak else (0.02, -0.05, 0.09, 0.6),
        "granger": (0.8, 0.4, 1.2, 0.001) if strong else (0.1, -0.3, 0.5, 0.4),
    }
    nothing = {"hawkes": (0.01, -0.05, 0.07, 0.7), "granger": (-0.1, -0.5, 0.3, 0.6)}

    def hawkes(d):
        e = effect["hawkes"] if d == "A->B" else nothing["hawkes"]
        return {"estimate": e[0], "ci_low": e[1], "ci_high": e[2]}, {"p_value": e[3]}

    def granger(d):
        e = effect["granger"] if d == "A->B" else nothing["granger"]
        return {"sum_coef": e[0], "sum_ci_low": e[1], "sum_ci_high": e[2], "p_value": e[3]}

    models = {
        "sample": sample,
        "hawkes": {
            "branching": {d: hawkes(d)[0] for d in ("A->B", "B->A")},
            "cross_tests": {d: hawkes(d)[1] for d in ("A->B", "B->A")},
        },
        "granger": {d: granger(d) for d in ("A->B", "B->A")},
    }
    pairing = {
        "permutation": {
            "A->B": {"observed": 40 if strong else 12, "null_ci": [5, 20], "null_mean": 12}
            | {"p_value": 0.001 if strong else 0.5},
            "B->A": {"observed": 11, "null_ci": [5, 20], "null_mean": 12, "p_value": 0.6},
        },
        "agreement": {"n_stated": 4},
    }
    return {"03_tit_for_tat": pairing, "05_escalation_models": models}


def test_four_planted_answers_give_four_verdicts():
    verdicts = {a: brief.verdict(planted(a)) for a in ("strong", "weak", "none", "too few")}
    assert verdicts["strong"]["verdict"] == "established"
    assert verdicts["strong"]["direction"] == "A->B"
    assert verdicts["strong"]["directions"]["B->A"]["verdict"] == "not established"
    assert verdicts["weak"]["verdict"] == "suggestive"
    assert verdicts["weak"]["directions"]["A->B"]["families"] == [brief.FAMILIES["hawkes"]]
    assert verdicts["none"]["verdict"] == "not established"
    assert verdicts["too few"]["verdict"] == "too few events to say"


def test_flipping_planted_results_gives_each_verdict():
    """One set's results changed one input at a time go through all five verdicts."""
    results = planted("one kind")
    judged = brief.verdict(results)
    assert judged["verdict"] == "not tested enough"
    entry = judged["directions"]["A->B"]
    assert entry["tried"] == [brief.FAMILIES["hawkes"]]
    assert entry["untested"] == {
        "count regression": "at 300 events per side this test rejects 12% of the time",
        "pairing against chance": "the set has no tit for tat report",
    }
    (first, *_) = brief.bottom_line(results)
    assert first == (
        "Whether Iran-aligned militias and US-led coalition answer each other's attacks is not "
        "tested enough: only self-exciting point process (Hawkes) could be run (count "
        "regression: at 300 events per side this test rejects 12% of the time; pairing "
        "against chance: the set has no tit for tat report)."
    )
    # A second kind of test, finding nothing: not established.
    results["03_tit_for_tat"] = planted("none")["03_tit_for_tat"]
    assert brief.verdict(results)["verdict"] == "not established"
    # That test now finds the effect (p = 0.001, 40 pairs against 5-20 by chance).
    results["03_tit_for_tat"] = planted("strong")["03_tit_for_tat"]
    assert brief.verdict(results)["verdict"] == "suggestive"
    # And the Hawkes fit too: two kinds agree.
    hawkes = results["05_escalation_models"]["hawkes"]
    hawkes["branching"]["A->B"] = {"estimate": 0.4, "ci_low": 0.25, "ci_high": 0.55}
    hawkes["cross_tests"]["A->B"] = {"p_value": 0.001}
    assert brief.verdict(results)["verdict"] == "established"
    # The same results with 30 events a side: too few to say what the silence means.
    results = planted("one kind")
    results["05_escalation_models"]["sample"] |= {"n_a": 30, "n_b": 30}
    assert brief.verdict(results)["verdict"] == "too few events to say"


def test_flipping_one_input_changes_the_words():
    results = planted("weak")
    before = " ".join(brief.bottom_line(results))
    assert "suggests, but does not establish" in before
    results["05_escalation_models"]["hawkes"]["cross_tests"]["A->B"]["p_value"] = 0.4
    after = " ".join(brief.bottom_line(results))
    assert brief.verdict(results)["verdict"] == "not established"
    assert "do not show" in after and after != before


def test_brief_is_plain_and_short():
    results = planted("strong")
    sentences = brief.bottom_line(results)
    assert 1 <= len(sentences) <= 5
    text = brief.brief_markdown(results)
    assert "IRAN_ALIGNED" not in text and "US_COALITION" not in text
    assert "Iran-aligned militias" in text
    rows = brief.key_numbers(results)
    assert 3 <= len(rows) <= 4
    values = [r["Value [95% interval]"] for r in rows]
    assert "0.4 [0.25 to 0.55]" in values and "40 pairs (chance: 5 to 20)" in values


def test_brief_runs_after_its_siblings():
    assert ordering.is_late(ROOT / "notebooks" / "00_brief.ipynb")
    assert not ordering.is_late(ROOT / "notebooks" / "02_response_lags.ipynb")


def test_a_set_without_tests_is_not_tested_not_too_small():
    results = {
        "06_atlas": {
            "parameters": {"side_a": "INSURGENTS", "side_b": "US_COALITION"},
            "sample": {"events": {"INSURGENTS": 68573, "US_COALITION": 3938}},
        }
    }
    assert brief.verdict(results)["verdict"] == "not tested"
    (first, second) = brief.bottom_line(results)
    assert first.startswith("This set runs no test")
    assert second == (
        "The table holds 68,573 events initiated by Insurgent groups and 3,938 by US-led coalition."
    )


def test_plain_frame_formats_numbers_and_headers():
    frame = pd.DataFrame(
        {"IRAN_ALIGNED": [68573, 3], "share_answered": [0.346, 0.5], "p_value": [0.01234, 0.5]},
        index=[7, 9],
    )
    out = tables.plain_frame(frame)
    assert list(out.columns) == ["Iran-aligned militias", "share answered", "p value"]
    assert out.iloc[0].tolist() == ["68,573", "35%", "0.012"]
    assert out.iloc[1].tolist() == ["3", "50%", "0.50"]
    assert list(out.index) == [0, 1]  # the old index is not carried along


def test_not_established_cites_the_power_of_the_tests_that_ran_at_the_span(monkeypatch):
    def check(days, power, needed):
        return routing.PowerCheck(days, 1000, power, power - 0.04, power + 0.04, 500, "", needed)

    power = {
        "hawkes_cross_bootstrap": [check(500, 0.6, 1000), check(1000, 0.86, 1000)],
        "granger_weekly": [check(500, 0.08, None)],
    }
    monkeypatch.setattr(routing, "_committed_power", lambda: power)
    results = planted("none")  # Hawkes and Granger tests, nothing found, over 366 days
    first, second, *_ = brief.bottom_line(results)
    assert brief.verdict(results)["verdict"] == "not established"
    # Shorter than every span measured: the power at 500 days is an upper bound.
    assert "the Hawkes cross-excitation test at most 60% (60% over 500 days" in first
    assert "the Granger test at most 8.0%" in first
    assert first.endswith("so a reaction of that size could well have been missed.")
    assert second.endswith("the tests that ran had the power given above.")
    # Over 1,200 days the 1,000-day power counts: one test has 80%, the other not.
    for data in results.values():
        if "sample" in data:
            data["sample"] |= {"start": "2021-01-01", "end": "2024-04-14"}
    first, *_ = brief.bottom_line(results)
    assert "the Hawkes cross-excitation test 86% (over 1,000 days; 80% from 1,000 days)" in first
    assert "only some of them would most likely have found one of that size" in first
