"""The plan's sections as pydantic models.

One model per key of ``phasebook.yaml``. Field titles and descriptions are
written for the person filling the form: the forms and dashboards reuse
them. ``json_schema_extra={"long": True}`` marks free text that deserves a
text area; ``{"order": n}`` is not used — field order is declaration order.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .metrics import TOP_K_METRICS
from .metrics import METRIC_RANGES

__all__ = [
    "Section",
    "ProductNeed",
    "Idea",
    "Ideas",
    "DataSource",
    "DataSources",
    "ModelMetric",
    "ProductKPI",
    "Scope",
    "LiteratureEntry",
    "Literature",
    "CostItem",
    "TechnicalCheck",
    "ExperimentSetup",
    "SoftReview",
    "KpiReviewRound",
    "KpiReview",
    "ABGroup",
    "ABDesign",
    "Rollout",
    "Deployment",
    "DriftThresholds",
    "Monitoring",
    "SECTION_MODELS",
    "SECTION_NAMES",
]

LONG = {"long": True}


class Section(BaseModel):
    """Base of every plan model: unknown keys are errors, assignments validate."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


# 1.1 ---------------------------------------------------------------------
ValueDriver = Literal[
    "new_revenue", "churn_prevention", "lost_sales", "cost_saving", "engagement", "risk_reduction", "other"
]


class ProductNeed(Section):
    """Step 1.1 — the need, stated as a problem and validated by product people."""

    statement: str = Field(
        "",
        title="Need (as a problem, not a solution)",
        description='What customers cannot do today, e.g. "customers need a way to understand how they spend their budgets".',
        json_schema_extra=LONG,
    )
    customers_affected: str = Field(
        "", title="Customers affected", description="Which customers or segments have this problem, and roughly how many."
    )
    validated_by: str = Field(
        "", title="Validated by", description="The product, business or customer-success people who confirmed the need (roles, not only names)."
    )
    validation: str = Field(
        "",
        title="How it was validated",
        description="Interviews, support tickets, lost deals, usage data… what evidence shows the need is real.",
        json_schema_extra=LONG,
    )
    value_driver: ValueDriver | None = Field(
        None, title="Value driver", description="Why solving it matters: who will pay for it, or what it prevents (churn, lost sales)."
    )
    value_notes: str = Field(
        "", title="Value in detail", description="Who pays or what is prevented, with rough numbers if known.", json_schema_extra=LONG
    )
    feature_shape: str = Field(
        "",
        title="Expected shape of the feature",
        description="A rough picture of what the user will see: a score in a table, a weekly e-mail, an alert…",
        json_schema_extra=LONG,
    )


# 1.2 ---------------------------------------------------------------------
class Idea(Section):
    """One rough solution sketch."""

    title: str = Field(..., min_length=1, title="Idea", description="A short name for the idea.")
    approach: str = Field(
        "", title="General approach", description="Clustering, boosted trees, probabilistic inference, rules…", json_schema_extra=LONG
    )
    data: str = Field(
        "",
        title="Data it would use",
        description="A table we have, behaviour not yet logged, an external source…",
        json_schema_extra=LONG,
    )
    proposed_by: str = Field("", title="Proposed by", description="Ideas come from anyone: a back-end developer, the CTO, support.")
    notes: str = Field(
        "", title="Notes", description="Low-hanging fruit found in a light exploration, doubts, links.", json_schema_extra=LONG
    )


class Ideas(Section):
    """Step 1.2 — initial solution ideation."""

    items: list[Idea] = Field(default_factory=list, title="Ideas", description="Every idea considered, however rough.")
    exploration_notes: str = Field(
        "",
        title="Light exploration",
        description="What a first look at the data showed (low-hanging fruit, surprises).",
        json_schema_extra=LONG,
    )


