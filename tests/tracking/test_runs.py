"""Runs both ways: the development notebook's baselines logged as MLflow runs, and MLflow runs judged as tests.

Against both stores (the embedded default and a real ``mlflow server``).
"""

from __future__ import annotations

import json
import math

from phasebook.runner import run_notebook
from phasebook.tracking import metric_name, mlflow_key
from tests.tracking.conftest import client_for, register_version, run_cli


def test_the_demo_development_run_logs_a_run_per_baseline(demo_copy, tracking_uri):
    # Given the demo project, its plan now naming a tracking store
    project = demo_copy
    setup = project.section("experiment_setup").model_dump()
    project.save_section("experiment_setup", {**setup, "tracking_uri": tracking_uri})
    # When the development notebook runs (headless, through the runner)
    result = run_notebook(project, "development", force=True, progress_bar=False)
    # Then each baseline's model test is journaled with the MLflow run it logged
    tests = [e for e in project.events() if e.kind == "model_test"
             and (e.data.get("mlflow") or {}).get("phasebook_run_id") == result.run_id]
    assert len(tests) == 2
    client = client_for(project)
    scope = project.section("scope")
    hard = [m.name for _, m in scope.hard_metrics()]
    assert hard, "the demo's scope has hard metrics"
    for test in tests:
        run = client.get_run(test.data["mlflow"]["run_id"])
        details = test.data["details"]
        # the hard metrics, named with their parameters, equal what was journaled
        for name in hard:
            key = mlflow_key(metric_name(name, details))
            assert math.isclose(run.data.metrics[key], test.data["values"][name])
        k = details["metric_parameters"]["recall_at_top_k"]["k"]  # the scope's k, as the notebook measured it
        assert mlflow_key(metric_name("recall_at_top_k", details)) == f"recall_at_top_k_at_{k:g}"
        # params and the tags that tie the run to phasebook
        assert run.data.params["seed"] == str(details["seed"])
        assert run.data.params["model"] == test.data["model"]
        tags = run.data.tags
        assert tags["phasebook.project"] == project.name
        assert tags["phasebook.scope_hash"] == test.data["scope_hash"]
        assert tags["phasebook.gate"] == "kpi_check"
        assert tags["phasebook.run_id"] == result.run_id
        # and the executed notebook is attached
        artifacts = [f.path for f in client.list_artifacts(run.info.run_id, "phasebook")]
        assert artifacts == ["phasebook/03_development.ipynb"]


def test_test_model_from_an_mlflow_run_journals_the_runs_metrics(tracked_project):
    # Given a run trained outside phasebook, logged to the team's store with its own metric names
    client = client_for(tracked_project)
    experiment = client.get_experiment_by_name(tracked_project.section("experiment_setup").experiment_name)
    experiment_id = experiment.experiment_id if experiment else client.create_experiment(
        tracked_project.section("experiment_setup").experiment_name)
    run = client.create_run(experiment_id, run_name="xgb-outside")
    client.log_metric(run.info.run_id, "roc_auc", 0.7731)
    client.log_metric(run.info.run_id, "recall_at_top_k_at_0.1", 0.2875)
    client.log_metric(run.info.run_id, "log_loss", 0.41)
    client.set_terminated(run.info.run_id)
    name = f"outside-{run.info.run_id[:6]}"
    version = register_version(client, name, run.info.run_id)
    # When the CLI tests it, binding the version registered from it
    proc = run_cli("--project", tracked_project.root, "test-model", "--mlflow-run", run.info.run_id,
                   "--model-version", f"{name}/{version}", "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Then the journaled model test's values equal the run's logged metrics
    event = next(e for e in reversed(tracked_project.events()) if e.kind == "model_test")
    logged = client.get_run(run.info.run_id).data.metrics
    assert event.data["values"]["roc_auc"] == logged["roc_auc"]
    assert event.data["values"]["recall_at_top_k"] == logged["recall_at_top_k_at_0.1"]
    assert event.data["values"]["log_loss"] == logged["log_loss"]
    link = event.data["mlflow"]
    assert link["run_id"] == run.info.run_id and link["source"] == "read"
    assert link["model_version"] == {"name": name, "version": version}
    # And it was judged against the scope: roc_auc passes 0.70, recall at top k misses 0.30
    outcomes = {r["metric"]: r["outcome"] for r in json.loads(proc.stdout)["results"]}
    assert outcomes == {"roc_auc": "passed", "recall_at_top_k": "failed"}
    # And reading a run logs no new one
    assert len(client.search_runs([experiment_id])) == 1


def test_a_version_registered_from_another_run_is_refused(tracked_project):
    client = client_for(tracked_project)
    tracked_project.test_model({"roc_auc": 0.8, "recall_at_top_k": 0.4}, model="a")
    first = tracked_project.events()[-1].data["mlflow"]["run_id"]
    tracked_project.test_model({"roc_auc": 0.7, "recall_at_top_k": 0.3}, model="b")
    second = tracked_project.events()[-1].data["mlflow"]["run_id"]
    name = f"m-{first[:6]}"
    version = register_version(client, name, first)
    before = len(tracked_project.events())
    proc = run_cli("--project", tracked_project.root, "test-model", "--mlflow-run", second,
                   "--model-version", f"{name}/{version}")
    assert proc.returncode == 2
    assert f"it was registered from run {first}, not {second}" in " ".join(proc.stderr.split())
    assert len(tracked_project.events()) == before  # nothing journaled


def test_an_unknown_run_is_a_clear_not_found(tracked_project):
    proc = run_cli("--project", tracked_project.root, "test-model", "--mlflow-run", "0" * 32)
    assert proc.returncode == 2
    assert "has no run '00000000000000000000000000000000'" in " ".join(proc.stderr.split())
