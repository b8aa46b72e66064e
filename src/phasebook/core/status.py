"""Project status = fold(plan, journal).

Nothing here is stored: the current phase, each gate's state (pending,
approved, stale, changes requested, rejected), step progress and the KPI
scoreboard are derived from the plan's sections and the journal's events
every time, so they can never disagree with what was decided.

Gate rules live in :mod:`phasebook.core.gates` (which sign-offs count, per
role and signer) and transitions in :mod:`phasebook.core.transitions` (what a
backtrack makes stale); this module only folds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Literal

from pydantic import BaseModel, Field

from .driftpair import latest_plan_drift
from .events import Event
from .findings import fold_findings
from .flow import Flow
from .gates import GateState, GateStatus, Signoff, covered_content, evaluate_gate, latest_event, section_value
from .kpis import SegmentCounts, segment_counts
from .modeltests import measured_under
from .monitoring import MonitoringStatus, monitoring_status
from .pinning import flow_pin, pinned_flow
from .scoreboard import ScoreRow
from .sections import SECTION_MODELS
from .transitions import gate_resets

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
    "reached",
    "TRANSITIONS",
]

TRANSITIONS = ("advance", "backtrack", "cancel", "deliver", "reopen")


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
    flow_hash: str = ""
    #: the flow hash the journal last recorded (``project_created`` / ``flow_changed``); differs from
    #: ``flow_hash`` when the flow file changed and no write has journaled the change yet
    flow_pinned_hash: str | None = None
    #: gates whose policy differs from the recorded pin (their approvals are stale)
    flow_gates_changed: list[str] = Field(default_factory=list)
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
    monitoring: MonitoringStatus = Field(default_factory=MonitoringStatus)
    #: gate → the latest review of real outputs (soft metrics measured; :func:`~.reviews.review_state`)
    reviews: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: KPI → metric → target → best → latest → pass/fail, with display strings (:func:`~.scoreboard.scoreboard_rows`)
    scoreboard: list[ScoreRow] = Field(default_factory=list)


def _section_filled(plan: dict[str, Any], path: str) -> bool:
    top = path.split(".")[0]
    model = SECTION_MODELS.get(top)
    if model is None:
        return False
    default = model().model_dump(mode="json")
    return section_value(plan, path) != section_value({top: default}, path)


def reached(flow: Flow, phase: str, step_phase: str) -> bool:
    """True when the project has reached ``step_phase``: a later work phase is not reached while in a work phase."""
    work = flow.work_phases
    return phase not in work or step_phase not in work or work.index(step_phase) <= work.index(phase)


def _step_status(step, plan, events, gates, phase, flow: Flow) -> str:
    if not reached(flow, phase, step.phase) and not (step.kind == "gate" and gates[step.gate].state == "approved"):
        return "todo"  # a later phase's notebook may have run, but the project has not got there yet
    if step.kind == "gate":
        return "done" if gates[step.gate].state == "approved" else "todo"
    if step.kind == "milestone":
        return "done" if flow.is_kind(phase, "done") or flow.is_kind(phase, "upkeep") else "todo"
    if step.kind == "form":
        return "done" if step.sections and all(_section_filled(plan, s) for s in step.sections) else "todo"
    # notebook steps: done once the phase notebook ran successfully (or once an event of ``done_when`` exists)
    if step.done_when == "model_test":  # done once a model passes under today's scope and training source
        from .modeltests import current_model_tests

        return "done" if any(e.data.get("passed") for e in current_model_tests(events, plan)) else "todo"
    if step.done_when:
        return "done" if any(e.kind == step.done_when for e in events) else "todo"
    ok = any(e.kind == "run" and e.data.get("phase") == step.phase and e.data.get("status") == "succeeded" for e in events)
    return "done" if ok else "todo"


def phases_of(events: Iterable[Event], flow: Flow) -> tuple[str, str | None]:
    """``(current phase, the phase before the last move)``: the one place the phase is derived."""
    phase, previous = flow.first_phase, None
    for e in events:
        if e.kind in TRANSITIONS:
            previous, phase = phase, e.data.get("to", phase)
    return phase, previous


def phase_of(events: Iterable[Event], flow: Flow) -> str:
    """The current phase alone (cheaper than :func:`fold` when nothing else is needed)."""
    return phases_of(events, flow)[0]


def fold(name: str, flow: Flow, plan: dict[str, Any], events: list[Event], now: dt.datetime | None = None) -> ProjectStatus:
    """Derive the project's status from its plan (JSON dump of every section) and events.

    ``now`` (default: the current UTC time) is what the due dates of findings are judged against.
    """
    phase, previous = phases_of(events, flow)
    decisions: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    data_checks: dict[str, dict[str, Any]] = {}
    model_tests = [e for e in events if e.kind == "model_test"]
    for e in events:
        if e.kind in TRANSITIONS or e.kind == "decision":
            a = e.actor  # Actor.model_dump(), without pydantic's cost per entry
            decisions.append({"seq": e.seq, "at": e.at, "kind": e.kind,
                              "actor": {"name": a.name, "role": a.role, "verified": a.verified}, **e.data})
        elif e.kind in ("run", "grid_run"):
            runs.append({"seq": e.seq, "at": e.at, **e.data})
        elif e.kind == "data_check":
            data_checks[str(e.data.get("source", "?"))] = {"seq": e.seq, "at": e.at, **e.data}
    resets = gate_resets(flow, events)
    findings = fold_findings(events)
    now = now or dt.datetime.now(dt.timezone.utc)
    gates = {g.name: evaluate_gate(g, plan, events, resets.get(g.name), findings=findings, now=now) for g in flow.gates}
    steps = [
        StepStatus(
            id=s.id, title=s.title, phase=s.phase, tracks=list(s.tracks), kind=s.kind, gate=s.gate,
            status=_step_status(s, plan, events, gates, phase, flow),
        )
        for s in flow.steps
    ]
    drift = latest_plan_drift(events, plan.get("monitoring") or {})  # the plan's pair, not explorations
    pinned = pinned_flow(events)
    now = flow_pin(flow)
    old_policies = (pinned or {}).get("gate_policies", {})
    changed_gates = sorted(g for g, h in now["gate_policies"].items() if pinned and old_policies.get(g) != h)
    segments, segments_passed, segments_total = _segments(plan, model_tests)
    latest_test = model_tests[-1] if model_tests else None
    return ProjectStatus(
        name=name,
        flow_version=flow.version,
        flow_hash=now["flow_hash"],
        flow_pinned_hash=(pinned or {}).get("flow_hash"),
        flow_gates_changed=changed_gates,
        phase=phase,
        previous_phase=previous,
        gates=gates,
        steps=steps,
        latest_model_test=({"seq": latest_test.seq, "at": latest_test.at, **latest_test.data,
                            "measured_under": measured_under(latest_test.data, plan)} if latest_test else None),
        model_tests=len(model_tests),
        decisions=decisions,
        recent_runs=runs[-10:],
        data_checks=data_checks,
        latest_drift_check=({"seq": drift.seq, "at": drift.at, **drift.data} if drift else None),
        journal_entries=len(events),
        segments=segments,
        segments_total=segments_total,
        segments_passed=segments_passed,
        monitoring=monitoring_status(events, phase, flow),
        reviews=_reviews(flow, events),
        scoreboard=_scoreboard(plan, events),
    )


def _scoreboard(plan: dict[str, Any], events: list[Event]) -> list[ScoreRow]:
    from .scoreboard import scoreboard_rows
    from .sections import Scope

    try:
        scope = Scope.model_validate(plan.get("scope") or {})
    except ValueError:
        return []
    return scoreboard_rows(scope, events, plan)


def _reviews(flow: Flow, events: list[Event]) -> dict[str, dict[str, Any]]:
    from .reviews import review_state

    out: dict[str, dict[str, Any]] = {}
    if not any(e.kind == "review_sample" for e in events):
        return out
    for g in flow.gates:
        state = review_state(events, g.name)
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
