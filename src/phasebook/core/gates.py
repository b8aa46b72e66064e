"""Gate evaluation: which sign-offs count, per role and per signer — the one place that decides.

Every surface (status, the sign-off page, the overview, the CLI, the
sidebar's JSON, ``advance``) reads the :class:`GateStatus` built here; none
re-derives a rule. The rules, in order:

* **who**: each signer is keyed by name, role *and* verification, and only
  their latest decision counts. An unverified entry never replaces or
  outranks a verified one of the same name: once a verified sign-off by a
  name exists, unverified entries of that name are recorded but do not count.
* **what it means**: a sign-off in a role the gate does not require is
  recorded as a comment, not a decision; with ``require_verified`` an
  unverified approval is recorded but does not count.
* **conditions**: a fresh approval counts only if each of the gate's
  conditions is met, or the approval acknowledged the unmet condition
  explicitly (a stale one already does not make the gate approved).
* **fresh**: an approval is fresh when it judged today's covered content,
  under today's gate policy, after the last backtrack into the gate's phase.
* **state**: ``rejected`` / ``changes_requested`` while a counting decision
  of that kind is fresh; ``approved`` when each role has enough distinct
  fresh approvers; ``stale`` when each role had enough approvers but some
  judged other content or another policy; else ``pending``.
  ``missing_roles`` lists every role short of fresh approvers — also after
  a change, so "still to approve" is never empty on a stale gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Literal

from pydantic import BaseModel, Field

import datetime as dt

from .events import Event, clock
from .findings import Finding, apply_findings, fold_findings
from .flow import Condition, Gate, policy_of
from .hashing import content_hash

if TYPE_CHECKING:  # pragma: no cover
    from .modeltests import ModelTests

__all__ = [
    "GateState", "Signoff", "RoleTally", "ConditionStatus", "GateStatus",
    "section_value", "covered_content", "evaluate_gate", "check_conditions", "gate_label", "latest_event",
    "reopened_by", "delegation_for",
]

GateState = Literal["pending", "approved", "stale", "changes_requested", "rejected", "lapsed"]


class Signoff(BaseModel):
    """One signer's latest decision on a gate, and whether (and why not) it counts."""

    seq: int
    at: str
    name: str
    role: str | None
    verified: bool
    decision: str
    comment: str = ""
    content_hash: str
    fresh: bool
    #: False when recorded but not counted (``note`` says why)
    counts: bool = True
    note: str = ""
    #: the gate policy changed since this sign-off
    policy_changed: bool = False
    acknowledged: list[str] = Field(default_factory=list)


class RoleTally(BaseModel):
    """How far one required role is: distinct fresh approvers against how many are needed."""

    role: str
    needed: int
    approved_by: list[str] = Field(default_factory=list)
    stale_by: list[str] = Field(default_factory=list)

    @property
    def short(self) -> int:
        return max(0, self.needed - len(self.approved_by))


class ConditionStatus(BaseModel):
    """A gate condition checked now (before anyone clicks)."""

    kind: str
    met: bool
    message: str


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
    #: what surfaces print: the state, "approved (unverified)" when an approval rests on an unverified signature
    label: str = ""
    unverified: bool = False
    require_verified: bool = False
    tallies: list[RoleTally] = Field(default_factory=list)
    conditions: list[ConditionStatus] = Field(default_factory=list)
    #: plain sentences: why the gate is not approved (or why it is only unverified)
    reasons: list[str] = Field(default_factory=list)
    policy_hash: str = ""
    #: findings (core/findings.py): not yet accepted; blocking ones not accepted; conditions of a lapsed approval
    open_findings: list[int] = Field(default_factory=list)
    blocking_findings: list[int] = Field(default_factory=list)
    lapsed_conditions: list[int] = Field(default_factory=list)


def section_value(plan: dict[str, Any], path: str) -> Any:
    """Resolve a section path such as ``kpi_review.development`` in a plan dump.

    ``data_sources.training`` is derived: the default training source's
    identity and label (see :func:`~.sections.training_identity`).
    """
    if path == "data_sources.training":
        from .sections import training_identity

        return training_identity(plan.get("data_sources"))
    value: Any = plan
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def latest_event(events: Iterable[Event], kind: str) -> Event | None:
    """The newest event of ``kind`` (None if there is none)."""
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
        ev = latest_event(events, kind)
        measurements[kind] = ev.hash if ev else None
    digest = content_hash({"sections": hashes, "measurements": measurements})
    return {"sections": sections, "section_hashes": hashes, "measurements": measurements, "content_hash": digest}


