"""Gate policy through the facade and every surface (issue 14 items 4–5, issue 15 item 2).

Each test drives :class:`Project` and then reads what the CLI, the sign-off
page, the overview and the status JSON say, so a rule decided in one place
and shown differently elsewhere fails here.
"""

from __future__ import annotations

import re

import json

import pytest
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.errors import ConditionNotMetError, InvalidDecisionError, SignerNotAllowedError
from phasebook.core.events import Actor
from phasebook.core.flow import default_flow
from phasebook.dashboards import context
from phasebook.dashboards.context import Viewer
from phasebook.dashboards.overview import overview_parts
from phasebook.dashboards.signoff import SignoffWidget, gate_header, signers_html
from phasebook.project import Project
from phasebook.store.plan import dump_yaml

PO = Actor(name="product owner", role="product")
CS = Actor(name="customer success lead", role="customer_success")
PAT = Actor(name="pat", role="product", verified=True)
SCOPE = {"kpis": [{"name": "churners caught before renewal",
                   "metrics": [{"name": "roc_auc", "target": 0.8, "comparator": ">=", "dataset": "holdout"}]}],
         "timebox_weeks": 2}


@pytest.fixture(autouse=True)
def clean_context():
    context._CONTEXT.clear()
    yield
    context._CONTEXT.clear()


def write_flow(project: Project, **scope_gate) -> None:
    data = json.loads(default_flow().model_dump_json())
    data["version"] = "team-2026.2"
    data["gates"][0].update(scope_gate)
    (project.root / "flow.yaml").write_text(dump_yaml(data), encoding="utf-8")


def cli_status(project: Project) -> str:
    """``phasebook status`` as one line of words (on a console wide enough that table cells do not wrap)."""
    from phasebook.cli import console

    width = console._width
    console.width = 240
    try:
        result = CliRunner().invoke(cli, ["--project", str(project.root), "status"])
    finally:
        console._width = width
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def overview_html(project: Project) -> str:
    return "".join(p for p in overview_parts(project) if isinstance(p, str))


def page_html(project: Project, gate: str) -> str:
    return gate_header(project, gate) + signers_html(project, gate)


@pytest.fixture
def scoped(make_project) -> Project:
    project = make_project()
    project.save_section("product_need", {"statement": "account managers cannot see who is about to churn"})
    project.save_section("scope", SCOPE)
    return project


def in_development(project: Project) -> Project:
    project.advance(override="scoping approved on paper")
    project.advance(override="research approved on paper")
    return project


# pinned policy ------------------------------------------------------------------------------------
def test_editing_one_gates_policy_stales_only_that_gates_approvals_with_the_policy_diff(scoped):
    write_flow(scoped)
    scoped.use_flow("flow.yaml")
    scoped.sign_off("scope_approval", PAT, "approve")
    scoped.advance()
    scoped.sign_off("solution_validation", PAT, "approve")
    assert {g: s.state for g, s in scoped.status().gates.items() if s.signoffs} == {
        "scope_approval": "approved", "solution_validation": "approved"}
    # When the team edits the scope gate's policy in its flow file
    write_flow(scoped, require_verified=True)
    gates = scoped.status().gates
    # Then only that gate's approval is stale, and the sign-off page shows the policy diff
    assert gates["scope_approval"].state == "stale" and gates["scope_approval"].changed_sections == ["the gate's policy"]
    assert gates["solution_validation"].state == "approved"
    page = page_html(scoped, "scope_approval")
    assert "The gate&#x27;s policy changed" in page or "The gate's policy changed" in page
    cells = re.sub(r' data-label="[^"]*"', "", page)  # the phone layout's labels aside
    assert "<td>require_verified</td><td>false</td><td>true</td>" in cells
    assert "policy changed" not in page_html(scoped, "solution_validation")
    st = scoped.status()
    assert st.flow_pinned_hash != st.flow_hash and st.flow_gates_changed == ["scope_approval"]
    assert "gates whose policy changed: scope_approval" in overview_html(scoped)
    # And the change is journaled on the next write, naming that gate only
    scoped.sign_off("scope_approval", PAT, "approve")
    changed = [e for e in scoped.events() if e.kind == "flow_changed"]
    assert changed[-1].data["gates_changed"] == ["scope_approval"]
    st = scoped.status()
    assert st.gates["scope_approval"].state == "approved" and st.flow_pinned_hash == st.flow_hash
    assert "gates whose policy changed" not in overview_html(scoped)


