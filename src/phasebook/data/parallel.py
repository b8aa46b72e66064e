"""One memory limit per command, and column work on every core within it.

``PHASEBOOK_MEMORY_LIMIT`` (default ``1GB``) is the budget of a whole
``profile`` or ``drift`` call, not of each table: :data:`DUCKDB_SHARE` of it
goes to the one DuckDB connection the call's tables share, :data:`ARRAY_SHARE`
to the NumPy / Arrow arrays it holds at once, and the rest is left for the
interpreter and its imports.

:func:`pipeline` runs per-column jobs (read a column, sort it, summarize it)
on a small thread pool — NumPy's sorts and pyarrow's reads release the GIL —
while the calling thread finishes each column in order, so results come out
in the same order, and with the same numbers, as on the serial path. It
starts a column only while the columns in flight fit the array budget, and
runs serially below :func:`parallel_rows` rows or with
``PHASEBOOK_THREADS=1``.
"""

from __future__ import annotations

import os
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Sequence

from ..core.named_errors import InvalidValueError

__all__ = ["memory_limit", "duckdb_limit", "array_budget", "workers", "parallel_rows", "pipeline"]

DEFAULT_LIMIT = "1GB"
DUCKDB_SHARE = 0.25
ARRAY_SHARE = 0.5
PARALLEL_ROWS = 200_000  # below this many rows (the larger table) columns are worked on serially

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def memory_limit() -> int:
    """The command's memory budget in bytes, from ``PHASEBOOK_MEMORY_LIMIT`` (``1GB``, ``512MB``, ``2GiB``…).

    Raises:
        BadInputError: the value is not a size.
    """
    text = os.environ.get("PHASEBOOK_MEMORY_LIMIT", "") or DEFAULT_LIMIT
    m = _SIZE.match(text)
    unit = m.group(2).lower() if m else None
    if m is None or unit not in _UNITS or float(m.group(1)) <= 0:
        raise InvalidValueError(what="PHASEBOOK_MEMORY_LIMIT", value=text, expected="a memory size: a number and a unit such as 1GB, 512MB or 2GiB")
    return int(float(m.group(1)) * _UNITS[unit])


def duckdb_limit() -> str:
    """The DuckDB ``memory_limit`` setting: :data:`DUCKDB_SHARE` of the command's budget (at least 64 MiB)."""
    return f"{max(64, int(memory_limit() * DUCKDB_SHARE) >> 20)}MiB"


def array_budget() -> int:
    """Bytes of column arrays a command may hold at once: :data:`ARRAY_SHARE` of its budget."""
    return int(memory_limit() * ARRAY_SHARE)


def workers() -> int:
    """Threads for column work: ``PHASEBOOK_THREADS``, default the number of cores (at most 4)."""
    text = os.environ.get("PHASEBOOK_THREADS", "")
    if text.strip():
        if not text.strip().isdigit() or int(text) < 1:
            raise InvalidValueError(what="PHASEBOOK_THREADS", value=text, expected="a whole number of threads, 1 or more")
        return int(text)
    return max(1, min(4, os.cpu_count() or 1))


def parallel_rows() -> int:
    """The row count from which column work goes to the thread pool (``PHASEBOOK_PARALLEL_ROWS``)."""
    text = os.environ.get("PHASEBOOK_PARALLEL_ROWS", "").strip()
    return int(text) if text.isdigit() else PARALLEL_ROWS


Job = Callable[[], Any]


def pipeline(
    items: Sequence[Any],
    jobs: Callable[[Any], Iterable[Job]],
    finish: Callable[[Any, list[Any]], Any],
    cost: Callable[[Any], int],
    *,
    rows: int,
    budget: int | None = None,
    reserve: int = 0,
) -> list[Any]:
    """``[finish(item, [job() for job in jobs(item)]) for item in items]``, the jobs on a thread pool.

    Args:
        jobs: the independent pieces of work of one item (e.g. the reference
            and the current side of a column); they run on the pool.
        finish: combines an item's job results; runs on the calling thread, in item order.
        cost: bytes an item holds from the start of its jobs until it is finished.
        rows: the size of the work; below :func:`parallel_rows` everything runs serially.
        budget: bytes of items in flight at once (default :func:`array_budget`);
            one item always runs, however large.
        reserve: bytes of the budget kept for what running jobs hold
            besides their items' cost (read buffers, temporaries).
    """
    n_workers = workers()
    if n_workers <= 1 or rows < parallel_rows() or not items:
        return [finish(item, [job() for job in jobs(item)]) for item in items]
    budget = (array_budget() if budget is None else budget) - reserve
    out: list[Any] = []
    pending: deque = deque()
    used, nxt = 0, 0
    pool = ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="phasebook-data")
    try:
        while nxt < len(items) or pending:
            while nxt < len(items) and (not pending or used + cost(items[nxt]) <= budget):
                c = cost(items[nxt])
                pending.append((items[nxt], [pool.submit(job) for job in jobs(items[nxt])], c))
                used += c
                nxt += 1
            item, futures, c = pending.popleft()
            out.append(finish(item, [f.result() for f in futures]))
            used -= c
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return out
