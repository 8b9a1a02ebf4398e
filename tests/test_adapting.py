"""Adapting the analyses: names and dates checked against the table before any work (report
sets exit 2, notebooks stop in their first cell), method choices reach the reports, and the
template notebook renders in a report set."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis.commands import main
from analysis.errors import UsageError
from analysis.present import model_summaries
from analysis.reporting.config import load_config

ROOT = Path(__file__).resolve().parents[1]
IRAQ = ROOT / "data" / "processed" / "iraq_2007_2008_events.parquet"
SEED = ROOT / "data" / "processed" / "events.csv"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-5]_*.ipynb"))
TEMPLATE = ROOT / "notebooks" / "template_analysis.ipynb"
IRAQ_SIDES = "sides in this table: INSURGENTS (68,573), US_COALITION (3,938)"


def _config(
    tmp_path: Path, parameters: str, events: Path = IRAQ, notebooks=None, labels: str = ""
) -> Path:
    notebooks = notebooks or [ROOT / "notebooks" / "03_tit_for_tat.ipynb"]
    lines = [
        "- name: trial",
        "  title: Trial",
        f"  events: {events}",
        *([f"  labels: {labels}"] if labels else []),
        "  notebooks:",
        *[f"    - {nb}" for nb in notebooks],
        "  parameters:",
        *["    " + line for line in textwrap.dedent(parameters).strip().splitlines()],
    ]
    path = tmp_path / "reports.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _build(config: Path, tmp_path: Path, capsys) -> tuple[int, str]:
    code = main(["reports", "--config", str(config), "--out", str(tmp_path / "out")])
    return code, capsys.readouterr().err


# --------------------------------------------------------------------------- report sets


def test_unknown_side_exits_2_before_any_kernel_with_the_sides_listed(tmp_path, capsys):
    config = _config(tmp_path, 'side_a: "INSURGENT"\nside_b: "US_COALITION"')
    code, err = _build(config, tmp_path, capsys)
    assert code == 2
    assert "set 'trial': field 'parameters.side_a': INSURGENT not found" in err
    assert IRAQ_SIDES in err
    assert not (tmp_path / "out").exists()


def test_lower_case_side_is_refused_with_a_hint(tmp_path, capsys):
    code, err = _build(_config(tmp_path, 'side_a: "insurgents"'), tmp_path, capsys)
    assert code == 2 and "did you mean INSURGENTS?" in err and IRAQ_SIDES in err


def test_unknown_type_exits_2_with_that_sides_types_listed(tmp_path, capsys):
    config = _config(tmp_path, 'side_a: "INSURGENTS"\ntypes_b: ["IED"]')
    code, err = _build(config, tmp_path, capsys)
    assert code == 2
    assert "field 'parameters.types_b': 'IED' not found among the events of US_COALITION" in err
    assert "its subtypes: Air/drone strike (2,446), Show of force (1,492)" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ['"2007-12"', '"2007"', "2007"])
def test_partial_date_exits_2(tmp_path, capsys, value):
    code, err = _build(_config(tmp_path, f'side_a: "INSURGENTS"\nend: {value}'), tmp_path, capsys)
    assert code == 2 and "parameters.end" in err and "ISO date" in err
    assert not (tmp_path / "out").exists()


def test_a_notebook_default_that_does_not_fit_the_table_is_named(tmp_path, capsys):
    # The notebooks default to the seed table's sides; the set gives none for the Iraq table.
    code, err = _build(_config(tmp_path, "window_days: 2"), tmp_path, capsys)
    assert code == 2
    assert "IRAN_ALIGNED not found" in err and "the default of 03_tit_for_tat.ipynb" in err


def test_atlas_keys_and_a_single_type_are_accepted(tmp_path):
    config = _config(
        tmp_path,
        """
        side_a: "INSURGENTS:Remote explosive/landmine/IED"
        side_b: "US_COALITION"
        types_b: "Air/drone strike"
        """,
    )
    (report_set,) = load_config(config)
    (params,) = report_set.notebook_parameters.values()
    assert params["types_b"] == ["Air/drone strike"]
    bad = _config(tmp_path, 'side_a: "INSURGENTS:Car bomb"\nside_b: "US_COALITION"')
    with pytest.raises(UsageError, match="'Car bomb' not found among the events of INSURGENTS"):
        load_config(bad)


def test_shipped_reports_yml_is_valid_against_its_tables():
    sets = {s.name: s for s in load_config(ROOT / "reports.yml")}
    (ied,) = sets["iraq-ied"].notebook_parameters.values()
    assert ied["types_a"] == ["Remote explosive/landmine/IED"]
    assert ied["types_b"] == ["Air/drone strike"]
    assert (ied["start"], ied["end"], ied["window_days"]) == ("2007-01-01", "2007-12-31", 2)


# --------------------------------------------------------------------------- summary words


def _reaction(buckets, freq="D", clear=False):
    rows = []
    for lo, hi in buckets:
        lags = f"{lo}" if lo == hi else f"{lo}-{hi}"
        for source in ("A", "B"):
            low, high = (1.02, 1.3) if clear and (lo, hi) == tuple(buckets[-1]) else (0.9, 1.1)
            rows.append(
                {"source": source, "lags": lags, "irr": 1.1, "ci_low": low, "ci_high": high}
            )
    # The headline is the joint test of the other side's lags, never one bucket.
    wald = {"p_value": 0.001 if clear else 0.6}
    section = {label: {"table": rows, "wald_other": wald} for label in ("A->B", "B->A")}
    return {"events": section, "freq": freq, "buckets": [list(b) for b in buckets]}


def _models(**parts):
    base = {m: None for m in model_summaries.MODELS}
    return {**base, "reasons": {}, **parts}


def test_reaction_words_follow_the_lag_windows():
    words = model_summaries.summary_markdown(
        _models(reaction=_reaction([[1, 3], [4, 10]])), "X", "Y"
    )
    assert "over the previous 10 days" in words and "two weeks" not in words
    weekly = model_summaries.summary_markdown(
        _models(reaction=_reaction([[1, 1], [2, 2], [3, 4]], "W")), "X", "Y"
    )
    assert "over the previous 4 weeks" in weekly
    clear = model_summaries.summary_markdown(
        _models(reaction=_reaction([[1, 3], [4, 10]], clear=True)), "X", "Y"
    )
    assert "moves clearly" in clear and "over the previous 10 days" in clear
    assert "does not move clearly" in words


def test_a_small_interval_above_zero_is_not_said_to_reach_zero():
    est = {"estimate": 0.005, "ci_low": 0.002, "ci_high": 0.009}
    hawkes = {
        "branching": {"A->B": est, "B->A": est},
        "cross_tests": {"A->B": {"p_value": 0.01}, "B->A": {"p_value": 0.01}},
        "half_life_days": {"estimate": 2.0, "ci_low": 1.0, "ci_high": 3.0},
    }
    words = model_summaries.summary_markdown(_models(hawkes=hawkes), "X", "Y")
    assert "reaches 0" not in words
    assert "95% interval 0.002 to 0.009" in words
    assert "a clear but very small sign" in words


# --------------------------------------------------------------------------- notebooks


def _error_cell(notebook: Path, tmp_path: Path, parameters: dict) -> tuple[int, str]:
    import papermill

    out = tmp_path / notebook.name
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(notebook),
            str(out),
            parameters=parameters,
            kernel_name="escalation",
            cwd=str(notebook.parent),
            progress_bar=False,
        )
    executed = nbformat.read(out, as_version=4)
    failed = [
        i
        for i, c in enumerate(executed.cells)
        if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert len(failed) == 1
    return failed[0], str(err.value)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", [*NOTEBOOKS, TEMPLATE], ids=lambda p: p.stem)
def test_notebook_stops_in_its_first_cell_with_the_valid_values(notebook, tmp_path):
    bad = {
        "events_path": str(IRAQ),
        "side_a": "INSURGENT",
        "side_b": "US_COALITION",
        "types_b": ["IED"],
        "end": "2007-12",
    }
    index, message = _error_cell(notebook, tmp_path, bad)
    executed = nbformat.read(tmp_path / notebook.name, as_version=4)
    # Papermill puts the injected parameters right after the parameters cell; the check
    # comes next, before any other work.
    tags = [c.metadata.get("tags", []) for c in executed.cells]
    injected = next(i for i, t in enumerate(tags) if "injected-parameters" in t)
    first_code = next(
        i for i in range(injected + 1, len(executed.cells)) if executed.cells[i].cell_type == "code"
    )
    assert index == first_code
    assert "check_selection" in executed.cells[index].source
    later = [c for c in executed.cells[index + 1 :] if c.cell_type == "code"]
    assert later and all(c.get("execution_count") is None for c in later)
    assert "INSURGENT not found" in message and IRAQ_SIDES in message
    assert "'IED' not found among the events of US_COALITION" in message
    assert "Air/drone strike (2,446)" in message
    assert "end: '2007-12' is not a full ISO date" in message


def _synthetic_table(path: Path) -> None:
    """Two independent Poisson sides over 500 days: about 300 events on the smaller side,
    a size at which the validation study lets the reaction functions run."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2021-01-04", periods=500, freq="D")
    rows = []
    for side, other, rate in (("NORTH", "SOUTH", 0.8), ("SOUTH", "NORTH", 0.6)):
        for day, n in zip(days, rng.poisson(rate, len(days)), strict=True):
            rows += [(day.date().isoformat(), side, other)] * int(n)
    frame = pd.DataFrame(rows, columns=["event_date", "actor1_side", "actor2_side"])
    frame.insert(0, "event_id", [f"s{k:05d}" for k in range(len(frame))])
    frame["event_type"] = "Explosions/Remote violence"
    frame["date_precision"] = "day"
    frame.to_csv(path, index=False)


