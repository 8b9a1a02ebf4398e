"""Checks shared by the subcommands: where outputs may go, and the rejected-input table.

Every check runs before any work starts, so that a wrong ``--out`` costs nothing and an
output can never replace one of the command's own inputs.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from analysis.errors import UsageError

#: Columns of ``rejected.csv`` (``--skip-bad``): where each bad input is and why.
REJECTED_COLUMNS = ("file", "line", "field", "reason")


def check_out_dir(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Check that ``path`` is, or can be created as, a writable directory; return it."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {path}: is a file, not a directory; give a directory")
    _check_writable(path if path.exists() else _existing_parent(path), flag, path)
    return path


def check_out_file(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Check that ``path`` can be written as a file (its folder exists or can be created)."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; give a file name")
    parent = _existing_parent(path)
    if not parent.is_dir():
        raise UsageError(f"{flag} {path}: {parent} is a file, not a directory")
    _check_writable(parent, flag, path)
    return path


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _check_writable(folder: Path, flag: str, path: Path) -> None:
    if not folder.is_dir():
        raise UsageError(f"{flag} {path}: {folder} is a file, not a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {path}: {folder} is not writable; choose another place")


def refuse_overwrite(
    outputs: Iterable[str | os.PathLike],
    inputs: Iterable[str | os.PathLike],
    folders: Iterable[str | os.PathLike] = (),
) -> None:
    """Raise :class:`UsageError` when an output is one of the inputs or lies in an input folder.

    Paths are compared after resolving symbolic links, so a link cannot sneak an input in.
    """
    resolved_inputs = {Path(p).resolve(): Path(p) for p in inputs if p is not None}
    resolved_folders = [(Path(f).resolve(), Path(f)) for f in folders if f is not None]
    for out in outputs:
        target = Path(out).resolve()
        if target in resolved_inputs:
            raise UsageError(
                f"--out {out}: would write over the input {resolved_inputs[target]}; "
                "choose another output"
            )
        for folder, given in resolved_folders:
            if target == folder or target.is_relative_to(folder):
                raise UsageError(
                    f"--out {out}: lies inside the input folder {given}; choose another output"
                )


def rejected_bytes(rows: Iterable[tuple[str, int, str, str]]) -> bytes:
    """``rejected.csv`` bytes: one row per bad input with its file, line, field and reason."""
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(REJECTED_COLUMNS)
    writer.writerows(rows)
    return sink.getvalue().encode("utf-8")
