"""What needs a person's attention: the fields the JupyterLab sidebar badges (and toasts) render.

A pure function of a folded status and the roles the current person holds;
the server adds its result to the status JSON as ``attention`` and the
sidebar only shows it:

* ``monitoring_alert`` — the project's monitoring is alerting
  (:mod:`.monitoring`), with the open finding the alert raised;
* ``waiting_for_you`` — the gates, in phases the project has reached, that
  are not approved and still miss one of ``roles`` (fresh approvals count;
  a stale or lapsed gate waits again);
* ``waiting`` — every such gate with the roles it waits for, whoever you are
  (a person the server cannot place in a role still sees what waits).

What waits for one person, item by item (:func:`waiting_for`): given the folded status, the findings and a person (name and role), list
what that person should do next, most urgent first:

* ``resign`` — their own approval of a gate went stale (the content or the
  policy changed since): sign again;
* ``sign`` — a reached gate that is not approved still misses a fresh
  approval from their role (and they have not approved it already);
* ``delegated`` — a gate delegated to them (by name) that still misses the
  delegated role;
* ``finding`` — an open finding they own (by name or by role), overdue first.

A gate is *reached* when its phase is the current one or an earlier one
(:func:`~.status.reached`); later gates wait for nobody yet. The overview,
the sign-off pages, ``phasebook status`` and the server's sidebar JSON call
:func:`waiting_for`; none decides on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Literal

from pydantic import BaseModel

from .events import Event, clock
from .findings import Finding
from .flow import Flow

__all__ = ["attention", "WaitingItem", "waiting_for", "waiting_line"]

Kind = Literal["resign", "sign", "delegated", "finding"]
_ORDER = {"resign": 0, "sign": 1, "delegated": 2, "finding": 3}


class WaitingItem(BaseModel):
    """One thing a person should do: sign a gate again, sign it, sign it for someone, or settle a finding."""

    kind: Kind
    gate: str
    #: the gate's step and title ("1.5 Scope & KPIs approval")
    step: str
    title: str
    #: a plain sentence for every surface (no markup)
    text: str
    #: the role the person acts in (their own, or the delegated one)
    role: str | None = None
    finding: int | None = None
    overdue: bool = False


def _norm(text: str | None) -> str:
    return (text or "").strip().replace("_", " ").casefold()


def waiting_for(status, findings: Iterable[Finding], name: str | None, role: str | None, flow: Flow,
                events: Iterable[Event] = (), now: dt.datetime | None = None) -> list[WaitingItem]:
    """What waits for ``name`` in ``role`` (either may be None: nothing is matched on it), most urgent first.

    Args:
        status: the folded :class:`~.status.ProjectStatus`.
        findings: the project's findings (:func:`~.findings.fold_findings`).
        name: the person's name as signatures and delegations record it.
        role: the role they hold (a flow role), or None.
        flow: the project's flow (which gates are reached).
        events: the journal (delegations to ``name``).
        now: the time delegations and due dates are judged at (default: now, UTC).
    """
    from .gates import delegation_for
    from .status import reached

    now = now or clock()
    at = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    events = list(events)
    out: list[WaitingItem] = []
    for g in status.gates.values():
        head = f"{g.step} {g.title}"
        mine = [s for s in g.signoffs if name and s.name == name and s.decision == "approve"]
        stale = [s for s in mine if not s.fresh or s.policy_changed]
        if stale:
            why = "its policy changed" if stale[-1].policy_changed else (
                ", ".join(g.changed_sections) or "the covered content") + " changed"
            out.append(WaitingItem(kind="resign", gate=g.name, step=g.step, title=g.title, role=stale[-1].role,
                                   text=f"{head}: your approval is stale ({why} since); review and sign again"))
            continue
        if g.state == "approved" or not reached(flow, status.phase, g.phase):
            continue
        signed_fresh = any(s.fresh and s.counts for s in mine)
        if role and role in g.missing_roles and not signed_fresh:
            out.append(WaitingItem(kind="sign", gate=g.name, step=g.step, title=g.title, role=role,
                                   text=f"{head}: waiting for your approval ({_norm(role)})"))
            continue
        grant = delegation_for(events, g.name, name, at) if name else None
        if grant is not None and grant.data.get("role") in g.missing_roles and not signed_fresh:
            by = grant.actor.name
            out.append(WaitingItem(kind="delegated", gate=g.name, step=g.step, title=g.title,
                                   role=str(grant.data.get("role")),
                                   text=f"{head}: delegated to you by {by} until {str(grant.data.get('until'))[:10]}"))
    who = {_norm(name), _norm(role)} - {""}
    for f in findings:
        if f.is_open and _norm(f.owner) in who:
            g = status.gates.get(f.gate)
            overdue = f.overdue(now)
            due = f" — overdue since {f.due}" if overdue else (f", due {f.due}" if f.due else "")
            out.append(WaitingItem(kind="finding", gate=f.gate, step=g.step if g else "", title=g.title if g else f.gate,
                                   finding=f.id, overdue=overdue,
                                   text=f"finding #{f.id} on {g.step if g else f.gate}: {f.what}{due}"))
    return sorted(out, key=lambda i: (_ORDER[i.kind], not i.overdue))


def waiting_line(items: list[WaitingItem]) -> str:
    """The one-line summary surfaces print: ``waiting for you: 1.5 Scope approval; finding #2 …`` ("nothing waits for you" when none)."""
    if not items:
        return "nothing waits for you"
    return "waiting for you: " + "; ".join(i.text for i in items)


def attention(st: Any, flow: Flow, roles: Iterable[str] = ()) -> dict[str, Any]:
    """``{"monitoring_alert", "monitoring_finding", "waiting", "waiting_for_you", "roles"}`` for ``st``.

    A gate waits when it is reached (:func:`~.status.reached`, the same rule as
    :func:`waiting_for`), not approved, and still misses a role.
    """
    from .status import reached

    mine = sorted({r for r in roles if r})
    waiting = [{"gate": name, "title": g.title, "state": g.state, "roles": list(g.missing_roles)}
               for name, g in st.gates.items()
               if g.state != "approved" and g.missing_roles and reached(flow, st.phase, g.phase)]
    return {
        "monitoring_alert": st.monitoring.state == "alerting",
        "monitoring_finding": st.monitoring.finding,
        "waiting": waiting,
        "waiting_for_you": [w["gate"] for w in waiting if set(w["roles"]) & set(mine)],
        "roles": mine,
    }
