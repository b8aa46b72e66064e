"""``phasebook run PHASE --grid GRID``: the grid half of ``phasebook run`` (see :mod:`phasebook.runner.fanout`)."""

from __future__ import annotations

from pathlib import Path

from .app import console, print_json
from ..core.named_errors import ConflictingOptionsError

__all__ = ["run_grid_command"]


def run_grid_command(project, target: str, grid: Path, *, params: tuple[tuple[str, str], ...], force: bool,
                     workers: int | None, scheduler: str | None, fail_fast: bool, progress: bool, as_json: bool) -> None:
    """Run the grid, print one line per failed row and a summary; exit 1 if a row failed."""
    from ..core.errors import GridRowsFailedError

    if params:
        raise ConflictingOptionsError(options=["--grid", "-p " + " ".join(k for k, _ in params)],
            reason="with --grid, parameters come from the grid's columns: add a column instead")
    result = project.run_grid(target, grid, workers=workers, scheduler=scheduler, fail_fast=fail_fast, force=force,
                              progress_bar=progress)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        for row in result.failed:
            e = row.error
            where = f"cell {e.cell_index}" if e and e.cell_index is not None else "before any cell"
            console.print(f"[red]failed[/]: row {row.key} (grid row {row.number}) in {where}: "
                          f"{e.ename if e else '?'}: {e.evalue if e else ''} — output: {row.output_path}",
                          highlight=False)
        counts = ", ".join(f"{result.count(s)} {s}" for s in ("succeeded", "cached", "failed", "cancelled") if result.count(s))
        console.print(f"grid {result.grid_run_id}: {len(result.rows)} rows of {result.notebook} on {result.executor} "
                      f"in {result.duration_s:.1f} s: {counts}. Outputs in runs/{result.phase or 'other'}/{result.grid_run_id}/.",
                      highlight=False)
    if not result.ok:
        raise GridRowsFailedError(grid_run_id=result.grid_run_id, failed=[r.key for r in result.failed],
                                  cancelled=[r.key for r in result.rows if r.status == "cancelled"], quiet=as_json)
