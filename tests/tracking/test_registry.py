"""Approval binds a model version: the alias follows the journal, and status warns when it does not.

Against both stores (the embedded default and a real ``mlflow server``).
"""

from __future__ import annotations

import json
import secrets

from tests.tracking.conftest import CUSTOMER_SUCCESS, PRODUCT_OWNER, SCOPE, client_for, register_version, run_cli


def _approved_version(project):
    """Log a model test, register its run as a version, test that run with the version, approve kpi_check."""
    client = client_for(project)
    project.test_model({"roc_auc": 0.81, "recall_at_top_k": 0.42}, model="gbm", details={"top_k_share": 0.2})
    run_id = project.events()[-1].data["mlflow"]["run_id"]
    name = f"churn-model-{secrets.token_hex(3)}"
    version = register_version(client, name, run_id)
    project.test_model_from_mlflow(run_id, model_version=f"{name}/{version}")
    project.sign_off("kpi_check", PRODUCT_OWNER, "approve")
    signoff = project.sign_off("kpi_check", CUSTOMER_SUCCESS, "approve")
    return client, name, version, signoff, run_id


def test_approving_kpi_check_sets_the_alias_on_the_bound_version_and_tags_it(tracked_project):
    # Given a model test bound to a registered version, approved by both roles
    client, name, version, signoff, _ = _approved_version(tracked_project)
    # Then the sign-off records the version and the hash of its run's metrics
    assert signoff.data["model"]["name"] == name and signoff.data["model"]["version"] == version
    assert signoff.data["model"]["metrics_hash"].startswith("sha256:")
    # And the registry's alias points at it, tagged with the sign-off entry's hash and the signers
    assert str(client.get_registered_model(name).aliases["approved"]) == version
    tags = client.get_model_version(name, version).tags
    assert tags["phasebook.kpi_check.state"] == "approved"
    assert tags["phasebook.kpi_check.signoff"] == signoff.hash
    assert "product owner (product, unverified)" in tags["phasebook.kpi_check.signed_by"]
    assert "customer success lead (customer_success, unverified)" in tags["phasebook.kpi_check.signed_by"]
    # And the journal says what phasebook did to the registry
    syncs = [e.data for e in tracked_project.events() if e.kind == "registry_sync"]
    assert syncs[-1]["action"] == "set_alias" and syncs[-1]["version"] == version


def test_a_first_approval_alone_sets_no_alias(tracked_project):
    # Given kpi_check needs product and customer success, and only product approved
    client = client_for(tracked_project)
    tracked_project.test_model({"roc_auc": 0.81, "recall_at_top_k": 0.42}, model="gbm")
    run_id = tracked_project.events()[-1].data["mlflow"]["run_id"]
    name = f"churn-model-{secrets.token_hex(3)}"
    version = register_version(client, name, run_id)
    tracked_project.test_model_from_mlflow(run_id, model_version=f"{name}/{version}")
    tracked_project.sign_off("kpi_check", PRODUCT_OWNER, "approve")
    # Then the gate is pending and the registry untouched
    assert tracked_project.status().gates["kpi_check"].state == "pending"
    assert "approved" not in client.get_registered_model(name).aliases


def test_editing_the_scope_stales_the_approval_and_removes_the_alias(tracked_project):
    client, name, version, _, _ = _approved_version(tracked_project)
    # When the scope's target changes after the approval
    scope = json.loads(json.dumps(SCOPE))
    scope["kpis"][0]["metrics"][0]["target"] = 0.75
    tracked_project.save_section("scope", scope)
    # Then the approval is stale, the alias is gone and the version says why
    assert tracked_project.status().gates["kpi_check"].state == "stale"
    assert "approved" not in client.get_registered_model(name).aliases
    tags = client.get_model_version(name, version).tags
    assert tags["phasebook.kpi_check.state"] == "stale"
    assert "scope changed" in tags["phasebook.kpi_check.stale_reason"]
    syncs = [e.data for e in tracked_project.events() if e.kind == "registry_sync"]
    assert syncs[-1]["action"] == "remove_alias" and "scope" in syncs[-1]["reason"]
    # And status has nothing to warn about: the registry follows the journal
    proc = run_cli("--project", tracked_project.root, "status", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["registry_warnings"] == []


def test_moving_the_alias_by_hand_makes_status_warn(tracked_project):
    client, name, version, _, run_id = _approved_version(tracked_project)
    # Given someone registers another version and moves the alias to it in MLflow, outside phasebook
    other = register_version(client, name, run_id)
    client.set_registered_model_alias(name, "approved", other)
    # When the registry is synced (explicitly: reads never call the registry)
    proc = run_cli("--project", tracked_project.root, "tracking", "sync")
    # Then the sync refuses to overwrite the person's change, says so and exits 1
    assert proc.returncode == 1, proc.stdout + proc.stderr
    expected = f"approved {name} v{version}; alias @approved points to v{other}, set outside phasebook"
    assert expected in " ".join(proc.stdout.split())
    assert str(client.get_registered_model(name).aliases["approved"]) == other
    # And status warns, in text and JSON
    proc = run_cli("--project", tracked_project.root, "status")
    assert proc.returncode == 0, proc.stderr
    assert expected in " ".join(proc.stdout.split())
    proc = run_cli("--project", tracked_project.root, "status", "--json")
    assert any(expected in w for w in json.loads(proc.stdout)["registry_warnings"])


def test_the_post_deployment_approval_binds_the_version_the_kpi_check_approved(tracked_project):
    client, name, version, _, _ = _approved_version(tracked_project)
    tracked_project.advance()  # development → deployment, through the fresh kpi_check approval
    tracked_project.record("drift_check", {"columns": [], "drifted": []})  # the gate's condition: a drift check
    event = tracked_project.sign_off("post_deployment_kpi_check", PRODUCT_OWNER, "approve")
    assert event.data["model"]["name"] == name and event.data["model"]["version"] == version
    aliases = client.get_registered_model(name).aliases
    assert str(aliases["approved_post_deployment"]) == version and str(aliases["approved"]) == version
    assert client.get_model_version(name, version).tags["phasebook.post_deployment_kpi_check.signoff"] == event.hash


def test_no_alias_is_set_on_a_version_made_from_another_run_than_the_approved_one(tracked_project):
    # Given a model test whose link claims a version that was registered from a different run
    client = client_for(tracked_project)
    tracked_project.test_model({"roc_auc": 0.8, "recall_at_top_k": 0.4}, model="a")
    real = tracked_project.events()[-1].data["mlflow"]
    tracked_project.test_model({"roc_auc": 0.8, "recall_at_top_k": 0.4}, model="b")
    other_run = tracked_project.events()[-1].data["mlflow"]["run_id"]
    name = f"churn-model-{secrets.token_hex(3)}"
    version = register_version(client, name, other_run)
    tracked_project.test_model({"roc_auc": 0.8, "recall_at_top_k": 0.4}, model="a",
                               mlflow={**real, "model_version": {"name": name, "version": version}})
    # When both roles approve it
    tracked_project.sign_off("kpi_check", PRODUCT_OWNER, "approve")
    tracked_project.sign_off("kpi_check", CUSTOMER_SUCCESS, "approve")
    # Then the registry is left alone and a sync says why
    assert "approved" not in client.get_registered_model(name).aliases
    proc = run_cli("--project", tracked_project.root, "tracking", "sync")
    assert proc.returncode == 1
    assert f"but the registry says run {other_run}; no alias set" in " ".join(proc.stdout.split())
