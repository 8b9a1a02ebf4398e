"""The package layout: stages import only from earlier stages, no cycles, lazy imports only
where they are meant to be lazy, and the command line answers without the heavy stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "analysis"

#: Stage of each top-level name under ``analysis``, in import order.
STAGES = {
    "errors": 0,
    "files": 0,
    "schema": 0,
    "records": 0,
    "io": 0,
    "extract": 1,
    "events": 2,
    "importers": 3,
    "models": 4,
    "present": 5,
    "reporting": 6,
    "scale": 7,
    "commands": 8,
}
HEAVY = ("pandas", "numpy", "statsmodels", "dask", "distributed", "papermill", "pyarrow")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(name: str) -> int:
    parts = name.split(".")
    if len(parts) == 1:
        return -1  # the package itself
    return STAGES[parts[1]]


def imported(node: ast.AST, current: str, known: set[str]) -> list[str]:
    """Project modules named by one import statement (``from analysis.x import y`` gives
    ``analysis.x.y`` when that is a module, else ``analysis.x``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "analysis"]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = current.rsplit(".", node.level)[0]
            target = f"{base}.{node.module}" if node.module else base
        else:
            target = node.module or ""
        if target.split(".")[0] != "analysis":
            return []
        found = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
        return found or [target]
    return []


def import_graph() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Module-level edges, and every import made inside a function (module, line, text)."""
    known = set(modules())
    edges: dict[str, set[str]] = {m: set() for m in known}
    inner: list[tuple[str, int, str]] = []
    for name, path in modules().items():
        source = path.read_text()
        tree = ast.parse(source)
        lines = source.split("\n")
        in_function = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in ast.walk(node):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        in_function.add(id(sub))
                        inner.append((name, sub.lineno, lines[sub.lineno - 1]))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in in_function:
                edges[name].update(t for t in imported(node, name, known) if t in known)
    return edges, inner


def test_every_module_belongs_to_a_stage():
    for name in modules():
        parts = name.split(".")
        assert len(parts) == 1 or parts[1] in STAGES, f"{name}: not in a stage of the layout"


def test_top_level_holds_only_the_core():
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert top == {n for n, s in STAGES.items() if s == 0}


def test_no_import_against_the_stage_order():
    edges, _ = import_graph()
    bad = [
        f"{a} (stage {stage(a)}) imports {b} (stage {stage(b)})"
        for a, targets in edges.items()
        for b in targets
        if stage(b) > stage(a)
    ]
    assert not bad, "\n".join(bad)


def test_nothing_imports_the_command_line():
    edges, _ = import_graph()
    bad = [
        f"{a} imports {b}"
        for a, targets in edges.items()
        for b in targets
        if b.startswith("analysis.commands") and not a.startswith("analysis.commands")
    ]
    assert not bad


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles():
    edges, _ = import_graph()
    # A package's __init__ is imported with any of its modules: count those edges too.
    for name in list(edges):
        parent = name.rsplit(".", 1)[0]
        if parent in edges and parent != name:
            edges[name].add(parent)
    assert find_cycle(edges) is None, " -> ".join(find_cycle(edges) or [])


def test_imports_inside_functions_are_lazy_third_party_loads_said_so():
    _, inner = import_graph()
    sources = {name: path.read_text().split("\n") for name, path in modules().items()}
    bad = []
    for name, line, text in inner:
        if "analysis" in text.split("import")[0] or text.strip().startswith("import analysis"):
            bad.append(f"{name}:{line}: project module imported inside a function")
            continue
        before = sources[name][max(0, line - 4) : line - 1]
        if not any("lazil" in b for b in before):
            bad.append(f"{name}:{line}: lazy import without a comment saying why")
    assert not bad, "\n".join(bad)


def loaded_after(code: str) -> set[str]:
    """Heavy libraries in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    report = f"sys.stderr.write('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    probe = f"import sys\n{code}\n{report}"
    err = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    ).stderr
    return set(err.rsplit("LOADED:", 1)[1].strip().split(",")) - {""}


@pytest.mark.parametrize(
    "package",
    [
        "analysis",
        "analysis.extract",
        "analysis.events",
        "analysis.importers",
        "analysis.models",
        "analysis.present",
        "analysis.reporting",
        "analysis.scale",
        "analysis.commands",
        "analysis.schema",
        "analysis.files",
        "analysis.errors",
    ],
)
def test_stage_packages_load_no_heavy_library(package):
    assert loaded_after(f"import {package}") == set()


def test_help_loads_no_heavy_library():
    code = (
        "from analysis.commands import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code) == set()


def test_heavy_probe_sees_pandas_when_it_is_loaded():
    assert "pandas" in loaded_after("import analysis.io")
