"""The Project facade: sections, sign-offs and freshness, transitions, model tests."""

from __future__ import annotations

import pytest

from tests.conftest import CUSTOMER_SUCCESS, DATA_SCIENTIST, PRODUCT_OWNER
from phasebook.core.errors import (
    GateNotSatisfiedError,
    InvalidDecisionError,
    InvalidTransitionError,
    JournalTornError,
    PlanValidationError,
    ProjectExistsError,
    ProjectNotFoundError,
    StaleApprovalError,
    UnknownGateError,
    UnknownRoleError,
)
from phasebook.core.events import Actor
from phasebook.core.hashing import content_hash
from phasebook.project import Project


@pytest.fixture
def scope_data():
    """Factory: scope content with hard metrics ``roc_auc >= 0.8`` and ``mape <= 0.2`` and a soft one."""

    def make(**changes) -> dict:
        data = {
            "kpis": [{
                "name": "churners caught before renewal",
                "metrics": [
                    {"name": "roc_auc", "target": 0.8, "comparator": ">=", "dataset": "holdout"},
                    {"name": "mape", "target": 0.2, "comparator": "<=", "dataset": "holdout"},
                    {"name": "reason_usefulness", "hardness": "soft", "definition": "account managers find the reasons useful"},
                ],
            }],
            "timebox_weeks": 3,
            "minimum_useful": "60% of the target",
        }
        data.update(changes)
        return data

    return make


@pytest.fixture
def scoped(project, scope_data):
    """A project whose scope is filled in."""
    project.save_section("product_need", {"statement": "account managers cannot see who is about to churn"})
    project.save_section("scope", scope_data())
    return project


def kinds(project: Project) -> list[str]:
    return [e.kind for e in project.events()]


# the freshness story (issue 2, first must-hold) ---------------------------------------------
def test_edit_after_approval_makes_gate_stale_and_blocks_advance_until_reapproved(scoped, scope_data):
    # Given the product owner approved the scope
    scoped.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    assert scoped.status().gates["scope_approval"].state == "approved"
    # When the scope is edited afterwards
    scoped.save_section("scope", scope_data(timebox_weeks=4))
    # Then the approval is stale, and advance refuses naming the changed section
    gate = scoped.status().gates["scope_approval"]
    assert (gate.state, gate.changed_sections) == ("stale", ["scope"])
    assert gate.signoffs[0].fresh is False
    with pytest.raises(StaleApprovalError) as info:
        scoped.advance()
    assert info.value.fields["changed_sections"] == ["scope"] and "scope_approval" in info.value.message
    assert scoped.status().phase == "scoping"
    # When the product owner approves again
    scoped.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    # Then the gate is fresh and advance moves to research
    assert scoped.status().gates["scope_approval"].state == "approved"
    event = scoped.advance()
    assert (event.kind, event.data["from"], event.data["to"]) == ("advance", "scoping", "research")
    assert scoped.status().phase == "research"


def test_scope_edit_makes_later_gates_covering_scope_stale_too(scoped, scope_data):
    # Given scope and research gates both approved
    scoped.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    scoped.advance()
    scoped.save_section("literature", {"entries": [{"title": "gradient boosting for churn", "verdict": "chosen"}]})
    scoped.sign_off("solution_validation", PRODUCT_OWNER, "approve")
    assert scoped.status().gates["solution_validation"].state == "approved"
    # When the scope changes
    scoped.save_section("scope", scope_data(minimum_useful="70% of the target"))
    # Then both approvals are stale, naming scope
    gates = scoped.status().gates
    assert gates["scope_approval"].state == gates["solution_validation"].state == "stale"
    assert gates["solution_validation"].changed_sections == ["scope"]
    with pytest.raises(StaleApprovalError, match="scope"):
        scoped.advance()


def test_advance_without_approval_names_gate_and_missing_roles(scoped):
    with pytest.raises(GateNotSatisfiedError) as info:
        scoped.advance()
    assert info.value.fields["gate"] == "scope_approval" and info.value.fields["missing_roles"] == ["product"]
    assert "product" in info.value.message and "override reason" in info.value.message
    assert "--override" not in info.value.message  # surface-neutral; the CLI adds the flag


def test_changes_requested_block_advance_naming_who(scoped):
    scoped.sign_off("scope_approval", PRODUCT_OWNER, "request_changes", "split the KPI per segment")
    with pytest.raises(GateNotSatisfiedError, match="product owner"):
        scoped.advance()


def test_override_advances_and_is_journaled(scoped):
    event = scoped.advance(override="the product owner is away; approved by e-mail")
    assert event.data["override"] == "the product owner is away; approved by e-mail"
    assert event.data["gate_state"] == "pending"
    assert scoped.status().phase == "research"


