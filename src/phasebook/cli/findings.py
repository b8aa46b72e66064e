"""``phasebook finding add|resolve|accept|reopen|list``: findings against a gate, from the terminal.

Each step goes through the :class:`~phasebook.project.Project` finding
methods (the rules live in :mod:`phasebook.core.findings`); a CLI step is
recorded as unverified, under the name given with ``--as``.
"""

from __future__ import annotations

import click

from ..core.events import Actor
from ..core.findings import SEVERITIES
from .app import cli, console, open_project, print_json

__all__ = ["finding"]

_as = click.option("--as", "name", required=True, help="Who takes this step (recorded as unverified).")
_role = click.option("--role", default=None, help="The role you act in (product, data_science, …).")


def _actor(name: str, role: str | None) -> Actor:
    name = (name or "").strip()
    if not name:
        raise click.BadParameter('say who you are, e.g. --as "product owner".', param_hint="--as")
    return Actor(name=name, role=role or None, verified=False)


@cli.group()
def finding() -> None:
    """Findings: what a reviewer wants fixed at a gate (blocking or not), resolved, accepted or reopened."""


@finding.command("add")
@click.argument("gate")
@click.option("-m", "--what", "what", required=True, help="What must be fixed.")
@click.option("--severity", type=click.Choice(SEVERITIES), default="blocking", show_default=True,
              help="blocking: the gate cannot be approved while it is open.")
@click.option("--owner", required=True, help="The role or person who resolves it.")
@click.option("--due", default=None, help="Due date (2026-12-31) or time (ISO 8601); needed for a condition.")
@click.option("--evidence", default="", help="What shows the problem (a link).")
@_as
@_role
@click.pass_context
def add(ctx, gate, what, severity, owner, due, evidence, name, role) -> None:
    """Raise a finding against GATE."""
    event = open_project(ctx).raise_finding(gate, what, severity=severity, owner=owner, due=due, evidence=evidence,
                                            actor=_actor(name, role))
    console.print(f"Raised finding #{event.seq} ({severity.replace('_', '-')}) on {gate}, owner {event.data['owner']}"
                  + (f", due {event.data['due']}" if event.data.get("due") else "") + ".", markup=False, highlight=False, soft_wrap=True)


def _step(ctx, step: str, number: int, note: str, name: str, role: str | None, evidence: str = "") -> None:
    project = open_project(ctx)
    actor = _actor(name, role)
    if step == "resolve":
        event = project.resolve_finding(number, note, evidence=evidence, actor=actor)
    elif step == "accept":
        event = project.accept_finding(number, note, actor=actor)
    else:
        event = project.reopen_finding(number, note, actor=actor)
    gate = project.status().gates[event.data["gate"]]
    console.print(f"Finding #{number} {event.kind.removeprefix('finding_')} (entry {event.seq}). "
                  f"Gate {gate.name} is {gate.state}.", markup=False, highlight=False, soft_wrap=True)


@finding.command("resolve")
@click.argument("number", type=int)
@click.option("-m", "--note", required=True, help="How it was resolved.")
@click.option("--evidence", default="", help="A link that shows it (only https links are shown clickable).")
@_as
@_role
@click.pass_context
def resolve(ctx, number, note, evidence, name, role) -> None:
    """The owner resolves finding NUMBER."""
    _step(ctx, "resolve", number, note, name, role, evidence)


@finding.command("accept")
@click.argument("number", type=int)
@click.option("-m", "--note", default="", help="A note for the record.")
@_as
@_role
@click.pass_context
def accept(ctx, number, note, name, role) -> None:
    """A reviewer accepts the resolution of finding NUMBER."""
    _step(ctx, "accept", number, note, name, role)


@finding.command("reopen")
@click.argument("number", type=int)
@click.option("-m", "--note", required=True, help="Why it is reopened.")
@_as
@_role
@click.pass_context
def reopen(ctx, number, note, name, role) -> None:
    """A reviewer reopens finding NUMBER."""
    _step(ctx, "reopen", number, note, name, role)


@finding.command("list")
@click.option("--gate", default=None, help="Only this gate's findings.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def list_(ctx, gate, as_json) -> None:
    """List the findings, with their state."""
    found = open_project(ctx).findings(gate)
    if as_json:
        print_json([f.model_dump(mode="json") for f in found])
        return
    if not found:
        console.print("No findings.")
        return
    for f in found:
        due = f" due {f.due}" if f.due else ""
        console.print(f"#{f.id} [{f.state}] {f.gate} {f.severity.replace('_', '-')} owner {f.owner}{due}: {f.what}",
                      markup=False, highlight=False, soft_wrap=True)
