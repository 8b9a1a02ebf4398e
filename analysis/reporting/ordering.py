"""Build order within a report set: notebooks that read their siblings' results run last.

A notebook that declares the parameter :data:`LATE_PARAMETER` in its parameters cell (the
brief) reads the ``*.results.json`` files the other notebooks of its set wrote. It runs in
a second phase, after them, and its cache key includes the digest of those files, so that
it is rebuilt whenever a sibling's results change and not otherwise.

Standard library only: this runs on the fast path of a build with nothing to do.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from analysis.reporting import cache
from analysis.reporting.config import read_parameters_cell

#: The parameter by which a notebook says it reads its siblings' results.
LATE_PARAMETER = "results_dir"


def is_late(notebook: Path) -> bool:
    """Whether ``notebook`` declares :data:`LATE_PARAMETER`."""
    try:
        return LATE_PARAMETER in read_parameters_cell(Path(notebook))
    except (OSError, ValueError, SyntaxError):
        return False


def sibling_digest(item: MutableMapping[str, Any], folder: Path | None = None) -> str:
    """SHA-256 over the results files the late ``item`` reads: every ``*.results.json`` of
    ``folder`` (by default its set's output directory) but its own, in name order."""
    digest = hashlib.sha256()
    own = Path(item["results"])
    for path in sorted(Path(folder or own.parent).glob("*.results.json")):
        if path.name == own.name:
            continue
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def refresh(item: MutableMapping[str, Any], force: bool, folder: Path | None = None) -> None:
    """Fold the siblings' results into the key of a late ``item`` and recompute whether it
    is fresh."""
    item["key"] = hashlib.sha256(
        (item["key"] + sibling_digest(item, folder)).encode("ascii")
    ).hexdigest()
    item["fresh"] = not force and cache.is_fresh(item["record"], item["key"], [item["html"]])


def stage_siblings(item: MutableMapping[str, Any], staging: Path) -> Path:
    """Complete ``STAGING/SET/`` with the results of the set's reports that this build did
    not rerun (copied from the output directory, where the last good build left them), so
    that a late notebook staged there reads this build's results of every sibling."""
    folder = Path(staging) / item["set"].name
    folder.mkdir(parents=True, exist_ok=True)
    own = Path(item["results"]).name
    for path in sorted(Path(item["results"]).parent.glob("*.results.json")):
        if path.name != own and not (folder / path.name).exists():
            shutil.copyfile(path, folder / path.name)
    return folder


def phases(
    plan: Sequence[MutableMapping[str, Any]], force: bool, staging: Path | None = None
) -> Iterator[list[MutableMapping[str, Any]]]:
    """Yield the notebooks to consider in order: first those that do not read their
    siblings, then (refreshed once the first phase has run) those that do. With
    ``staging`` (where the build writes before replacing the output), the late ones' keys
    cover the staged view of their siblings' results (:func:`stage_siblings`)."""
    late = [item for item in plan if is_late(item["notebook"])]
    yield [item for item in plan if not any(item is x for x in late)]
    for item in late:
        folder = stage_siblings(item, staging) if staging is not None else None
        refresh(item, force, folder)
    if late:
        yield late
