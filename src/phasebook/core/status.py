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
from .events import Event, clock
from .findings import fold_findings
from .flow import Flow
from .gates import GateState, GateStatus, Signoff, covered_content, evaluate_gate, section_value
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
    "FoldState",
    "GATHERED",
    "DECISIONS_LISTED",
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
    #: the newest :data:`DECISIONS_LISTED` moves and team decisions, oldest first (``decisions_total``: all of them)
    decisions: list[dict[str, Any]] = Field(default_factory=list)
    decisions_total: int = 0
    #: the newest move (advance, backtrack, deliver, reopen, cancel), however many team decisions followed it
    last_move: dict[str, Any] | None = None
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


def _step_status(step, plan, state: "FoldState", events, gates, phase, flow: Flow) -> str:
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
        return "done" if state.tests.any_current_passed else "todo"
    if step.done_when:
        return "done" if any(e.kind == step.done_when for e in events) else "todo"
    return "done" if step.phase in state.run_ok else "todo"


def phases_of(events: Iterable[Event], flow: Flow) -> tuple[str, str | None]:
    """``(current phase, the phase before the last move)``: the one place the phase is derived."""
    phase, previous = flow.first_phase, None
    for e in events:
        phase, previous = moved(phase, previous, e)
    return phase, previous


def moved(phase: str, previous: str | None, e: Event) -> tuple[str, str | None]:
    """``(phase, previous)`` after the journal entry ``e`` (unchanged unless ``e`` is a move)."""
    if e.kind in TRANSITIONS:
        return e.data.get("to", phase), phase
    return phase, previous


def phase_of(events: Iterable[Event], flow: Flow) -> str:
    """The current phase alone (cheaper than :func:`fold` when nothing else is needed)."""
    return phases_of(events, flow)[0]


#: how many decisions (moves and team decisions) the status lists, newest last; the journal keeps them all
DECISIONS_LISTED = 50
#: kinds of which the rules read only the newest entry (``latest_event``: measurements, ``done_when``) besides
#: what :class:`FoldState` gathers of them (decisions, runs, data checks, model tests); every other kind is kept
#: whole, for the gate, finding, review and monitoring rules to read as they read the journal
GATHERED = frozenset({"model_test", "decision", "run", "grid_run", "data_check", "notification", "registry_sync",
                      "kpi_measurement"})


