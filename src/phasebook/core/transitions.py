"""Transitions between phases, as pure functions of the flow and the status.

``advance`` / ``deliver`` (through the phase's gate, or an override),
``backtrack`` (to an earlier work phase, with a reason), ``cancel`` (from
anywhere), ``reopen`` (upkeep after delivery). Each ``plan_*`` function
returns the event to journal — ``(kind, data)`` — or raises the error that
says why not; :class:`~phasebook.project.Project` only appends what they
return. :func:`gate_resets` says what a backtrack makes stale: the gate of
the phase gone back to and every later one (and an alerting monitoring
check: the post-deployment KPI check). No phase is named here: the
flow's phase kinds (``work``, ``done``, ``upkeep``, ``stopped``) decide.
"""

from __future__ import annotations

from typing import Any

from .errors import GateNotSatisfiedError, InvalidDecisionError, InvalidTransitionError, StaleApprovalError
from .events import BACKTRACK_REASONS, Event
from .flow import Flow
from .gates import GateStatus

__all__ = ["plan_advance", "plan_backtrack", "plan_cancel", "plan_reopen", "gate_resets", "check_signable"]


def gate_resets(flow: Flow, events: list[Event]) -> dict[str, Event]:
    """Gate name → the latest backtrack that reopened it (to its phase or an earlier one), or the latest
    alerting monitoring check for the gates it stales (:func:`~.monitoring.alert_gates`)."""
    from .monitoring import alert_gates

    resets: dict[str, Event] = {}
    names = {p.name for p in flow.phases}
    gates = {g.name for g in flow.gates}
    for e in events:
        target = e.data.get("to")
        if e.kind == "backtrack" and target in names:
            for g in flow.gates:
                if flow.order(g.phase) >= flow.order(target):
                    resets[g.name] = e
        elif e.kind == "monitoring_check" and e.data.get("alerting") and e.data.get("outcome") != "failed":
            for name in set(alert_gates(flow)) & gates:
                resets[name] = e
    return resets


def plan_advance(flow: Flow, phase: str, gates: dict[str, GateStatus],
                 override: str | None = None) -> tuple[str, dict[str, Any]]:
    """The event that moves a work phase on through its gate (``deliver`` after the last one).

    Raises:
        InvalidTransitionError: the project is not in a work phase.
        StaleApprovalError: the gate's approval no longer matches what it covers.
        GateNotSatisfiedError: the gate is pending, rejected or has changes requested.
    """
    if phase not in flow.work_phases:
        hint = ""
        if flow.is_kind(phase, "done") and flow.phase_of_kind("upkeep"):
            hint = f" Reopen it to start {flow.phase_of_kind('upkeep')}."
        raise InvalidTransitionError(
            reason=f"The project is {phase}; advance only moves through {', '.join(flow.work_phases)}.{hint}")
    gate = gates[flow.phase(phase).gate]
    override = (override or "").strip() or None
    if override is None:
        if gate.state == "stale":
            raise StaleApprovalError(phase=phase, gate=gate.name, changed_sections=gate.changed_sections,
                                     missing_roles=gate.missing_roles)
        if gate.state != "approved":
            raise GateNotSatisfiedError(phase=phase, gate=gate.name, state=gate.state,
                                        missing_roles=gate.missing_roles, blocking="; ".join(gate.reasons))
    target = flow.next_phase(phase)
    data: dict[str, Any] = {"from": phase, "to": target, "gate": gate.name, "gate_state": gate.state}
    if override:
        data["override"] = override
    return ("deliver" if flow.is_kind(target or "", "done") else "advance"), data


def plan_backtrack(flow: Flow, current: str, phase: str, reason: str, text: str = "") -> tuple[str, dict[str, Any]]:
    """The event that goes back to an earlier work phase."""
    flow.phase(phase)
    if reason not in BACKTRACK_REASONS:
        raise InvalidDecisionError(reason=f"Unknown backtrack reason {reason!r}; use one of: {', '.join(BACKTRACK_REASONS)}.")
    if phase not in flow.work_phases:
        raise InvalidTransitionError(reason=f"Backtrack goes to a work phase ({', '.join(flow.work_phases)}), not {phase}.")
    if flow.is_kind(current, "stopped"):
        raise InvalidTransitionError(reason="The project is cancelled; it cannot move.")
    if current in flow.work_phases and flow.order(phase) >= flow.order(current):
        raise InvalidTransitionError(reason=f"Backtrack goes to an earlier phase; {phase} is not before {current}.")
    return "backtrack", {"from": current, "to": phase, "reason": reason, "text": text.strip()}


def plan_cancel(flow: Flow, current: str, reason: str) -> tuple[str, dict[str, Any]]:
    """The event that ends the project."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidDecisionError(reason="Say why the project is cancelled: the record is for whoever asks later.",
                                   needs="comment")
    if flow.is_kind(current, "stopped"):
        raise InvalidTransitionError(reason="The project is already cancelled.")
    return "cancel", {"from": current, "to": flow.phase_of_kind("stopped"), "reason": reason}


def plan_reopen(flow: Flow, current: str, reason: str = "") -> tuple[str, dict[str, Any]]:
    """The event that starts upkeep (maintenance) after delivery."""
    upkeep = flow.phase_of_kind("upkeep")
    if not flow.is_kind(current, "done") or upkeep is None:
        raise InvalidTransitionError(reason=f"Only a delivered project can be reopened; this one is {current}.")
    return "reopen", {"from": current, "to": upkeep, "reason": (reason or "").strip()}


def check_signable(flow: Flow, gate_phase: str, current: str) -> None:
    """Refuse a sign-off on a cancelled project or on a gate of a later phase than the current one."""
    if flow.is_kind(current, "stopped"):
        raise InvalidTransitionError(reason="The project is cancelled; nothing can be signed.")
    if current in flow.work_phases and flow.order(gate_phase) > flow.order(current):
        raise InvalidTransitionError(
            reason=f"The gate closes the {gate_phase} phase; the project is in {current}. "
            f"Sign it once the project reaches {gate_phase}.")
