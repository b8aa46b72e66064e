"""The project commands: new, status, show/set, signoff, transitions, history, verify."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.text import Text

from .. import replay
from ..core.errors import PlanSyntaxError, PlanValidationError
from ..core.events import BACKTRACK_REASONS, Actor
from ..core.metrics import metric_label
from ..core.scopecheck import direction_warnings
from ..core.sections import SECTION_MODELS
from ..project import dump_yaml, parse_yaml, validate_section
from .app import cli, console, err_console, open_project, print_json, shown_path
from .integrity import integrity_banner
from .render import render_history, render_status

_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@cli.command(project_option=False)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The project's name (default: the folder's name).")
def new(path: Path, name: str | None) -> None:
    """Create a project in PATH: plan, journal, phase notebooks (files PATH already holds are kept)."""
    from ..project import Project

    project = Project.new(path, name=name)
    console.print(Text.assemble("Created project ", (project.name, "bold"), f" in {project.root}"))
    if project.kept_files:
        console.print(f"Kept your own files (not replaced by phasebook's templates): {', '.join(project.kept_files)}",
                      markup=False, soft_wrap=True)
    where = "" if project.root == Path.cwd().resolve() else f"cd {shown_path(project.root)} && "
    console.print(f"Next: {where}phasebook lab   (the scoping notebook's forms), or {where}phasebook status",
                  markup=False, soft_wrap=True)


@cli.command()
@_json_option
@click.option("--require", "require", multiple=True, metavar="GATE",
              help="Exit 1 unless GATE is approved and fresh (repeatable; for CI checks).")
@click.option("--all", "all_dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Every project under DIR instead, most in need of attention first.")
@click.pass_context
def status(ctx: click.Context, as_json: bool, require: tuple[str, ...] = (), all_dir: Path | None = None) -> None:
    """Show the phase, steps by track, gates and the latest model test."""
    if all_dir is not None:  # the portfolio: its own module (cli/portfolio.py)
        from .portfolio import status_all

        if require:
            raise click.UsageError("--require checks one project: give it without --all (run it per project).")

        return status_all(all_dir, as_json)
    from .tracking import print_registry_warnings
    from ..core.require import unmet_requirements
    from ..tracking import registry_warnings

    project = open_project(ctx)
    st = project.status()
    unmet = unmet_requirements(project.flow, st, list(require))
    report = project.integrity()
    me, my_role = os.environ.get("PHASEBOOK_USER") or None, os.environ.get("PHASEBOOK_ROLE") or None
    waiting = project.waiting_for(me, my_role, st) if (me or my_role) else None
    if as_json:
        mine = {"waiting_for_you": [i.model_dump(mode="json") for i in waiting]} if waiting is not None else {}
        print_json({**st.model_dump(mode="json"), **mine, "registry_warnings": registry_warnings(project),
                    "integrity": {"ok": report.ok, "check": report.check, "message": report.message()},
                    **({"unmet_requirements": unmet} if require else {})})
    else:
        integrity_banner(project, report)
        render_status(console, st, project.flow)
        if waiting is not None:
            from ..core.attention import waiting_line

            who = ", ".join(x for x in (me, (my_role or "").replace("_", " ")) if x)
            console.print(f"{who}: {waiting_line(waiting)}", markup=False, highlight=False, soft_wrap=True)
        print_registry_warnings(console, project)
        for why in unmet:
            err_console.print(f"required: {why}", markup=False, highlight=False, soft_wrap=True)
    replay.answered()  # the whole answer is printed: it may be replayed while nothing it read changes
    if unmet:
        sys.exit(1)


@cli.command()
@click.argument("section", type=str)
@click.option("--template", is_flag=True, help="Print every field of SECTION with its type, allowed values and an "
              "example, as commented YAML to fill in and give to `phasebook set`.")
@click.pass_context
def show(ctx: click.Context, section: str, template: bool) -> None:
    """Print SECTION as YAML (the format `phasebook set` accepts back)."""
    if template:
        from ..core.template import section_template

        if section not in SECTION_MODELS:
            validate_section(section, {})  # raises UnknownSectionError with the list
        click.echo(section_template(section, SECTION_MODELS[section]), nl=False)
        return
    model = open_project(ctx).section(section)
    click.echo(dump_yaml(model.model_dump(mode="json")), nl=False)
    if section == "scope":  # how each parameterised metric reads (comments: `set` takes the output back as is)
        for i, kpi in enumerate(model.kpis):
            for j, m in enumerate(kpi.metrics):
                if (label := metric_label(m.name, m.params)) != m.name:
                    click.echo(f"# kpis.{i}.metrics.{j} ({m.name}) reads: {label}")


@cli.command(name="set")
@click.argument("section", type=str)
@click.option("--file", "file", required=True, help="A YAML file with the section's content ('-' reads standard input).")
@click.pass_context
def set_(ctx: click.Context, section: str, file: str) -> None:
    """Replace SECTION with the content of a YAML file (validated; on error nothing is written)."""
    project = open_project(ctx)
    if section not in SECTION_MODELS:
        validate_section(section, {})  # raises UnknownSectionError with the list
    if file == "-":
        raw, label = sys.stdin.buffer.read(), "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise click.BadParameter(f"{file} does not exist or is not a file.", param_hint="--file")
        raw, label = path.read_bytes(), str(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanSyntaxError(file=label, line=None, column=None, problem=f"not UTF-8 text ({exc.reason})") from None
    data = parse_yaml(text, file=label)
    if data is None:  # an empty file, or `show` failed upstream in a pipe: never wipe a section by accident
        raise PlanValidationError(file=label, errors=[{
            "path": section,
            "message": "the file is empty; nothing was changed. To reset the section to its defaults, write {} in the file",
        }])
    model = validate_section(section, data, file=label)
    project.save_section(section, model)
    console.print(f"Saved {section}.")
    if section == "scope":
        for warning in direction_warnings(model):
            click.echo(f"Warning — {warning['path']}: {warning['message']}.", err=True)
    if section in ("scope", "data_sources"):
        for note in project.scope_feasibility():
            click.echo(f"Warning — {note.kpi}: {note.message}", err=True)


@cli.command()
@click.argument("gate")
@click.option("--as", "name", default=None, help="Who signs (a CLI sign-off is recorded as unverified).")
@click.option("--role", default=None, help="The signer's role, one of the roles of the project's flow (`phasebook flow show`).")
@click.option("--approve", is_flag=True, help="Approve the gate's content as it is now.")
@click.option("--request-changes", is_flag=True, help="Send it back with a comment.")
@click.option("--reject", is_flag=True, help="Reject it with a comment.")
@click.option("-m", "--message", "comment", default="", help="Comment (required to request changes or reject).")
@click.option("--acknowledge", is_flag=True, help="Approve although a gate condition is unmet (e.g. no passing model "
              "test); -m must say why. Journaled with the approval.")
@click.option("--show", is_flag=True, help="Print what the gate covers now and its content hash; record nothing.")
@click.option("--expect-hash", default=None, help="Record only if the content hash is still this (from --show); "
              "otherwise exit 1 and record nothing.")
@click.option("--condition", "conditions", multiple=True, type=int, metavar="FINDING",
              help="Approve with conditions: a finding (number) the approval depends on; repeatable.")
@click.pass_context
def signoff(ctx: click.Context, gate: str, name: str | None, role: str | None, approve: bool, request_changes: bool,
            reject: bool, comment: str, acknowledge: bool, show: bool, expect_hash: str | None,
            conditions: tuple[int, ...] = ()) -> None:
    """Record a sign-off decision on GATE: one of --approve, --request-changes, --reject (`--show` first to see what you approve)."""
    chosen = [d for d, on in (("approve", approve), ("request_changes", request_changes), ("reject", reject)) if on]
    if len(chosen) > 1:
        given = " and ".join("--" + d.replace("_", "-") for d in chosen)
        raise click.UsageError(f"Choose one of --approve, --request-changes or --reject (not {given}).")
    project = open_project(ctx)
    content = project.gate_content(gate)
    if show:
        click.echo(dump_yaml(content["sections"]), nl=False)
        click.echo(f"content hash: {content['content_hash']}")
        return
    if not chosen:
        raise click.UsageError("Choose one of --approve, --request-changes or --reject (or --show to see the content).")
    decision = chosen[0]
    name = (name or "").strip()
    if not name:
        raise click.BadParameter("say who signs, e.g. --as \"product owner\".", param_hint="--as")
    if not role:
        raise click.BadParameter("say in which role you sign, e.g. --role product.", param_hint="--role")
    expected = expect_hash.strip() if expect_hash else content["content_hash"]
    event = project.sign_off(gate, Actor(name=name, role=role, verified=False), decision, comment,
                             acknowledge=acknowledge, expected_hash=expected, conditional_on=list(conditions) or None)
    g = project.status().gates[gate]
    why = f" ({'; '.join(g.reasons)})" if g.reasons else ""
    console.print(f"Recorded {decision.replace('_', ' ')} of {gate} ({', '.join(content['sections'])}; content "
                  f"{event.data['content_hash'][:19]}…) by {name} ({role}, unverified) as entry {event.seq}. "
                  f"Gate is now {g.label}{why}.", markup=False, highlight=False)


@cli.command()
@click.option("--override", default=None, help="Advance although the gate is not approved; the reason is journaled.")
@click.pass_context
def advance(ctx: click.Context, override: str | None) -> None:
    """Move to the next phase (the current gate must be approved and fresh)."""
    event = open_project(ctx).advance(override)
    note = f" (override: {override})" if override else ""
    console.print(f"{event.data['from']} → {event.data['to']}{note}")


@cli.command()
@click.argument("phase")
@click.option("--reason", required=True, type=click.Choice(BACKTRACK_REASONS), help="Why the project goes back.")
@click.option("-m", "--message", "text", default="", help="What happened, for the record.")
@click.pass_context
def backtrack(ctx: click.Context, phase: str, reason: str, text: str) -> None:
    """Go back to an earlier PHASE (model failure, approach failure, goal change)."""
    event = open_project(ctx).backtrack(phase, reason, text)
    console.print(f"{event.data['from']} → {event.data['to']} ({reason})")


@cli.command()
@click.option("-m", "--message", "reason", required=True, help="Why the project is cancelled.")
@click.pass_context
def cancel(ctx: click.Context, reason: str) -> None:
    """Cancel the project, recording why."""
    event = open_project(ctx).cancel(reason)
    console.print(f"Cancelled (was {event.data['from']}).")


@cli.command()
@click.option("--override", default=None, help="Deliver although the post-deployment KPI check is not approved.")
@click.pass_context
def deliver(ctx: click.Context, override: str | None) -> None:
    """Mark the solution delivered (step 4.4)."""
    open_project(ctx).deliver(override)
    console.print("Delivered. `phasebook reopen` starts maintenance.")


@cli.command()
@click.option("-m", "--message", "reason", default="", help="What triggered the maintenance work.")
@click.pass_context
def reopen(ctx: click.Context, reason: str) -> None:
    """Start maintenance after delivery."""
    open_project(ctx).reopen(reason)
    console.print("Now in maintenance.")


@cli.command()
@_json_option
@click.option("--kind", "kinds", multiple=True, help="Only events of this kind (repeatable).")
@click.pass_context
def history(ctx: click.Context, as_json: bool, kinds: tuple[str, ...]) -> None:
    """Show the journal: who decided what, when."""
    project = open_project(ctx)
    events = project.events()
    integrity_banner(project)
    if kinds:
        events = [e for e in events if e.kind in kinds]
    if as_json:
        print_json([e.model_dump(mode="json") for e in events])
    else:
        render_history(console, events)

