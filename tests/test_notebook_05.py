"""Notebook 05 (escalation models) end to end, and the summaries it displays."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.models.dyad import select_dyad
from analysis.models.hawkes import simulate_hawkes
from analysis.models.routing import choose_route, model_route
from analysis.present import model_summaries

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_escalation_models.ipynb"
REAL_EVENTS = ROOT / "data" / "processed" / "events.csv"


#: Baseline rates that give each side well over 1,000 events in 500 days, where the
#: validation study (data/validation/routes.csv) lets the Hawkes and reaction models run.
BUSY = 8.0


def _events(
    n_days: float, seed: int, a_only: int | None = None, scale: float = 1.0
) -> pd.DataFrame:
    """Event table in the project's schema, simulated with A's events triggering B's
    (baseline rates 0.3 and 0.2 a day times ``scale``)."""
    mu = [0.3 * scale, 0.2 * scale]
    ta, tb = simulate_hawkes(mu, [[0.2, 0.0], [0.5, 0.1]], 1.0, n_days, seed=seed)
    if a_only is not None:
        ta, tb = ta[:a_only], tb[:0]
    start = pd.Timestamp("2023-10-01")
    sides = ["IRAN_ALIGNED"] * len(ta) + ["US_COALITION"] * len(tb)
    dates = start + pd.to_timedelta(np.floor(np.concatenate([ta, tb])), unit="D")
    return pd.DataFrame(
        {
            "event_id": [f"e{k:05d}" for k in range(len(sides))],
            "event_date": dates.strftime("%Y-%m-%d"),
            "date_precision": "day",
            "actor1_side": sides,
            "actor2_side": [
                "US_COALITION" if s == "IRAN_ALIGNED" else "IRAN_ALIGNED" for s in sides
            ],
            "event_type": "attack",
            "fatalities_best": np.nan,
            "sources": "a1",
        }
    )


def test_small_sample_fits_nothing_and_says_why():
    frame = _events(400.0, seed=1, a_only=6)
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    dyad = select_dyad(frame, "IRAN_ALIGNED", "US_COALITION")
    route = choose_route(len(dyad.a), len(dyad.b))
    models = model_summaries.escalation_models(dyad, route)
    assert all(models[m] is None for m in model_summaries.MODELS)
    assert "0 events" in models["reasons"]["hawkes"]
    assert "too small" in model_summaries.summary_markdown(models, "X", "Y")
    assert model_summaries.headline(models, route) == {
        "Route": "descriptive",
        "Models": "not fitted (sample too small)",
    }
    assert model_summaries.hawkes_table(models).empty


def _check_reaction(res: dict, path: Path) -> bool:
    """The reaction functions run exactly where the validation study's routes let them;
    when they do not, the reason quotes the rejection rate the study measured."""
    sample = res["sample"]
    frame = pd.read_csv(path)
    n_days = (
        pd.Timestamp(frame["event_date"].max()) - pd.Timestamp(frame["event_date"].min())
    ).days
    runs, _ = model_route("reaction", sample["n_a"], sample["n_b"], n_days + 1)
    if not runs:
        assert res["reaction"] is None and "rejects" in res["reasons"]["reaction"]
    return runs


def _run(tmp_path: Path, events_path: Path, **params) -> dict:
    papermill = pytest.importorskip("papermill")
    results = tmp_path / "results.json"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        parameters={"events_path": str(events_path), "results_path": str(results), **params},
        kernel_name="escalation",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    return json.loads(results.read_text())


@pytest.mark.slow
def test_notebook_on_simulated_table(tmp_path):
    path = tmp_path / "events.csv"
    _events(500.0, seed=2, scale=BUSY).to_csv(path, index=False)
    res = _run(tmp_path, path, hawkes_reps=9)
    assert res["notebook"] == "05_escalation_models"
    assert res["route"]["name"] == "parametric"
    assert len(res["headline"]) <= 4
    branching = res["hawkes"]["branching"]
    assert set(branching) == {"A->A", "A->B", "B->A", "B->B"}
    assert branching["A->B"]["ci_low"] < 0.5 < branching["A->B"]["ci_high"]
    assert branching["A->B"]["estimate"] > branching["B->A"]["estimate"]
    assert res["hawkes"]["lr_test"]["reps"] == 9
    assert res["hawkes"]["lr_test"]["p_value_bootstrap"] == pytest.approx(0.1)
    # The weekly Granger test is not run: the validation study found it rejecting far too
    # often when both sides share a trend; the reason says so.
    assert res["granger"] is None and "rejects" in res["reasons"]["granger"]
    _check_reaction(res, path)
    if res["reaction"] is not None:
        assert res["reaction"]["events"]["A->B"]["table"]
        assert res["reaction"]["fatalities"] is None
    assert set(res["changepoints"]) >= {"A", "B"}


@pytest.mark.slow
def test_notebook_on_tiny_table(tmp_path):
    path = tmp_path / "events.csv"
    _events(400.0, seed=1, a_only=4).to_csv(path, index=False)
    res = _run(tmp_path, path)
    assert res["route"]["name"] == "descriptive"
    assert res["hawkes"] is None and res["granger"] is None
    assert res["sample"]["n_a"] == 4 and res["sample"]["n_b"] == 0


@pytest.mark.slow
@pytest.mark.skipif(not REAL_EVENTS.exists(), reason="data/processed/events.csv not built yet")
def test_notebook_on_seed_event_table(tmp_path):
    res = _run(tmp_path, REAL_EVENTS, hawkes_reps=9)
    assert res["notebook"] == "05_escalation_models"
    # The seed table's smaller side has fewer than 10 events: descriptive only, no model.
    assert res["route"]["name"] == "descriptive"
    assert res["hawkes"] is None and "not fitted" in res["reasons"]["hawkes"]


def _no_deaths(n_days: float, seed: int, column: bool, scale: float = 1.0) -> pd.DataFrame:
    frame = _events(n_days, seed=seed, scale=scale)
    if column:
        frame["fatalities_best"] = 0.0
    else:
        frame = frame.drop(columns=["fatalities_best"])
    return frame


@pytest.mark.parametrize("column", [True, False])
def test_models_run_on_a_table_without_deaths(column):
    frame = _no_deaths(300.0, seed=3, column=column)
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    dyad = select_dyad(frame, "IRAN_ALIGNED", "US_COALITION")
    route = choose_route(len(dyad.a), len(dyad.b))
    models = model_summaries.start_models(dyad, route)
    models["reaction"] = model_summaries.reaction_section(dyad, shift_reps=9)
    assert models["reaction"]["fatalities"] is None
    assert models["reaction"]["fatalities_reason"]
    assert models["reaction"]["events"]["A->B"]["wald_other"]["p_value"] > 0
    models["tests"] = model_summaries.add_q_values(models)
    assert all(t["q_value"] >= t["p_value"] for t in models["tests"])
    assert "reaction function" in model_summaries.summary_markdown(models, "X", "Y")


@pytest.mark.slow
def test_notebook_on_a_table_without_a_fatality_column(tmp_path):
    path = tmp_path / "events.csv"
    _no_deaths(500.0, seed=4, column=False, scale=BUSY).to_csv(path, index=False)
    res = _run(tmp_path, path, hawkes_reps=9)
    if _check_reaction(res, path):
        assert res["reaction"]["fatalities"] is None
    assert res["tests"] and all(t["q_value"] is not None for t in res["tests"])


@pytest.mark.slow
def test_notebook_on_a_table_with_no_deaths(tmp_path):
    path = tmp_path / "events.csv"
    _no_deaths(500.0, seed=5, column=True, scale=BUSY).to_csv(path, index=False)
    res = _run(tmp_path, path, hawkes_reps=9)
    if _check_reaction(res, path):
        assert res["reaction"]["fatalities"] is None
        assert "deaths" in res["reaction"]["fatalities_reason"]
