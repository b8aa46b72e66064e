"""Project status = fold(plan, journal).

Nothing here is stored: the current phase, each gate's state (pending,
approved, stale, changes requested, rejected), step progress and the KPI
scoreboard are derived from the plan's sections and the journal's events
every time, so they can never disagree with what was decided.

Gate rules:

* the latest decision of each signer (name + role) counts;
* a ``reject`` or ``request_changes`` blocks the gate while the content it
  judged is unchanged (state ``rejected`` / ``changes_requested``); once
  the covered content changes it no longer blocks;
* the gate is ``approved`` when every required role has a current approval
  whose content hash equals today's; ``stale`` when each required role has
  an approval but one of them judged other content; else ``pending``;
* going back (``backtrack``) to a phase reopens its gate and every later
  one: decisions made before the backtrack judged a solution the team has
  since abandoned, so they count as stale until people sign again.
"""

from __future__ import annotations

from typing import Any, Iterable, Literal

from pydantic import BaseModel, Field

from .events import Event
from .flow import Flow, Gate
from .hashing import content_hash
from .kpis import SegmentCounts, segment_counts
from .sections import SECTION_MODELS

__all__ = [
    "GateState",
    "Signoff",
    "GateStatus",
    "StepStatus",
    "ProjectStatus",
    "section_value",
    "covered_content",
    "fold",
    "phase_of",
    "TRANSITIONS",
]

GateState = Literal["pending", "approved", "stale", "changes_requested", "rejected"]
TRANSITIONS = ("advance", "backtrack", "cancel", "deliver", "reopen")


class Signoff(BaseModel):
    seq: int
    at: str
    name: str
    role: str | None
    verified: bool
    decision: str
    comment: str = ""
    content_hash: str
    fresh: bool


class GateStatus(BaseModel):
    name: str
    title: str
    step: str
    phase: str
    state: GateState
    roles: list[str]
    missing_roles: list[str] = Field(default_factory=list)
    changed_sections: list[str] = Field(default_factory=list)
    signoffs: list[Signoff] = Field(default_factory=list)
    content_hash: str


class StepStatus(BaseModel):
    id: str
    title: str
    phase: str
    tracks: list[str]
    kind: str
    status: Literal["done", "todo", "blocked"]
    gate: str | None = None


class ProjectStatus(BaseModel):
    name: str
    flow_version: str
    phase: str
    previous_phase: str | None = None
    gates: dict[str, GateStatus]
    steps: list[StepStatus]
    latest_model_test: dict[str, Any] | None = None
    model_tests: int = 0
    decisions: list[dict[str, Any]] = Field(default_factory=list)
    recent_runs: list[dict[str, Any]] = Field(default_factory=list)
    data_checks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    latest_drift_check: dict[str, Any] | None = None
    journal_entries: int = 0
    #: per-segment model tests (a model per customer / region): hard metric → how many segments'
    #: latest test meets today's target; ``segments_passed`` of ``segments_total`` meet every one
    segments: dict[str, SegmentCounts] = Field(default_factory=dict)
    segments_total: int = 0
    segments_passed: int = 0
    #: gate → the latest review of real outputs (soft metrics measured; :func:`~.reviews.review_state`)
    reviews: dict[str, dict[str, Any]] = Field(default_factory=dict)


def section_value(plan: dict[str, Any], path: str) -> Any:
    """Resolve a section path such as ``kpi_review.development`` in a plan dump."""
    value: Any = plan
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _latest(events: Iterable[Event], kind: str) -> Event | None:
    found = None
    for e in events:
        if e.kind == kind:
            found = e
    return found


def covered_content(gate: Gate, plan: dict[str, Any], events: list[Event]) -> dict[str, Any]:
    """The content a sign-off of ``gate`` approves: covered sections and latest measurements.

    Returns:
        ``{"sections": {path: value}, "section_hashes": {path: hash},
        "measurements": {kind: entry hash or None}, "content_hash": hash}``.
    """
    sections = {p: section_value(plan, p) for p in gate.covers}
    hashes = {p: content_hash(v) for p, v in sections.items()}
    measurements = {}
    for kind in gate.measurements:
        ev = _latest(events, kind)
        measurements[kind] = ev.hash if ev else None
    digest = content_hash({"sections": hashes, "measurements": measurements})
    return {"sections": sections, "section_hashes": hashes, "measurements": measurements, "content_hash": digest}


