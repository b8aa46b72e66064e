"""Run a phase notebook: resolve → hash inputs → (cached?) → parameterize → execute → journal.

Papermill executes the notebook in this process (``execute_notebook``, a
fresh kernel per run) and always writes ``runs/<phase>/<run_id>/<name>``;
a failed notebook keeps papermill's error banner. Every executed run is
journaled as a ``run`` event (parameters, input hash and its parts,
duration, status, output path, and for a failure the cell, error name and
value) *before* a failure is raised as :class:`WorkbookExecutionError`.

A run whose inputs equal those of the latest successful run of the same
notebook is not executed and not journaled: the result says ``cached`` and
points at that run (the journal records what happened, and nothing did).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..core.errors import WorkbookExecutionError
from ..core.events import Actor
from .inputs import find_cached, notebook_digest, run_inputs
from .kernel import execute_papermill, total_cells
from .models import RunError, RunResult
from .parameters import check_parameters, declared_for
from .resolve import Workbook, resolve
from ..tracking.runs import RUN_ID_ENV

if TYPE_CHECKING:  # pragma: no cover
    from .models import RunProject as Project  # what the engine needs of a project, not the facade

__all__ = ["run_notebook", "new_run_id"]

Progress = Callable[[int, int], None]


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus 6 hex digits."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def _cached_result(project: "Project", workbook: Workbook, event, parameters: dict[str, Any], started: float) -> RunResult:
    return RunResult(
        run_id=event.data["run_id"], phase=workbook.phase, notebook=workbook.relpath, status="cached",
        output_path=str(project.root / event.data["output_path"]), duration_s=time.perf_counter() - started,
        parameters=parameters, input_hash=event.data["input_hash"],
    )


def run_notebook(
    project: "Project",
    phase_or_notebook: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    force: bool = False,
    log_output: bool = False,
    on_progress: Progress | None = None,
    progress_bar: bool = True,
    actor: "Actor | None" = None,
    kernel_name: str | None = None,
    execution_timeout: int | None = None,
) -> RunResult:
    """Execute a phase notebook (or any notebook) of ``project`` and journal the run.

    Args:
        project: the project.
        phase_or_notebook: ``research`` or a notebook path (``workbooks/02_research.ipynb``).
        parameters: values for the notebook's declared parameters; ``project_dir``
            and ``interactive=False`` are added when the notebook declares them.
        force: run even when the inputs equal those of the last successful run.
        log_output: stream cell outputs to the ``papermill`` logger.
        on_progress: called as ``on_progress(done_cells, total_cells)``.
        progress_bar: show papermill's tqdm progress bar.
        actor: who ran it (default: the local user, unverified).
        kernel_name: override the notebook's kernel.
        execution_timeout: seconds a cell may run (default: no limit).

    Returns:
        The run's result (``succeeded`` or ``cached``).

    Raises:
        UnknownWorkbookError: no such phase or notebook.
        UnknownParameterError: a parameter the notebook does not declare.
        WorkbookExecutionError: the notebook raised; the failed run is journaled
            and its output notebook (with papermill's error banner) written first.
    """
    started = time.perf_counter()
    workbook = resolve(project, phase_or_notebook)
    given = dict(parameters or {})
    declared = declared_for(project.root, workbook.path, notebook_digest(workbook.content))
    check_parameters(workbook.relpath, given, declared)
    input_hash, parts = run_inputs(project, workbook, given)
    if not force:
        cached = find_cached(project, workbook, input_hash)
        if cached is not None:
            result = _cached_result(project, workbook, cached, given, started)
            if on_progress is not None:
                total = total_cells(workbook.content)
                on_progress(total, total)
            return result

    effective = {k: v for k, v in (("project_dir", str(project.root)), ("interactive", False)) if k in declared}
    effective.update(given)

    run_id = new_run_id()
    out_dir = project.root / "runs" / (workbook.phase or "other") / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / workbook.name
    record: dict[str, Any] = {
        "phase": workbook.phase, "notebook": workbook.relpath, "run_id": run_id, "parameters": given,
        "input_hash": input_hash, "inputs": parts, "output_path": output.relative_to(project.root).as_posix(),
    }
    error = execute_papermill(workbook, output, effective, log_output=log_output, on_progress=on_progress,
                     progress_bar=progress_bar, kernel_name=kernel_name, execution_timeout=execution_timeout,
                     kernel_env={RUN_ID_ENV: run_id})  # MLflow runs logged in the kernel name this run
    duration = time.perf_counter() - started
    record.update(duration_s=round(duration, 3), status="failed" if error else "succeeded")
    if error is not None:
        record["error"] = error.model_dump()
    project.record("run", record, actor or Actor.local())
    if error is not None:
        raise WorkbookExecutionError(
            notebook=workbook.relpath, run_id=run_id, output_path=str(output), cell_index=error.cell_index,
            exec_count=error.exec_count, ename=error.ename, evalue=error.evalue,
        )
    return RunResult(
        run_id=run_id, phase=workbook.phase, notebook=workbook.relpath, status="succeeded",
        output_path=str(output), duration_s=duration, parameters=given, input_hash=input_hash,
    )

