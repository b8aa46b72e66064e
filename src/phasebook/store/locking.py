"""Exclusive file locks that sleep in the kernel instead of polling.

Many writers (a room of approvers, a grid of runs) append to one journal;
each holds the lock for a few milliseconds. A polling lock wakes every
waiter again and again, and on a busy machine the holder itself gets
starved of CPU; a blocking ``flock`` puts waiters to sleep until the lock is
free. The lock is released when the file is closed, also when the process
dies. Where ``fcntl`` does not exist (Windows) this falls back to
:mod:`filelock`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["exclusive"]


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        from filelock import FileLock

        with FileLock(str(path)):
            yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
