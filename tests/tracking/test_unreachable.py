"""A tracking server that does not answer: a model test is refused whole; a sign-off is kept and the pages say so."""

from __future__ import annotations

import json
import os
import secrets
import subprocess

from tests.demo_fixture import CLI
from tests.servers import free_port
from tests.tracking.conftest import CUSTOMER_SUCCESS, PRODUCT_OWNER, SCOPE, client_for, register_version

FAST = {**os.environ, "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}


def _cli(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120, env=FAST)


def test_a_model_test_is_not_journaled_when_the_server_does_not_answer(project):
    project.save_section("scope", SCOPE)
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    project.save_section("experiment_setup", {"tracking_uri": url})
    before = len(project.events())
    proc = _cli("--project", project.root, "test-model", "--value", "roc_auc=0.8", "--value", "recall_at_top_k=0.4")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    message = " ".join(proc.stderr.split())
    assert f"MLflow at {url} could not open the experiment" in message and "Traceback" not in message
    assert len(project.events()) == before


def test_a_signoff_is_kept_when_the_registry_cannot_follow_and_status_says_so(make_project, monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    project = make_project("churn-risk")
    project.save_section("scope", SCOPE)
    project.save_section("experiment_setup", {"tracking_uri": "local"})
    project.advance(override="tests start in development")
    project.advance(override="tests start in development")
    client = client_for(project)
    project.test_model({"roc_auc": 0.81, "recall_at_top_k": 0.42}, model="gbm")
    run_id = project.events()[-1].data["mlflow"]["run_id"]
    name = f"churn-{secrets.token_hex(3)}"
    version = register_version(client, name, run_id)
    project.test_model_from_mlflow(run_id, model_version=f"{name}/{version}")
    # Given the team's registry moved to a server that is down right now
    setup = project.section("experiment_setup").model_dump()
    project.save_section("experiment_setup", {**setup, "tracking_uri": f"http://127.0.0.1:{free_port()}"})
    # When both roles approve
    project.sign_off("kpi_check", PRODUCT_OWNER, "approve")
    event = project.sign_off("kpi_check", CUSTOMER_SUCCESS, "approve")
    # Then the approvals are journaled and the gate approved
    assert project.events()[-1].hash == event.hash and project.status().gates["kpi_check"].state == "approved"
    # And status says the registry could not follow (no network call of its own)
    proc = _cli("--project", project.root, "status", "--json")
    warnings = json.loads(proc.stdout)["registry_warnings"]
    assert any("could not be updated" in w for w in warnings), warnings
