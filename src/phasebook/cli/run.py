"""``phasebook run`` (a phase notebook through papermill) and ``phasebook demo``."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from ..core.escape import rich_text
from .app import cli, console, open_project, print_json, shown_path
from ..core.named_errors import ConflictingOptionsError


@cli.command(name="run")
@click.argument("target", metavar="PHASE_OR_NOTEBOOK")
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="KEY VALUE",
              help="Set a notebook parameter (repeatable); values take the declared default's type.")
@click.option("--force", is_flag=True, help="Run even if nothing changed since the last successful run.")
@click.option("--log-output", is_flag=True, help="Stream the cells' outputs to the terminal while running.")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's result as JSON.")
@click.option("--grid", "grid", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="GRID.csv|GRID.yaml",
              help="Run once per row of this grid (columns are parameters); outputs in runs/<phase>/<grid_run_id>/<row>/.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="With --grid: size of the local process pool (default: one per core).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="With --grid: run the rows on this Dask cluster (default: Dask's configured scheduler-address, else a local pool).")
@click.option("--fail-fast", is_flag=True, help="With --grid: stop at the first failed row (rows not finished are cancelled).")
@click.pass_context
def run(ctx: click.Context, target: str, params: tuple[tuple[str, str], ...], force: bool, log_output: bool,
        no_progress: bool, as_json: bool, grid: Path | None, workers: int | None, scheduler: str | None,
        fail_fast: bool) -> None:
    """Execute a phase notebook (scoping, research, development, deployment) or a notebook path.

    The executed notebook goes to runs/<phase>/<run_id>/; the run is journaled.
    A run whose notebook, parameters, plan sections and data files are unchanged
    is skipped and reported as cached (use --force to run anyway).
    """
    project = open_project(ctx)
    if grid is not None:
        from .grid import run_grid_command

        run_grid_command(project, target, grid, params=params, force=force, workers=workers, scheduler=scheduler,
                         fail_fast=fail_fast, progress=not (no_progress or as_json), as_json=as_json)
        return
    if workers or scheduler or fail_fast:

        raise ConflictingOptionsError(options=["--workers, --scheduler or --fail-fast", "a single run"],
            reason="they apply to grid runs only: add --grid GRID.csv")
    if log_output:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = project.run(target, dict(params), from_text=True, force=force, log_output=log_output,
                         progress_bar=not (no_progress or as_json))
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    where = Path(result.output_path)
    try:
        where = where.relative_to(Path.cwd())
    except ValueError:
        pass
    if result.status == "cached":
        console.print(f"cached: {result.notebook} is unchanged since run {result.run_id} "
                      f"(notebook, parameters, plan sections, data files); output: {where}. Use --force to run it again.")
    else:
        console.print(f"succeeded: {result.notebook} in {result.duration_s:.1f} s (run {result.run_id}); output: {where}")


@cli.command(project_option=False)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default="phasebook-demo")
def demo(path: Path) -> None:
    """Build the subscription-churn demo project in PATH and run all four phases.

    Writes seeded data, fills the plan as a team would, runs every phase
    notebook headless (model tests and the drift check are journaled) and
    records the team's decisions so far: scope approved, research validated,
    a backtrack, development in progress with its KPI check waiting for the
    product owner.
    """
    from ..demo import build_demo
    from ..demo.story import WAITING_GATE

    start = time.perf_counter()
    project = build_demo(path, echo=console.print)
    elapsed = time.perf_counter() - start
    status = project.status()
    tests = [e for e in project.events() if e.kind == "model_test"]
    console.print(f"\nDemo project [bold]{rich_text(project.name)}[/] ready in {project.root} ({elapsed:.0f} s).")
    for e in tests:
        verdict = "passes" if e.data.get("passed") else "fails"
        values = ", ".join(f"{r['metric']}={r['value']:.3f}" for r in e.data["results"] if r.get("value") is not None)
        model = e.data["model"] + (f" for {e.data['segment']}" if e.data.get("segment") else "")
        console.print(f"  model test {model}: {values} → {verdict} the scope's hard metrics")
    if status.segments_total:
        console.print(f"  per segment: {status.segments_passed} of {status.segments_total} segments meet every hard metric"
                      " (phasebook status shows the counts per metric)")
    drift = status.latest_drift_check or {}
    if drift:
        console.print(f"  drift check: drifted columns {', '.join(drift.get('drifted_columns', [])) or 'none'}")
    console.print("  gates: " + ", ".join(f"{g.name} {g.label}" for g in status.gates.values()))
    console.print("\nNext (after the cd, every command runs from the project folder):")
    for line in (
        f"cd {shown_path(project.root)}",
        "phasebook status",
        f'phasebook signoff {WAITING_GATE} --as "product owner" --role product --approve -m "Pilot the call list"',
        "phasebook advance",
        "phasebook run research          # cached: nothing changed",
        "phasebook lab                   # JupyterLab on the project, at the scoping notebook",
    ):
        console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)

