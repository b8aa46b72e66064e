"""A filled-in example of every plan section (the churn-risk story), for round-trip tests."""

from __future__ import annotations

SAMPLES: dict[str, dict] = {
    "product_need": {
        "statement": "Customers need a way to **see** which accounts are about to leave.",
        "customers_affected": "Mid-market accounts, about 1,200",
        "validated_by": "customer success lead, product owner",
        "validation": "- 14 interviews\n- lost-renewal reports",
        "value_driver": "churn_prevention",
        "value_notes": "Each saved renewal is worth about 8k a year.",
        "feature_shape": "A weekly risk score in the account table.",
    },
    "ideas": {
        "items": [
            {"title": "Boosted trees on usage", "approach": "gradient boosting", "data": "usage events",
             "proposed_by": "data scientist", "notes": "quick baseline"},
            {"title": "Survival model", "approach": "Cox regression", "data": "contract dates",
             "proposed_by": "back-end developer", "notes": ""},
        ],
        "exploration_notes": "Usage drops two months before churn.",
    },
    "data_sources": {
        "items": [
            {"name": "customers_2024", "uri": "data/customers.parquet", "kind": "files", "owner": "data engineering",
             "access_status": "available", "label_column": "churned", "notes": "daily dump"},
            {"name": "usage_events", "uri": "s3://bucket/usage/*.parquet", "kind": "object_storage",
             "owner": "platform team", "access_status": "requested", "label_column": None, "notes": ""},
        ],
    },
    "scope": {
        "kpis": [
            {"name": "churners caught before renewal", "description": "Share of churners flagged 30 days ahead.",
             "metrics": [
                 {"name": "roc_auc", "definition": "area under ROC", "target": 0.8, "comparator": ">=",
                  "dataset": "holdout", "hardness": "hard"},
                 {"name": "recall_at_top_k", "definition": "recall among top 10%", "target": 0.5,
                  "comparator": ">=", "dataset": "holdout", "hardness": "hard"},
             ]},
            {"name": "alerts people trust", "description": "", "metrics": [
                {"name": "usefulness", "definition": "judged by customer success", "target": None,
                 "comparator": ">=", "dataset": "sample of 50 alerts", "hardness": "soft"},
            ]},
        ],
        "timebox_weeks": 3,
        "timebox_end": "2026-12-18",
        "minimum_useful": "60% of the target",
        "iteration_level": 1,
        "out_of_scope": ["per-region models", "real-time scoring"],
    },
    "literature": {
        "entries": [
            {"title": "Churn prediction survey", "kind": "paper", "link": "https://example.org/survey",
             "summary": "Families of churn models.", "upsides": "broad", "downsides": "old", "fit": "fine",
             "depth": "read", "verdict": "alternative", "justification": "kept as background"},
            {"title": "LightGBM", "kind": "tool", "link": "https://github.com/microsoft/LightGBM", "summary": "GBM",
             "upsides": "fast", "downsides": "", "fit": "Python service", "depth": "prototyped",
             "verdict": "chosen", "justification": "best holdout AUC in a day"},
        ],
        "landscape": "Trees, survival models and sequence models.",
        "depth_rationale": "Churn is a core capability.",
    },
    "technical_check": {
        "storage": "warehouse tables", "processing": "batch", "scaling": "vertical", "response_time": "daily",
        "data_freshness": "daily", "production_language": "Python service", "currency": "EUR",
        "cost_breakdown": [{"item": "compute", "monthly_cost": 120.5}, {"item": "storage", "monthly_cost": 30.0}],
        "domain_adaptation_cost": "one day per new market", "composability": "no",
        "risks": ["label delay", "seasonality"], "verdict": "feasible",
    },
    "experiment_setup": {
        "repository": "git@example.org:team/churn.git", "notebook_server": "JupyterHub", "data_versioning": "DVC",
        "model_versioning": "registry", "experiment_tracking": "MLflow", "approach": "model_only",
        "notes": "Experiments tracked per branch.",
    },
    "kpi_review": {
        "development": {"reviews": [
            {"metric": "usefulness", "sample_size": 50, "sample_description": "random alerts",
             "reviewers": "customer success", "findings": "Mostly useful.", "verdict": "meets"},
        ], "summary": "Good enough to ship."},
        "post_deployment": {"reviews": [], "summary": ""},
    },
    "deployment": {
        "ingestion": "batch", "schedule": "daily 02:00 UTC", "caching": "none", "packaging": "service",
        "procedure": "Press **deploy**.",
        "rollout": {"mode": "partial", "exposure_share": 0.2, "segments": ["EU"], "customers": ["premium"],
                    "ab_design": {"groups": [{"name": "model", "share": 0.2, "description": "scores"},
                                             {"name": "control", "share": 0.2, "description": "none"}],
                                  "primary_kpi": "renewals", "duration_days": 28, "minimum_sample": 500},
                    "bias_risks": ["premium customers are larger"]},
    },
    "monitoring": {
        "reference_data": "customers_2024", "current_data": "data/current/*.parquet", "columns": ["tenure", "plan"],
        "drift_thresholds": {"psi": 0.25, "ks_pvalue": 0.01, "ks_statistic": 0.15, "js_distance": 0.2,
                             "unseen_share": 0.1, "dataset_share": 0.3},
        "schedule": "weekly on Monday", "performance_checks": "AUC on labelled weeks", "alert_channel": "#churn",
    },
}
