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
"""

from __future__ import annotations

from typing import Any, Iterable

from .errors import UnknownPhaseError
from .flow import Flow

__all__ = ["attention"]


def attention(st: Any, flow: Flow, roles: Iterable[str] = ()) -> dict[str, Any]:
    """``{"monitoring_alert", "monitoring_finding", "waiting", "waiting_for_you", "roles"}`` for ``st``."""
    mine = sorted({r for r in roles if r})
    try:
        reached = flow.order(st.phase)
    except UnknownPhaseError:  # a phase the flow no longer knows: nothing is reached
        reached = -1
    done = any(flow.is_kind(st.phase, k) for k in ("done", "upkeep"))
    waiting = []
    for name, g in st.gates.items():
        if g.state == "approved" or not g.missing_roles:
            continue
        try:
            in_reach = done or flow.order(g.phase) <= reached
        except UnknownPhaseError:
            in_reach = False
        if in_reach:
            waiting.append({"gate": name, "title": g.title, "state": g.state, "roles": list(g.missing_roles)})
    return {
        "monitoring_alert": st.monitoring.state == "alerting",
        "monitoring_finding": st.monitoring.finding,
        "waiting": waiting,
        "waiting_for_you": [w["gate"] for w in waiting if set(w["roles"]) & set(mine)],
        "roles": mine,
    }
