"""The scoreboard table for people (core/scoreboard.py scoreboard_rows): best and latest under today's scope."""

from __future__ import annotations

from phasebook.cli import cli
from click.testing import CliRunner
import json

SCOPE = {"kpis": [{"name": "churners caught", "metrics": [
    {"name": "roc_auc", "target": 0.8, "comparator": ">="},
    {"name": "recall_at_top_k", "target": 0.5, "comparator": ">=", "k": 0.1},
    {"name": "log_loss", "target": 0.3, "comparator": "<="}]}]}


def _rows(project):
    return {r.metric: r for r in project.status().scoreboard}


def test_best_latest_and_state_in_words(project):
    project.save_section("scope", SCOPE)
    project.test_model({"roc_auc": 0.8465841601763933, "recall_at_top_k": 0.41, "log_loss": 0.28}, model="gbm")
    project.test_model({"roc_auc": 0.7712, "recall_at_top_k": 0.45}, model="logit")
    project.test_model({"roc_auc": 0.99}, model="gbm", segment="north")  # per segment: not in the pooled table
    rows = _rows(project)
    auc = rows["roc_auc"]
    assert (auc.metric_label, auc.target_text, auc.state, auc.state_text) == ("roc_auc", "at least 0.8", "passed",
                                                                              "met by gbm")
    assert (auc.best.label, auc.best.display, auc.latest.label, auc.latest.display) == ("gbm", "0.847", "logit", "0.771")
    recall = rows["recall_at_top_k"]
    assert recall.metric_label == "recall in the top 10%"
    assert (recall.best.label, recall.state, recall.state_text) == ("logit", "failed", "no model meets it yet")
    loss = rows["log_loss"]  # lower is better; the latest test did not measure it
    assert (loss.target_text, loss.best.display, loss.latest.label, loss.state) == ("at most 0.3", "0.28", "gbm", "passed")


def test_tests_under_a_previous_scope_do_not_count(project):
    project.save_section("scope", SCOPE)
    project.test_model({"roc_auc": 0.85, "recall_at_top_k": 0.6, "log_loss": 0.2}, model="gbm")
    raised = json.loads(json.dumps(SCOPE))
    raised["kpis"][0]["metrics"][0]["target"] = 0.9
    project.save_section("scope", raised)
    auc = _rows(project)["roc_auc"]
    assert auc.target_text == "at least 0.9" and auc.best is None
    assert (auc.state, auc.state_text, auc.previous_scope_tests) == ("not_measured",
                                                                     "measured only under a previous scope", 1)
    assert auc.latest.display == "0.85 (previous scope)" and auc.latest.previous_scope
    # And status --json carries the same rows with their display strings
    out = CliRunner().invoke(cli, ["--project", str(project.root), "status", "--json"])
    board = {r["metric"]: r for r in json.loads(out.stdout)["scoreboard"]}
    assert board["roc_auc"]["latest"]["display"] == "0.85 (previous scope)"
    assert board["recall_at_top_k"]["metric_label"] == "recall in the top 10%"
