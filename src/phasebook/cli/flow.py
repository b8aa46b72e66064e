"""``phasebook flow show`` and ``phasebook flow check FILE``: the flow a project follows, and a flow file's validity."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from .app import cli, console, open_project, print_json

__all__ = ["flow"]


@cli.group()
def flow() -> None:
    """The project's flow: phases, steps, gates and each gate's policy (a file a team can change)."""


@flow.command(name="show")
@click.option("--json", "as_json", is_flag=True, help="Print the flow as JSON (the format a flow file takes).")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the flow the project follows, with its hash."""
    from ..core.flow import flow_hash

    project = open_project(ctx)
    f = project.flow
    if as_json:
        print_json(f.model_dump(mode="json"))
        return
    console.print(Text(f"{f.title} · version {f.version} · {flow_hash(f)}"))
    phases = Table(title="Phases")
    for col in ("phase", "kind", "gate", "notebook"):
        phases.add_column(col)
    for p in f.phases:
        phases.add_row(p.name, p.kind, p.gate or "-", p.notebook or "-")
    console.print(phases)
    steps = Table(title="Steps")
    for col in ("step", "phase", "title", "tracks", "kind", "sections"):
        steps.add_column(col)
    for s in f.steps:
        steps.add_row(s.id, s.phase, s.title, ", ".join(f.title_of(t) for t in s.tracks), s.kind, ", ".join(s.sections) or "-")
    console.print(steps)
    console.print(Text("Gates and their policy", style="italic"))
    for g in f.gates:
        approvals = ", ".join(f"{g.needed(r)} × {r}" for r in g.roles)
        conditions = "; ".join(c.title or c.kind for c in g.conditions) or "none"
        console.print(Text(f"  {g.name} ({g.step}, closes {g.phase}): covers {', '.join(g.covers)}; approvals: "
                           f"{approvals}; verified sign-offs only: {'yes' if g.require_verified else 'no'}; "
                           f"conditions: {conditions}"), soft_wrap=True)


@flow.command(name="check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the validated flow as JSON.")
def check(file: Path, as_json: bool) -> None:
    """Validate a flow file (YAML or JSON); every problem is named by its field path. Exit 2 if invalid."""
    from ..core.flow import flow_hash
    from ..project import Project

    f = Project.load_flow(file)
    if as_json:
        print_json(f.model_dump(mode="json"))
        return
    console.print(Text(f"{file}: a valid flow — version {f.version}, {len(f.work_phases)} work phases "
                       f"({', '.join(f.work_phases)}), {len(f.gates)} gates, {flow_hash(f)}"))
    console.print(Text("To follow it, put the file in the project and run `phasebook flow use FILE`."))


@flow.command(name="use")
@click.argument("name")
@click.pass_context
def use(ctx: click.Context, name: str) -> None:
    """Follow NAME: a shipped flow version or a flow file in the project (journaled; approvals of changed gates go stale)."""
    project = open_project(ctx)
    event = project.use_flow(name)
    changed = ", ".join(event.data.get("gates_changed", [])) if event else ""
    console.print(Text(f"The project follows {project.flow.version} ({name})."
                       + (f" Gate policies changed: {changed}." if changed else " No gate policy changed.")))
