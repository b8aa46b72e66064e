"""Fan a notebook out over a grid: one papermill run per row, journaled by the coordinator alone.

:func:`run_grid` reads and checks the whole grid first (unknown columns fail
before anything starts), skips rows whose inputs equal those of an earlier
successful run (the same input hash as a single run with those parameters),
and sends the others to an executor (:mod:`.executors`): a local process
pool, or a Dask cluster when a scheduler address is given (``--scheduler``
or Dask's own ``scheduler-address`` setting, e.g. ``DASK_SCHEDULER_ADDRESS``).

Only this process writes the journal, as each row completes: first the
events the row's notebook produced (its outbox: model tests carrying the
row's segment, data checks…), then the row's ``run`` event, which is what
marks the row done. A coordinator killed mid-grid therefore leaves every
finished row journaled with its output notebook, and re-running the same
grid skips those rows as cached and runs the rest. A ``grid_run`` event
summarises the grid at the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from pydantic import BaseModel, Field

from ..core.hashing import content_hash
from .execute import new_run_id
from .grid import GridRow, parse_grid, read_grid
from .inputs import find_cached, notebook_digest, run_inputs
from .models import RunError
from .parameters import declared_for
from .resolve import resolve

if TYPE_CHECKING:  # pragma: no cover
    from ..core.events import Actor
    from .models import RunProject as Project  # what the engine needs of a project, not the facade

__all__ = ["RowResult", "GridResult", "run_grid", "configured_scheduler"]


class RowResult(BaseModel):
    """One grid row's outcome (``cancelled``: not run because of ``fail_fast``)."""

    key: str
    number: int
    status: Literal["succeeded", "failed", "cached", "cancelled"]
    run_id: str = ""
    output_path: str = ""
    duration_s: float = 0.0
    parameters: dict[str, Any] = Field(default_factory=dict)
    error: RunError | None = None


