"""Transitions as pure functions of the flow and the gate states (no disk)."""

from __future__ import annotations

import json

import pytest

from phasebook.core.errors import GateNotSatisfiedError, InvalidDecisionError, InvalidTransitionError, StaleApprovalError
from phasebook.core.events import GENESIS, Actor, Event
from phasebook.core.flow import Flow, default_flow
from phasebook.core.gates import GateStatus
from phasebook.core.metrics import CATALOGUE
from phasebook.core.transitions import check_signable, gate_resets, plan_advance, plan_backtrack, plan_cancel, plan_reopen

FLOW = default_flow()


def gates(state: str = "pending", **extra) -> dict[str, GateStatus]:
    return {g.name: GateStatus(name=g.name, title=g.title, step=g.step, phase=g.phase, state=state, roles=list(g.roles),
                               content_hash="h", **extra) for g in FLOW.gates}


def test_advance_goes_through_the_flow_in_order_and_delivers_after_the_last_work_phase():
    assert plan_advance(FLOW, "scoping", gates("approved")) == (
        "advance", {"from": "scoping", "to": "research", "gate": "scope_approval", "gate_state": "approved"})
    kind, data = plan_advance(FLOW, "deployment", gates("approved"))
    assert (kind, data["to"]) == ("deliver", "delivered")


def test_advance_refuses_a_stale_or_pending_gate_unless_overridden():
    with pytest.raises(StaleApprovalError):
        plan_advance(FLOW, "scoping", gates("stale", changed_sections=["scope"]))
    with pytest.raises(GateNotSatisfiedError, match="needs a product approval"):
        plan_advance(FLOW, "scoping", gates("pending", reasons=["needs a product approval on today's content"]))
    kind, data = plan_advance(FLOW, "scoping", gates("pending"), override="approved by e-mail")
    assert data["override"] == "approved by e-mail" and data["gate_state"] == "pending"
    with pytest.raises(InvalidTransitionError, match="Reopen it to start maintenance"):
        plan_advance(FLOW, "delivered", gates("approved"))


def test_backtrack_cancel_reopen_rules():
    assert plan_backtrack(FLOW, "development", "research", "approach_failure")[1]["to"] == "research"
    with pytest.raises(InvalidTransitionError, match="earlier phase"):
        plan_backtrack(FLOW, "research", "development", "goal_change")
    with pytest.raises(InvalidDecisionError):
        plan_backtrack(FLOW, "development", "research", "bored")
    assert plan_cancel(FLOW, "research", "no signal")[1]["to"] == "cancelled"
    with pytest.raises(InvalidDecisionError):
        plan_cancel(FLOW, "research", " ")
    with pytest.raises(InvalidTransitionError):
        plan_cancel(FLOW, "cancelled", "again")
    assert plan_reopen(FLOW, "delivered")[1]["to"] == "maintenance"
    with pytest.raises(InvalidTransitionError):
        plan_reopen(FLOW, "research")


def test_a_backtrack_reopens_the_gate_of_that_phase_and_every_later_one():
    ev = Event(seq=4, at="t", actor=Actor.system(), kind="backtrack", data={"from": "deployment", "to": "research"},
               prev=GENESIS).sealed()
    assert set(gate_resets(FLOW, [ev])) == {"solution_validation", "kpi_check", "post_deployment_kpi_check"}


def test_signing_a_later_phases_gate_or_a_cancelled_project_is_refused():
    check_signable(FLOW, "scoping", "research")
    with pytest.raises(InvalidTransitionError):
        check_signable(FLOW, "development", "scoping")
    with pytest.raises(InvalidTransitionError, match="cancelled"):
        check_signable(FLOW, "scoping", "cancelled")


def test_renamed_phases_follow_the_flow_not_the_code():
    data = json.loads(FLOW.model_dump_json())
    for p in data["phases"]:
        if p["name"] == "delivered":
            p["name"] = "shipped"
    flow = Flow.model_validate(data)
    assert flow.next_phase("deployment") == "shipped"
    assert plan_reopen(flow, "shipped")[1] == {"from": "shipped", "to": "maintenance", "reason": ""}


def test_the_metric_catalogue_is_the_one_modeling_implements():
    from phasebook.modeling.metrics import METRICS

    assert set(METRICS) == set(CATALOGUE)
    assert all(METRICS[n].higher_is_better == m.higher_is_better and METRICS[n].needs == m.needs
               for n, m in CATALOGUE.items())
    assert CATALOGUE["mape"].comparator == "<=" and CATALOGUE["roc_auc"].comparator == ">="
