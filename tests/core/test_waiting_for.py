"""What waits for one person (core/attention.py), on a filled project made through the Project API."""

from __future__ import annotations

from phasebook.core.events import Actor
from phasebook.core.status import reached
from tests.dashboards.fixtures import build_filled_project

PRODUCT = Actor(name="product owner", role="product")
SCIENTIST = Actor(name="data scientist", role="data_science")


def _kinds(items):
    return [(i.kind, i.gate) for i in items]


def test_the_scope_gate_waits_for_product_and_later_gates_wait_for_nobody(tmp_path):
    # Given a filled project in scoping, nothing signed
    p = build_filled_project(tmp_path / "p")
    # When product asks what waits for them
    items = p.waiting_for("product owner", "product")
    # Then only the reached gate (scoping's) is listed, in words with its step and title
    assert _kinds(items) == [("sign", "scope_approval")]
    g = p.status().gates["scope_approval"]
    assert items[0].text.startswith(f"{g.step} {g.title}: waiting for your approval")
    # And a role no gate needs waits for nothing
    assert p.waiting_for("data scientist", "data_science") == []


def test_after_approval_nothing_waits_and_a_change_asks_the_signer_to_sign_again(tmp_path):
    p = build_filled_project(tmp_path / "p")
    p.sign_off("scope_approval", PRODUCT, "approve", "fine")
    assert p.waiting_for("product owner", "product") == []
    # When the scope's target changes after the approval
    scope = p.section("scope").model_dump(mode="json")
    scope["kpis"][0]["metrics"][0]["target"] = 0.82
    p.save_section("scope", scope, actor=SCIENTIST)
    # Then the signer's stale approval is the first thing waiting, naming what changed
    items = p.waiting_for("product owner", "product")
    assert items[0].kind == "resign" and items[0].gate == "scope_approval"
    assert "scope changed" in items[0].text
    # And another product person is asked for a fresh approval (not a re-sign)
    assert _kinds(p.waiting_for("head of product", "product")) == [("sign", "scope_approval")]


def test_delegations_and_owned_findings_wait_for_their_person(tmp_path):
    p = build_filled_project(tmp_path / "p")
    p.delegate("scope_approval", "finance lead", "2999-01-01T00:00:00Z", actor=PRODUCT)
    p.raise_finding("scope_approval", "the holdout is too small", severity="non_blocking", owner="data scientist",
                    due="2000-01-01", actor=PRODUCT)
    # Then the delegate (no role of their own) is asked to sign in the delegated role
    items = p.waiting_for("finance lead", None)
    assert _kinds(items) == [("delegated", "scope_approval")] and items[0].role == "product"
    assert "delegated to you by product owner" in items[0].text
    # And the finding's owner sees it, overdue
    found = p.waiting_for("data scientist", "data_science")
    assert [(i.kind, i.overdue) for i in found] == [("finding", True)]
    assert "the holdout is too small" in found[0].text
    # And an approval by someone else does not end the finding for its owner
    p.sign_off("scope_approval", PRODUCT, "approve", "fine")
    assert p.waiting_for("finance lead", None) == []
    assert len(p.waiting_for("data scientist", "data_science")) == 1


def test_steps_of_phases_not_reached_are_not_done(tmp_path):
    # Given a project in scoping whose later phases' notebooks already ran (as the demo's did)
    p = build_filled_project(tmp_path / "p")
    flow = p.flow
    later = flow.work_phases[1]
    p.record("run", {"phase": later, "notebook": "x.ipynb", "status": "succeeded"}, actor=SCIENTIST)
    assert any(s.kind == "notebook" and not s.done_when for s in flow.steps_of(later))  # one the run would make done
    st = p.status()
    assert not reached(flow, st.phase, later) and reached(flow, st.phase, st.phase)
    # Then no step of a later phase is done
    assert [s.id for s in st.steps if s.phase != st.phase and s.status == "done"] == []