@pytest.mark.slow
def test_reaction_lag_windows_in_reports_yml_change_the_table_and_the_words(tmp_path, capsys):
    events = tmp_path / "events.csv"
    _synthetic_table(events)
    notebook = ROOT / "notebooks" / "05_escalation_models.ipynb"
    common = """
        side_a: "NORTH"
        side_b: "SOUTH"
        hawkes_reps: 9
    """
    pages = {}
    for label, lags in (("default", "[]"), ("custom", "[[1, 3], [4, 10]]")):
        where = tmp_path / label
        where.mkdir()
        config = _config(
            where,
            textwrap.dedent(common) + f"reaction_lags: {lags}\n",
            events,
            [notebook],
            labels='{NORTH: "Northern forces", SOUTH: "Southern forces"}',
        )
        code, err = _build(config, where, capsys)
        assert code == 0, err
        out = where / "out" / "trial"
        results = json.loads((out / "05_escalation_models.results.json").read_text())
        pages[label] = ((out / "05_escalation_models.html").read_text(), results)
    terms = {
        label: [row["term"] for row in r["reaction"]["events"]["A->B"]["table"]]
        for label, (_, r) in pages.items()
    }
    assert terms["default"] == [
        "A lag 1 day",
        "A lag 2-7 days",
        "A lag 8-14 days",
        "B lag 1 day",
        "B lag 2-7 days",
        "B lag 8-14 days",
    ]
    assert terms["custom"] == [
        "A lag 1-3 days",
        "A lag 4-10 days",
        "B lag 1-3 days",
        "B lag 4-10 days",
    ]
    assert pages["custom"][1]["parameters"]["reaction_lags"] == [[1, 3], [4, 10]]
    assert pages["custom"][1]["reaction"]["buckets"] == [[1, 3], [4, 10]]
    # Independent sides: no clear reaction, and the words name each set's longest lag.
    assert "over the previous 14 days" in pages["default"][0]
    assert "over the previous 10 days" in pages["custom"][0]
    assert "over the previous 14 days" not in pages["custom"][0]