def test_signoff_stores_content_hash_and_snapshot(scoped):
    event = scoped.sign_off("scope_approval", PRODUCT_OWNER, "approve", "clear and measurable")
    assert set(event.data["section_hashes"]) == {"product_need", "scope"}
    assert event.data["content_hash"] == scoped.gate_content("scope_approval")["content_hash"]
    assert scoped.approved_content("scope_approval")["scope"]["timebox_weeks"] == 3
    assert event.actor == PRODUCT_OWNER and event.actor.verified is False


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda p: p.sign_off("scope_aproval", PRODUCT_OWNER, "approve"), UnknownGateError),
        (lambda p: p.sign_off("scope_approval", Actor(name="x", role="ceo"), "approve"), UnknownRoleError),
        (lambda p: p.sign_off("scope_approval", Actor(name="x"), "approve"), InvalidDecisionError),
        (lambda p: p.sign_off("scope_approval", PRODUCT_OWNER, "maybe"), InvalidDecisionError),
        (lambda p: p.sign_off("scope_approval", PRODUCT_OWNER, "reject"), InvalidDecisionError),
        (lambda p: p.sign_off("kpi_check", PRODUCT_OWNER, "approve"), InvalidTransitionError),
    ],
    ids=["unknown gate", "unknown role", "no role", "unknown decision", "reject without comment", "future gate"],
)
def test_invalid_signoffs_are_refused_and_not_journaled(scoped, call, error):
    before = kinds(scoped)
    with pytest.raises(error):
        call(scoped)
    assert kinds(scoped) == before


def test_kpi_check_needs_product_and_customer_success(scoped):
    scoped.advance(override="test")
    scoped.advance(override="test")
    scoped.test_model({"roc_auc": 0.85, "mape": 0.15}, model="gbm-v3")  # the KPI check needs a passing test
    scoped.sign_off("kpi_check", PRODUCT_OWNER, "approve")
    assert scoped.status().gates["kpi_check"].missing_roles == ["customer_success"]
    scoped.sign_off("kpi_check", CUSTOMER_SUCCESS, "approve")
    assert scoped.status().gates["kpi_check"].state == "approved"
    scoped.test_model({"roc_auc": 0.9, "mape": 0.1}, model="gbm-v4")  # a new model test reopens the check
    assert scoped.status().gates["kpi_check"].state == "stale"


# transitions ----------------------------------------------------------------------------------
def test_backtrack_with_approach_failure_is_journaled_and_shown(scoped):
    # Given a project in development
    scoped.advance(override="demo")
    scoped.advance(override="demo")
    # When the approach fails
    event = scoped.backtrack("research", "approach_failure", "the signal is not in the usage logs")
    # Then the journal and the status show it
    assert event.data == {"from": "development", "to": "research", "reason": "approach_failure",
                          "text": "the signal is not in the usage logs"}
    st = scoped.status()
    assert (st.phase, st.previous_phase) == ("research", "development")
    assert st.decisions[-1]["kind"] == "backtrack" and st.decisions[-1]["reason"] == "approach_failure"


def test_backtrack_reopens_the_gate_of_the_phase_gone_back_to(scoped):
    scoped.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    scoped.advance()
    scoped.sign_off("solution_validation", PRODUCT_OWNER, "approve")
    scoped.advance()
    scoped.backtrack("research", "approach_failure", "no signal")
    with pytest.raises(StaleApprovalError, match="went back to research"):
        scoped.advance()
    scoped.sign_off("solution_validation", PRODUCT_OWNER, "approve")
    assert scoped.advance().data["to"] == "development"
    assert scoped.status().gates["scope_approval"].state == "approved"


@pytest.mark.parametrize(
    ("target", "reason", "error"),
    [("development", "model_failure", InvalidTransitionError), ("scoping", "bored", InvalidDecisionError),
     ("cancelled", "goal_change", InvalidTransitionError)],
)
def test_invalid_backtracks_are_refused(scoped, target, reason, error):
    scoped.advance(override="x")
    with pytest.raises(error):
        scoped.backtrack(target, reason)


def test_cancel_is_journaled_and_final(scoped):
    event = scoped.cancel("the churn signal is too weak to act on")
    assert event.data == {"from": "scoping", "to": "cancelled", "reason": "the churn signal is too weak to act on"}
    assert scoped.status().phase == "cancelled"
    for call in (lambda: scoped.advance(), lambda: scoped.cancel("again"),
                 lambda: scoped.sign_off("scope_approval", PRODUCT_OWNER, "approve"),
                 lambda: scoped.backtrack("scoping", "goal_change")):
        with pytest.raises(InvalidTransitionError):
            call()
    with pytest.raises(InvalidDecisionError):
        Project.open(scoped.root).cancel("  ")


def test_deliver_then_reopen_for_maintenance(scoped):
    for _ in range(3):
        scoped.advance(override="x")
    with pytest.raises(InvalidTransitionError):
        scoped.reopen()
    event = scoped.deliver(override="shipped")
    assert (event.kind, event.data["to"]) == ("deliver", "delivered")
    assert scoped.reopen("drift alert").data["to"] == "maintenance"
    assert scoped.backtrack("research", "model_failure").data["from"] == "maintenance"