def test_each_sign_off_stores_the_flow_and_policy_hash_and_the_project_its_pin(scoped):
    first = scoped.events()[0]
    assert first.kind == "project_created" and first.data["flow_hash"].startswith("sha256:")
    event = scoped.sign_off("scope_approval", PO, "approve")
    assert event.data["flow_hash"] == first.data["flow_hash"]
    assert event.data["policy_hash"] == first.data["gate_policies"]["scope_approval"]


# two-role gate, partial re-approval -----------------------------------------------------------------
def test_two_role_gate_partly_reapproved_names_the_missing_role_everywhere_and_diffs_per_signer(scoped):
    project = in_development(scoped)
    project.test_model({"roc_auc": 0.85})
    project.sign_off("kpi_check", PO, "approve")
    project.save_section("scope", {**SCOPE, "timebox_weeks": 3})
    project.sign_off("kpi_check", CS, "approve")  # customer success approved the 3-week scope
    project.save_section("scope", {**SCOPE, "timebox_weeks": 4})
    project.sign_off("kpi_check", PO, "approve")  # the product owner re-approves the 4-week scope
    gate = project.status().gates["kpi_check"]
    assert (gate.state, gate.missing_roles) == ("stale", ["customer_success"])
    assert "kpi_check: needs a customer success approval on today's content" in cli_status(project)
    page = page_html(project, "kpi_check")
    assert "Still to approve:</b> customer success" in page
    assert "Every required role has approved" not in page
    assert "customer success" in overview_html(project).split('aria-label="Gates"')[1].split("</table>")[0]
    # each stale signer's diff is against *their* approval: customer success saw 3 weeks, not 2
    assert "What changed since the approval by customer success lead (customer success)" in page
    assert "What changed since the approval by product owner" not in page
    cs_diff = page.split("What changed since the approval by customer success lead")[1]
    assert "timebox_weeks: 3" in cs_diff and "timebox_weeks: 4" in cs_diff and "timebox_weeks: 2" not in cs_diff


# require_verified -----------------------------------------------------------------------------------
def test_require_verified_records_an_unverified_approval_and_every_surface_says_why(scoped):
    write_flow(scoped, require_verified=True)
    scoped.use_flow("flow.yaml")
    scoped.sign_off("scope_approval", PO, "approve")
    gate = scoped.status().gates["scope_approval"]
    assert (gate.state, len(gate.signoffs)) == ("pending", 1)
    why = "this gate requires verified sign-offs"
    assert why in cli_status(scoped)
    assert why in page_html(scoped, "scope_approval")
    assert why in overview_html(scoped)
    assert any(why in r for r in gate.model_dump(mode="json")["reasons"])  # the sidebar's JSON
    result = CliRunner().invoke(cli, ["--project", str(scoped.root), "advance"])
    assert result.exit_code == 1 and why in " ".join(result.output.split())


def test_without_require_verified_an_unverified_approval_says_approved_unverified(scoped):
    scoped.sign_off("scope_approval", PO, "approve")
    assert scoped.status().gates["scope_approval"].label == "approved (unverified)"
    assert "approved (unverified)" in cli_status(scoped)
    assert "approved (unverified)" in page_html(scoped, "scope_approval")
    assert "approved (unverified)" in overview_html(scoped)


# kpi_check condition --------------------------------------------------------------------------------
def test_kpi_check_without_a_passing_test_is_refused_unless_acknowledged_and_the_page_says_so_first(scoped):
    project = in_development(scoped)
    project.test_model({"roc_auc": 0.7})  # fails the hard metric
    widget = SignoffWidget(project, "kpi_check", Viewer(name=None))
    assert "Approval needs: the latest model test does not pass every hard metric (failing: roc_auc)" in \
        widget.notes.value
    assert widget.acknowledge in widget.children
    before = len(project.events())
    widget.name.value = "product owner"
    widget.submit("approve")
    assert "cannot be approved yet" in widget.status.value and len(project.events()) == before
    with pytest.raises(ConditionNotMetError):
        project.sign_off("kpi_check", PO, "approve")
    with pytest.raises(InvalidDecisionError, match="acknowledgement needs a comment"):
        project.sign_off("kpi_check", PO, "approve", acknowledge=True)
    assert len(project.events()) == before
    widget.acknowledge.value = True
    widget.comment.value = "ship to 5% of accounts while the model improves"
    widget.submit("approve")
    assert "Recorded: approve" in widget.status.value
    event = project.events()[-1]
    assert event.data["acknowledged"] == ["passing_model_test"]
    signoff = project.status().gates["kpi_check"].signoffs[-1]
    assert signoff.counts and "acknowledged" in signoff.note


