"""The brief through the real driver: five report sets whose detailed results carry planted
answers (strong one-way retaliation, weak one-way, none with enough events, enough events
but one kind of test, too few events) give five different verdicts, in words, on the
brief's page; and the brief is rebuilt when a sibling's results change and not otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_present_reader import planted

from analysis.commands import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EVENTS = Path(__file__).parent / "data" / "reporting" / "events.csv"
ANSWERS = {
    "strong": "established",
    "weak": "suggestive",
    "none": "not established",
    "one": "not tested enough",
    "few": "too few events to say",
}
PLANTED = {"few": "too few", "one": "one kind"}


def _write_planted(out: Path, name: str, answer: str) -> None:
    directory = out / name
    directory.mkdir(parents=True, exist_ok=True)
    for stem, data in planted(PLANTED.get(answer, answer)).items():
        (directory / f"{stem}.results.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("briefs")
    out = root / "out"
    sets = [
        {
            "name": answer,
            "title": f"Planted: {answer}",
            "events": str(EVENTS),
            "notebooks": [str(ROOT / "notebooks" / "00_brief.ipynb")],
            "labels": {"A": "Militias", "B": "Coalition"},
            "parameters": {"side_a": "A", "side_b": "B"},
        }
        for answer in ANSWERS
    ]
    (root / "reports.yml").write_text(yaml.safe_dump(sets), encoding="utf-8")
    for answer in ANSWERS:
        _write_planted(out, answer, answer)
    status = main(["reports", "--config", str(root / "reports.yml"), "--out", str(out)])
    assert status == 0, (out / ".cache" / "kernels.log").read_text()[-2000:]
    return out


def test_five_planted_sets_give_five_verdicts(built):
    verdicts = {}
    for answer, expected in ANSWERS.items():
        results = json.loads((built / answer / "00_brief.results.json").read_text())
        verdicts[answer] = results["verdict"]
        page = (built / answer / "00_brief.html").read_text()
        assert f"Verdict: {expected}." in page
    assert verdicts == ANSWERS
    assert len(set(verdicts.values())) == 5


def test_index_says_each_verdict_in_words(built):
    index = (built / "index.html").read_text()
    assert "It is established that attacks by" in index
    assert "suggests, but does not establish" in index
    assert "too few events to say" in index.lower()
    assert "is not tested enough: only self-exciting point process (Hawkes) could be run" in index


def test_brief_is_rebuilt_when_a_sibling_result_changes_and_only_then(built, capsys):
    config = built.parent / "reports.yml"
    args = ["reports", "--config", str(config), "--out", str(built)]
    assert main(args) == 0
    assert "all 5 reports unchanged" in capsys.readouterr().err
    _write_planted(built, "none", "strong")  # new evidence for one set
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "none/00_brief" in err and "strong/00_brief" not in err
    results = json.loads((built / "none" / "00_brief.results.json").read_text())
    assert results["verdict"] == "established"
