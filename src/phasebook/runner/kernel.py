"""The papermill engine: one notebook executed in a fresh kernel, the output always written.

The only module that calls papermill. :func:`execute_papermill` is used by
both :mod:`.execute` (one run, in this process) and :mod:`.executors` (grid
rows in a pool or on Dask), so neither imports the other.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from .models import RunError
from .resolve import Workbook

__all__ = ["execute_papermill", "env_kernel_manager", "total_cells"]

Progress = Callable[[int, int], None]


def total_cells(content: dict[str, Any]) -> int:
    cells = content.get("cells", [])
    injected = any("injected-parameters" in (c.get("metadata") or {}).get("tags", []) for c in cells)
    return len(cells) + (0 if injected else 1)


def env_kernel_manager(extra_env: dict[str, str], ipc_path: str | None = None) -> type:
    """A ``KernelManager`` class whose kernels start with ``extra_env`` added to their environment.

    With ``ipc_path`` the kernel talks over Unix sockets named from it instead of TCP: kernels
    started at the same moment by several workers then cannot pick the same free port (with TCP
    they can, and the loser never answers).
    """
    from jupyter_client.manager import KernelManager

    class _PhasebookKernelManager(KernelManager):
        async def _async_pre_start_kernel(self, **kw: Any):  # type: ignore[override]
            if ipc_path:
                self.transport, self.ip = "ipc", ipc_path
            env = dict(kw.pop("env", None) or os.environ)
            env.update(extra_env)
            if any("ipykernel" in part for part in self.kernel_spec.argv):
                # the kernel's own plumbing log (e.g. "KeyboardInterrupt caught in kernel." when jupyter_client
                # interrupts it on shutdown) is not the user's business; a failure still fails the run
                kw["extra_arguments"] = [*kw.get("extra_arguments", []), "--IPKernelApp.log_level=CRITICAL"]
            return await super()._async_pre_start_kernel(env=env, **kw)

    return _PhasebookKernelManager


def execute_papermill(
    workbook: Workbook,
    output: Path,
    parameters: dict[str, Any],
    *,
    log_output: bool,
    on_progress: Progress | None,
    progress_bar: bool,
    kernel_name: str | None,
    execution_timeout: int | None,
    kernel_env: dict[str, str] | None = None,
    kernel_ipc: str | None = None,
) -> RunError | None:
    """Run papermill; return None on success or the error (the output notebook exists either way).

    ``kernel_env`` adds variables to the kernel's environment only (grid rows: their outbox);
    ``kernel_ipc`` makes the kernel use Unix sockets at that path (parallel rows: no TCP port races).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    total = total_cells(workbook.content)
    extra: dict[str, Any] = {}
    if on_progress is not None:
        def hook(cell=None, cell_index=None, **_: Any) -> None:
            on_progress(min(total, (cell_index or 0) + 1), total)

        extra["on_cell_complete"] = hook
    if execution_timeout is not None:
        extra["execution_timeout"] = execution_timeout
    # Unix sockets, never TCP: nothing to eavesdrop on, no port races, and no "Kernel is running over
    # TCP without encryption" warning from every kernel on the user's terminal.
    sockets = None if kernel_ipc else tempfile.mkdtemp(prefix="pbk-")  # short: socket paths are limited to ~100 bytes
    extra["kernel_manager_class"] = env_kernel_manager(kernel_env or {}, kernel_ipc or os.path.join(sockets, "k"))
    try:
        papermill.execute_notebook(
            str(workbook.path), str(output), parameters=parameters, progress_bar=progress_bar,
            log_output=log_output, kernel_name=kernel_name, **extra,
            # the kernel starts in the notebook's folder, as in JupyterLab; unlike papermill's
            # cwd=, this does not chdir the whole process (the server runs notebooks in threads)
            resources={"metadata": {"path": str(workbook.path.parent)}},
        )
    except PapermillExecutionError as exc:
        return RunError(cell_index=exc.cell_index, exec_count=exc.exec_count, ename=exc.ename, evalue=str(exc.evalue))
    except Exception as exc:  # kernel died, timeout, missing kernel: still a journaled failure
        if not output.exists():
            import nbformat

            nbformat.write(nbformat.reads(_json(workbook.content), as_version=4), str(output))
        return RunError(cell_index=None, ename=type(exc).__name__, evalue=str(exc))
    finally:
        if sockets:
            shutil.rmtree(sockets, ignore_errors=True)
    if on_progress is not None:
        on_progress(total, total)
    return None


def _json(content: dict[str, Any]) -> str:
    return json.dumps(content)