@pytest.mark.slow
def test_template_copied_and_filled_renders_in_a_report_set(tmp_path, capsys):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    mine = project / "notebooks" / "07_monthly_counts.ipynb"
    shutil.copy(TEMPLATE, mine)
    nb = nbformat.read(mine, as_version=4)
    nb.cells[0].source = "# Monthly counts\n\nEvents per month of each side."
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace('freq = "W"', 'freq = "M"')
    nbformat.write(nb, mine)
    config = project / "reports.yml"
    config.write_text(
        textwrap.dedent(
            f"""
            - name: mine
              title: Monthly counts
              events: {SEED}
              notebooks: [notebooks/07_monthly_counts.ipynb]
              parameters:
                side_a: "US_COALITION"
                side_b: "IRAN_ALIGNED"
                start: "2024-01-01"
                end: "2024-03-31"
            """
        ),
        encoding="utf-8",
    )
    code = main(["reports", "--config", str(config), "--out", str(project / "reports")])
    assert code == 0, capsys.readouterr().err
    out = project / "reports" / "mine"
    results = json.loads((out / "07_monthly_counts.results.json").read_text())
    raw = pd.read_csv(SEED, dtype=str, keep_default_na=False)
    raw = raw[(raw["event_date"] >= "2024-01-01") & (raw["event_date"] <= "2024-03-31")]
    expected = {
        side: int(((raw["actor1_side"] == side) & raw["actor2_side"].isin([other, ""])).sum())
        for side, other in (("US_COALITION", "IRAN_ALIGNED"), ("IRAN_ALIGNED", "US_COALITION"))
    }
    assert results["sample"]["events"] == expected
    assert results["parameters"]["freq"] == "M"
    assert results["periods"] == 3  # January, February and March 2024, all whole
    page = (out / "07_monthly_counts.html").read_text()
    assert "Monthly counts" in page and "Events per month" in page
    assert "07_monthly_counts" in (project / "reports" / "index.html").read_text()


def test_report_check_reads_tables_as_the_notebooks_do(tmp_path):
    import gzip

    from analysis.io import read_events
    from analysis.models.dyad import table_vocabulary
    from analysis.reporting.config import table_vocabulary as vocabulary_without_pandas

    zipped = tmp_path / "events.csv.gz"
    zipped.write_bytes(gzip.compress(SEED.read_bytes()))
    for path in (SEED, IRAQ, zipped):
        assert vocabulary_without_pandas(path) == table_vocabulary(read_events(path))
    assert vocabulary_without_pandas(IRAQ).sides == {"INSURGENTS": 68573, "US_COALITION": 3938}