def _gate_status(gate: Gate, plan: dict[str, Any], events: list[Event], reset: Event | None = None) -> GateStatus:
    """One gate's state; ``reset`` is the latest backtrack that reopened it (decisions before it are stale)."""
    current = covered_content(gate, plan, events)
    reset_seq = reset.seq if reset is not None else 0
    latest: dict[tuple[str, str | None], Event] = {}
    for e in events:
        if e.kind == "sign_off" and e.data.get("gate") == gate.name:
            latest[(e.actor.name, e.actor.role)] = e
    signoffs = [
        Signoff(
            seq=e.seq, at=e.at, name=e.actor.name, role=e.actor.role, verified=e.actor.verified,
            decision=e.data["decision"], comment=e.data.get("comment", ""),
            content_hash=e.data["content_hash"],
            fresh=e.data["content_hash"] == current["content_hash"] and e.seq > reset_seq,
        )
        for e in sorted(latest.values(), key=lambda e: e.seq)
    ]
    approvals = {s.role: s for s in signoffs if s.decision == "approve"}
    # the freshest approval per role wins
    for s in signoffs:
        if s.decision == "approve" and s.fresh:
            approvals[s.role] = s
    missing = [r for r in gate.roles if r not in approvals]
    changed: list[str] = []
    blocking = [s for s in signoffs if s.decision != "approve" and s.fresh]
    if any(s.decision == "reject" for s in blocking):
        state: GateState = "rejected"
    elif blocking:
        state = "changes_requested"
    elif missing:
        state = "pending"
    elif all(approvals[r].fresh for r in gate.roles):
        state = "approved"
    else:
        state = "stale"
    if state == "stale" or any(not s.fresh for s in signoffs):
        by_seq = {e.seq: e for e in latest.values()}
        for s in signoffs:
            if s.fresh:
                continue
            if s.seq < reset_seq and reset is not None:
                note = f"the project went back to {reset.data.get('to')} (entry {reset.seq})"
                if note not in changed:
                    changed.append(note)
            old = by_seq[s.seq].data.get("section_hashes", {})
            for path, h in current["section_hashes"].items():
                if old.get(path) != h and path not in changed:
                    changed.append(path)
            old_m = by_seq[s.seq].data.get("measurements", {})
            for kind, h in current["measurements"].items():
                if old_m.get(kind) != h and f"latest {kind}" not in changed:
                    changed.append(f"latest {kind}")
    return GateStatus(
        name=gate.name, title=gate.title, step=gate.step, phase=gate.phase, state=state,
        roles=list(gate.roles), missing_roles=missing, changed_sections=changed if state != "approved" else [],
        signoffs=signoffs, content_hash=current["content_hash"],
    )


def _section_filled(plan: dict[str, Any], path: str) -> bool:
    top = path.split(".")[0]
    model = SECTION_MODELS.get(top)
    if model is None:
        return False
    default = model().model_dump(mode="json")
    return section_value(plan, path) != section_value({top: default}, path)


def _step_status(step, plan, events, gates, phase) -> str:
    if step.kind == "gate":
        return "done" if gates[step.gate].state == "approved" else "todo"
    if step.kind == "milestone":
        return "done" if phase in ("delivered", "maintenance") else "todo"
    if step.kind == "form":
        return "done" if step.sections and all(_section_filled(plan, s) for s in step.sections) else "todo"
    # notebook steps: done once the phase notebook ran successfully (3.3: once a model was tested)
    if step.id == "3.3":
        return "done" if any(e.kind == "model_test" for e in events) else "todo"
    ok = any(e.kind == "run" and e.data.get("phase") == step.phase and e.data.get("status") == "succeeded" for e in events)
    return "done" if ok else "todo"


def phase_of(events: Iterable[Event]) -> str:
    """The current phase alone (cheaper than :func:`fold` when nothing else is needed)."""
    phase = "scoping"
    for e in events:
        if e.kind in TRANSITIONS:
            phase = e.data.get("to", phase)
    return phase


