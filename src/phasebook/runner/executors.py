"""Where grid rows execute: a local process pool or a ``dask.distributed`` cluster.

Both run :func:`execute_row` — one papermill run in a fresh kernel — and
hand back a plain ``dict`` (picklable, no live objects). A worker never
writes the journal: its kernel runs with the row's outbox in its
environment (:mod:`phasebook.store.outbox`), and the outbox's entries come
back in the result for the coordinator to journal.

The kernel's environment is set per kernel (a kernel manager class with the
extra variables), never through ``os.environ``, so several rows may run in
threads of one Dask worker.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Iterable

__all__ = ["execute_row", "LocalPool", "DaskCluster", "default_workers"]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def execute_row(task: dict[str, Any]) -> dict[str, Any]:
    """Run one grid row (in a pool or Dask worker); return its status, error, duration and outbox entries.

    ``task`` holds ``key``, ``workbook`` (a :class:`~phasebook.runner.resolve.Workbook`), ``output``,
    ``outbox``, ``root``, ``parameters`` (as papermill receives them), ``kernel_name`` and
    ``execution_timeout``. The output notebook is written whatever happens.
    """
    from ..store.outbox import OUTBOX_ENV, OUTBOX_ROOT_ENV, read_outbox
    from ..tracking.runs import RUN_ID_ENV
    from .kernel import execute_papermill

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    output, outbox = Path(task["output"]), Path(task["outbox"])
    output.parent.mkdir(parents=True, exist_ok=True)
    outbox.unlink(missing_ok=True)  # a row re-run in the same folder starts with an empty outbox
    sockets = tempfile.mkdtemp(prefix="pbk-")  # short: Unix socket paths are limited to ~100 bytes
    try:
        error = execute_papermill(
            task["workbook"], output, task["parameters"], log_output=False, on_progress=None, progress_bar=False,
            kernel_name=task.get("kernel_name"), execution_timeout=task.get("execution_timeout"),
            kernel_env={OUTBOX_ENV: str(outbox), OUTBOX_ROOT_ENV: str(task["root"]), RUN_ID_ENV: str(task["run_id"])},
            kernel_ipc=os.path.join(sockets, "k"),
        )
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return {
        "key": task["key"], "status": "failed" if error else "succeeded",
        "error": error.model_dump() if error else None, "duration_s": time.perf_counter() - started,
        "cpu_s": _cpu_seconds() - cpu_started,
        "events": read_outbox(outbox), "worker_pid": os.getpid(),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the row's kernel, once shut down)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class LocalPool:
    """A process pool on this machine (``workers`` processes, default: one per core)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self.description = f"local pool of {self.workers} process{'es' if self.workers != 1 else ''}"
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalPool":
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["phasebook.runner.executors", "phasebook.runner.execute", "papermill"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self

    def submit(self, task: dict[str, Any]) -> Future:
        assert self._pool is not None
        return self._pool.submit(execute_row, task)

    @property
    def capacity(self) -> int:
        """Rows to keep in flight: one per process (a row handed to a process cannot be cancelled)."""
        return self.workers

    def wait_any(self, futures: Iterable[Future]) -> set[Future]:
        """Block until at least one of ``futures`` is done; return the done ones."""
        done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
        return done

    def cancel(self, futures: Iterable[Future]) -> None:
        for f in futures:
            f.cancel()

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """A ``dask.distributed`` cluster reached through its scheduler (``tcp://host:8786``).

    The workers must see the project folder at the same path (a shared file
    system), as they read the plan and data and write the output notebooks.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self.description = f"Dask cluster at {address}"
        self._client: Any = None

    def __enter__(self) -> "DaskCluster":
        from ..core.errors import ExecutorUnavailableError

        try:
            from distributed import Client
        except ImportError:
            raise ExecutorUnavailableError(executor="dask", problem="Running a grid on a Dask cluster needs "
                                           "dask.distributed: pip install 'dask[distributed]'.") from None
        try:
            self._client = Client(self.address, set_as_default=False, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ExecutorUnavailableError(executor="dask", problem=f"Cannot reach the Dask scheduler at {self.address} "
                                           f"({exc}). Check the address, or run on a local pool.") from None
        return self

    def submit(self, task: dict[str, Any]) -> Any:
        return self._client.submit(execute_row, task, pure=False, key=f"phasebook-row-{task['run_id']}")

    #: every row is submitted at once: the scheduler balances them and can cancel pending ones
    capacity = None

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        """Block until at least one of ``futures`` is done; return the done ones."""
        from distributed import wait as dask_wait

        with self._client.as_current():  # this client, not a global default one
            done, _ = dask_wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def cancel(self, futures: Iterable[Any]) -> None:
        self._client.cancel(list(futures))

    def __exit__(self, *exc: Any) -> None:
        if self._client is not None:
            self._client.close()