def _condition(cond: Condition, events: list[Event], gate: str = "", plan: dict[str, Any] | None = None,
               tests: "ModelTests | None" = None) -> ConditionStatus:
    if cond.kind == "current_review":
        from .reviews import review_condition

        met, message = review_condition(events, gate, tests)
        return ConditionStatus(kind=cond.kind, met=met, message=message)
    if cond.kind == "passing_model_test":
        if tests is None or (plan is not None and not tests.judged):
            from .modeltests import ModelTests

            tests = ModelTests.of(events, plan)
        if plan is not None and tests.count and not tests.current_count:
            return ConditionStatus(kind=cond.kind, met=False, message=(
                f"no model test measured today's scope and training source ({tests.count} measured under a "
                "previous scope or source: test the model again)"))
        test = tests.latest_current if plan is not None else tests.latest
        if test is None:
            return ConditionStatus(kind=cond.kind, met=False, message="no model test has been recorded")
        if not test.data.get("passed"):
            failed = [r.get("metric") for r in test.data.get("results", []) if r.get("hardness") == "hard"
                      and r.get("outcome") in ("failed", "not_measured")]
            what = f" (failing: {', '.join(str(f) for f in failed)})" if failed else ""
            return ConditionStatus(kind=cond.kind, met=False,
                                   message=f"the latest model test does not pass every hard metric{what}")
        return ConditionStatus(kind=cond.kind, met=True, message="the latest model test passes every hard metric")
    # drift_check_after: a drift check newer than the latest save of the section
    saved = [e.seq for e in events if e.kind == "section_saved" and e.data.get("section") == cond.section]
    after = saved[-1] if saved else 0
    drift = latest_event(events, "drift_check")
    if drift is None or drift.seq < after:
        since = f" since {cond.section} was last saved (entry {after})" if after else ""
        return ConditionStatus(kind=cond.kind, met=False, message=f"no drift check has been recorded{since}")
    return ConditionStatus(kind=cond.kind, met=True, message=f"a drift check (entry {drift.seq}) follows {cond.section}")


def check_conditions(gate: Gate, events: list[Event], plan: dict[str, Any] | None = None,
                     tests: "ModelTests | None" = None) -> list[ConditionStatus]:
    """Each condition of ``gate`` checked against the journal (and the plan dump ``plan``) now.

    ``tests``: the journal's model tests as the fold gathered them (default: gathered from ``events``).

    With ``plan``, a model test counts only if it measured today's scope and training source
    (:mod:`~.modeltests`), and a gate covering the scope has one more condition when a comparator runs
    against its metric's direction (:func:`~.scopecheck.direction_condition`): met unless it does.
    """
    out = [_condition(c, events, gate.name, plan, tests) for c in gate.conditions]
    if plan is not None and "scope" in gate.covers:
        from .scopecheck import DIRECTION_CONDITION, direction_condition

        met, message = direction_condition(plan.get("scope"))
        if not met:
            out.append(ConditionStatus(kind=DIRECTION_CONDITION, met=False, message=message))
    return out


def delegation_for(events: list[Event], gate: str, name: str, at: str) -> Event | None:
    """The latest ``delegation`` of ``gate`` to ``name`` that is in force at time ``at`` (ISO 8601), or None."""
    found = None
    for e in events:
        if e.kind == "delegation" and e.data.get("gate") == gate and e.data.get("to") == name:
            if e.at <= at <= str(e.data.get("until", "")):
                found = e
    return found


def _who(s: Signoff) -> str:
    return f"{s.name} ({(s.role or '').replace('_', ' ')}{'' if s.verified else ', unverified'})"


