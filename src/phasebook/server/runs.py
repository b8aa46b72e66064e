"""Phase runs started from JupyterLab, executed in the background.

The sidebar's "run" button posts to ``…/runs``; :class:`RunManager` starts
:meth:`phasebook.Project.run` (the same runner and journal as
``phasebook run``) in a worker thread and keeps each job's progress and
result in memory so ``GET …/runs/{id}`` can report them. The journal, not
this manager, is the record: a server restart forgets jobs, never runs.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from ..core.errors import PhasebookError, WorkbookExecutionError

__all__ = ["RunJob", "RunManager", "default_runner"]

log = logging.getLogger(__name__)

Runner = Callable[..., Any]


def default_runner() -> Runner:
    """The real runner: :meth:`phasebook.Project.run` (papermill loads only when a notebook runs)."""

    def run(project: Any, target: str, parameters: dict[str, Any] | None = None, **options: Any) -> Any:
        return project.run(target, parameters, **options)

    return run


class RunJob:
    """One background run: its state, progress and outcome (JSON via :meth:`to_dict`)."""

    def __init__(self, project_path: str, phase: str, parameters: dict[str, Any], force: bool) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.project_path = project_path
        self.phase = phase
        self.parameters = parameters
        self.force = force
        self.state = "queued"  # queued | running | succeeded | cached | failed
        self.done_cells = 0
        self.total_cells = 0
        self.result: dict[str, Any] | None = None
        self.error: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def progress(self, done: int, total: int) -> None:
        """The runner's ``on_progress`` callback."""
        with self._lock:
            self.done_cells, self.total_cells = int(done), int(total)

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "id": self.id,
                "project": self.project_path,
                "phase": self.phase,
                "state": self.state,
                "done_cells": self.done_cells,
                "total_cells": self.total_cells,
                "parameters": self.parameters,
                "result": self.result,
                "error": self.error,
            }


class RunManager:
    """Runs phase notebooks one at a time in a worker thread.

    Args:
        root_dir: the server root; output paths are reported relative to it.
        runner: a function ``runner(project, phase, parameters, **options)`` like
            :meth:`phasebook.Project.run` (tests pass a stand-in); default: the real runner.
    """

    def __init__(self, root_dir: Path, runner: Runner | None = None, max_workers: int = 1) -> None:
        self.root_dir = Path(root_dir).resolve()
        self._runner = runner
        self._jobs: dict[str, RunJob] = {}
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="phasebook-run")

    def start(self, project_root: Path, phase: str, parameters: dict[str, Any] | None = None,
              force: bool = False) -> RunJob:
        """Queue a run of ``phase`` for the project at ``project_root``; returns at once."""
        rel = self._relative(project_root)
        job = RunJob(rel, phase, dict(parameters or {}), force)
        self._jobs[job.id] = job
        self._pool.submit(self._execute, job, Path(project_root))
        return job

    def get(self, job_id: str) -> RunJob | None:
        return self._jobs.get(job_id)

    def jobs_for(self, project_path: str) -> list[RunJob]:
        return [j for j in self._jobs.values() if j.project_path == project_path]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # worker ------------------------------------------------------------------
    def _relative(self, path: Any) -> str:
        p = Path(path).resolve()
        try:
            rel = p.relative_to(self.root_dir).as_posix()
        except ValueError:
            return str(p)
        return "" if rel == "." else rel

    def _execute(self, job: RunJob, project_root: Path) -> None:
        from ..project import Project

        job.state = "running"
        try:
            runner = self._runner or default_runner()
            project = Project.open(project_root)
            result = runner(project, job.phase, job.parameters or None, force=job.force, on_progress=job.progress,
                            progress_bar=False)
            data = result.model_dump(mode="json") if hasattr(result, "model_dump") else dict(result)
            if data.get("output_path"):
                data["output_path"] = self._relative(data["output_path"])
            job.result = data
            job.state = "cached" if data.get("status") == "cached" else "succeeded"
        except WorkbookExecutionError as exc:
            f = exc.fields
            job.error = {
                "code": exc.code, "message": exc.message, "cell_index": f.get("cell_index"),
                "ename": f.get("ename"), "evalue": f.get("evalue"), "run_id": f.get("run_id"),
                "output_path": self._relative(f["output_path"]) if f.get("output_path") else None,
            }
            job.state = "failed"
        except PhasebookError as exc:
            job.error = exc.to_dict()
            job.state = "failed"
        except Exception:  # logged with its traceback here; the client gets a generic message
            log.exception("phasebook: run %s of %s failed", job.id, job.phase)
            job.error = {"code": "internal_error",
                         "message": "The run failed with an internal error; the details are in the Jupyter server's log."}
            job.state = "failed"
