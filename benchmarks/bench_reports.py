"""Report build speed: ``escalation reports`` against the naive way, on the same machine.

Naive: for each notebook, the ``papermill`` CLI then the ``jupyter nbconvert --to html`` CLI,
one after the other. Driver: ``escalation reports`` from an empty cache (parallel worker
processes, imports paid once per worker), then again with nothing changed.

Usage::

    python benchmarks/bench_reports.py [--set seed] [--config reports.yml] [--jobs N]

When the set's event table does not exist yet, the toy notebooks of the tests are used
instead, and the output says so. Measured figures are recorded in CHANGELOG.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOY = REPO / "tests" / "data" / "reporting"


def toy_config(root: Path) -> Path:
    """A set of the two healthy toy notebooks, each run twice under different names."""
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for number, source in enumerate(["01_toy_counts", "02_toy_gaps"] * 2, start=1):
        (notebooks / f"{number:02d}_{source[3:]}.ipynb").write_bytes(
            (TOY / "notebooks" / f"{source}.ipynb").read_bytes()
        )
    config = root / "reports.yml"
    config.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "toy",
                    "title": "Toy notebooks",
                    "events": str(TOY / "events.csv"),
                    "labels": {"A": "Side A", "B": "Side B"},
                    "parameters": {"side_a": "A", "side_b": "B"},
                }
            ]
        )
    )
    return config


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, result


def naive(report_set, out: Path) -> float:
    """papermill CLI + nbconvert CLI per notebook, sequentially; total seconds."""
    total = 0.0
    for notebook in report_set.notebooks:
        parameters = {
            **report_set.notebook_parameters[notebook],
            "events_path": str(report_set.events.resolve()),
            "results_path": str(out / f"{notebook.stem}.results.json"),
        }
        executed = out / notebook.name
        seconds, result = timed(
            [
                str(BIN / "papermill"),
                str(notebook),
                str(executed),
                "-k",
                "escalation",
                "--cwd",
                str(notebook.parent),
                "-y",
                yaml.safe_dump(parameters),
            ]
        )
        total += seconds
        if result.returncode != 0:
            print(f"  naive: {notebook.name} failed in papermill", file=sys.stderr)
        seconds, _ = timed(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
        )
        total += seconds
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=REPO / "reports.yml")
    parser.add_argument("--set", default="seed")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from analysis.reporting.config import load_config
    from analysis.reporting.execute import default_workers

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        root = Path(tmp)
        config, name = args.config, args.set
        try:
            (report_set,) = load_config(config, only=[name])
        except Exception as err:  # the set's data may not be built yet
            print(f"set {name!r} unavailable ({str(err).splitlines()[-1].strip()});")
            print("using the toy notebooks of tests/data/reporting instead")
            config, name = toy_config(root), "toy"
            (report_set,) = load_config(config, only=[name])
        jobs = args.jobs or default_workers()
        print(f"set {name}: {len(report_set.notebooks)} notebooks, {jobs} worker(s)")

        naive_out = root / "naive"
        naive_out.mkdir()
        naive_seconds = naive(report_set, naive_out)
        print(f"naive (papermill CLI + nbconvert CLI, sequential): {naive_seconds:7.1f} s")

        # The cache key covers the package source: run a frozen copy of it, so that edits
        # made elsewhere in the tree during the benchmark do not invalidate the cache.
        src = root / "src"
        shutil.copytree(REPO / "analysis", src / "analysis")
        shutil.copy2(REPO / "requirements.lock", src / "requirements.lock")
        # Data the package reads beside itself: side labels and the map's country outlines.
        for shipped in ("data/lexicon", "data/external/natural-earth-110m"):
            shutil.copytree(REPO / shipped, src / shipped)
        out = root / "reports"
        command = [sys.executable, "-m", "analysis.commands", "reports", "--config", str(config)]
        command += ["--out", str(out), "--only", name, "--jobs", str(jobs)]
        env = {**os.environ, "PYTHONPATH": str(src)}
        full, result = timed(command, env=env, cwd=src)
        print(f"escalation reports, empty cache:                  {full:7.1f} s")
        if result.returncode != 0:
            print(f"  (exit {result.returncode}: {result.stderr.strip().splitlines()[-2:]})")
        again, _ = timed(command, env=env, cwd=src)
        print(f"escalation reports, nothing changed:              {again:7.2f} s (target < 1 s)")
        print(f"ratio driver / naive: {full / naive_seconds:.2f} (target <= 0.33)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
