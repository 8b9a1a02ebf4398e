"""Outputs are replaced together or not at all (a write failing half way changes nothing),
and a failing report keeps the last good page and results, marked stale in the index."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

import analysis.io
from analysis.commands import main
from analysis.reporting import execute, provenance
from analysis.reporting.execute import Outcome

ROOT = Path(__file__).resolve().parents[1]
IMPORTERS = ROOT / "tests" / "data" / "importers"
REPORTING = ROOT / "tests" / "data" / "reporting"
HEADER = "article_id,file,outlet,title,author,published,url\n"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def fail_second_replace(monkeypatch):
    """Make the second ``os.replace`` of a run fail, as a full disk would."""
    real = os.replace
    calls = {"n": 0, "armed": False}

    def replace(src, dst, *args, **kwargs):
        if calls["armed"]:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(28, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(analysis.io.os, "replace", replace)
    return calls


def run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_events_outputs_are_replaced_together(capsys, tmp_path, fail_second_replace):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "Headline\n\nA US drone strike killed three fighters in Baghdad on Tuesday.\n"
    )
    metadata = tmp_path / "articles.csv"
    metadata.write_text(HEADER + "a,a.txt,O,T,A,2024-07-31,\n")
    out = tmp_path / "out"
    args = ["events", "--articles", articles, "--metadata", metadata, "--out", out, "--no-cache"]
    assert run(capsys, *args, "--no-overrides")[0] == 0
    before = snapshot(out)
    (articles / "b.txt").write_text(
        "Headline\n\nRockets hit Ain al-Asad air base in Anbar on Monday, injuring "
        "four US personnel. The attack was the latest of many. Officials said 170 "
        "attacks had targeted US forces since October.\n"
    )
    with metadata.open("a") as handle:
        handle.write("b,b.txt,O,T,A,2024-07-31,\n")
    fail_second_replace["armed"] = True
    code, err = run(capsys, *args, "--no-overrides", "--skip-bad")
    assert code == 2
    assert "No space left on device" in err
    assert fail_second_replace["n"] >= 2
    assert snapshot(out) == before


def test_import_outputs_are_replaced_together(capsys, tmp_path, fail_second_replace):
    source = IMPORTERS / "acled_iso.csv"
    out = tmp_path / "events.csv"
    assert run(capsys, "import", "--format", "acled", source, "--out", out, "--skip-bad")[0] == 0
    before = snapshot(tmp_path)
    lines = source.read_text().splitlines()
    spoiled = tmp_path.parent / "spoiled.csv"
    spoiled.write_text("\n".join([*lines[:2], lines[2].replace("2024-", "1850-", 1), *lines[3:]]))
    fail_second_replace["armed"] = True
    code, err = run(capsys, "import", "--format", "acled", spoiled, "--out", out, "--skip-bad")
    assert code == 2
    assert fail_second_replace["n"] >= 2
    assert snapshot(tmp_path) == before


def test_atlas_outputs_are_replaced_together(capsys, tmp_path, fail_second_replace):
    out = tmp_path / "out"
    events_path = REPORTING / "events.csv"
    common = ["--out", out, "--no-hawkes", "--n-perm", "9", "--n-boot", "9"]
    assert run(capsys, "atlas", "--events", events_path, "--min-events", "1", *common)[0] == 0
    before = snapshot(out)
    fail_second_replace["armed"] = True
    code, err = run(
        capsys, "atlas", "--events", events_path, "--min-events", "1", "--windows", "2", *common
    )
    assert code == 2
    assert fail_second_replace["n"] >= 2
    assert snapshot(out) == before


# --- reports: the notebooks are "run" by a stand-in that reads them -------------------


def fake_run_jobs(jobs, workers, progress=None, log_path=None, **pool):
    """Write a page per job; a notebook holding ``raise`` fails, like a kernel would."""
    outcomes = []
    for job in jobs:
        source = job.notebook.read_text(encoding="utf-8")
        if "raise " in source:
            job.html_path.write_text("<html>error page</html>")
            outcomes.append(Outcome(job.label, "failed", 0.1, "ValueError: broken on purpose"))
        else:
            cells = len(json.loads(source)["cells"])
            job.html_path.write_text(f"<html>good page of {job.label}, {cells} cells</html>")
            job.results_path.write_text(json.dumps({"headline": {"events": 12}}))
            outcomes.append(Outcome(job.label, "ok", 0.1))
    return outcomes


@pytest.fixture
def report_set(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "run_jobs", fake_run_jobs)
    monkeypatch.setattr(
        provenance, "collect", lambda root: type("F", (), {"as_dict": lambda self: {}})()
    )
    notebook = tmp_path / "02_toy_gaps.ipynb"
    shutil.copy2(REPORTING / "notebooks" / "02_toy_gaps.ipynb", notebook)
    config = tmp_path / "reports.yml"
    config.write_text(
        f"- name: toy\n  title: Toy\n  events: {REPORTING / 'events.csv'}\n"
        f"  notebooks: [{notebook}]\n  labels: {{A: Side A, B: Side B}}\n"
        "  parameters: {side_a: A, side_b: B}\n"
    )
    return config, notebook, tmp_path / "out"


def break_notebook(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    nbformat.write(nb, notebook)


def test_a_failing_report_keeps_the_last_good_page(capsys, report_set):
    config, notebook, out = report_set
    assert run(capsys, "reports", "--config", config, "--out", out)[0] == 0
    page, results = out / "toy" / "02_toy_gaps.html", out / "toy" / "02_toy_gaps.results.json"
    good_page, good_results = page.read_bytes(), results.read_bytes()
    assert b"good page" in good_page

    break_notebook(notebook)
    code, err = run(capsys, "reports", "--config", config, "--out", out)
    assert code == 1
    assert page.read_bytes() == good_page
    assert results.read_bytes() == good_results
    assert (out / "toy" / "02_toy_gaps.failed.html").read_text() == "<html>error page</html>"
    index = (out / "index.html").read_text()
    assert 'data-status="stale"' in index
    assert "broken on purpose" in index and "last good page kept" in index
    assert 'href="toy/02_toy_gaps.html"' in index
    assert "Events: 12." in index  # the kept results still give the line of the report

    # Unchanged and still broken: still stale, still exit 1, the good page still kept.
    code, _ = run(capsys, "reports", "--config", config, "--out", out)
    assert code == 1
    assert 'data-status="stale"' in (out / "index.html").read_text()
    assert page.read_bytes() == good_page


def test_a_report_that_never_worked_shows_its_error_page(capsys, report_set):
    config, notebook, out = report_set
    break_notebook(notebook)
    assert run(capsys, "reports", "--config", config, "--out", out)[0] == 1
    assert (out / "toy" / "02_toy_gaps.html").read_text() == "<html>error page</html>"
    assert not (out / "toy" / "02_toy_gaps.results.json").exists()
    assert 'data-status="failed"' in (out / "index.html").read_text()


def test_reports_outputs_are_replaced_together(capsys, report_set, fail_second_replace):
    config, notebook, out = report_set
    assert run(capsys, "reports", "--config", config, "--out", out)[0] == 0
    before = snapshot(out)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("One more paragraph."))
    nbformat.write(nb, notebook)
    fail_second_replace["armed"] = True
    code, err = run(capsys, "reports", "--config", config, "--out", out)
    assert code == 2
    assert fail_second_replace["n"] >= 2
    after = snapshot(out)
    after.pop(".cache/kernels.log", None)
    before.pop(".cache/kernels.log", None)
    assert after == before