# 1.3 ---------------------------------------------------------------------
AccessStatus = Literal["requested", "in_progress", "available", "blocked"]
SourceKind = Literal["table", "files", "object_storage", "database", "external", "not_yet_logged", "api", "other"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class DataSource(Section):
    """One data source the project needs access to."""

    name: str = Field(
        ..., min_length=1, title="Name", description="A short identifier used in notebooks and commands, e.g. customers_2024."
    )
    uri: str = Field(
        "",
        title="Location (URI)",
        description="Where it lives: a path or glob (data/customers.parquet, data/*.csv), an s3:// path, or a SQLAlchemy URL.",
    )
    kind: SourceKind = Field("files", title="Kind", description="What sort of source this is.")
    owner: str = Field("", title="Owner", description="Who can grant access or answer questions about it (a role or team).")
    access_status: AccessStatus = Field(
        "requested", title="Access status", description="Access usually takes longer than expected: track it from day one."
    )
    label_column: str | None = Field(
        None, title="Label column", description="The column holding the outcome to predict (the KPI's label), if this source has it."
    )
    positive_label: str | None = Field(
        None, title="Positive class",
        description="The label value a two-class metric counts as positive, e.g. Churned, Yes, true or 1 "
                    "(needed unless the label is a yes/no, true/false or 0/1 column).",
    )
    id_columns: list[str] = Field(
        default_factory=list, title="Id columns",
        description="Columns that identify a row (e.g. customer_id): never a model feature, left out of drift checks.",
    )
    notes: str = Field("", title="Notes", description="Dumps, refresh schedule, caveats.", json_schema_extra=LONG)

    @field_validator("id_columns", mode="before")
    @classmethod
    def _one_id(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v  # ``id_columns: customer_id`` means one id column

    @field_validator("id_columns")
    @classmethod
    def _ids(cls, v: list[str], info: ValidationInfo) -> list[str]:
        ids = [c.strip() for c in v]
        if any(not c for c in ids):
            raise ValueError("an id column needs a name, e.g. customer_id")
        if dup := next((c for c in ids if ids.count(c) > 1), None):
            raise ValueError(f"id column {dup!r} is listed twice")
        label = info.data.get("label_column")
        if label and label in ids:
            raise ValueError(f"{label!r} is the label column; an id column identifies a row, it is not the outcome")
        return ids

    @field_validator("positive_label", mode="before")
    @classmethod
    def _label_text(cls, v: object) -> object:
        if isinstance(v, bool):  # YAML reads an unquoted Yes/No/true as a boolean
            return "true" if v else "false"
        return str(v) if isinstance(v, (int, float)) else v

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("use letters, digits, '_', '-' or '.' only (no spaces), e.g. customers_2024")
        return v


class DataSources(Section):
    """Step 1.3 — data preparation and accessibility."""

    items: list[DataSource] = Field(default_factory=list, title="Data sources", description="Every source the ideas need.")

    @model_validator(mode="after")
    def _unique_names(self) -> "DataSources":
        seen: set[str] = set()
        for s in self.items:
            if s.name in seen:
                raise ValueError(f"data source name {s.name!r} is used twice; names must be unique")
            seen.add(s.name)
        return self

    def get(self, name: str) -> DataSource | None:
        """Return the source called ``name`` (or None)."""
        return next((s for s in self.items if s.name == name), None)

    def training_source(self) -> DataSource | None:
        """The source a model trains on by default: the first available one with a label column, else the first labelled."""
        labelled = [s for s in self.items if s.label_column]
        return next((s for s in labelled if s.access_status == "available"), labelled[0] if labelled else None)

    @property
    def training(self) -> dict[str, str | None] | None:
        """What a model test's numbers depend on: the training source's identity and label (gates cover it)."""
        return training_identity(self.model_dump(mode="json"))


#: The fields of the training source a gate covers as ``data_sources.training``.
TRAINING_FIELDS = ("name", "uri", "label_column", "positive_label")


def training_identity(data_sources: dict | None) -> dict[str, str | None] | None:
    """``data_sources.training`` from a plan dump's ``data_sources``: the default training source's identity and label."""
    items = [i for i in (data_sources or {}).get("items", []) if isinstance(i, dict) and i.get("label_column")]
    chosen = next((i for i in items if i.get("access_status") == "available"), items[0] if items else None)
    return {k: chosen.get(k) for k in TRAINING_FIELDS} if chosen else None


# 1.4 ---------------------------------------------------------------------
Comparator = Literal[">=", "<="]
Hardness = Literal["hard", "soft"]


class ModelMetric(Section):
    """A measurable model metric that approximates a product KPI."""

    name: str = Field(
        ..., min_length=1, title="Metric", description="The metric's name, e.g. roc_auc, recall_at_top_k, mape."
    )
    definition: str = Field(
        "", title="Definition", description="Exactly how it is computed, e.g. recall among the 10% highest-risk customers."
    )
    target: float | None = Field(None, title="Target", description="The value the model must reach (hard metrics need one).")
    comparator: Comparator = Field(">=", title="Comparator", description=">= when higher is better, <= when lower is better.")
    dataset: str = Field(
        "", title="Dataset or segment", description="Where it is measured: holdout, ads running ≥ a week, clients with ≥ 2 months…"
    )
    hardness: Hardness = Field(
        "hard",
        title="Hard or soft",
        description="Hard: computed automatically against the target. Soft: judged by people on a sample of real outputs.",
    )
    k: float | None = Field(
        None, gt=0, title="Top k",
        description="For recall_at_top_k and precision_at_top_k: the share of rows flagged (0.1 = the top 10%) "
                    "or their number (200 = the top 200 rows). Empty: the top 10%.",
    )

    @property
    def params(self) -> dict[str, float]:
        """The metric's parameters as :func:`phasebook.core.metrics.metric_label` reads them (``{"k": 0.1}``)."""
        return {"k": self.k} if self.k is not None else {}

    @field_validator("k")
    @classmethod
    def _k_fits(cls, k: float | None, info: ValidationInfo) -> float | None:
        if k is None:
            return k
        name = info.data.get("name", "")
        if name not in TOP_K_METRICS:
            raise ValueError(f"{name} takes no k; only {' and '.join(sorted(TOP_K_METRICS))} do")
        if k >= 1 and not float(k).is_integer():
            raise ValueError(f"{k:g} is neither a share (between 0 and 1, e.g. 0.1) nor a number of rows (e.g. 200)")
        return k

    @field_validator("target")
    @classmethod
    def _target_in_range(cls, target: float | None, info: ValidationInfo) -> float | None:
        rng = METRIC_RANGES.get(info.data.get("name", ""))
        if rng is not None and target is not None:
            lo, hi = rng
            if (lo is not None and target < lo) or (hi is not None and target > hi):
                bounds = f"between {lo:g} and {hi:g}" if hi is not None else f"at least {lo:g}"
                raise ValueError(f"{target:g} is outside the range of {info.data['name']} (it must be {bounds})")
        return target


class ProductKPI(Section):
    """A KPI in product terms, linked to the model metrics that measure it."""

    name: str = Field(..., min_length=1, title="KPI", description="The KPI in product terms, e.g. churners caught before renewal.")
    description: str = Field(
        "",
        title="In detail",
        description='As precise as a product person can make it: "weekly rush-hour predictions per airport, hourly, within ±50%".',
        json_schema_extra=LONG,
    )
    metrics: list[ModelMetric] = Field(
        default_factory=list, title="Model metrics", description="The measurable metrics that approximate this KPI."
    )


class Scope(Section):
    """Step 1.4 — scope and KPIs."""

    kpis: list[ProductKPI] = Field(default_factory=list, title="Product KPIs", description="KPIs first, then their model metrics.")
    timebox_weeks: int | None = Field(
        None, ge=1, le=52, title="Timebox (weeks)", description="Length of the development iteration, typically 2–3 weeks."
    )
    timebox_end: dt.date | None = Field(None, title="Timebox ends", description="The date the timebox ends.")
    minimum_useful: str = Field(
        "",
        title="Minimum useful threshold",
        description="The floor at which deploying is still worth it (e.g. 60% of the target). Beware the over-estimated step function.",
    )
    iteration_level: int = Field(
        1, ge=1, title="Iteration", description="1 for the simplest useful version; increase across successive projects."
    )
    out_of_scope: list[str] = Field(
        default_factory=list, title="Out of scope", description="What this iteration deliberately does not do."
    )

    def hard_metrics(self) -> list[tuple[ProductKPI, ModelMetric]]:
        """Every (KPI, metric) pair whose metric is hard."""
        return [(k, m) for k in self.kpis for m in k.metrics if m.hardness == "hard"]


# 2.2 ---------------------------------------------------------------------
EntryKind = Literal["paper", "code", "tool", "product", "blog", "talk", "internal", "other"]
Depth = Literal["skimmed", "read", "reproduced", "prototyped"]
Verdict = Literal["chosen", "alternative", "rejected", "undecided"]
#: how literature entries are listed: chosen first, rejected last (forms and notebooks)
VERDICT_ORDER: tuple[str, ...] = ("chosen", "alternative", "undecided", "rejected")


class LiteratureEntry(Section):
    """One examined solution: paper, code, tool or product."""

    title: str = Field(..., min_length=1, title="Title")
    kind: EntryKind = Field("paper", title="Kind")
    link: str = Field("", title="Link", description="URL, DOI or repository.")
    summary: str = Field("", title="Summary", description="What it does, in two or three sentences.", json_schema_extra=LONG)
    upsides: str = Field("", title="Upsides", json_schema_extra=LONG)
    downsides: str = Field("", title="Downsides", json_schema_extra=LONG)
    fit: str = Field(
        "",
        title="Fit with constraints",
        description="Production language (e.g. a JVM-only backend), data we have, latency, licence.",
        json_schema_extra=LONG,
    )
    depth: Depth = Field("skimmed", title="Depth of review")
    verdict: Verdict = Field("undecided", title="Verdict")
    justification: str = Field(
        "", title="Justification", description="Why it was chosen, kept as an alternative, or rejected.", json_schema_extra=LONG
    )


class Literature(Section):
    """Step 2.2 — literature and solutions review: the landscape, not only a direction."""

    entries: list[LiteratureEntry] = Field(default_factory=list, title="Examined solutions")
    landscape: str = Field(
        "",
        title="Landscape summary",
        description="A brief review of the field: the families of solutions and how they compare.",
        json_schema_extra=LONG,
    )
    depth_rationale: str = Field(
        "",
        title="Depth chosen",
        description="Why this depth of review: a core capability deserves more than a one-off.",
        json_schema_extra=LONG,
    )

    def chosen(self) -> list[LiteratureEntry]:
        """Entries with verdict ``chosen``."""
        return [e for e in self.entries if e.verdict == "chosen"]


# 2.3 ---------------------------------------------------------------------
class CostItem(Section):
    item: str = Field(..., min_length=1, title="Item", description="Compute, storage, licences, labelling…")
    monthly_cost: float = Field(..., ge=0, title="Monthly cost")


Feasibility = Literal["undecided", "feasible", "feasible_with_changes", "infeasible"]


class TechnicalCheck(Section):
    """Step 2.3 — the production form of the solution and what it costs."""

    storage: str = Field("", title="Data storage", description="Where training and serving data live.", json_schema_extra=LONG)
    processing: Literal["batch", "stream", "hybrid", "undecided"] = Field("undecided", title="Processing")
    scaling: str = Field("", title="Scaling", description="Horizontal or vertical, and how far it must go.")
    response_time: str = Field("", title="Response time", description="How fast an answer must come back, e.g. < 200 ms p95.")
    data_freshness: str = Field("", title="Data freshness", description="How recent the input data must be, e.g. hourly.")
    production_language: str = Field("", title="Production language", description="e.g. Python service, JVM backend.")
    currency: str = Field("USD", title="Currency")
    cost_breakdown: list[CostItem] = Field(default_factory=list, title="Cost breakdown (monthly)")
    domain_adaptation_cost: str = Field(
        "",
        title="Domain-adaptation cost",
        description="Cost per new client, industry, language or country.",
        json_schema_extra=LONG,
    )
    composability: str = Field(
        "", title="Composability", description="Can models compose, e.g. country models into a region model?", json_schema_extra=LONG
    )
    risks: list[str] = Field(default_factory=list, title="Risks")
    verdict: Feasibility = Field("undecided", title="Verdict")

    @property
    def monthly_cost(self) -> float:
        """Total of the cost breakdown."""
        return float(sum(c.monthly_cost for c in self.cost_breakdown))


# 3.1 ---------------------------------------------------------------------
_TRACKING_URL = re.compile(r"^https?://(?P<host>[^/\s?#]+)(/[^\s?#]*)?$")
_ALIAS = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ExperimentSetup(Section):
    """Step 3.1 — model development and experiments framework."""

    repository: str = Field("", title="Repository")
    notebook_server: str = Field("", title="Notebook server")
    data_versioning: str = Field("", title="Data versioning", description="e.g. DVC, lakeFS, dated snapshots.")
    model_versioning: str = Field("", title="Model versioning", description="e.g. a model registry.")
    experiment_tracking: str = Field("", title="Experiment tracking", description="e.g. MLflow, Weights & Biases.")
    tracking_uri: str = Field(
        "",
        title="MLflow tracking URI",
        description="Empty: no MLflow. 'local': a store inside the project (.phasebook/mlflow.db). "
        "Or the team's server, e.g. http://mlflow.internal:5000 (credentials go in MLFLOW_TRACKING_USERNAME/PASSWORD, "
        "never here).",
    )
    experiment_name: str = Field("", title="MLflow experiment", description="Empty: the project's name.")
    approval_alias: str = Field(
        "approved", title="Alias on KPI check approval",
        description="Set on the approved model version when the KPI check (3.4) is approved; removed when it goes stale.",
    )
    post_deployment_alias: str = Field(
        "approved_post_deployment", title="Alias on post-deployment approval",
        description="Set on the model version when the post-deployment KPI check (4.3) is approved.",
    )
    approach: Literal["end_to_end_pipeline", "model_only", "in_between"] = Field(
        "in_between",
        title="Development approach",
        description="From 'everything is the model' (end-to-end pipeline) to 'model = type, hyper-parameters and features'.",
    )
    notes: str = Field("", title="Notes", json_schema_extra=LONG)

    @field_validator("tracking_uri")
    @classmethod
    def _tracking_uri(cls, v: str) -> str:
        if v in ("", "local"):
            return v
        m = _TRACKING_URL.match(v)
        if not m:
            raise ValueError("use 'local' (a store inside the project), an http:// or https:// server address, "
                             "or leave it empty for no MLflow")
        if "@" in m.group("host"):
            raise ValueError("do not put credentials in the plan (it is shared in git); "
                             "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD instead")
        return v.rstrip("/")

    @field_validator("approval_alias", "post_deployment_alias")
    @classmethod
    def _alias(cls, v: str) -> str:
        if not _ALIAS.match(v) or v.lower() == "latest" or re.fullmatch(r"[vV]\d+", v):
            raise ValueError("use letters, digits, '_' or '-' (not 'latest', not a version like v3), e.g. approved or champion")
        return v


# 3.4 / 4.3 -----------------------------------------------------------------
ReviewVerdict = Literal["meets", "does_not_meet", "unclear"]


class SoftReview(Section):
    """People checking real outputs on a sample."""

    metric: str = Field(..., min_length=1, title="Metric or question", description="The soft metric being judged.")
    sample_size: int | None = Field(None, ge=0, title="Sample size")
    sample_description: str = Field("", title="Sample", description="How the sample of real outputs was drawn.")
    reviewers: str = Field("", title="Reviewers", description="Roles of the people who judged (product, customer success).")
    findings: str = Field(
        "", title="Findings", description="What people saw that metrics miss.", json_schema_extra=LONG
    )
    verdict: ReviewVerdict = Field("unclear", title="Verdict")


class KpiReviewRound(Section):
    reviews: list[SoftReview] = Field(default_factory=list, title="Reviews")
    summary: str = Field("", title="Summary", json_schema_extra=LONG)


class KpiReview(Section):
    """Steps 3.4 and 4.3 — KPIs checked by people."""

    development: KpiReviewRound = Field(default_factory=KpiReviewRound, title="Before deployment")
    post_deployment: KpiReviewRound = Field(default_factory=KpiReviewRound, title="After deployment")


# 4.1 / 4.2 -----------------------------------------------------------------
class ABGroup(Section):
    name: str = Field(..., min_length=1, title="Group")
    share: float = Field(..., ge=0, le=1, title="Share of users", description="Between 0 and 1.")
    description: str = Field("", title="Treatment", description="What this group gets (model, control…).")


class ABDesign(Section):
    groups: list[ABGroup] = Field(default_factory=list, title="Groups")
    primary_kpi: str = Field("", title="Primary KPI compared")
    duration_days: int | None = Field(None, ge=1, title="Duration (days)")
    minimum_sample: int | None = Field(None, ge=1, title="Minimum sample per group")

    @model_validator(mode="after")
    def _shares(self) -> "ABDesign":
        total = sum(g.share for g in self.groups)
        if total > 1 + 1e-9:
            raise ValueError(f"group shares add up to {total:g}; they must not exceed 1")
        return self


class Rollout(Section):
    mode: Literal["full", "partial"] = Field("full", title="Rollout")
    exposure_share: float | None = Field(
        None, ge=0, le=1, title="Exposure share", description="Share of users who get the model (partial rollout)."
    )
    segments: list[str] = Field(default_factory=list, title="Segments", description="Which segments get it first.")
    customers: list[str] = Field(default_factory=list, title="Customers", description="Per-customer or premium rollouts.")
    ab_design: ABDesign = Field(default_factory=ABDesign, title="A/B design")
    bias_risks: list[str] = Field(
        default_factory=list,
        title="Bias risks",
        description="Partial deployment biases future data (early updaters are younger, more tech-savvy): record the risks.",
    )

    @model_validator(mode="after")
    def _partial_needs_share(self) -> "Rollout":
        if self.mode == "partial" and self.exposure_share is None:
            raise ValueError("a partial rollout needs an exposure share (between 0 and 1)")
        return self


class Deployment(Section):
    """Steps 4.1–4.2 — productization and deployment."""

    ingestion: Literal["batch", "stream", "undecided"] = Field("undecided", title="Ingestion")
    schedule: str = Field("", title="Schedule", description="How often batch jobs run, e.g. daily 02:00 UTC.")
    caching: str = Field("", title="Caching")
    packaging: str = Field("", title="Model packaging", description="Wrapped as a service, ported, embedded…")
    procedure: str = Field("", title="How to deploy", description="Ideally one button.", json_schema_extra=LONG)
    rollout: Rollout = Field(default_factory=Rollout, title="Rollout")


class DriftThresholds(Section):
    """When a column counts as drifted: every test needs its effect size past its threshold
    *and* its p-value below ``ks_pvalue`` (at large n p-values alone flag trivial differences,
    at small n effect sizes alone are noise)."""

    psi: float = Field(
        0.2, gt=0, title="PSI threshold",
        description="A column drifts when its population stability index exceeds this (0.1 slight, 0.2 significant).",
    )
    ks_pvalue: float = Field(
        0.001, gt=0, lt=1, title="Significance level",
        description="Every test (Kolmogorov–Smirnov, PSI, chi-square, unseen categories) must also have a p-value below this.",
    )
    ks_statistic: float = Field(
        0.1, gt=0, le=1, title="KS statistic",
        description="Numeric columns drift when the largest gap between the two cumulative distributions exceeds this.",
    )
    js_distance: float = Field(
        0.1, gt=0, le=1, title="Jensen–Shannon distance", description="Categorical columns drift above this distance (base 2)."
    )
    unseen_share: float = Field(
        0.01, ge=0, le=1, title="Unseen categories share",
        description="Categorical columns drift when the share of current rows with categories never seen in the reference "
        "exceeds what the reference's own rare categories explain by more than this.",
    )
    dataset_share: float = Field(
        0.25, gt=0, le=1, title="Dataset verdict", description="The dataset drifts when at least this share of columns drift."
    )


class Monitoring(Section):
    """Step 4.1 — monitoring of performance and of the input distribution (covariate shift)."""

    reference_data: str = Field(
        "", title="Reference data", description="A data source name or path: the data the model was trained on."
    )
    current_data: str = Field("", title="Current data", description="A data source name or path: what production sees now.")
    columns: list[str] = Field(default_factory=list, title="Columns watched", description="Empty: every shared column.")
    drift_thresholds: DriftThresholds = Field(default_factory=DriftThresholds, title="Drift thresholds")
    schedule: str = Field(
        "", title="Schedule",
        description="A cron expression (minute hour day month weekday, UTC): when scheduled checks run, e.g. 0 6 * * 1.",
    )
    performance_checks: str = Field(
        "", title="Performance checks", description="How model performance is tracked once labels arrive.", json_schema_extra=LONG
    )
    outcomes: str = Field(
        "", title="Labelled outcomes",
        description="A data source name, path or glob of production rows whose outcome is now known (the model's "
        "score and the label): each check measures the scope's hard metrics on them. Empty: no live KPI.",
    )
    score_column: str = Field("score", title="Score column", description="The model's score in the labelled outcomes.")
    outcome_label_column: str = Field(
        "", title="Outcome label column", description="The label in the labelled outcomes. Empty: the training source's label column."
    )
    alert_channel: str = Field("", title="Alerts go to")


SECTION_MODELS: dict[str, type[Section]] = {
    "product_need": ProductNeed,
    "ideas": Ideas,
    "data_sources": DataSources,
    "scope": Scope,
    "literature": Literature,
    "technical_check": TechnicalCheck,
    "experiment_setup": ExperimentSetup,
    "kpi_review": KpiReview,
    "deployment": Deployment,
    "monitoring": Monitoring,
}

#: each section's name for readers; the flow adds the steps that fill it (:meth:`~phasebook.core.flow.Flow.section_title`)
SECTION_NAMES: dict[str, str] = {
    "product_need": "Product need",
    "ideas": "Solution ideas",
    "data_sources": "Data sources",
    "scope": "Scope & KPIs",
    "literature": "Literature & solutions review",
    "technical_check": "Technical validity check",
    "experiment_setup": "Experiments framework",
    "kpi_review": "KPI reviews",
    "deployment": "Deployment",
    "monitoring": "Monitoring",
}
