"""Atomic file writes: the one way phasebook replaces a file it keeps.

A reader sees the old file or the new one, never half of it: the text is
written to a temporary file in the same folder, flushed and fsynced, given
its mode, then renamed over the target. A failure (a full disk, a kill)
leaves the old file and removes the temporary one. Callers hold whatever
lock the file needs (the plan's, the journal's); this module only writes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "write_cache"]


def write_atomic(path: str | os.PathLike, data: str | bytes, *, mode: int | None = None, fsync: bool = True) -> Path:
    """Replace ``path`` with ``data`` atomically and return the path.

    Args:
        data: text (written as UTF-8) or bytes.
        mode: the file's permissions; default the existing file's, else ``0o644``
            (a file kept with the project is readable like any file in the repository).
        fsync: flush to disk before the rename (a cache that may be lost can skip it).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_cache(path: str | os.PathLike, text: str) -> bool:
    """Write a local cache file atomically; a failure (a read-only checkout) is not an error: return False."""
    try:
        write_atomic(path, text, fsync=False)
    except OSError:
        return False
    return True