class FoldState:
    """What :func:`fold` reads of the journal, gathered one entry at a time, so a fold can resume after an append.

    ``fold(events)`` is ``FoldState`` over every event, then :meth:`finish`; the status cache
    (:mod:`phasebook.store.statuscache`) keeps the state (:meth:`to_json`) and, when the journal has only grown,
    adds the new entries to it instead of folding them all again. The plan (``plan``, a JSON dump) is fixed for a
    state: a changed plan, flow or code folds again from the first entry. Every rule still reads events:

    * entries of kinds not in :data:`GATHERED` (sign-offs, transitions, saves, findings, reviews, delegations,
      drift and monitoring checks, flow pins) are kept whole, in order;
    * of the :data:`GATHERED` kinds the newest entry of each is kept (what ``latest_event`` and a step's
      ``done_when`` read), and the rest is gathered: the newest :data:`DECISIONS_LISTED` decisions and their
      total, the last ten runs and the phases with a successful run, each source's newest data check, and the
      model tests (:class:`~.modeltests.ModelTests`, :class:`~.scoreboard.ScoreTally`).
    """

    def __init__(self, flow: Flow, plan: dict[str, Any]) -> None:
        from .modeltests import ModelTests

        self.flow, self.plan = flow, plan
        self.entries = 0
        self.phase, self.previous = flow.first_phase, None
        self.decisions: list[dict[str, Any]] = []
        self.decisions_total = 0
        self.last_move: dict[str, Any] | None = None
        self.runs: list[dict[str, Any]] = []
        self.run_ok: set[str] = set()
        self.data_checks: dict[str, dict[str, Any]] = {}
        self.kept: list[Event] = []
        self._kept_text: list[str | None] = []  # each kept entry's JSON as read back (None: not written yet)
        self.newest: dict[str, Event] = {}
        self.tests = ModelTests(plan)
        self.scope = _scope(plan)  # validated once: the scoreboard and the segment counts judge against it
        self.board = _tally(self.scope, plan)

    @classmethod
    def of(cls, events: Iterable[Event], flow: Flow, plan: dict[str, Any]) -> "FoldState":
        state = cls(flow, plan)
        for e in events:
            state.add(e)
        return state

    def add(self, e: Event) -> None:
        """Take the journal's next entry.

        Raises:
            NeedFullFold: (a resumed state only) the entry needs an earlier one this state did not keep.
        """
        self.entries += 1
        kind = e.kind
        self.phase, self.previous = moved(self.phase, self.previous, e)  # the one phase rule (phases_of's)
        if kind in TRANSITIONS or kind == "decision":
            a = e.actor  # Actor.model_dump(), without pydantic's cost per entry
            d = {"seq": e.seq, "at": e.at, "kind": kind,
                 "actor": {"name": a.name, "role": a.role, "verified": a.verified}, **e.data}
            self.decisions.append(d)
            del self.decisions[:-DECISIONS_LISTED]
            self.decisions_total += 1
            if kind != "decision":
                self.last_move = d
        elif kind in ("run", "grid_run"):
            self.runs.append({"seq": e.seq, "at": e.at, **e.data})
            del self.runs[:-10]
            if kind == "run" and e.data.get("status") == "succeeded":
                self.run_ok.add(e.data.get("phase"))
        elif kind == "data_check":
            self.data_checks[str(e.data.get("source", "?"))] = {"seq": e.seq, "at": e.at, **e.data}
        elif kind == "model_test":
            self.tests.add(e)
            if self.board is not None:
                self.board.add(e)
        elif kind == "review_sample":
            from .reviews import sample_test

            self.tests.name_test(sample_test(e))
        if kind in GATHERED:
            self.newest[kind] = e
        else:
            self.kept.append(e)
            self._kept_text.append(None)

    def events(self) -> list[Event]:
        """What the rules read: the kept entries and the newest of each gathered kind, in journal order."""
        if not self.newest:
            return list(self.kept)
        return sorted([*self.kept, *self.newest.values()], key=lambda e: e.seq)

    def finish(self, name: str, now: dt.datetime | None = None) -> ProjectStatus:
        """The project's status from this state; ``now`` (default: the current UTC time) judges findings' due dates."""
        flow, plan = self.flow, self.plan
        events = self.events()
        phase, previous = self.phase, self.previous
        resets = gate_resets(flow, events)
        findings = fold_findings(events)
        now = now or clock()
        gates = {g.name: evaluate_gate(g, plan, events, resets.get(g.name), findings=findings, now=now,
                                       tests=self.tests) for g in flow.gates}
        steps = [
            StepStatus(
                id=s.id, title=s.title, phase=s.phase, tracks=list(s.tracks), kind=s.kind, gate=s.gate,
                status=_step_status(s, plan, self, events, gates, phase, flow),
            )
            for s in flow.steps
        ]
        drift = latest_plan_drift(events, plan.get("monitoring") or {})  # the plan's pair, not explorations
        pinned = pinned_flow(events)
        pin = flow_pin(flow)
        old_policies = (pinned or {}).get("gate_policies", {})
        changed_gates = sorted(g for g, h in pin["gate_policies"].items() if pinned and old_policies.get(g) != h)
        segments, segments_passed, segments_total = _segments(self.scope, self.tests.segments)
        latest_test = self.tests.latest
        return ProjectStatus(
            name=name,
            flow_version=flow.version,
            flow_hash=pin["flow_hash"],
            flow_pinned_hash=(pinned or {}).get("flow_hash"),
            flow_gates_changed=changed_gates,
            phase=phase,
            previous_phase=previous,
            gates=gates,
            steps=steps,
            latest_model_test=({"seq": latest_test.seq, "at": latest_test.at, **latest_test.data,
                                "measured_under": measured_under(latest_test.data, plan)} if latest_test else None),
            model_tests=self.tests.count,
            decisions=list(self.decisions),
            decisions_total=self.decisions_total,
            last_move=self.last_move,
            recent_runs=list(self.runs),
            data_checks=dict(self.data_checks),
            latest_drift_check=({"seq": drift.seq, "at": drift.at, **drift.data} if drift else None),
            journal_entries=self.entries,
            segments=segments,
            segments_total=segments_total,
            segments_passed=segments_passed,
            monitoring=monitoring_status(events, phase, flow),
            reviews=_reviews(flow, events, self.tests),
            scoreboard=self.board.result() if self.board is not None else [],
        )

    # resuming ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The state as JSON (the plan and flow are not in it: the cache keys them)."""
        return {"entries": self.entries, "phase": self.phase, "previous": self.previous,
                "decisions": self.decisions, "decisions_total": self.decisions_total, "last_move": self.last_move,
                "runs": self.runs, "run_ok": list(self.run_ok), "data_checks": self.data_checks,
                "kept": [t if t is not None else e.model_dump_json() for e, t in zip(self.kept, self._kept_text)],
                "newest": {k: e.model_dump(mode="json") for k, e in self.newest.items()},
                "tests": self.tests.to_json(), "board": self.board.to_json() if self.board is not None else None}

    @classmethod
    def from_json(cls, doc: dict[str, Any], flow: Flow, plan: dict[str, Any]) -> "FoldState":
        """A state :meth:`to_json` wrote for this ``flow`` and ``plan``.

        Raises:
            ValueError: ``doc`` is not such a state (the caller folds from the first entry instead).
        """
        from .modeltests import ModelTests
        from .scoreboard import ScoreTally

        state = cls(flow, plan)
        try:
            state.entries = int(doc["entries"])
            state.phase, state.previous = doc["phase"], doc["previous"]
            state.decisions, state.decisions_total = list(doc["decisions"]), int(doc["decisions_total"])
            state.last_move = doc["last_move"]
            state.runs, state.run_ok = list(doc["runs"]), set(doc["run_ok"])
            state.data_checks = dict(doc["data_checks"])
            state._kept_text = [str(t) for t in doc["kept"]]
            state.kept = [Event.model_validate_json(t) for t in state._kept_text]
            state.newest = {str(k): Event.model_validate(e) for k, e in doc["newest"].items()}
            state.tests = ModelTests.from_json(doc["tests"], plan)
            if (doc["board"] is None) != (state.board is None):
                raise ValueError("the cached scoreboard does not match the plan's scope")
            if state.board is not None:
                state.board = ScoreTally.from_json(doc["board"], state.board.scope, plan)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a fold state: {exc}") from None
        return state