class GridResult(BaseModel):
    """The outcome of :func:`run_grid`."""

    grid_run_id: str
    phase: str | None
    notebook: str
    executor: str
    duration_s: float
    rows: list[RowResult]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def failed(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not any(r.status in ("failed", "cancelled") for r in self.rows)


def configured_scheduler() -> str | None:
    """Dask's configured ``scheduler-address`` (``DASK_SCHEDULER_ADDRESS`` or Dask's YAML config), if any."""
    try:
        import dask.config
    except ImportError:
        return None
    return dask.config.get("scheduler-address", None) or None


def _executor(workers: int | None, scheduler: str | None):
    from .executors import DaskCluster, LocalPool

    return DaskCluster(scheduler) if scheduler else LocalPool(workers)


def run_grid(
    project: "Project",
    phase_or_notebook: str,
    grid: str | Path | list[dict[str, Any]],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    fail_fast: bool = False,
    force: bool = False,
    progress_bar: bool = True,
    actor: "Actor | None" = None,
    kernel_name: str | None = None,
    execution_timeout: int | None = None,
) -> GridResult:
    """Run ``phase_or_notebook`` once per grid row; journal each row as it completes.

    Args:
        project: the project (its folder must be visible to Dask workers at the same path).
        phase_or_notebook: a phase or a notebook path, as for :func:`~phasebook.runner.run_notebook`.
        grid: a CSV/YAML file (see :mod:`.grid`) or a list of parameter mappings.
        workers: local pool size (default: one per core); ignored with a scheduler.
        scheduler: a Dask scheduler address; None uses the configured one, else the local pool.
        fail_fast: after the first failed row, cancel the rows not yet finished.
        force: run every row even if cached.
        progress_bar: a tqdm bar over rows.
        actor: who ran it (default: the local user).

    Returns:
        Every row's result; failed rows are in it (nothing is raised for them).

    Raises:
        UnknownWorkbookError, UnknownParameterError, BadInputError: before anything runs.
    """
    from ..core.events import Actor as ActorModel

    started = time.perf_counter()
    actor = actor or ActorModel.local()
    workbook = resolve(project, phase_or_notebook)
    declared = declared_for(project.root, workbook.path, notebook_digest(workbook.content))
    if isinstance(grid, (str, Path)):
        rows = read_grid(grid, workbook.relpath, declared)
        grid_name = Path(grid).name
    else:
        rows = parse_grid(list(grid), workbook.relpath, declared, typed=True)
        grid_name = "(rows)"
    scheduler = scheduler or configured_scheduler()
    _, base_parts = run_inputs(project, workbook, {})
    events = project.events()
    grid_run_id = new_run_id()
    folder = project.root / "runs" / (workbook.phase or "other") / grid_run_id
    defaults = {k: v for k, v in (("project_dir", str(project.root)), ("interactive", False)) if k in declared}

    results: dict[str, RowResult] = {}
    tasks: list[dict[str, Any]] = []
    records: dict[str, dict[str, Any]] = {}
    for row in rows:
        parts = {**base_parts, "parameters": content_hash(row.parameters)}
        input_hash = content_hash(parts)
        cached = None if force else find_cached(project, workbook, input_hash, events)
        if cached is not None:
            results[row.key] = RowResult(key=row.key, number=row.number, status="cached", run_id=cached.data["run_id"],
                                         output_path=cached.data["output_path"], parameters=row.parameters)
            continue
        output = folder / row.key / workbook.name
        run_id = f"{grid_run_id}/{row.key}"
        records[row.key] = {
            "phase": workbook.phase, "notebook": workbook.relpath, "run_id": run_id, "parameters": row.parameters,
            "input_hash": input_hash, "inputs": parts, "output_path": output.relative_to(project.root).as_posix(),
            "grid_run_id": grid_run_id, "row": row.key,
        }
        tasks.append({"key": row.key, "run_id": run_id, "workbook": workbook, "output": str(output),
                      "outbox": str(output.parent / "outbox.jsonl"), "root": str(project.root),
                      "parameters": {**defaults, **row.parameters}, "kernel_name": kernel_name,
                      "execution_timeout": execution_timeout})

    by_key = {r.key: r for r in rows}
    bar = _progress(len(rows), workbook.phase or workbook.name, progress_bar)
    bar.update(len(results))

    def _finish(key: str, outcome: dict[str, Any]) -> bool:
        """Journal a row as soon as it completes; True if it failed."""
        results[key] = _journal_row(project, records[key], by_key[key], outcome, actor)
        bar.update(1)
        failed = results[key].status == "failed"
        if failed:
            bar.set_postfix(failed=sum(1 for r in results.values() if r.status == "failed"))
        return failed

    description = "nothing to run"
    if tasks:
        executor = _executor(min(workers or _cores(), len(tasks)), scheduler)
        description = executor.description
        with executor:
            _drive(executor, tasks, _finish, fail_fast)
    bar.close()
    for row in rows:
        results.setdefault(row.key, RowResult(key=row.key, number=row.number, status="cancelled", parameters=row.parameters))
    ordered = [results[r.key] for r in rows]
    result = GridResult(grid_run_id=grid_run_id, phase=workbook.phase, notebook=workbook.relpath, executor=description,
                        duration_s=time.perf_counter() - started, rows=ordered)
    project.record("grid_run", _summary(result, grid_name), actor)
    return result


def _drive(executor: Any, tasks: list[dict[str, Any]], finish: Callable[[str, dict[str, Any]], bool], fail_fast: bool) -> None:
    """Keep the executor fed (at most ``executor.capacity`` rows in flight) and finish rows as they complete.

    Feeding a local pool only as workers free up is what lets ``fail_fast`` stop promptly: a
    row already handed to a process cannot be cancelled. A Dask cluster takes every row at once
    (its scheduler balances them) and cancels the pending ones.
    """
    from collections import deque

    queue = deque(tasks)
    inflight: dict[Any, str] = {}
    stop = False

    def feed() -> None:
        while queue and not stop and (executor.capacity is None or len(inflight) < executor.capacity):
            task = queue.popleft()
            inflight[executor.submit(task)] = task["key"]

    feed()
    while inflight:
        for future in executor.wait_any(list(inflight)):
            key = inflight.pop(future)
            if finish(key, _outcome(future, key)) and fail_fast and not stop:
                stop = True
                queue.clear()
                executor.cancel(list(inflight))
                for cancelled in [f for f in inflight if f.cancelled()]:
                    inflight.pop(cancelled)  # reported as cancelled: never journaled
        feed()


def _cores() -> int:
    from .executors import default_workers

    return default_workers()


def _outcome(future: Any, key: str) -> dict[str, Any]:
    """The worker's result, or a failure built from whatever stopped it (cancelled, worker lost, bug)."""
    try:
        if future.cancelled():
            return {"key": key, "status": "cancelled", "error": None, "duration_s": 0.0, "events": []}
        return future.result()
    except BaseException as exc:  # noqa: BLE001 - a lost worker is a failed row, not a failed grid
        if type(exc).__name__ == "CancelledError":
            return {"key": key, "status": "cancelled", "error": None, "duration_s": 0.0, "events": []}
        return {"key": key, "status": "failed", "duration_s": 0.0, "events": [],
                "error": {"cell_index": None, "ename": type(exc).__name__, "evalue": str(exc)}}


def _journal_row(project: "Project", record: dict[str, Any], row: GridRow, outcome: dict[str, Any],
                 actor: "Actor") -> RowResult:
    """Journal a finished row: its notebook's events, then its ``run`` event (the row's commit marker)."""
    from ..core.errors import PhasebookError
    from ..core.events import Actor as ActorModel

    status = outcome["status"]
    if status == "cancelled":
        return RowResult(key=row.key, number=row.number, status="cancelled", parameters=row.parameters)
    error = outcome.get("error")
    for entry in outcome.get("events", []):
        data = dict(entry["data"])
        data.setdefault("run_id", record["run_id"])
        try:
            project.record(entry["kind"], data, ActorModel(**entry["actor"]))
        except PhasebookError as exc:  # a row may not make decisions (sign-offs, transitions)
            status, error = "failed", {"cell_index": None, "ename": type(exc).__name__, "evalue": exc.message}
    run = dict(record, duration_s=round(float(outcome.get("duration_s", 0.0)), 3), status=status)
    if outcome.get("cpu_s") is not None:
        run["cpu_s"] = round(float(outcome["cpu_s"]), 3)  # the worker's and the kernel's CPU time
    if error:
        run["error"] = error
    project.record("run", run, actor)
    return RowResult(key=row.key, number=row.number, status=status, run_id=record["run_id"],
                     output_path=record["output_path"], duration_s=run["duration_s"], parameters=row.parameters,
                     error=RunError(**error) if error else None)


def _summary(result: GridResult, grid_name: str) -> dict[str, Any]:
    return {
        "grid_run_id": result.grid_run_id, "phase": result.phase, "notebook": result.notebook, "grid": grid_name,
        "executor": result.executor, "duration_s": round(result.duration_s, 3),
        "status": "succeeded" if result.ok else "failed",
        "counts": {s: result.count(s) for s in ("succeeded", "failed", "cached", "cancelled")},
        "rows": [{"row": r.key, "status": r.status, "run_id": r.run_id} for r in result.rows],
        "failures": [{"row": r.key, **(r.error.model_dump() if r.error else {})} for r in result.failed],
    }


def _progress(total: int, label: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"{label} grid", unit="row", disable=not enabled)
