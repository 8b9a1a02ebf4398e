"""Fixtures shared by test modules: the vocabularies, and the real report sets rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.extract.lexicon import load_lexicon

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def lexicon():
    """The project's vocabularies (``data/lexicon``), read once per session."""
    return load_lexicon()


@pytest.fixture(scope="session")
def real_reports(tmp_path_factory) -> Path:
    """Every report set of ``reports.yml`` rendered once per test session (slow)."""
    from analysis.commands import main

    out = tmp_path_factory.mktemp("reports")
    status = main(["reports", "--config", str(ROOT / "reports.yml"), "--out", str(out)])
    assert status == 0, (out / ".cache" / "kernels.log").read_text()[-3000:]
    return out