def fold(name: str, flow: Flow, plan: dict[str, Any], events: list[Event]) -> ProjectStatus:
    """Derive the project's status from its plan (JSON dump of every section) and events."""
    phase, previous = "scoping", None
    decisions: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    data_checks: dict[str, dict[str, Any]] = {}
    model_tests = [e for e in events if e.kind == "model_test"]
    for e in events:
        if e.kind in TRANSITIONS:
            previous, phase = phase, e.data.get("to", phase)
            decisions.append({"seq": e.seq, "at": e.at, "kind": e.kind, "actor": e.actor.model_dump(), **e.data})
        elif e.kind == "decision":
            decisions.append({"seq": e.seq, "at": e.at, "kind": e.kind, "actor": e.actor.model_dump(), **e.data})
        elif e.kind in ("run", "grid_run"):
            runs.append({"seq": e.seq, "at": e.at, **e.data})
        elif e.kind == "data_check":
            data_checks[str(e.data.get("source", "?"))] = {"seq": e.seq, "at": e.at, **e.data}
    resets: dict[str, Event] = {}
    for e in events:
        target = e.data.get("to")
        if e.kind == "backtrack" and target in flow.phases_by_name():
            for g in flow.gates:
                if flow.order(g.phase) >= flow.order(target):
                    resets[g.name] = e
    gates = {g.name: _review_required(g, _gate_status(g, plan, events, resets.get(g.name)), events) for g in flow.gates}
    steps = [
        StepStatus(
            id=s.id, title=s.title, phase=s.phase, tracks=list(s.tracks), kind=s.kind, gate=s.gate,
            status=_step_status(s, plan, events, gates, phase),
        )
        for s in flow.steps
    ]
    drift = _latest(events, "drift_check")
    segments, segments_passed, segments_total = _segments(plan, model_tests)
    latest_test = model_tests[-1] if model_tests else None
    return ProjectStatus(
        name=name,
        flow_version=flow.version,
        phase=phase,
        previous_phase=previous,
        gates=gates,
        steps=steps,
        latest_model_test=({"seq": latest_test.seq, "at": latest_test.at, **latest_test.data} if latest_test else None),
        model_tests=len(model_tests),
        decisions=decisions,
        recent_runs=runs[-10:],
        data_checks=data_checks,
        latest_drift_check=({"seq": drift.seq, "at": drift.at, **drift.data} if drift else None),
        journal_entries=len(events),
        segments=segments,
        segments_total=segments_total,
        segments_passed=segments_passed,
        reviews=_reviews(flow, events),
    )


def _review_required(gate: Gate, status: GateStatus, events: list[Event]) -> GateStatus:
    """A gate whose policy requires a review (``require_review``) is not approved without a complete, current one."""
    if not gate.require_review or status.state != "approved":
        return status
    from .reviews import review_condition

    met, why = review_condition(events, gate.name)
    return status if met else status.model_copy(update={"state": "pending", "changed_sections": [
        f"condition not met: {why}"]})


def _reviews(flow: Flow, events: list[Event]) -> dict[str, dict[str, Any]]:
    from .reviews import review_state

    out = {}
    for g in flow.gates:
        state = review_state(events, g.name) if any(e.kind == "review_sample" for e in events) else None
        if state is not None:
            out[g.name] = {k: v for k, v in state.items() if k != "sample"} | {
                "sample_id": state["sample"]["sample_id"], "size": state["sample"].get("size"),
                "model": state["sample"].get("model")}
    return out


def _segments(plan: dict[str, Any], model_tests: list[Event]) -> tuple[dict[str, SegmentCounts], int, int]:
    """Per hard metric, how many segments' latest model test meets it (see :func:`~.kpis.segment_counts`)."""
    latest = {str(e.data["segment"]): dict(e.data.get("values") or {}) for e in model_tests if e.data.get("segment")}
    if not latest:
        return {}, 0, 0
    from .sections import Scope

    try:
        scope = Scope.model_validate(plan.get("scope") or {})
    except ValueError:
        return {}, 0, len(latest)
    counts, passing = segment_counts(scope, latest)
    return counts, passing, len(latest)
