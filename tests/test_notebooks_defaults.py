"""Every notebook runs top to bottom on its default parameters, as in JupyterLab."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.slow


def test_the_notebooks_are_numbered_in_reading_order():
    # 00 is the brief, which reads the results of the others; then 01, 02, ...
    assert [nb.stem[:2] for nb in NOTEBOOKS] == [f"{i:02d}" for i in range(len(NOTEBOOKS))]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_its_defaults(notebook, tmp_path):
    stored = nbformat.read(notebook, as_version=4)
    assert all(not c.get("outputs") for c in stored.cells if c.cell_type == "code")
    assert stored.metadata.kernelspec.name == "escalation"
    out = tmp_path / notebook.name
    papermill.execute_notebook(
        str(notebook),
        str(out),
        kernel_name="escalation",
        cwd=str(notebook.parent),
        progress_bar=False,
    )
    executed = nbformat.read(out, as_version=4)
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []
    images = sum(
        1
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    )
    assert images >= 1
