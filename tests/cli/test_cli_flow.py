"""The CLI through a whole story: set, signoff, status, advance, backtrack, cancel, history."""

from __future__ import annotations

import json

from .conftest import SCOPE_YAML


def test_stale_approval_story(phasebook, yaml_file):
    # Given a scope set from a file and approved by the product owner
    assert phasebook("set", "scope", "--file", str(yaml_file(SCOPE_YAML))).exit_code == 0
    signed = phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product", "--approve")
    assert signed.exit_code == 0 and "unverified" in signed.stdout
    assert phasebook.json("status")["gates"]["scope_approval"]["state"] == "approved"
    # When the scope is edited
    edited = yaml_file(SCOPE_YAML.replace("timebox_weeks: 3", "timebox_weeks: 4"), "scope2.yaml")
    assert phasebook("set", "scope", "--file", str(edited)).exit_code == 0
    # Then status shows the gate stale, and advance fails with exit 1 naming the section
    status = phasebook.json("status")
    assert status["phase"] == "scoping"
    assert status["gates"]["scope_approval"]["state"] == "stale"
    assert status["gates"]["scope_approval"]["changed_sections"] == ["scope"]
    refused = phasebook("advance")
    assert refused.exit_code == 1
    assert "stale" in refused.stderr and "scope" in refused.stderr and "Traceback" not in refused.stderr
    # When approved again, advance moves to research
    phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product", "--approve")
    moved = phasebook("advance")
    assert moved.exit_code == 0 and "scoping → research" in moved.stdout
    assert phasebook.json("status")["phase"] == "research"


def test_backtrack_and_cancel_show_in_status_and_history(phasebook):
    for _ in range(2):
        assert phasebook("advance", "--override", "demo of the CLI").exit_code == 0
    back = phasebook("backtrack", "research", "--reason", "approach_failure", "-m", "no signal in usage logs")
    assert back.exit_code == 0 and "development → research (approach_failure)" in back.stdout
    text = " ".join(phasebook("status").stdout.split())
    assert "phase: research" in text
    assert "Last move: development → research (approach failure): no signal in usage logs" in text
    assert phasebook("cancel", "-m", "the churn signal is too weak").exit_code == 0
    assert phasebook.json("status")["phase"] == "cancelled"
    text = " ".join(phasebook("status").stdout.split())
    assert "phase: cancelled" in text and "Last move: cancelled in research: the churn signal is too weak" in text
    history = phasebook("history")
    assert history.exit_code == 0
    assert "approach failure" in " ".join(history.stdout.split()) and "cancelled in research" in history.stdout
    events = phasebook.json("history")
    assert isinstance(events, list)
    for e in events:
        assert {"seq", "at", "kind", "actor", "data"} <= set(e)
    assert [e["kind"] for e in events][-2:] == ["backtrack", "cancel"]
    assert events[-2]["data"]["reason"] == "approach_failure"
    assert events[-1]["data"]["reason"] == "the churn signal is too weak"
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


def test_show_output_is_accepted_back_by_set(phasebook, yaml_file, project):
    phasebook("set", "scope", "--file", str(yaml_file(SCOPE_YAML)))
    entries = len(project.events())
    shown = phasebook("show", "scope")
    assert shown.exit_code == 0 and "roc_auc" in shown.stdout
    back = phasebook("set", "scope", "--file", "-", input=shown.stdout)
    assert back.exit_code == 0
    assert len(project.events()) == entries  # same content: nothing new journaled
    assert phasebook("show", "scope").stdout == shown.stdout


def test_status_json_lists_every_gate_with_state(phasebook):
    status = phasebook.json("status")
    assert status["phase"] == "scoping"
    assert set(status["gates"]) == {"scope_approval", "solution_validation", "kpi_check", "post_deployment_kpi_check"}
    assert all(g["state"] == "pending" for g in status["gates"].values())
    rendered = phasebook("status")
    assert rendered.exit_code == 0 and "scope_approval" in rendered.stdout and "No model test yet" in rendered.stdout


def test_verify_names_a_hand_edited_entry(phasebook, project):
    phasebook("advance", "--override", "x")
    phasebook("cancel", "-m", "stop")
    assert phasebook("verify").exit_code == 0
    lines = project.journal_path.read_text().splitlines(keepends=True)
    entry = json.loads(lines[1])
    entry["data"]["override"] = "approved by the product owner"
    lines[1] = json.dumps(entry, separators=(",", ":")) + "\n"
    project.journal_path.write_text("".join(lines))
    result = phasebook("verify")
    assert result.exit_code == 1 and "entry 2" in result.stderr and "Traceback" not in result.stderr


def test_verify_reports_and_repairs_a_torn_tail(phasebook, project):
    with open(project.journal_path, "ab") as fh:
        fh.write(b'{"v":1,"seq":2,')
    status = phasebook("status")
    assert status.exit_code == 1 and "verify --repair" in status.stderr
    result = phasebook("verify")
    assert result.exit_code == 1 and "incomplete" in result.stderr
    repaired = phasebook("verify", "--repair")
    assert repaired.exit_code == 0 and ".phasebook/torn" in repaired.stdout.replace("\n", "")
    assert phasebook("status").exit_code == 0


def test_new_creates_a_project_and_refuses_an_existing_one(tmp_path):
    from click.testing import CliRunner

    from phasebook.cli import cli

    runner = CliRunner()
    created = runner.invoke(cli, ["new", str(tmp_path / "churn"), "--name", "churn risk"])
    assert created.exit_code == 0 and (tmp_path / "churn" / "phasebook.yaml").exists()
    again = runner.invoke(cli, ["new", str(tmp_path / "churn")])
    assert again.exit_code == 1 and "already holds a phasebook project" in again.stderr


def test_deliver_and_reopen(phasebook):
    refused = phasebook("deliver")
    assert refused.exit_code == 1 and "Only a project in deployment can be delivered" in " ".join(refused.stderr.split())
    for _ in range(3):
        phasebook("advance", "--override", "walkthrough")
    blocked = phasebook("deliver")
    assert blocked.exit_code == 1 and "post_deployment_kpi_check" in blocked.stderr
    assert phasebook("deliver", "--override", "customers already use it").exit_code == 0
    assert phasebook.json("status")["phase"] == "delivered"
    assert phasebook("reopen", "-m", "drift alert on the usage features").exit_code == 0
    assert phasebook.json("status")["phase"] == "maintenance"
    kinds = [e["kind"] for e in phasebook.json("history")]
    assert kinds[-2:] == ["deliver", "reopen"]
