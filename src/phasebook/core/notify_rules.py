"""Which notifications a change of status raises: a pure function of two status snapshots.

A snapshot is ``{"gates": {gate: state}, "monitoring": state}``; the events:

* ``gate_stale`` — an approved gate became stale (its content changed);
* ``gate_decided`` — a gate became approved or rejected;
* ``gate_waiting`` — the current phase's gate became pending with roles still to sign,
  or the project entered the phase of a pending gate;
* ``monitoring_alerting`` — monitoring became alerting;
* ``run_failed`` — a run or grid run journaled as failed (from the event itself);
* ``timebox_overrun`` — the phase the scope's timebox boxes ran past it (a clock
  event, not a status change: :func:`timebox_change`, once per overrun period).
"""

from __future__ import annotations

from typing import Any

from .status import ProjectStatus

__all__ = ["EVENT_KINDS", "snapshot", "changes", "timebox_change"]

EVENT_KINDS = ("gate_waiting", "gate_stale", "gate_decided", "run_failed", "monitoring_alerting", "timebox_overrun")


def snapshot(st: ProjectStatus) -> dict[str, Any]:
    """The parts of a status notifications compare."""
    return {"phase": st.phase, "gates": {n: g.state for n, g in st.gates.items()}, "monitoring": st.monitoring.state}


def changes(before: dict[str, Any] | None, st: ProjectStatus, event: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Notifications between ``before`` (None: nothing known yet, only the journaled event counts) and ``st``."""
    out: list[dict[str, Any]] = []
    if event and event.get("kind") in ("run", "grid_run") and event.get("data", {}).get("status") == "failed":
        out.append({"event": "run_failed", "gate": None, "roles": [], "summary": f"a {event['kind']} failed"})
    if before is None:
        return out
    old = before.get("gates", {})
    for name, g in st.gates.items():
        was = old.get(name)
        entered = before.get("phase") != st.phase and g.phase == st.phase  # the project reached the gate's phase
        if was == g.state and not entered:
            continue
        if was == g.state:  # unchanged, but the project just reached its phase
            if g.state == "pending" and g.missing_roles:
                out.append({"event": "gate_waiting", "gate": name, "roles": list(g.missing_roles),
                            "summary": f"{g.title}: waiting for {', '.join(g.missing_roles)}"})
        elif was == "approved" and g.state == "stale":
            out.append({"event": "gate_stale", "gate": name, "roles": list(g.roles),
                        "summary": f"{g.title}: changed since approval ({', '.join(g.changed_sections)})"})
        elif g.state in ("approved", "rejected"):
            out.append({"event": "gate_decided", "gate": name, "roles": list(g.roles), "summary": f"{g.title}: {g.state}"})
        elif g.state == "pending" and g.phase == st.phase and g.missing_roles:
            out.append({"event": "gate_waiting", "gate": name, "roles": list(g.missing_roles),
                        "summary": f"{g.title}: waiting for {', '.join(g.missing_roles)}"})
    if st.monitoring.state == "alerting" and before.get("monitoring") != "alerting":
        gate = next(iter(st.monitoring.gates), "")  # the flow's gate that an alert stales (core.monitoring)
        roles = list(st.gates[gate].roles) if gate in st.gates else []
        out.append({"event": "monitoring_alerting", "gate": gate, "roles": roles,
                    "summary": (st.monitoring.alert or {}).get("finding", "monitoring alert")})
    return out


def timebox_change(overrun: dict[str, Any] | None, st: ProjectStatus, already: set[str]) -> dict[str, Any] | None:
    """The ``timebox_overrun`` notification for ``overrun`` (:func:`~.timebox.timebox_overrun`), unless its
    period is in ``already`` (the overruns notified before). It goes to the roles of the boxed phase's gate."""
    if overrun is None or f"{overrun['phase']}#{overrun['period']}" in already:
        return None
    gate = next((g for g in st.gates.values() if g.phase == overrun["phase"]), None)
    return {"event": "timebox_overrun", "gate": gate.name if gate else None, "roles": list(gate.roles) if gate else [],
            "period": f"{overrun['phase']}#{overrun['period']}",
            "summary": f"{overrun['title']}: the timebox ended {overrun['ends'][:10]} "
                       f"({overrun['days_over']} days ago) and the project is still in this phase"}
