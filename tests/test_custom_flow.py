"""A team's own flow file: renamed phase, an extra gate needing two distinct approvers, no customer_success role.

Must hold (issue 14): ``status``, the overview page, the sidebar's API JSON
(tests/server/test_custom_flow_api.py), the forms and ``advance`` all follow
the file; the extra gate needs two *distinct* data-engineering approvers.
"""

from __future__ import annotations

import json

import pytest

from phasebook.cli import cli
from phasebook.core.errors import FlowInvalidError, GateNotSatisfiedError, UnknownFlowError, UnknownRoleError
from phasebook.core.events import Actor
from phasebook.core.flow import default_flow
from phasebook.dashboards.overview import overview_parts
from phasebook.dashboards.signoff import gate_header, signers_html
from phasebook.project import Project
from phasebook.store.plan import dump_yaml
from phasebook.widgets.phases import form, phase_forms

PRODUCT_OWNER = Actor(name="product owner", role="product")
ENGINEER_A = Actor(name="data engineer", role="data_engineering")
ENGINEER_B = Actor(name="platform engineer", role="data_engineering")


def custom_flow() -> dict:
    """The default flow with development renamed modelling, a security phase + gate, and no customer_success."""
    data = json.loads(default_flow().model_dump_json())
    data["version"] = "team-2026.1"
    data["roles"] = [r for r in data["roles"] if r != "customer_success"]
    data["titles"].pop("customer_success", None)
    for p in data["phases"]:
        if p["name"] == "development":
            p.update(name="modelling", title="Modelling")
    i = next(i for i, p in enumerate(data["phases"]) if p["name"] == "modelling")
    data["phases"].insert(i + 1, {"name": "security", "title": "Security", "number": 35, "gate": "security_review",
                                  "kind": "work", "reads": ["deployment"]})
    for s in data["steps"]:
        if s["phase"] == "development":
            s["phase"] = "modelling"
    j = max(i for i, s in enumerate(data["steps"]) if s["phase"] == "modelling")
    data["steps"].insert(j + 1, {"id": "3.9", "phase": "security", "title": "Security review",
                                 "tracks": ["data_engineering"], "kind": "gate", "gate": "security_review",
                                 "sections": ["deployment"]})
    for g in data["gates"]:
        if g["phase"] == "development":
            g["phase"] = "modelling"
        g["roles"] = [r for r in g["roles"] if r != "customer_success"]
    data["gates"].append({"name": "security_review", "step": "3.9", "phase": "security", "title": "Security review",
                          "covers": ["deployment"], "roles": ["data_engineering"],
                          "approvals": {"data_engineering": 2}})
    return data


@pytest.fixture
def team(make_project) -> Project:
    """A project following ``flow.yaml`` (the custom flow), scope filled, a passing model test recorded."""
    project = make_project()
    (project.root / "flow.yaml").write_text(dump_yaml(custom_flow()), encoding="utf-8")
    project.use_flow("flow.yaml")
    return Project.open(project.root)


def test_status_follows_the_flow_file(team):
    st = team.status()
    assert st.flow_version == "team-2026.1"
    assert team.flow.work_phases == ("scoping", "research", "modelling", "security", "deployment")
    assert set(st.gates) == {"scope_approval", "solution_validation", "kpi_check", "security_review",
                             "post_deployment_kpi_check"}
    assert st.gates["kpi_check"].roles == ["product"] and st.gates["kpi_check"].phase == "modelling"
    assert {s.phase for s in st.steps} >= {"modelling", "security"}
    assert "customer_success" not in team.flow.roles
    with pytest.raises(UnknownRoleError):
        team.sign_off("scope_approval", Actor(name="cs lead", role="customer_success"), "approve")


def test_advance_follows_the_renamed_phase_and_the_extra_gate_needs_two_distinct_approvers(team):
    team.advance(override="scoping done elsewhere")
    moved = team.advance(override="research done elsewhere")
    assert moved.data["to"] == "modelling"
    moved = team.advance(override="model accepted elsewhere")
    assert moved.data["to"] == "security"
    team.sign_off("security_review", ENGINEER_A, "approve")
    team.sign_off("security_review", ENGINEER_A, "approve")  # the same person twice is one approver
    gate = team.status().gates["security_review"]
    assert (gate.state, gate.missing_roles) == ("pending", ["data_engineering"])
    assert "needs 2 distinct data engineering approvers (1 on today's content)" in gate.reasons
    with pytest.raises(GateNotSatisfiedError, match="needs 2 distinct data engineering approvers"):
        team.advance()
    team.sign_off("security_review", ENGINEER_B, "approve")
    assert team.status().gates["security_review"].state == "approved"
    assert team.advance().data == {"from": "security", "to": "deployment", "gate": "security_review",
                                   "gate_state": "approved"}


