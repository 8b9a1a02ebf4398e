"""`make validate` writes exactly the study's committed result files, cell for cell."""

import shlex
from pathlib import Path

import pandas as pd

from analysis.models import validation

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "data" / "validation"


def _validate_runs() -> dict[str, list[str]]:
    """Each ``--name``'s arguments in the Makefile's ``validate`` recipe."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    variables = {}
    for line in text.splitlines():
        if ":=" in line and not line.startswith("\t"):
            name, value = line.split(":=", 1)
            variables[name.strip()] = value.strip()
    recipe = text.split("\nvalidate:", 1)[1].split("\n\n", 1)[0]
    runs = {}
    for line in recipe.splitlines()[1:]:
        for name, value in variables.items():
            line = line.replace(f"$({name})", value)
        args = shlex.split(line)
        runs[args[args.index("--name") + 1]] = args
    return runs


def _option(args: list[str], flag: str, default) -> list[str]:
    if flag not in args:
        return [str(v) for v in default]
    start = args.index(flag) + 1
    end = next((i for i in range(start, len(args)) if args[i].startswith("--")), len(args))
    return args[start:end]


def _cells(args: list[str]) -> set[tuple[str, str, int, int]]:
    tests = _option(args, "--tests", ("hawkes_cross_bootstrap",))
    scenarios = _option(args, "--scenarios", validation.NULL_SCENARIOS + validation.POWER_SCENARIOS)
    sizes = [int(n) for n in _option(args, "--sizes", validation.SIZES)]
    spans = [int(d) for d in _option(args, "--n-days", (validation.N_DAYS,))]
    return {
        (t, sc, n, d)
        for t in tests
        for sc in scenarios
        for n in sizes
        for d in spans
        if validation.REGISTRY[t].role(sc) is not None
    }


def test_make_validate_writes_every_committed_results_file_and_no_other():
    committed = {
        p.stem
        for p in STUDY.glob("*.csv")
        if p.name not in (validation.ROUTES_FILE, validation.POWER_FILE)
    }
    assert set(_validate_runs()) == committed


def test_each_committed_file_holds_the_cells_its_make_line_runs():
    for name, args in _validate_runs().items():
        frame = pd.read_csv(STUDY / f"{name}.csv")
        held = {
            (r.test, r.scenario, int(r.events_per_side), int(r.n_days)) for r in frame.itertuples()
        }
        assert held == _cells(args), name
