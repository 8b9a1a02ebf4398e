"""Write files atomically: readers see the old file or the new one, never half of either.

Standard library only, so that the report driver can write pages without loading pandas.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _staged_copy(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8, ``\\n`` line ends)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def replace_files(files: Mapping[str | os.PathLike, bytes]) -> list[Path]:
    """Replace several files together: afterwards all hold the new bytes, or on any error
    all hold what they held before (a file that did not exist does not exist).

    Every file is first written and synced next to its target; only then are the targets
    replaced one by one, and if a replacement fails the ones already done are restored
    from copies of the old files. Files whose bytes are unchanged are not touched.

    Parameters
    ----------
    files
        Target path -> new content.

    Returns
    -------
    The paths that changed.
    """
    targets = {Path(path): data for path, data in files.items()}
    changed = {
        path: data
        for path, data in targets.items()
        if not (path.is_file() and path.read_bytes() == data)
    }
    staged: dict[Path, Path] = {}
    backups: dict[Path, Path | None] = {}
    done: list[Path] = []
    try:
        for path, data in changed.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            staged[path] = _staged_copy(path, data)
        for path in changed:
            backups[path] = _staged_copy(path, path.read_bytes()) if path.exists() else None
        for path in changed:
            os.replace(staged[path], path)
            del staged[path]
            done.append(path)
    except BaseException:
        for path in reversed(done):
            backup = backups.get(path)
            if backup is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(backup, path)
                backups[path] = None
        raise
    finally:
        for tmp in [*staged.values(), *(b for b in backups.values() if b is not None)]:
            Path(tmp).unlink(missing_ok=True)
    return list(changed)


def _staged_copy(path: Path, data: bytes) -> Path:
    """Write ``data`` to a synced temporary file next to ``path`` and return its path."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the result the usual permissions.
        os.chmod(tmp, 0o666 & ~_UMASK)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)
