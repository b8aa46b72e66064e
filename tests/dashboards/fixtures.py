"""A filled project for the dashboard tests, made through the Project API.

Scoping is filled (product need, ideas, data sources, scope with KPIs);
literature and a technical check exist; two model tests, a data check, a
run, a decision and a drift check are journaled, so every page has
something to show.
"""

from __future__ import annotations

from pathlib import Path

from phasebook.core.events import Actor
from phasebook.project import Project

DATA_SCIENTIST = Actor(name="data scientist", role="data_science")
XSS = '<script>alert("xss")</script><img src=x onerror="alert(1)">'

SCOPE = {
    "kpis": [{
        "name": "Churners caught before renewal",
        "description": "Customer success reaches at-risk accounts a month before renewal.",
        "metrics": [
            {"name": "roc_auc", "definition": "area under the ROC curve", "target": 0.8, "comparator": ">=",
             "dataset": "holdout", "hardness": "hard"},
            {"name": "recall_at_top_k", "definition": "recall among the 10% highest-risk accounts", "k": 0.1, "target": 0.5,
             "comparator": ">=", "dataset": "holdout", "hardness": "hard"},
        ],
    }],
    "timebox_weeks": 3,
    "minimum_useful": "60% of the recall target",
    "out_of_scope": ["real-time scoring"],
}


def drift_report() -> dict:
    """A drift report in the data engine's JSON shape (``DriftReport.model_dump(mode='json')``)."""
    return {
        "reference": "customers_2024", "current": "customers_2025",
        "columns": [
            {"name": "tenure_months", "kind": "numeric", "psi": 0.31, "ks_statistic": 0.22, "ks_pvalue": 1e-9,
             "js_distance": None, "chi2_pvalue": None, "unseen_share": None, "drifted": True, "note": "",
             "histogram": {"edges": [0, 6, 12, 24, 48], "reference": [0.1, 0.2, 0.3, 0.4], "current": [0.3, 0.3, 0.2, 0.2]}},
            {"name": "plan", "kind": "categorical", "psi": 0.01, "ks_statistic": None, "ks_pvalue": None,
             "js_distance": 0.02, "chi2_pvalue": 0.6, "unseen_share": 0.0, "drifted": False, "note": "",
             "histogram": {"categories": ["basic", "pro"], "reference": [0.6, 0.4], "current": [0.58, 0.42]}},
        ],
        "drifted_columns": ["tenure_months"],
        "drifted": True,
    }


def build_filled_project(path: Path, *, statement: str = "Customers churn without warning; we need to see it coming.") -> Project:
    """Create and fill a project at ``path``."""
    p = Project.new(path, name="churn-risk", actor=DATA_SCIENTIST)
    p.save_section("product_need", {"statement": statement, "customers_affected": "SMB accounts",
                                    "validated_by": "customer success lead", "value_driver": "churn_prevention"},
                   actor=DATA_SCIENTIST)
    p.save_section("ideas", {"items": [{"title": "boosted trees on usage", "approach": "gradient boosting"}]},
                   actor=DATA_SCIENTIST)
    p.save_section("data_sources", {"items": [{"name": "customers_2024", "uri": "data/customers.parquet",
                                               "access_status": "available"}]}, actor=DATA_SCIENTIST)
    p.save_section("scope", SCOPE, actor=DATA_SCIENTIST)
    p.save_section("literature", {"entries": [
        {"title": "Gradient boosting for churn", "verdict": "chosen", "summary": "Strong tabular baseline."},
        {"title": "Survival models", "verdict": "alternative", "downsides": "Harder to explain."}],
        "landscape": "Tabular classifiers dominate."}, actor=DATA_SCIENTIST)
    p.save_section("technical_check", {"processing": "batch", "cost_breakdown": [
        {"item": "compute", "monthly_cost": 120}, {"item": "storage", "monthly_cost": 30}], "verdict": "feasible"},
        actor=DATA_SCIENTIST)
    p.record("run", {"phase": "scoping", "notebook": "01_scoping.ipynb", "status": "succeeded", "run_id": "r1",
                     "duration_s": 4.2})
    p.record("data_check", {"source": "customers_2024", "reachable": True, "rows": 5000})
    p.test_model({"roc_auc": 0.74, "recall_at_top_k": 0.41}, model="baseline", actor=DATA_SCIENTIST)
    p.test_model({"roc_auc": 0.83, "recall_at_top_k": 0.55}, model="gbm-v2", actor=DATA_SCIENTIST)
    p.decide("iterate", "baseline below target; try boosting", actor=DATA_SCIENTIST)
    p.record("drift_check", drift_report())
    return p