# model tests --------------------------------------------------------------------------------
def test_test_model_judges_and_journals(scoped):
    result = scoped.test_model({"roc_auc": 0.83, "mape": 0.25, "reason_usefulness": 0.1}, model="gbm-v3",
                               details={"rows": 1200})
    outcomes = {r.metric: r.outcome for r in result.results}
    assert outcomes == {"roc_auc": "passed", "mape": "failed", "reason_usefulness": "not_judged"}
    assert result.passed is False
    event = scoped.events()[-1]
    assert event.kind == "model_test" and event.data["model"] == "gbm-v3"
    assert event.data["scope_hash"].startswith("sha256:") and event.data["details"] == {"rows": 1200}
    assert event.data["plan_hash"] == content_hash(scoped.plan().dump())
    assert event.data["values"] == {"roc_auc": 0.83, "mape": 0.25, "reason_usefulness": 0.1}
    assert [r["outcome"] for r in event.data["results"]] == ["passed", "failed", "not_judged"]
    assert scoped.status().latest_model_test["passed"] is False


def test_test_model_with_missing_metric_never_passes(scoped):
    result = scoped.test_model({"roc_auc": 0.95}, model="gbm-v4")
    assert {r.metric: r.outcome for r in result.results}["mape"] == "not_measured"
    assert result.passed is False
    assert scoped.test_model({"roc_auc": 0.95, "mape": 0.1}, model="gbm-v5").passed is True


def test_test_model_rejects_non_numbers_without_journaling(scoped):
    before = kinds(scoped)
    with pytest.raises(InvalidDecisionError, match="roc_auc"):
        scoped.test_model({"roc_auc": "good"})
    assert kinds(scoped) == before


# sections, opening ----------------------------------------------------------------------------
def test_save_journals_the_section_hash_once(project, scope_data):
    project.save_section("scope", scope_data())
    project.save_section("scope", scope_data())  # unchanged: no new entry
    saves = [e for e in project.events() if e.kind == "section_saved"]
    assert len(saves) == 1 and saves[0].data["section"] == "scope" and saves[0].data["hash"].startswith("sha256:")


def test_invalid_save_writes_nothing(project):
    before, entries = project.plan_path.read_bytes(), len(project.events())
    with pytest.raises(PlanValidationError, match="scope.timebox_weeks"):
        project.save_section("scope", {"timebox_weeks": 0})
    assert project.plan_path.read_bytes() == before and len(project.events()) == entries


def test_open_searches_upward_and_reports_missing_project(project, tmp_path):
    nested = project.root / "data" / "raw"
    nested.mkdir(parents=True)
    assert Project.open(nested).root == project.root
    with pytest.raises(ProjectNotFoundError, match="No phasebook project"):
        Project.open(tmp_path)
    with pytest.raises(ProjectExistsError):
        Project.new(project.root)


def test_torn_journal_is_reported_by_open_and_blocks_writes(project, scope_data):
    with open(project.journal_path, "ab") as fh:
        fh.write(b'{"v":1,"seq":')
    with pytest.raises(JournalTornError, match="Repair the journal"):
        Project.open(project.root)
    before = project.plan_path.read_bytes()
    with pytest.raises(JournalTornError):
        project.save_section("scope", scope_data())
    assert project.plan_path.read_bytes() == before  # nothing half-done


def test_new_project_layout(project):
    for name in ("phasebook.yaml", "journal.jsonl", ".gitignore", "data", "runs", "workbooks"):
        assert (project.root / name).exists(), name
    assert "runs/" in (project.root / ".gitignore").read_text()
    assert kinds(project) == ["project_created"]
    assert project.status().phase == "scoping" and project.name == "churn-risk"
    assert DATA_SCIENTIST.role == "data_science"


@pytest.mark.parametrize("kind", ["sign_off", "advance", "backtrack", "cancel", "section_saved"])
def test_record_refuses_decisions_that_have_their_own_rules(project, kind):
    with pytest.raises(InvalidDecisionError, match="use Project"):
        project.record(kind, {"to": "delivered"})
    assert project.status().phase == "scoping"


def test_record_journals_tool_events(project):
    event = project.record("drift_check", {"drifted": False})
    assert (event.kind, event.actor.name) == ("drift_check", "phasebook")


def test_save_section_plan_returns_the_plan_as_written(project):
    # Given a project, when a section is saved through the editor's entry point
    import hashlib

    doc = project.save_section_plan("product_need", {"statement": "customers cannot see their budget"})
    # Then the returned plan is the file just written: its digest is the next concurrency token
    assert doc.digest == hashlib.sha256(project.plan_path.read_bytes()).hexdigest()
    assert doc.sections["product_need"].statement == "customers cannot see their budget"
    # and a save with that token succeeds, while the old token is refused
    project.save_section("product_need", {"statement": "second"}, expected_digest=doc.digest)
    from phasebook.core.errors import PlanChangedOnDiskError

    with pytest.raises(PlanChangedOnDiskError):
        project.save_section("product_need", {"statement": "third"}, expected_digest=doc.digest)
