"""Model tests measured under an older scope or training source do not count for the KPI check.

Given a project in development whose model test passed, when the training
label or a metric's target changes, then the ``passing_model_test``
condition of the KPI check is unmet (an approval needs an acknowledgement),
status marks the latest test as measured under a previous scope or source,
and a new test under today's plan meets it again. Each test records the
training source's content fingerprint (files, size, modified, SHA-256).
"""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.errors import ConditionNotMetError
from phasebook.core.events import Actor
from phasebook.data.fingerprint import source_fingerprint
from phasebook.project import Project

PRODUCT = Actor(name="product owner", role="product")
SCOPE = {"kpis": [{"name": "churners caught", "metrics": [
    {"name": "roc_auc", "target": 0.7, "comparator": ">=", "hardness": "hard"},
    {"name": "recall_at_top_k", "k": 0.2, "target": 0.3, "comparator": ">=", "hardness": "hard"}]}],
    "timebox_weeks": 2}


def _sources(positive: str = "Yes") -> dict:
    return {"items": [{"name": "customers", "uri": "data/c.csv", "access_status": "available",
                       "label_column": "churn", "positive_label": positive}]}


@pytest.fixture
def developing(tmp_path) -> Project:
    project = Project.new(tmp_path / "p", name="churn")
    (project.root / "data").mkdir(exist_ok=True)
    (project.root / "data" / "c.csv").write_text("x,churn\n1,Yes\n2,No\n3,No\n", encoding="utf-8")
    project.save_section("product_need", {"statement": "customers leave without warning"})
    project.save_section("data_sources", _sources())
    project.save_section("scope", SCOPE)
    project.sign_off("scope_approval", PRODUCT, "approve")
    project.advance()
    project.sign_off("solution_validation", PRODUCT, "approve")
    project.advance()
    project.test_model({"roc_auc": 0.8, "recall_at_top_k": 0.4}, model="linear")
    return project


def _condition(project: Project):
    return next(c for c in project.status().gates["kpi_check"].conditions if c.kind == "passing_model_test")


def test_a_test_under_today_s_plan_meets_the_condition(developing):
    assert _condition(developing).met
    # a change of the scope that no metric depends on leaves the test current
    developing.save_section("scope", {**SCOPE, "timebox_weeks": 3})
    assert _condition(developing).met and developing.status().latest_model_test["measured_under"] is None


@pytest.mark.parametrize(("change", "under"), [
    ("label", "a previous training source or label"), ("target", "a previous scope"), ("k", "a previous scope")])
def test_a_test_under_an_older_plan_does_not_count(developing, change, under):
    if change == "label":
        developing.save_section("data_sources", _sources("No"))
    else:
        scope = json.loads(json.dumps(SCOPE))
        scope["kpis"][0]["metrics"][1]["target" if change == "target" else "k"] = 0.35 if change == "target" else 0.1
        developing.save_section("scope", scope)
    cond = _condition(developing)
    assert not cond.met and "no model test measured today's scope and training source" in cond.message
    assert developing.status().latest_model_test["measured_under"] == under
    with pytest.raises(ConditionNotMetError, match="measured under a previous scope or source"):
        developing.sign_off("kpi_check", PRODUCT, "approve")
    out = CliRunner().invoke(cli, ["--project", str(developing.root), "status"]).output
    assert f"measured under {under}: it does not count" in " ".join(out.split())
    # a test of today's plan counts again
    developing.test_model({"roc_auc": 0.8, "recall_at_top_k": 0.4}, model="linear v2")
    assert _condition(developing).met
    developing.sign_off("kpi_check", PRODUCT, "approve")


def test_a_newer_failing_test_under_today_s_plan_is_the_one_judged(developing):
    developing.save_section("data_sources", _sources("No"))
    developing.test_model({"roc_auc": 0.6, "recall_at_top_k": 0.4}, model="linear v2")
    cond = _condition(developing)
    assert not cond.met and "failing: roc_auc" in cond.message


def test_each_test_records_the_source_content_and_the_metric_parameters(developing):
    test = [e for e in developing.events() if e.kind == "model_test"][-1]
    raw = (developing.root / "data" / "c.csv").read_bytes()
    fp = test.data["source_fingerprint"]
    assert fp["files"] == 1 and fp["bytes"] == len(raw) and fp["sha256"] == hashlib.sha256(raw).hexdigest()
    assert test.data["training"] == {"name": "customers", "uri": "data/c.csv", "label_column": "churn",
                                     "positive_label": "Yes"}
    assert [r["params"] for r in test.data["results"]] == [{}, {"k": 0.2}]
    out = CliRunner().invoke(cli, ["--project", str(developing.root), "status"]).output
    assert "recall in the top 20%" in out


def test_the_fingerprint_is_hashed_once_per_file_version(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    first = source_fingerprint("t.csv", tmp_path)
    cache_file = tmp_path / ".phasebook" / "fingerprints.json"
    cache = json.loads(cache_file.read_text())
    [key] = cache
    cache[key] = "0" * 64  # a cached digest is used as is: the file is not read again
    cache_file.write_text(json.dumps(cache))
    assert source_fingerprint("t.csv", tmp_path)["sha256"] == "0" * 64
    path.write_text("a\n2\n3\n", encoding="utf-8")  # a new version (size changes) is hashed afresh
    again = source_fingerprint("t.csv", tmp_path)
    assert again["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() != first["sha256"]


@pytest.mark.parametrize("uri", ["s3://bucket/t.parquet", "postgresql://db/x#t", "missing.csv", ""])
def test_a_source_that_is_not_local_files_has_no_fingerprint(tmp_path, uri):
    assert source_fingerprint(uri, tmp_path) is None
