"""``escalation describe`` on the seed table, the Iraq table and an imported table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.commands import main
from analysis.io import read_events
from analysis.models.dyad import check_selection
from analysis.present.describe import describe_events, suggested_dyad

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "processed" / "events.csv"
IRAQ = ROOT / "data" / "processed" / "iraq_2007_2008_events.parquet"
IMPORTERS = ROOT / "tests" / "data" / "importers"


def _describe_json(path, capsys) -> dict:
    assert main(["describe", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_seed_table(capsys):
    # Expected values counted straight from the CSV, not through analysis/.
    raw = pd.read_csv(SEED, dtype=str, keep_default_na=False)
    found = _describe_json(SEED, capsys)
    assert found["n_events"] == len(raw) == 18
    initiated = raw["actor1_side"][raw["actor1_side"] != ""].value_counts()
    for side, n in initiated.items():
        assert found["sides"][side] == n
    assert found["sides"]["HAMAS"] == 0  # only ever a target
    dates = raw["event_date"][raw["event_date"] != ""]
    assert (found["start"], found["end"]) == (dates.min(), dates.max())
    assert found["precision"] == raw["date_precision"].value_counts().to_dict()
    strikes = raw[(raw["actor1_side"] == "US_COALITION") & (raw["sub_event_type"] != "")]
    assert found["subtypes"]["US_COALITION"] == strikes["sub_event_type"].value_counts().to_dict()
    assert main(["describe", str(SEED)]) == 0
    text = capsys.readouterr().out
    assert 'side_a = "US_COALITION"' in text and 'side_b = "IRAN_ALIGNED"' in text


def test_iraq_table(capsys):
    raw = pd.read_parquet(IRAQ, columns=["actor1_side", "sub_event_type"])
    found = _describe_json(IRAQ, capsys)
    assert found["sides"] == {"INSURGENTS": 68573, "US_COALITION": 3938}
    assert found["subtypes"]["INSURGENTS"]["Remote explosive/landmine/IED"] == int(
        ((raw["actor1_side"] == "INSURGENTS") & (raw["sub_event_type"].str.contains("IED"))).sum()
    )
    assert found["subtypes"]["US_COALITION"]["Air/drone strike"] == 2446
    assert found["dyads"] == {
        "INSURGENTS -> US_COALITION": 68573,
        "US_COALITION -> INSURGENTS": 3938,
    }
    assert (found["start"], found["end"]) == ("2007-02-23", "2008-07-05")


def test_imported_table(tmp_path, capsys):
    out = tmp_path / "incidents.csv"
    code = main(
        [
            "import",
            "--format",
            "mapped",
            str(IMPORTERS / "incidents.csv"),
            "--mapping",
            str(IMPORTERS / "incidents_mapping.yaml"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    capsys.readouterr()
    found = _describe_json(out, capsys)
    # incidents.csv: two rows by "Coalition", one by "Insurgent group", all aimed at CONTESTED.
    assert found["sides"] == {"US_COALITION": 2, "INSURGENTS": 1, "CONTESTED": 0}
    assert found["types"]["US_COALITION"] == {"Violence": 2}
    assert found["actors"]["INSURGENTS"] == {"Insurgent group": 1}
    assert main(["describe", str(out)]) == 0
    text = capsys.readouterr().out
    assert 'types_a = []  # every type; or e.g. ["Violence"]' in text


def test_suggested_parameters_pass_the_check():
    events = read_events(SEED)
    a, b = suggested_dyad(describe_events(events))
    selection = check_selection(events, a, b)
    assert (selection.side_a, selection.side_b) == ("US_COALITION", "IRAN_ALIGNED")


@pytest.mark.parametrize("bad", ["missing.csv", "not_a_table.csv"])
def test_bad_input_exits_2(tmp_path, capsys, bad):
    (tmp_path / "not_a_table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["describe", str(tmp_path / bad)]) == 2
    assert "escalation describe: error:" in capsys.readouterr().err