def _scope(plan: dict[str, Any]):
    """The plan's scope section validated (None when it does not validate)."""
    from .sections import Scope

    try:
        return Scope.model_validate(plan.get("scope") or {})
    except ValueError:
        return None


def _tally(scope: Any, plan: dict[str, Any]):
    """The scoreboard tally of ``scope`` (None when the scope did not validate: no rows)."""
    from .scoreboard import ScoreTally

    return ScoreTally(scope, plan) if scope is not None else None


def fold(name: str, flow: Flow, plan: dict[str, Any], events: list[Event], now: dt.datetime | None = None) -> ProjectStatus:
    """Derive the project's status from its plan (JSON dump of every section) and events.

    ``now`` (default: the current UTC time) is what the due dates of findings are judged against.
    """
    return FoldState.of(events, flow, plan).finish(name, now)


def _reviews(flow: Flow, events: list[Event], tests: Any) -> dict[str, dict[str, Any]]:
    from .reviews import review_state

    out: dict[str, dict[str, Any]] = {}
    if not any(e.kind == "review_sample" for e in events):
        return out
    for g in flow.gates:
        state = review_state(events, g.name, tests)
        if state is not None:
            out[g.name] = {k: v for k, v in state.items() if k != "sample"} | {
                "sample_id": state["sample"]["sample_id"], "size": state["sample"].get("size"),
                "model": state["sample"].get("model")}
    return out


def _segments(scope: Any, latest: dict[str, dict[str, Any]]) -> tuple[dict[str, SegmentCounts], int, int]:
    """Per hard metric, how many segments' latest model test meets it (see :func:`~.kpis.segment_counts`)."""
    if not latest:
        return {}, 0, 0
    if scope is None:
        return {}, 0, len(latest)
    counts, passing = segment_counts(scope, latest)
    return counts, passing, len(latest)