def _judge(s: Signoff, e: Event, gate: Gate, events: list[Event], verified_names: set[str],
           unmet: list[ConditionStatus]) -> None:
    """Set whether sign-off ``s`` (journal entry ``e``) counts, and the note saying why not (rules in the module doc)."""
    a, d = e.actor, e.data
    delegated = d.get("delegated_by")
    if delegated is not None:
        grant = next((g for g in events if g.seq == delegated and g.kind == "delegation"), None)
        if (grant is None or grant.data.get("gate") != gate.name or grant.data.get("to") != a.name
                or grant.data.get("role") != a.role or not (grant.at <= e.at <= str(grant.data.get("until", "")))):
            s.counts, s.note = False, "not counted: the delegation it rests on does not cover this sign-off"
            return
        s.note = f"delegated by {grant.actor.name} until {grant.data.get('until')}"
    if a.role not in gate.roles:
        s.counts, s.note = False, f"recorded as a comment: {(a.role or 'no role').replace('_', ' ')} is not a role this gate requires"
    elif not a.verified and a.name in verified_names:
        s.counts, s.note = False, (f"not counted: {a.name} has a verified sign-off; an unverified one of the "
                                   "same name does not replace it")
    elif s.decision == "approve" and not a.verified and gate.require_verified:
        s.counts, s.note = False, "not counted: this gate requires verified sign-offs"
    elif s.decision == "approve" and s.fresh and any(c.kind not in s.acknowledged for c in unmet):
        # (a stale approval counts toward "stale", not "approved": conditions judge today's content only)
        s.counts, s.note = False, "not counted: " + "; ".join(c.message for c in unmet if c.kind not in s.acknowledged)
    elif s.decision == "approve" and s.acknowledged:
        s.note = "approved with an acknowledged unmet condition: " + ", ".join(s.acknowledged)


def evaluate_gate(gate: Gate, plan: dict[str, Any], events: list[Event], reset: Event | None = None, *,
                  findings: dict[int, Finding] | None = None, now: dt.datetime | None = None,
                  tests: "ModelTests | None" = None) -> GateStatus:
    """One gate's state; ``reset`` is the latest backtrack that reopened it (decisions before it are stale).

    Findings (:mod:`~phasebook.core.findings`) are applied last: a blocking finding not yet accepted makes an
    approval ``changes_requested``; an approval whose condition is overdue and open is ``lapsed``. ``findings``
    (default: folded from ``events``), ``tests`` (:class:`~.modeltests.ModelTests`, default: gathered from
    ``events``) and ``now`` (default: the current UTC time) let a caller fold once.
    """
    current = covered_content(gate, plan, events)
    policy_hash = content_hash(policy_of(gate))
    reset_seq = reset.seq if reset is not None else 0
    latest: dict[tuple[str, str | None, bool], Event] = {}
    verified_names: set[str] = set()
    for e in events:
        if e.kind == "sign_off" and e.data.get("gate") == gate.name:
            latest[(e.actor.name, e.actor.role, e.actor.verified)] = e
            if e.actor.verified:
                verified_names.add(e.actor.name)
    conditions = check_conditions(gate, events, plan, tests)
    unmet = [c for c in conditions if not c.met]
    signoffs: list[Signoff] = []
    for e in sorted(latest.values(), key=lambda e: e.seq):
        a, d = e.actor, e.data
        pinned = d.get("policy_hash")
        policy_changed = pinned is not None and pinned != policy_hash
        s = Signoff(
            seq=e.seq, at=e.at, name=a.name, role=a.role, verified=a.verified, decision=d["decision"],
            comment=d.get("comment", ""), content_hash=d["content_hash"], policy_changed=policy_changed,
            fresh=d["content_hash"] == current["content_hash"] and e.seq > reset_seq and not policy_changed,
            acknowledged=list(d.get("acknowledged") or []),
        )
        _judge(s, e, gate, events, verified_names, unmet)
        signoffs.append(s)
    counting = [s for s in signoffs if s.counts]
    tallies = []
    for role in gate.roles:
        fresh = sorted({s.name for s in counting if s.role == role and s.decision == "approve" and s.fresh})
        stale = sorted({s.name for s in counting if s.role == role and s.decision == "approve" and not s.fresh} - set(fresh))
        tallies.append(RoleTally(role=role, needed=gate.needed(role), approved_by=fresh, stale_by=stale))
    missing = [t.role for t in tallies if t.short]
    blocking = [s for s in counting if s.decision != "approve" and s.fresh]
    if any(s.decision == "reject" for s in blocking):
        state: GateState = "rejected"
    elif blocking:
        state = "changes_requested"
    elif not missing:
        state = "approved"
    elif all(len(t.approved_by) + len(t.stale_by) >= t.needed for t in tallies):
        state = "stale"
    else:
        state = "pending"
    changed = _changed(signoffs, latest, current, reset, reset_seq) if state != "approved" else []
    unverified = state == "approved" and any(
        not s.verified for s in counting if s.decision == "approve" and s.fresh)
    reasons = _reasons(gate, state, tallies, blocking, signoffs, unmet, unverified)
    status = GateStatus(
        name=gate.name, title=gate.title, step=gate.step, phase=gate.phase, state=state,
        roles=list(gate.roles), missing_roles=missing, changed_sections=changed, signoffs=signoffs,
        content_hash=current["content_hash"], label=gate_label(state, unverified), unverified=unverified,
        require_verified=gate.require_verified, tallies=tallies, conditions=conditions, reasons=reasons,
        policy_hash=policy_hash,
    )
    signoff_events = {e.seq: e for e in latest.values()}
    apply_findings(status, fold_findings(events) if findings is None else findings, signoff_events,
                   now or clock())
    return status


