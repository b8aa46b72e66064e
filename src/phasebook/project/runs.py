"""Running the project's notebooks: one run, or one run per row of a grid.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
The surfaces (``phasebook run``, the server's background runs) call these
methods; the papermill engine itself is :mod:`phasebook.runner`, which sits
below the facade and never imports it: the project hands itself in, and
the actor defaults to the local user here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..core.events import Actor
from .base import default_actor

if TYPE_CHECKING:  # pragma: no cover
    from ..runner.fanout import GridResult
    from ..runner.models import RunResult

__all__ = ["RunOps"]


class RunOps:
    """Executing notebooks of the project (papermill loads only when a notebook really runs)."""

    def run(
        self,
        target: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        from_text: bool = False,
        force: bool = False,
        log_output: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
        progress_bar: bool = True,
        actor: Actor | None = None,
        kernel_name: str | None = None,
        execution_timeout: int | None = None,
    ) -> "RunResult":
        """Execute a phase notebook (``research``) or a notebook path, and journal the run.

        Args:
            target: a work phase of the flow, or a notebook path.
            parameters: values for the notebook's declared parameters.
            from_text: the values are text (typed on a command line or in a form): each
                is converted to its declared default's type, and unknown names are refused
                before anything runs.
            force: run even if the inputs equal those of the last successful run.
            log_output: stream cell outputs to the ``papermill`` logger.
            on_progress: called as ``on_progress(done_cells, total_cells)``.
            progress_bar: show papermill's progress bar.
            actor: who ran it (default: the local user, unverified).
            kernel_name: override the notebook's kernel.
            execution_timeout: seconds a cell may run.

        Returns:
            The run's result (``succeeded`` or ``cached``).

        Raises:
            UnknownWorkbookError, UnknownParameterError, BadInputError: before anything runs.
            WorkbookExecutionError: the notebook raised (the failed run is journaled first).
        """
        from ..runner import run_notebook

        given = dict(parameters or {})
        if from_text and given:
            given = self._typed_parameters(target, given)
        return run_notebook(self, target, given, force=force, log_output=log_output, on_progress=on_progress,
                            progress_bar=progress_bar, actor=actor or default_actor(), kernel_name=kernel_name,
                            execution_timeout=execution_timeout)

    def run_grid(
        self,
        target: str,
        grid: str | Path | list[dict[str, Any]],
        *,
        workers: int | None = None,
        scheduler: str | None = None,
        fail_fast: bool = False,
        force: bool = False,
        progress_bar: bool = True,
        actor: Actor | None = None,
        kernel_name: str | None = None,
        execution_timeout: int | None = None,
    ) -> "GridResult":
        """Run ``target`` once per row of ``grid`` (a CSV/YAML file or a list of mappings); journal each row.

        Failed rows are in the result (``result.ok`` is False); nothing is raised for them.
        See :func:`phasebook.runner.fanout.run_grid` for the executors.
        """
        from ..runner.fanout import run_grid

        return run_grid(self, target, grid, workers=workers, scheduler=scheduler, fail_fast=fail_fast, force=force,
                        progress_bar=progress_bar, actor=actor or default_actor(), kernel_name=kernel_name,
                        execution_timeout=execution_timeout)

    def _typed_parameters(self, target: str, given: dict[str, Any]) -> dict[str, Any]:
        from ..runner.inputs import notebook_digest
        from ..runner.parameters import check_parameters, coerce_value, declared_for
        from ..runner.resolve import resolve

        workbook = resolve(self, target)
        declared = declared_for(self.root, workbook.path, notebook_digest(workbook.content))
        check_parameters(workbook.relpath, given, declared)
        return {k: coerce_value(k, str(v), declared.get(k)) for k, v in given.items()}
