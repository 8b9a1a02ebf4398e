"""Validation of reports.yml: every problem is caught before a kernel starts, names the
report set and the field, and makes ``escalation reports`` exit with status 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from analysis.commands import main
from analysis.errors import UsageError
from analysis.reporting.config import load_config, read_parameters_cell

FIXTURES = Path(__file__).parent / "data" / "reporting"
NOTEBOOKS = FIXTURES / "notebooks"
EVENTS = FIXTURES / "events.csv"
REPO = Path(__file__).resolve().parents[1]


def write_config(tmp_path: Path, parameters: str, **fields: str) -> Path:
    """A one-set reports.yml over the toy notebooks 01 and 02 with the given parameters."""
    body = {
        "name": "toy",
        "title": "Toy set",
        "events": str(EVENTS),
        "notebooks": f"[{NOTEBOOKS / '01_toy_counts.ipynb'}, {NOTEBOOKS / '02_toy_gaps.ipynb'}]",
        "labels": '{A: "Side A", B: "Side B"}',
    }
    body.update(fields)
    lines = [f"- name: {body.pop('name')}"] + [f"  {k}: {v}" for k, v in body.items()]
    lines.append("  parameters:")
    lines += ["    " + line for line in textwrap.dedent(parameters).strip().splitlines()]
    path = tmp_path / "reports.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture, *extra: str):
    code = main(["reports", "--config", str(config), "--out", str(tmp_path / "out"), *extra])
    return code, capsys.readouterr().err


def test_parameters_cell_literals_are_read_with_their_types():
    literals = read_parameters_cell(NOTEBOOKS / "02_toy_gaps.ipynb")
    assert literals["side_a"] == "A"
    assert literals["window_days"] == 7
    assert literals["n_boot"] == 200
    assert literals["label"] == "gaps"
    assert set(literals) >= {"events_path", "results_path", "start", "end"}


def test_valid_set_is_converted_and_split_between_notebooks(tmp_path):
    config = write_config(
        tmp_path,
        """
        side_a: "A"
        side_b: "B"
        start: 2024-01-01
        end: "2024-01-31"
        window_days: 3
        n_boot: 50
        """,
    )
    (report_set,) = load_config(config)
    counts = NOTEBOOKS / "01_toy_counts.ipynb"
    gaps = NOTEBOOKS / "02_toy_gaps.ipynb"
    assert report_set.notebooks == (counts, gaps)
    # The unquoted date arrives as a date and goes to the notebook as its ISO text.
    assert report_set.notebook_parameters[counts] == {
        "side_a": "A",
        "side_b": "B",
        "start": "2024-01-01",
        "end": "2024-01-31",
        "window_days": 3,
    }
    # n_boot goes only to the notebook that declares it.
    assert report_set.notebook_parameters[gaps]["n_boot"] == 50
    assert "n_boot" not in report_set.notebook_parameters[counts]


def test_unknown_parameter_names_set_and_field(tmp_path, capsys):
    config = write_config(tmp_path, 'side_a: "A"\nwindow_dayz: 7')
    code, err = run_cli(config, tmp_path, capsys)
    assert code == 2
    assert "set 'toy'" in err and "parameters.window_dayz" in err
    assert "no notebook of the set declares" in err
    assert not (tmp_path / "out").exists()


def test_bad_date_names_set_and_field(tmp_path, capsys):
    config = write_config(tmp_path, 'start: "2024-02-30"')
    code, err = run_cli(config, tmp_path, capsys)
    assert code == 2
    assert "set 'toy'" in err and "parameters.start" in err and "ISO date" in err


def test_start_after_end_is_rejected(tmp_path, capsys):
    config = write_config(tmp_path, 'start: "2024-03-01"\nend: "2024-02-01"')
    code, err = run_cli(config, tmp_path, capsys)
    assert code == 2
    assert "parameters.start" in err and "after end" in err


def test_unquoted_010_side_code_asks_for_quotes(tmp_path, capsys):
    config = write_config(tmp_path, "side_a: 010")
    code, err = run_cli(config, tmp_path, capsys)
    assert code == 2
    assert "set 'toy'" in err and "parameters.side_a" in err
    # YAML read 010 as the octal integer 8; the message quotes what was typed.
    assert "integer 8" in err and 'side_a: "010"' in err


def test_unquoted_no_for_a_text_parameter_asks_for_quotes(tmp_path, capsys):
    config = write_config(tmp_path, "label: NO")
    code, err = run_cli(config, tmp_path, capsys)
    assert code == 2
    assert "parameters.label" in err and "boolean False" in err and 'label: "NO"' in err


def test_missing_event_table_names_the_field(tmp_path, capsys):
    config = write_config(tmp_path, 'side_a: "A"', events=str(tmp_path / "nowhere.csv"))
    code, err = run_cli(config, tmp_path, capsys)
    assert code == 2
    assert "set 'toy'" in err and "field 'events'" in err and "nowhere.csv" in err


@pytest.mark.parametrize(
    ("parameters", "field", "phrase"),
    [
        ('window_days: "7"', "parameters.window_days", "whole number"),
        ("n_boot: 2.5", "parameters.n_boot", "whole number"),
        ("results_path: out.json", "parameters.results_path", "set by the report driver"),
    ],
)
def test_type_mismatches_and_driver_parameters(tmp_path, parameters, field, phrase):
    config = write_config(tmp_path, parameters)
    with pytest.raises(UsageError) as err:
        load_config(config)
    assert field in str(err.value) and phrase in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path):
    config = write_config(tmp_path, "side_b: NO\nbogus: 1\nend: 2024-13-01")
    with pytest.raises(UsageError) as err:
        load_config(config)
    message = str(err.value)
    assert "parameters.side_b" in message
    assert "parameters.bogus" in message
    assert "parameters.end" in message


def test_duplicate_and_invalid_names(tmp_path):
    config = tmp_path / "reports.yml"
    entry = {"title": "T", "events": str(EVENTS), "parameters": {}}
    config.write_text(
        yaml.safe_dump([{"name": "a", **entry}, {"name": "a", **entry}, {"name": "B x", **entry}])
    )
    with pytest.raises(UsageError) as err:
        load_config(config)
    assert "set 'a': field 'name': used by more than one" in str(err.value)
    assert "set #3: field 'name'" in str(err.value)


def test_unknown_only_name_exits_2(tmp_path, capsys):
    config = write_config(tmp_path, 'side_a: "A"')
    code, err = run_cli(config, tmp_path, capsys, "--only", "nosuchset")
    assert code == 2 and "--only nosuchset" in err


def test_only_skips_deep_validation_of_other_sets(tmp_path):
    config = tmp_path / "reports.yml"
    good = {
        "name": "good",
        "title": "G",
        "events": str(EVENTS),
        "notebooks": [str(NOTEBOOKS / "01_toy_counts.ipynb")],
    }
    later = {"name": "later", "title": "L", "events": "not/built/yet.parquet"}
    config.write_text(yaml.safe_dump([good, later]))
    assert [s.name for s in load_config(config, only=["good"])] == ["good"]
    with pytest.raises(UsageError, match="set 'later': field 'events'"):
        load_config(config)


def test_shipped_reports_yml_declares_seed_and_iraq():
    sets = {s["name"]: s for s in yaml.safe_load((REPO / "reports.yml").read_text())}
    assert sets["seed"]["events"] == "data/processed/events.csv"
    assert sets["seed"]["parameters"] == {
        "side_a": "IRAN_ALIGNED",
        "side_b": "US_COALITION",
        "window_days": 7,
    }
    assert sets["iraq"]["events"] == "data/processed/iraq_2007_2008_events.parquet"
    assert sets["iraq"]["parameters"]["side_a"] == "INSURGENTS"
    assert sets["iraq"]["parameters"]["window_days"] == 3
    assert sets["iraq"]["title"] == "Coalition air power and insurgent attacks, Iraq 2007–08"
