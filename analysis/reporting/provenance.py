"""Where a report came from: the commit, the state of the tree, the software versions and
the build time, for the footer of every page.

Everything here is deterministic for a given checkout except the build time, which honours
``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/) so that
two builds of the same tree can be made byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

#: Packages whose versions each page states, in this order.
PACKAGES = ("pandas", "numpy", "statsmodels", "matplotlib", "papermill", "nbconvert")


@dataclass(frozen=True)
class Provenance:
    """The build-wide part of a page footer."""

    commit: str
    dirty: bool | None
    versions: tuple[tuple[str, str], ...]
    built: str

    def as_dict(self) -> dict:
        """Plain form, to pass to another process or a template."""
        return {
            "commit": self.commit,
            "dirty": self.dirty,
            "versions": [list(v) for v in self.versions],
            "built": self.built,
        }


def git_state(repo: str | Path) -> tuple[str, bool | None]:
    """Return (commit, dirty) of the git checkout at ``repo``; ("unknown", None) outside one.

    Only read-only git commands are run.
    """
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown", None
    return commit, bool(status.strip())


def package_versions(packages: tuple[str, ...] = PACKAGES) -> tuple[tuple[str, str], ...]:
    """Python's version and those of ``packages``, read from metadata (nothing is imported)."""
    found = [("python", platform.python_version())]
    for name in packages:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)


def build_time(environ: Mapping[str, str] | None = None) -> str:
    """UTC build time as ISO 8601 to the second, from ``SOURCE_DATE_EPOCH`` when set."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def collect(repo: str | Path) -> Provenance:
    """Everything the footer needs except the event table's digest (per report set)."""
    commit, dirty = git_state(repo)
    return Provenance(commit=commit, dirty=dirty, versions=package_versions(), built=build_time())
