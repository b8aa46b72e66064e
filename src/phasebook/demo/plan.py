"""The demo plan: a subscription-churn project filled in as a real team would.

Each section is saved by the role that owns its step (product owner for the
need, data scientist for ideas and scope, data engineer for the sources and
the technical check), so the journal reads like a team's history.
"""

from __future__ import annotations

from typing import Any

from ..core.events import Actor

__all__ = ["PRODUCT_OWNER", "DATA_SCIENTIST", "DATA_ENGINEER", "SECTIONS"]

PRODUCT_OWNER = Actor(name="product owner", role="product")
DATA_SCIENTIST = Actor(name="data scientist", role="data_science")
DATA_ENGINEER = Actor(name="data engineer", role="data_engineering")

WATCHED = ["plan", "contract", "region", "device", "tenure_months", "monthly_charges", "usage_hours",
           "sessions_last_30d", "support_tickets_90d", "payment_failures"]

#: (section, content, who saves it), in the order a team fills them.
SECTIONS: list[tuple[str, dict[str, Any], Actor]] = [
    ("product_need", {
        "statement": "Customer success cannot tell which subscribers are about to cancel until they already have; "
                     "they need to know early enough to act before the renewal date.",
        "customers_affected": "All 40k subscribers; a fifth cancel each quarter, most of them new monthly-plan customers.",
        "validated_by": "product owner, customer-success lead, finance",
        "validation": "Twelve cancellation interviews, a quarter of support tickets tagged 'cancel', "
                      "and finance's churn cohort report.",
        "value_driver": "churn_prevention",
        "value_notes": "A retained subscriber is worth about 420 USD a year; keeping one in ten at-risk "
                       "subscribers is worth roughly 370k USD a year.",
        "feature_shape": "A weekly at-risk list in the customer-success tool: a risk score and the main reasons per customer.",
    }, PRODUCT_OWNER),
    ("ideas", {
        "items": [
            {"title": "Churn classifier", "approach": "Gradient-boosted trees on usage, billing and support features",
             "data": "customers table (billing + usage + support), monthly", "proposed_by": "data scientist"},
            {"title": "Ticket keyword rules", "approach": "Rules on support-ticket topics ('cancel', 'refund', 'too expensive')",
             "data": "support tickets", "proposed_by": "customer-success lead"},
            {"title": "Time-to-cancel model", "approach": "Survival analysis (Cox model) of the time to cancellation",
             "data": "subscription history", "proposed_by": "data scientist"},
            {"title": "Usage-drop alert", "approach": "Alert when weekly usage halves", "data": "in-app events (not logged yet)",
             "proposed_by": "back-end developer", "notes": "Needs event logging first."},
        ],
        "exploration_notes": "New monthly customers with low usage and a support ticket churn far more often: "
                             "a low-hanging fruit any model should catch.",
    }, DATA_SCIENTIST),
    ("data_sources", {
        "items": [
            {"name": "customers", "uri": "data/customers.parquet", "kind": "files", "owner": "data engineering",
             "access_status": "available", "label_column": "churned",
             "notes": "Quarterly export of billing, usage and support per customer; churned = cancelled within the quarter."},
            {"name": "current_month", "uri": "data/current_month.parquet", "kind": "files", "owner": "data engineering",
             "access_status": "available", "notes": "This month's customers as production scores them (no label yet)."},
            {"name": "rollout_outcomes", "uri": "data/rollout_outcomes.parquet", "kind": "files",
             "owner": "customer success", "access_status": "available", "label_column": "churned",
             "notes": "A/B groups of the partial rollout and who churned four weeks later."},
            {"name": "in_app_events", "uri": "", "kind": "not_yet_logged", "owner": "back-end team",
             "access_status": "requested", "notes": "Session-level events; logging requested for the usage-drop idea."},
        ],
    }, DATA_ENGINEER),
    ("scope", {
        "kpis": [
            {"name": "Churners reached before renewal",
             "description": "Of next month's cancellations, the share that appear on the weekly at-risk list "
                            "(the 20% highest-risk customers customer success can call).",
             "metrics": [
                 {"name": "roc_auc", "definition": "ranking quality over all customers", "target": 0.8,
                  "comparator": ">=", "dataset": "holdout", "hardness": "hard"},
                 {"name": "recall_at_top_k", "definition": "share of churners among the 20% highest-risk customers",
                  "k": 0.2, "target": 0.5, "comparator": ">=", "dataset": "holdout, top 20%", "hardness": "hard"},
             ]},
            {"name": "Retention calls worth making",
             "description": "Customer success finds the list useful: the reasons make sense, few obviously loyal customers.",
             "metrics": [
                 {"name": "call_usefulness", "definition": "Would you call this customer this week? (customer success "
                                                          "judges a sample of the listed customers)",
                  "dataset": "weekly list", "hardness": "soft"},
             ]},
        ],
        "timebox_weeks": 3,
        "minimum_useful": "roc_auc 0.75 and recall 0.40 at the top 20%: still better than calling every new monthly customer.",
        "iteration_level": 1,
        "out_of_scope": ["Which offer to make to whom", "Real-time scoring in the app", "Annual-contract pricing"],
    }, DATA_SCIENTIST),
    ("literature", {
        "entries": [
            {"title": "Gradient-boosted trees for tabular churn", "kind": "tool",
             "link": "https://scikit-learn.org/stable/modules/ensemble.html#histogram-based-gradient-boosting",
             "summary": "Histogram gradient boosting on mixed numeric/categorical features.",
             "upsides": "Strong on tabular data, handles interactions and missing values, fast to train.",
             "downsides": "Less transparent than a linear model; needs reason codes for customer success.",
             "fit": "Python batch job, data already tabular.", "depth": "prototyped", "verdict": "chosen",
             "justification": "Best holdout ranking in the prototype at a low serving cost."},
            {"title": "Logistic regression on one-hot features", "kind": "other",
             "summary": "The linear baseline.", "upsides": "Explainable coefficients.",
             "downsides": "Misses the new-monthly-customer interaction.", "depth": "prototyped", "verdict": "alternative",
             "justification": "Kept as the baseline and the fallback."},
            {"title": "Cox proportional hazards for time-to-churn", "kind": "paper",
             "summary": "Survival analysis of the time to cancellation.", "upsides": "Predicts when, not only whether.",
             "downsides": "Needs subscription histories we only have for a year.", "depth": "read", "verdict": "alternative",
             "justification": "Revisit when the history is longer."},
            {"title": "Sequence models over in-app events", "kind": "paper",
             "summary": "Recurrent / transformer models over session logs.", "upsides": "Catches usage drops early.",
             "downsides": "Events are not logged yet; heavy to serve.", "depth": "skimmed", "verdict": "rejected",
             "justification": "No data until in_app_events is logged."},
            {"title": "CRM vendor's churn add-on", "kind": "product",
             "summary": "A black-box churn score sold with the CRM.", "upsides": "No development.",
             "downsides": "1,200 USD a month, no control over features, no holdout evaluation.", "depth": "read",
             "verdict": "rejected", "justification": "Costs more than the whole solution and cannot be tested against our KPIs."},
        ],
        "landscape": "Three families: tabular classifiers (linear, boosted trees), survival models, and sequence models "
                     "on event logs. Tabular classifiers fit our data and batch cadence today; the others need data we lack.",
        "depth_rationale": "A core capability for customer success: the two tabular candidates were prototyped, the rest read.",
    }, DATA_SCIENTIST),
    ("technical_check", {
        "storage": "Nightly Parquet export of billing and support tables to object storage; features computed with DuckDB.",
        "processing": "batch", "scaling": "Vertical: one 2-vCPU job scores 40k customers in under a minute.",
        "response_time": "Weekly list; no online latency requirement.", "data_freshness": "Daily export, weekly scores.",
        "production_language": "Python batch job (the backend is Python).", "currency": "USD",
        "cost_breakdown": [
            {"item": "Compute (weekly scoring + monthly retraining)", "monthly_cost": 40},
            {"item": "Object storage for exports and snapshots", "monthly_cost": 15},
            {"item": "Monitoring and alerting", "monthly_cost": 10},
            {"item": "CS-tool integration upkeep (2 h/month)", "monthly_cost": 120},
        ],
        "domain_adaptation_cost": "A new country needs its region values and a retraining (one hour); no relabelling.",
        "composability": "One model for all regions; region is a feature.",
        "risks": ["Billing export schema changes break features",
                  "A new device type or plan changes usage patterns (covariate shift)"],
        "verdict": "feasible",
    }, DATA_ENGINEER),
    ("experiment_setup", {
        "repository": "git: data-science/churn-risk", "notebook_server": "JupyterLab on the team server",
        "data_versioning": "Dated Parquet snapshots in data/snapshots", "model_versioning": "Artefacts named by git commit",
        "experiment_tracking": "phasebook journal (model tests)", "approach": "in_between",
    }, DATA_SCIENTIST),
    ("monitoring", {
        "reference_data": "customers", "current_data": "current_month", "columns": WATCHED,
        "schedule": "0 6 * * 1", "performance_checks": "Recall at the top 20% recomputed monthly once cancellations are known.",
        "alert_channel": "the data team's alerts channel",
    }, DATA_SCIENTIST),
    ("deployment", {
        "ingestion": "batch", "schedule": "Weekly, Monday 05:00 UTC", "caching": "Scores kept in the CS tool until the next run.",
        "packaging": "Python batch job in the existing scheduler",
        "procedure": "Merge to main; CI builds the job image; the scheduler picks up the new tag.",
        "rollout": {
            "mode": "partial", "exposure_share": 0.5, "segments": ["monthly plans"],
            "ab_design": {
                "groups": [
                    {"name": "model", "share": 0.5, "description": "Customer success calls the model's top 20%."},
                    {"name": "control", "share": 0.5, "description": "Customer success calls as today."},
                ],
                "primary_kpi": "4-week churn rate", "duration_days": 28, "minimum_sample": 1500,
            },
            "bias_risks": [
                "Customers on the new foldable app are missing from the training data.",
                "Agents know who the model flagged and may treat them differently.",
                "Only monthly plans are exposed; annual renewals are not measured.",
            ],
        },
    }, DATA_ENGINEER),
]