def test_overview_and_signoff_page_follow_the_flow_file(team):
    html = "".join(p for p in overview_parts(team) if isinstance(p, str))
    assert "Modelling" in html and "Security review" in html and "Development" not in html
    assert "Customer success" not in html and "customer success" not in html
    team.advance(override="x")
    team.advance(override="x")
    team.advance(override="x")
    team.sign_off("security_review", ENGINEER_A, "approve")
    page = gate_header(team, "security_review") + signers_html(team, "security_review")
    assert "Still to approve:</b> 1 more data engineering" in page


def test_forms_follow_the_flow_file(team):
    tabs = phase_forms(team, "security")
    assert tabs.titles == ("3.9 Security review",)
    team.advance(override="x")
    team.advance(override="x")
    team.advance(override="x")
    team.sign_off("security_review", ENGINEER_A, "approve")
    team.sign_off("security_review", ENGINEER_B, "approve")
    f = form(team, "deployment")
    assert "Security review" in f.gate_warning.value  # the form knows the extra gate covers it
    f.body.fields["schedule"].input.value = "daily 02:00 UTC behind the VPN"
    assert "Security review" in f.reopens()


def test_cli_status_and_flow_show_follow_the_flow_file(team, monkeypatch):
    from click.testing import CliRunner

    runner = CliRunner()
    shown = runner.invoke(cli, ["--project", str(team.root), "flow", "show"])
    assert shown.exit_code == 0 and "security_review" in shown.output and "2 × data_engineering" in shown.output
    status = runner.invoke(cli, ["--project", str(team.root), "status"])
    assert status.exit_code == 0 and "modelling" in status.output and "Customer success" not in status.output


def test_an_invalid_or_unknown_flow_is_a_clear_error_naming_the_field(team):
    data = custom_flow()
    data["gates"][-1]["roles"] = ["security_officer"]
    (team.root / "flow.yaml").write_text(dump_yaml(data), encoding="utf-8")
    with pytest.raises(FlowInvalidError, match=r"gates\[4\]\.roles\[0\]: gate security_review names unknown role"):
        Project.open(team.root)
    with pytest.raises(UnknownFlowError, match="neither a flow shipped with phasebook"):
        team.use_flow("missing.yaml")


def test_flow_check_names_the_field_path_and_exits_2(tmp_path):
    from click.testing import CliRunner

    data = custom_flow()
    data["steps"][0]["tracks"] = ["marketing"]
    bad = tmp_path / "flow.yaml"
    bad.write_text(dump_yaml(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["flow", "check", str(bad)])
    assert result.exit_code == 2
    assert "steps[0].tracks[0]: step 1.1 names unknown track 'marketing'" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(dump_yaml(custom_flow()), encoding="utf-8")
    ok = CliRunner().invoke(cli, ["flow", "check", str(good)])
    assert ok.exit_code == 0 and "5 work phases" in ok.output


def test_flow_use_from_the_cli_validates_journals_and_names_the_changed_gates(make_project):
    from click.testing import CliRunner

    project = make_project()
    data = custom_flow()
    (project.root / "flow.yaml").write_text(dump_yaml(data), encoding="utf-8")
    bad = dict(data, gates=[dict(data["gates"][0], roles=["nobody"]), *data["gates"][1:]])
    (project.root / "bad.yaml").write_text(dump_yaml(bad), encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(cli, ["--project", str(project.root), "flow", "use", "bad.yaml"])
    assert refused.exit_code == 2 and "gates[0].roles[0]" in refused.output
    assert "flow: palachy-2019.1" in project.plan_path.read_text()  # nothing written
    used = runner.invoke(cli, ["--project", str(project.root), "flow", "use", "flow.yaml"])
    assert used.exit_code == 0, used.output
    assert "security_review" in " ".join(used.output.split()) and "flow: flow.yaml" in project.plan_path.read_text()
    event = [e for e in project.events() if e.kind == "flow_changed"][-1]
    assert "security_review" in event.data["gates_changed"] and event.data["version"] == "team-2026.1"