def reopened_by(gates: Iterable[Gate], states: dict[str, "GateStatus"], path: str, before: Any, after: Any) -> list[Gate]:
    """The approved gates that changing the content at section path ``path`` from ``before`` to ``after`` stales.

    ``path`` is what an editor edits (``scope`` or ``kpi_review.development``); a gate covering a part of it
    (``kpi_review.development`` when editing ``kpi_review``) is reopened only if that part changed.
    """
    found = []
    for gate in gates:
        if states[gate.name].state != "approved":
            continue
        for cover in gate.covers:
            if cover == path or path.startswith(cover + "."):
                rel = ""
            elif cover.startswith(path + "."):
                rel = cover[len(path) + 1:]
            else:
                continue
            old = section_value(before, rel) if rel else before
            new = section_value(after, rel) if rel else after
            if old != new:
                found.append(gate)
                break
    return found


def gate_label(state: str, unverified: bool = False) -> str:
    """What a surface prints for a gate state."""
    text = state.replace("_", " ")
    return f"{text} (unverified)" if unverified else text


def _changed(signoffs, latest, current, reset, reset_seq) -> list[str]:
    by_seq = {e.seq: e for e in latest.values()}
    changed: list[str] = []
    for s in signoffs:
        if s.fresh or not s.counts:
            continue
        if s.seq < reset_seq and reset is not None:
            note = (f"monitoring alert (entry {reset.seq}): {reset.data.get('finding', '')}"
                    if reset.kind == "monitoring_check" else
                    f"the project went back to {reset.data.get('to')} (entry {reset.seq})")
            if note not in changed:
                changed.append(note)
        if s.policy_changed and "the gate's policy" not in changed:
            changed.append("the gate's policy")
        old = by_seq[s.seq].data.get("section_hashes", {})
        for path, h in current["section_hashes"].items():
            if old.get(path) != h and path not in changed:
                changed.append(path)
        old_m = by_seq[s.seq].data.get("measurements", {})
        for kind, h in current["measurements"].items():
            if old_m.get(kind) != h and f"latest {kind}" not in changed:
                changed.append(f"latest {kind}")
    return changed


def _reasons(gate, state, tallies, blocking, signoffs, unmet, unverified) -> list[str]:
    out: list[str] = []
    if blocking:
        out.append(f"{state.replace('_', ' ')} by {', '.join(_who(s) for s in blocking)}")
    for t in tallies:
        if t.short:
            role = t.role.replace("_", " ")
            if t.needed > 1:
                out.append(f"needs {t.needed} distinct {role} approvers ({len(t.approved_by)} on today's content)")
            else:
                out.append(f"needs a {role} approval on today's content"
                           + (f" (the approval by {', '.join(t.stale_by)} is stale)" if t.stale_by else ""))
    for s in signoffs:
        if not s.counts and s.decision == "approve" and s.note.startswith("not counted"):
            out.append(f"the approval by {_who(s)} is {s.note}")
    for c in unmet:
        out.append(f"condition not met: {c.message}")
    if unverified:
        out.append("approved on an unverified signature (the server did not vouch for who signed)")
    return out
