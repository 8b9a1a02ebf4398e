"""Incremental builds: a report is rebuilt only when something it depends on changed.

The key of one report is the SHA-256 of its notebook, its parameters (canonical JSON), its
event table, the source of the ``analysis`` package and its templates, and the lock file
of the environment. Keys live in ``OUT/.cache/<set>__<notebook>.json``. Only standard-library
modules are used here, so that deciding that nothing changed costs no heavy import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant whitespace: equal values, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _update_with_file(digest: Any, path: Path) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)


def tree_digest(path: str | Path) -> str:
    """SHA-256 of a file, or of every file under a directory (a Parquet dataset).

    For a directory the relative path of each file enters the hash with its bytes, in
    sorted order, so that renaming or moving a part changes the digest.
    """
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(item.relative_to(path).as_posix().encode("utf-8") + b"\0")
            _update_with_file(digest, item)
            digest.update(b"\0")
    else:
        _update_with_file(digest, path)
    return digest.hexdigest()


def code_digest(package_dir: str | Path, lock_file: str | Path | None) -> str:
    """SHA-256 of every ``*.py`` under ``package_dir``, every file of its ``templates``
    directory, and ``lock_file`` (when it exists)."""
    package_dir = Path(package_dir)
    files = {p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts}
    templates = package_dir / "templates"
    if templates.is_dir():
        files |= {p for p in templates.rglob("*") if p.is_file()}
    digest = hashlib.sha256()
    for item in sorted(files):
        digest.update(item.relative_to(package_dir).as_posix().encode("utf-8") + b"\0")
        _update_with_file(digest, item)
        digest.update(b"\0")
    if lock_file is not None and Path(lock_file).is_file():
        digest.update(b"lock\0")
        _update_with_file(digest, Path(lock_file))
    return digest.hexdigest()


def report_key(
    notebook: str | Path, parameters: Mapping[str, Any], events_digest: str, code: str
) -> str:
    """The cache key of one report (see the module docstring)."""
    parts = {
        "notebook": hashlib.sha256(Path(notebook).read_bytes()).hexdigest(),
        "parameters": parameters,
        "events": events_digest,
        "code": code,
    }
    return hashlib.sha256(canonical_json(parts).encode("utf-8")).hexdigest()


def record_path(out_dir: str | Path, set_name: str, notebook_name: str) -> Path:
    """Where the key of one report is stored."""
    return Path(out_dir) / ".cache" / f"{set_name}__{notebook_name}.json"


def read_record(record: Path) -> dict[str, Any]:
    """The stored record (``key``, ``status``, ``error``, ``seconds``); empty when absent."""
    try:
        stored = json.loads(Path(record).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored if isinstance(stored, dict) else {}


def is_fresh(record: Path, key: str, outputs: Iterable[Path]) -> bool:
    """True when ``record`` holds ``key`` and every output exists.

    A failed build is fresh too: with the same inputs it fails the same way, and its page
    already shows the error (``--force`` runs it again).
    """
    return read_record(record).get("key") == key and all(Path(p).is_file() for p in outputs)


def record_text(key: str, status: str, seconds: float, error: str = "") -> str:
    """Contents of a cache record (written by the caller, atomically)."""
    fields = {"error": error, "key": key, "seconds": round(seconds, 1), "status": status}
    return canonical_json(fields) + "\n"
