"""Gate evaluation in core, without disk: identity + verification, roles, M of N, require_verified, conditions."""

from __future__ import annotations

import json

import pytest

from phasebook.core.events import GENESIS, Actor, Event
from phasebook.core.flow import Flow, default_flow, policy_of
from phasebook.core.gates import covered_content, evaluate_gate, reopened_by
from phasebook.core.hashing import content_hash
from phasebook.core.sections import SECTION_MODELS
from phasebook.core.status import fold

PAT_VERIFIED = Actor(name="pat", role="product", verified=True)
PAT_TYPED = Actor(name="pat", role="product", verified=False)
PO = Actor(name="product owner", role="product")
CS = Actor(name="customer success lead", role="customer_success")


def empty_plan() -> dict:
    return {k: m().model_dump(mode="json") for k, m in SECTION_MODELS.items()}


def flow_with(**gate_changes) -> Flow:
    """The default flow with ``scope_approval``'s policy changed."""
    data = json.loads(default_flow().model_dump_json())
    data["gates"][0].update(gate_changes)
    return Flow.model_validate(data)


class Journal:
    def __init__(self, flow: Flow) -> None:
        self.flow, self.events = flow, []

    def add(self, kind: str, data: dict, actor: Actor = PO) -> Event:
        prev = self.events[-1].hash if self.events else GENESIS
        ev = Event(seq=len(self.events) + 1, at="2026-01-01T00:00:00.000000Z", actor=actor, kind=kind, data=data,
                   prev=prev).sealed()
        self.events.append(ev)
        return ev

    def sign(self, gate: str, plan: dict, decision: str = "approve", actor: Actor = PO, **extra) -> Event:
        g = self.flow.gate(gate)
        content = covered_content(g, plan, self.events)
        return self.add("sign_off", {"gate": gate, "decision": decision, "comment": extra.pop("comment", "x"),
                                     "content_hash": content["content_hash"], "section_hashes": content["section_hashes"],
                                     "measurements": content["measurements"], "snapshot": content["sections"],
                                     "policy_hash": content_hash(policy_of(g)), "policy": policy_of(g), **extra}, actor)

    def gate(self, gate: str, plan: dict, flow: Flow | None = None):
        return fold("p", flow or self.flow, plan, self.events).gates[gate]


def test_an_unverified_entry_never_replaces_a_verified_one_of_the_same_name():
    j, plan = Journal(default_flow()), empty_plan()
    j.sign("scope_approval", plan, "request_changes", PAT_VERIFIED, comment="limit to EU")
    j.sign("scope_approval", plan, "approve", PAT_TYPED)
    gate = j.gate("scope_approval", plan)
    assert gate.state == "changes_requested"
    typed = next(s for s in gate.signoffs if not s.verified)
    assert not typed.counts and "has a verified sign-off" in typed.note
    assert any(r.startswith("the approval by pat (product, unverified) is not counted") for r in gate.reasons)


def test_an_unverified_approval_does_not_outrank_a_verified_approval_either():
    j, plan = Journal(default_flow()), empty_plan()
    j.sign("scope_approval", plan, "approve", PAT_VERIFIED)
    j.sign("scope_approval", plan, "reject", PAT_TYPED, comment="typed by someone else")
    gate = j.gate("scope_approval", plan)
    assert (gate.state, gate.label, gate.unverified) == ("approved", "approved", False)


def test_a_role_the_gate_does_not_require_is_a_comment_not_an_approval():
    j, plan = Journal(default_flow()), empty_plan()
    j.sign("scope_approval", plan, "approve", CS)
    gate = j.gate("scope_approval", plan)
    assert (gate.state, gate.missing_roles) == ("pending", ["product"])
    assert "recorded as a comment" in gate.signoffs[0].note
    j.sign("scope_approval", plan, "reject", CS, comment="not convinced")  # does not block either
    j.sign("scope_approval", plan, "approve", PO)
    assert j.gate("scope_approval", plan).state == "approved"


def test_an_approval_on_an_unverified_signature_says_so():
    j, plan = Journal(default_flow()), empty_plan()
    j.sign("scope_approval", plan, "approve", PO)
    gate = j.gate("scope_approval", plan)
    assert (gate.state, gate.label, gate.unverified) == ("approved", "approved (unverified)", True)


def test_require_verified_records_an_unverified_approval_but_the_gate_stays_pending():
    flow = flow_with(require_verified=True)
    j, plan = Journal(flow), empty_plan()
    j.sign("scope_approval", plan, "approve", PO)
    gate = j.gate("scope_approval", plan)
    assert (gate.state, gate.missing_roles, len(gate.signoffs)) == ("pending", ["product"], 1)
    assert "this gate requires verified sign-offs" in gate.signoffs[0].note
    assert any("requires verified sign-offs" in r for r in gate.reasons)
    j.sign("scope_approval", plan, "approve", PAT_VERIFIED)
    assert j.gate("scope_approval", plan).label == "approved"


