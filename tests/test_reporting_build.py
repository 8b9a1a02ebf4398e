"""``escalation reports`` end to end on the toy notebooks: real kernels, real pages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from analysis.reporting.render import audit_html, sort_script

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "reporting"
NOTEBOOKS = FIXTURES / "notebooks"
EVIL_TITLE = "Toy <script>alert(1)</script> set"

pytestmark = pytest.mark.slow


def write_config(path: Path, n_boot: int = 100) -> Path:
    """Two sets over the toy notebooks: a healthy one and one whose notebook raises."""
    sets = [
        {
            "name": "toy",
            "title": EVIL_TITLE,
            "description": "Counts & gaps",
            "events": str(FIXTURES / "events.csv"),
            "notebooks": [
                str(NOTEBOOKS / "01_toy_counts.ipynb"),
                str(NOTEBOOKS / "02_toy_gaps.ipynb"),
            ],
            "labels": {"A": "Side A", "B": "Side B"},
            "parameters": {"side_a": "A", "side_b": "B", "window_days": 7, "n_boot": n_boot},
        },
        {
            "name": "broken",
            "title": "A set whose notebook raises",
            "events": str(FIXTURES / "events.csv"),
            "notebooks": [str(NOTEBOOKS / "03_toy_fails.ipynb")],
            "labels": {"A": "Side A", "B": "Side B"},
            "parameters": {"side_a": "A", "side_b": "B"},
        },
    ]
    path.write_text(yaml.safe_dump(sets, sort_keys=False), encoding="utf-8")
    return path


def snapshot_package(root: Path) -> Path:
    """A frozen copy of the ``analysis`` package and the lock file: the cache key covers
    their source, so the build under test must not see edits made while it runs."""
    shutil.copytree(
        REPO / "analysis", root / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(REPO / "requirements.lock", root / "requirements.lock")
    return root


def build(src: Path, config: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "analysis.commands", "reports", "--config", str(config)]
    command += ["--out", str(out), "--jobs", "2", *extra]
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=src)


class Rows(HTMLParser):
    """Status of each report row of the index, keyed by link (or title)."""

    def __init__(self) -> None:
        super().__init__()
        self.status: dict[str, str] = {}
        self._row: str | None = None
        self._status = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-status" in attrs:
            self._status = attrs["data-status"]
            self._row = ""
        elif tag == "a" and self._row == "":
            self._row = attrs["href"]
            self.status[self._row] = self._status


def index_status(out: Path) -> dict[str, str]:
    rows = Rows()
    rows.feed((out / "index.html").read_text(encoding="utf-8"))
    return rows.status


def without_build_time(page: str) -> str:
    return re.sub(r'<time class="build-time">[^<]*</time>', "", page)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    src = snapshot_package(root / "src")
    config = write_config(root / "reports.yml")
    out = root / "out"
    result = build(src, config, out)
    return src, out, result


def test_failure_exits_1_after_rendering_everything(built):
    _, out, result = built
    assert result.returncode == 1, result.stderr
    for page in ("toy/01_toy_counts.html", "toy/02_toy_gaps.html", "broken/03_toy_fails.html"):
        assert (out / page).is_file()
    # One progress line per finished notebook, with its status and seconds.
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 3
    assert any("toy/01_toy_counts" in line and " ok " in line for line in lines)
    assert any("broken/03_toy_fails" in line and "failed" in line for line in lines)
    assert all(re.search(r"\d+\.\d s", line) for line in lines)


def test_index_marks_status_and_says_what_each_report_found(built):
    _, out, _ = built
    assert index_status(out) == {
        "toy/01_toy_counts.html": "ok",
        "toy/02_toy_gaps.html": "ok",
        "broken/03_toy_fails.html": "failed",
    }
    index = (out / "index.html").read_text(encoding="utf-8")
    # Four A-side and three B-side events; gaps 3, 4, 3, 8, 3, 10 days have median 3.5.
    # The toy notebooks are not known to the findings: their line is their headline in one
    # sentence, with the sides by their plain names (the set's labels).
    assert '<p class="finding">Events Side A: 4; events Side B: 3.</p>' in index
    assert '<p class="finding">Bootstrap draws: 100; median gap (days): 3.5.</p>' in index
    assert "Sides: Side A and Side B; an action of the other side within 7 days" in index
    assert "ValueError: toy failure for A vs B" in index
    assert "<script>" not in index and "Toy &lt;script&gt;alert(1)&lt;/script&gt; set" in index
    assert audit_html(index) == []


def test_results_files_written_by_the_notebooks(built):
    _, out, _ = built
    counts = json.loads((out / "toy" / "01_toy_counts.results.json").read_text())
    assert counts["headline"] == {"events A": 4, "events B": 3}
    assert not (out / "broken" / "03_toy_fails.results.json").exists()


def test_healthy_page_is_clean_and_complete(built):
    _, out, _ = built
    page = (out / "toy" / "01_toy_counts.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2
    assert "Traceback" not in page and 'class="error-banner"' not in page
    assert '<div class="jp-InputArea' not in page and "In [" not in page
    # The one script is the template's sort script, in the head; the title's is escaped.
    trusted = sort_script()
    assert page.count("<script>") == 1 and page.count(trusted.element) == 1
    assert f"script-src {trusted.csp_source};" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<footer class="provenance">' in page and '<table class="parameters">' in page
    assert '<nav aria-label="Contents" class="toc">' in page
    assert audit_html(page, trusted=(trusted.element,)) == []
    gaps = (out / "toy" / "02_toy_gaps.html").read_text(encoding="utf-8")
    assert gaps.count('src="data:image/png;base64,') == 1
    assert '<th scope="row">n_boot</th><td><code>100</code>' in gaps


def test_failed_page_shows_the_error_and_the_output_before_it(built):
    _, out, _ = built
    page = (out / "broken" / "03_toy_fails.html").read_text(encoding="utf-8")
    assert "<code>ValueError</code>: toy failure for A vs B" in page
    assert "computed before the error" in page
    assert "never reached" not in page
    assert audit_html(page, trusted=(sort_script().element,)) == []


def test_incremental_skip_force_and_parameter_change(built, tmp_path):
    src, first_out, _ = built
    config = write_config(tmp_path / "reports.yml")
    out = tmp_path / "out"
    shutil.copytree(first_out, out)
    page = out / "toy" / "01_toy_counts.html"
    before = page.read_bytes()
    stamp = page.stat().st_mtime_ns

    again = build(src, config, out, "--only", "toy")
    assert again.returncode == 0, again.stderr
    assert "all 2 reports unchanged" in again.stderr
    assert page.stat().st_mtime_ns == stamp
    # Sets outside --only keep their entry from the previous build.
    assert index_status(out) == {
        "toy/01_toy_counts.html": "skipped-unchanged",
        "toy/02_toy_gaps.html": "skipped-unchanged",
        "broken/03_toy_fails.html": "failed",
    }

    # An unchanged failure is not rerun, but still marked and still exits 1.
    everything = build(src, config, out)
    assert everything.returncode == 1
    assert "all 3 reports unchanged" in everything.stderr
    assert index_status(out)["broken/03_toy_fails.html"] == "failed"
    assert "unchanged since the last build" in (out / "index.html").read_text()

    forced = build(src, config, out, "--only", "toy", "--force")
    assert forced.returncode == 0, forced.stderr
    assert index_status(out)["toy/01_toy_counts.html"] == "ok"
    # Same inputs, same page: only the build time may differ.
    assert without_build_time(page.read_text()) == without_build_time(before.decode())

    write_config(config, n_boot=150)  # declared by 02 only
    changed = build(src, config, out, "--only", "toy")
    assert changed.returncode == 0, changed.stderr
    status = index_status(out)
    assert status["toy/01_toy_counts.html"] == "skipped-unchanged"
    assert status["toy/02_toy_gaps.html"] == "ok"
    assert "Bootstrap draws: 150;" in (out / "index.html").read_text()


def _toy_job(tmp: Path, name: str, notebook: str) -> object:
    from analysis.reporting.execute import Job

    return Job(
        set_name="toy",
        set_title="Toy",
        notebook=NOTEBOOKS / notebook,
        parameters={"side_a": "A", "side_b": "B", "labels": {"A": "Side A", "B": "Side B"}},
        events_path=FIXTURES / "events.csv",
        events_text="events.csv",
        events_sha256="0" * 64,
        html_path=tmp / f"{name}.html",
        results_path=tmp / f"{name}.results.json",
        provenance={},
    )


def test_second_phase_runs_on_a_warm_kernel_with_the_same_page(tmp_path):
    """Two phases on one pool: the worker left idle after the first starts the kernel of
    the second, which gets it; a kernel is never reused, and the page of a notebook run on
    a warm kernel is byte for byte the page of the same notebook run cold."""
    from analysis.reporting.execute import WorkerPool, run_jobs

    with WorkerPool(2) as pool:
        first = pool.run(
            [
                _toy_job(tmp_path, "a", "01_toy_counts.ipynb"),
                _toy_job(tmp_path, "b", "02_toy_gaps.ipynb"),
            ],
            warm=1,
        )
        (late,) = pool.run([_toy_job(tmp_path, "late", "02_toy_gaps.ipynb")])
    assert [o.status for o in first] == ["ok", "ok"] and late.status == "ok"
    assert not any(o.warm_kernel for o in first)  # cold kernels, started for them
    assert late.warm_kernel
    (cold,) = run_jobs([_toy_job(tmp_path, "cold", "02_toy_gaps.ipynb")], 1)
    assert cold.status == "ok" and not cold.warm_kernel
    assert (tmp_path / "late.html").read_bytes() == (tmp_path / "cold.html").read_bytes()
