"""The live KPI: `phasebook monitor` measures the scope's hard metrics on labelled outcomes and alerts below target."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.demo.data import _churn_probability, current_month, customers
from phasebook.modeling.metrics import compute_metrics


def _cli(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args], catch_exceptions=False)


def _outcomes(project, *, informative: bool) -> tuple[str, np.ndarray, np.ndarray]:
    """Last month's customers with their now-known churn, scored by a model that ranks them well (or by noise)."""
    df = customers(n=4000, seed=31)  # real labels, drawn from the demo's churn model
    score = _churn_probability(df) if informative else np.random.default_rng(3).random(len(df))
    out = df.assign(risk=score)
    path = Path(project.root) / "data" / ("scored_good.parquet" if informative else "scored_noise.parquet")
    out.to_parquet(path)
    return path.name, out["churned"].to_numpy(), score


def _watch(project, outcomes: str) -> str:
    steady = Path(project.root) / "data" / "steady.parquet"  # no covariate shift: only the KPI can alert
    current_month(new_device_share=0.0, seed=21).to_parquet(steady)
    mon = project.section("monitoring").model_dump(mode="json")
    project.save_section("monitoring", {**mon, "outcomes": f"data/{outcomes}", "score_column": "risk"})
    return str(steady)


def test_a_model_meeting_its_targets_is_measured_and_journaled_with_the_scopes_k(demo_copy):
    # Given labelled outcomes scored by a model that ranks churners well
    name, y, score = _outcomes(demo_copy, informative=True)
    steady = _watch(demo_copy, name)
    # When monitor runs
    result = _cli(demo_copy.root, "monitor", "--current", steady, "--json")
    # Then it is quiet and the check carries the live KPI, measured through the metric catalogue with k = 0.2
    assert result.exit_code == 0, result.output
    kpi = json.loads(result.stdout)["kpi"]
    check = [e for e in demo_copy.events() if e.kind == "monitoring_check"][-1]
    assert check.data["kpi"] == kpi and kpi["rows"] == 4000 and kpi["passed"] is True and kpi["failed"] == []
    assert kpi["values"]["roc_auc"] == compute_metrics(["roc_auc"], y, score=score)["roc_auc"]
    k02 = compute_metrics(["recall_at_top_k"], y, score=score, k=0.2)["recall_at_top_k"]
    assert kpi["values"]["recall_at_top_k"] == k02 != compute_metrics(["recall_at_top_k"], y, score=score, k=0.1)["recall_at_top_k"]
    assert demo_copy.status().monitoring.state == "quiet"


def test_a_kpi_below_target_alerts_like_drift(demo_copy):
    # Given outcomes scored by noise (roc_auc about 0.5 against a target of 0.8)
    name, _, _ = _outcomes(demo_copy, informative=False)
    steady = _watch(demo_copy, name)
    result = _cli(demo_copy.root, "monitor", "--current", steady, "--json")
    # Then the check alerts (exit 3) although nothing drifted, opens a finding naming the metrics, and stales 4.3
    assert result.exit_code == 3, result.output
    out = json.loads(result.stdout)
    assert out["drifted_columns"] == [] and set(out["kpi"]["failed"]) == {"roc_auc", "recall_at_top_k"}
    assert "live KPI below target" in out["finding"] and "roc_auc" in out["finding"]
    st = demo_copy.status()
    assert st.monitoring.state == "alerting" and st.monitoring.finding == out["finding_id"]
    assert [f.what for f in demo_copy.findings()] == [out["finding"]]


def test_outcomes_without_the_score_column_fail_the_check_with_what_to_fix(demo_copy):
    name, _, _ = _outcomes(demo_copy, informative=True)
    steady = _watch(demo_copy, name)
    mon = demo_copy.section("monitoring").model_dump(mode="json")
    demo_copy.save_section("monitoring", {**mon, "score_column": "probability"})
    result = _cli(demo_copy.root, "monitor", "--current", steady, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert "no column 'probability'" in error and "Score column" in error