def test_m_of_n_needs_distinct_approvers():
    flow = flow_with(approvals={"product": 2})
    j, plan = Journal(flow), empty_plan()
    j.sign("scope_approval", plan, "approve", PO)
    j.sign("scope_approval", plan, "approve", Actor(name="product owner", role="product"))
    gate = j.gate("scope_approval", plan)
    assert gate.state == "pending" and gate.tallies[0].approved_by == ["product owner"] and gate.tallies[0].needed == 2
    j.sign("scope_approval", plan, "approve", Actor(name="product lead", role="product"))
    assert j.gate("scope_approval", plan).state == "approved"


def test_two_role_gate_partly_reapproved_after_a_change_names_the_missing_role():
    j, plan = Journal(default_flow()), empty_plan()
    j.add("model_test", {"passed": True})
    j.sign("kpi_check", plan, "approve", PO)
    j.sign("kpi_check", plan, "approve", CS)
    plan["scope"]["timebox_weeks"] = 3
    j.sign("kpi_check", plan, "approve", PO)
    gate = j.gate("kpi_check", plan)
    assert (gate.state, gate.missing_roles, gate.changed_sections) == ("stale", ["customer_success"], ["scope"])
    assert gate.reasons == ["needs a customer success approval on today's content "
                            "(the approval by customer success lead is stale)"]


def test_a_policy_change_stales_only_the_gate_whose_policy_changed():
    flow = default_flow()
    j, plan = Journal(flow), empty_plan()
    j.sign("scope_approval", plan, "approve", PO)
    j.sign("solution_validation", plan, "approve", PO)
    changed = flow_with(approvals={"product": 2})
    before = fold("p", flow, plan, j.events).gates
    after = fold("p", changed, plan, j.events).gates
    assert before["scope_approval"].state == before["solution_validation"].state == "approved"
    scope = after["scope_approval"]
    assert scope.state == "pending" and scope.changed_sections == ["the gate's policy"]
    assert [(s.fresh, s.policy_changed) for s in scope.signoffs] == [(False, True)]
    assert scope.tallies[0].stale_by == ["product owner"]
    assert after["solution_validation"].state == "approved"
    assert [(s.fresh, s.policy_changed) for s in after["solution_validation"].signoffs] == [(True, False)]


def test_kpi_check_condition_needs_a_passing_model_test_or_an_acknowledgement():
    j, plan = Journal(default_flow()), empty_plan()
    gate = j.gate("kpi_check", plan)
    assert [(c.kind, c.met) for c in gate.conditions] == [("passing_model_test", False)]
    j.add("model_test", {"passed": False, "results": [{"metric": "roc_auc", "hardness": "hard", "outcome": "failed"}]})
    j.sign("kpi_check", plan, "approve", PO)
    j.sign("kpi_check", plan, "approve", CS, acknowledged=["passing_model_test"], comment="soft launch to 5% only")
    gate = j.gate("kpi_check", plan)
    assert gate.state == "pending" and gate.missing_roles == ["product"]
    assert "failing: roc_auc" in gate.conditions[0].message
    assert "condition not met: the latest model test does not pass every hard metric (failing: roc_auc)" in gate.reasons


def test_post_deployment_condition_needs_a_drift_check_newer_than_the_deployment():
    j, plan = Journal(default_flow()), empty_plan()
    j.add("drift_check", {"drifted": []})
    j.add("section_saved", {"section": "deployment"})
    gate = j.gate("post_deployment_kpi_check", plan)
    assert not gate.conditions[0].met and "since deployment was last saved (entry 2)" in gate.conditions[0].message
    j.add("drift_check", {"drifted": []})
    assert j.gate("post_deployment_kpi_check", plan).conditions[0].met


@pytest.mark.parametrize("path,before,after,expected", [
    ("scope", {"timebox_weeks": 2}, {"timebox_weeks": 3}, {"scope_approval", "solution_validation", "kpi_check"}),
    ("kpi_review", {"development": {"a": 1}, "post_deployment": {}}, {"development": {"a": 1}, "post_deployment": {"b": 2}},
     set()),
    ("kpi_review.development", {"a": 1}, {"a": 2}, {"kpi_check"}),
])
def test_which_approved_gates_an_edit_reopens(path, before, after, expected):
    flow = default_flow()
    j, plan = Journal(flow), empty_plan()
    j.add("model_test", {"passed": True})
    for gate in ("scope_approval", "solution_validation", "kpi_check"):
        j.sign(gate, plan, "approve", PO)
    j.sign("kpi_check", plan, "approve", CS)
    states = fold("p", flow, plan, j.events).gates
    assert {g.name for g in reopened_by(flow.gates, states, path, before, after)} == expected