def test_cli_signoff_on_kpi_check_needs_acknowledge(scoped):
    project = in_development(scoped)
    runner = CliRunner()
    base = ["--project", str(project.root), "signoff", "kpi_check", "--as", "product owner", "--role", "product",
            "--approve"]
    refused = runner.invoke(cli, base)
    assert refused.exit_code == 1 and "no model test has been recorded" in refused.output
    assert "--acknowledge" in refused.output
    ok = runner.invoke(cli, [*base, "--acknowledge", "-m", "judged on the offline report"])
    assert ok.exit_code == 0, ok.output


# identity semantics (issue 15 item 2) -------------------------------------------------------------------
def test_shared_link_pat_cannot_replace_verified_pat(scoped):
    scoped.sign_off("scope_approval", PAT, "request_changes", "limit to EU customers")
    scoped.sign_off("scope_approval", Actor(name="pat", role="product", verified=False), "approve")
    gate = scoped.status().gates["scope_approval"]
    assert gate.state == "changes_requested"
    assert "has a verified sign-off" in page_html(scoped, "scope_approval")
    assert "has a verified sign-off" in cli_status(scoped)


def test_a_verified_viewer_without_a_role_cannot_sign(scoped):
    with pytest.raises(SignerNotAllowedError, match="no role"):
        scoped.sign_off("scope_approval", Actor(name="visitor", role=None, verified=True), "approve")
    widget = SignoffWidget(scoped, "scope_approval", Viewer(name="visitor", role=None, verified=True))
    assert all(b.disabled for b in widget.buttons.values()) and "gives you no role" in widget.notes.value
    before = len(scoped.events())
    widget.submit("approve")
    assert "gives you no role" in widget.status.value and len(scoped.events()) == before


def test_a_customer_success_approval_on_a_product_only_gate_is_a_comment(scoped):
    widget = SignoffWidget(scoped, "scope_approval", Viewer(name="cs lead", role="customer_success", verified=True))
    assert "recorded as a comment" in widget.notes.value
    widget.submit("approve")
    gate = scoped.status().gates["scope_approval"]
    assert (gate.state, gate.missing_roles) == ("pending", ["product"])
    assert "recorded as a comment" in page_html(scoped, "scope_approval")


def test_the_shared_link_cannot_sign_when_people_are_identified_unless_allowed(scoped):
    widget = SignoffWidget(scoped, "scope_approval", Viewer(name=None, shared_can_sign=False))
    assert all(b.disabled for b in widget.buttons.values()) and "personal link" in widget.notes.value
    widget.name.value = "pat"
    widget.submit("approve")
    assert not scoped.status().gates["scope_approval"].signoffs
    allowed = SignoffWidget(scoped, "scope_approval", Viewer(name=None, shared_can_sign=True))
    assert not any(b.disabled for b in allowed.buttons.values())


# delegation -----------------------------------------------------------------------------------------
def test_a_role_holder_delegates_a_gate_for_a_period_and_it_is_journaled(scoped):
    with pytest.raises(SignerNotAllowedError, match="Only a holder"):
        scoped.delegate("scope_approval", "deputy", "2999-01-01", actor=CS)
    grant = scoped.delegate("scope_approval", "deputy", "2999-01-01", actor=PAT)
    assert grant.kind == "delegation" and grant.data["role"] == "product" and grant.data["until"].startswith("2999-01-01")
    deputy = Viewer(name="deputy", role="data_science", verified=True)
    widget = SignoffWidget(scoped, "scope_approval", deputy)
    assert "delegated by pat" in widget.children[2].value and not widget.blocked
    widget.submit("approve")
    gate = scoped.status().gates["scope_approval"]
    assert gate.state == "approved" and "delegated by pat" in gate.signoffs[-1].note
    assert scoped.events()[-1].data["delegated_by"] == grant.seq


def test_a_sign_off_claiming_a_delegation_it_does_not_have_does_not_count(scoped):
    grant = scoped.delegate("scope_approval", "deputy", "2999-01-01", actor=PAT)
    forged = Actor(name="someone else", role="product", verified=True)
    content = scoped.gate_content("scope_approval")
    scoped.journal.append("sign_off", {"gate": "scope_approval", "decision": "approve", "comment": "",
                                       "content_hash": content["content_hash"], "section_hashes": content["section_hashes"],
                                       "measurements": content["measurements"], "delegated_by": grant.seq}, forged)
    gate = scoped.status().gates["scope_approval"]
    assert gate.state == "pending" and "delegation it rests on does not cover" in gate.signoffs[-1].note


def test_an_expired_delegation_is_refused(scoped):
    with pytest.raises(InvalidDecisionError, match="in the future"):
        scoped.delegate("scope_approval", "deputy", "2001-01-01", actor=PAT)
