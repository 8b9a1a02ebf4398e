"""The conda environment, the pip project and the lock must describe the same packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda splits dask[dataframe,distributed] into two packages
CONDA_ALIASES = {"dask": {"dask", "distributed"}}


def _name(spec: str) -> str:
    return re.split(r"[\[<>=!~ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_packages() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    return names - {"python", "pip"}


def _pip_packages() -> set[str]:
    project = _pyproject()["project"]
    names = set()
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        names |= CONDA_ALIASES.get(_name(spec), {_name(spec)})
    return names


def test_environment_yml_matches_pyproject():
    conda, pip = _conda_packages(), _pip_packages()
    assert conda == pip, f"only in environment.yml: {conda - pip}; only in pyproject: {pip - conda}"


def test_lock_pins_every_dependency():
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pinned[_name(name)] = version
    missing = {p for p in _pip_packages() if p not in pinned}
    assert not missing, f"requirements.lock does not pin: {sorted(missing)}"


def test_python_versions_agree():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_python = next(d for d in env["dependencies"] if isinstance(d, str) and "python=" in d)
    minimum = _pyproject()["project"]["requires-python"].lstrip(">=")
    assert conda_python.split("=", 1)[1].startswith(minimum)
