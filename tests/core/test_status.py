"""Folding plan + journal into the status: gate states and the current phase."""

from __future__ import annotations

import pytest

from phasebook.core.events import GENESIS, Actor, Event
from phasebook.core.flow import default_flow
from phasebook.core.sections import SECTION_MODELS
from phasebook.core.status import covered_content, fold

FLOW = default_flow()
PO = Actor(name="product owner", role="product")
CS = Actor(name="customer success lead", role="customer_success")


def empty_plan() -> dict:
    return {k: m().model_dump(mode="json") for k, m in SECTION_MODELS.items()}


class History:
    """A factory of journal events for fold(): sign-offs judge the plan as it is at that moment."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, data: dict, actor: Actor = PO) -> Event:
        prev = self.events[-1].hash if self.events else GENESIS
        ev = Event(seq=len(self.events) + 1, at="2026-01-01T00:00:00.000000Z", actor=actor, kind=kind, data=data, prev=prev).sealed()
        self.events.append(ev)
        return ev

    def sign(self, gate: str, plan: dict, decision: str = "approve", actor: Actor = PO, comment: str = "") -> Event:
        content = covered_content(FLOW.gate(gate), plan, self.events)
        return self.add("sign_off", {
            "gate": gate, "decision": decision, "comment": comment, "content_hash": content["content_hash"],
            "section_hashes": content["section_hashes"], "measurements": content["measurements"],
        }, actor)

    def status(self, plan: dict):
        return fold("p", FLOW, plan, self.events)


@pytest.fixture
def history() -> History:
    return History()


def test_new_project_is_in_scoping_with_every_gate_pending(history):
    st = history.status(empty_plan())
    assert st.phase == "scoping"
    assert {g.state for g in st.gates.values()} == {"pending"}
    assert st.gates["scope_approval"].missing_roles == ["product"]


def test_approval_goes_stale_when_a_covered_section_changes_and_fresh_again_on_reapproval(history):
    plan = empty_plan()
    history.sign("scope_approval", plan)
    assert history.status(plan).gates["scope_approval"].state == "approved"
    plan["scope"]["timebox_weeks"] = 3
    gate = history.status(plan).gates["scope_approval"]
    assert (gate.state, gate.changed_sections) == ("stale", ["scope"])
    history.sign("scope_approval", plan)
    gate = history.status(plan).gates["scope_approval"]
    assert (gate.state, gate.changed_sections) == ("approved", [])


def test_uncovered_section_change_keeps_approval_fresh(history):
    plan = empty_plan()
    history.sign("scope_approval", plan)
    plan["experiment_setup"]["repository"] = "git@example.org:team/churn.git"
    assert history.status(plan).gates["scope_approval"].state == "approved"


def test_gate_needs_every_required_role(history):
    plan = empty_plan()
    history.add("model_test", {"model": "v1", "passed": True})
    history.sign("kpi_check", plan)
    gate = history.status(plan).gates["kpi_check"]
    assert (gate.state, gate.missing_roles) == ("pending", ["customer_success"])
    history.sign("kpi_check", plan, actor=CS)
    assert history.status(plan).gates["kpi_check"].state == "approved"


def test_new_model_test_reopens_the_kpi_check(history):
    plan = empty_plan()
    history.add("model_test", {"model": "v1", "passed": True})
    history.sign("kpi_check", plan)
    history.sign("kpi_check", plan, actor=CS)
    history.add("model_test", {"model": "v2", "passed": True})
    gate = history.status(plan).gates["kpi_check"]
    assert gate.state == "stale" and gate.changed_sections == ["latest model_test"]


def test_request_changes_blocks_until_the_content_changes(history):
    plan = empty_plan()
    history.sign("scope_approval", plan, "request_changes", comment="the KPI needs a segment")
    history.sign("scope_approval", plan, actor=Actor(name="product lead", role="product"))
    assert history.status(plan).gates["scope_approval"].state == "changes_requested"
    plan["scope"]["minimum_useful"] = "60% of the target"
    assert history.status(plan).gates["scope_approval"].state == "stale"
    history.sign("scope_approval", plan)
    assert history.status(plan).gates["scope_approval"].state == "approved"


def test_reject_wins_over_a_request_for_changes(history):
    plan = empty_plan()
    history.sign("scope_approval", plan, "request_changes", comment="segment?")
    history.sign("scope_approval", plan, "reject", actor=Actor(name="product lead", role="product"), comment="no value")
    assert history.status(plan).gates["scope_approval"].state == "rejected"


def test_transitions_move_the_phase(history):
    plan = empty_plan()
    history.add("advance", {"from": "scoping", "to": "research"})
    history.add("advance", {"from": "research", "to": "development"})
    assert history.status(plan).phase == "development"
    history.add("backtrack", {"from": "development", "to": "research", "reason": "approach_failure"})
    st = history.status(plan)
    assert (st.phase, st.previous_phase) == ("research", "development")
    assert [d["kind"] for d in st.decisions] == ["advance", "advance", "backtrack"]
    history.add("cancel", {"from": "research", "to": "cancelled", "reason": "no signal"})
    assert history.status(plan).phase == "cancelled"


def test_backtrack_makes_approvals_of_that_phase_and_later_stale(history):
    plan = empty_plan()
    history.sign("scope_approval", plan)
    history.add("advance", {"from": "scoping", "to": "research"})
    history.sign("solution_validation", plan)
    history.add("advance", {"from": "research", "to": "development"})
    history.add("backtrack", {"from": "development", "to": "research", "reason": "approach_failure"})
    st = history.status(plan)
    assert st.gates["scope_approval"].state == "approved"  # earlier gate untouched
    gate = st.gates["solution_validation"]
    assert gate.state == "stale"
    assert gate.changed_sections == ["the project went back to research (entry 5)"]
    history.sign("solution_validation", plan)
    assert history.status(plan).gates["solution_validation"].state == "approved"
