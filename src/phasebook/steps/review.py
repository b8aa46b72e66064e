"""Plan summaries the phase notebooks show: pure functions of the plan.

The scoping checklist, the scope as a table, the literature review, the
technical check with its cost, and the rollout plan — each returned as a
pandas DataFrame (or a small dict) so a notebook only calls and displays,
and the dashboards can reuse them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.sections import VERDICT_ORDER
from ..modeling.metrics import METRICS

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

__all__ = [
    "scope_table", "scoping_checklist", "literature_table", "technical_summary", "rollout_summary",
    "profile_summary", "target_rates", "informative_figures", "drift_figures",
]

VERDICT_RANK = {v: i for i, v in enumerate(VERDICT_ORDER)}


def scope_table(project: "Project") -> pd.DataFrame:
    """One row per (KPI, model metric) of the scope."""
    rows = [
        {"kpi": k.name, "metric": m.name, "hardness": m.hardness, "comparator": m.comparator,
         "target": m.target, "dataset": m.dataset, "definition": m.definition}
        for k in project.sections.scope.kpis
        for m in (k.metrics or [None])  # type: ignore[list-item]
        if m is not None
    ]
    return pd.DataFrame(rows, columns=["kpi", "metric", "hardness", "comparator", "target", "dataset", "definition"])


def scoping_checklist(project: "Project") -> pd.DataFrame:
    """The scoping completeness checks (1.1–1.4) as ``item, ok, detail`` rows."""
    need = project.sections.product_need
    scope = project.sections.scope
    sources = project.sections.data_sources.items
    kpis = scope.kpis  # type: ignore[attr-defined]
    hard = scope.hard_metrics()  # type: ignore[attr-defined]
    no_metric = [k.name for k in kpis if not k.metrics]
    no_target = [f"{k.name}: {m.name}" for k, m in hard if m.target is None or not m.comparator]
    unknown = sorted({m.name for _, m in hard if m.name not in METRICS})
    available = [s.name for s in sources if s.access_status == "available"]
    checks = [
        ("Product need stated (1.1)", bool(need.statement), need.statement[:80] or "fill the product need form"),  # type: ignore[attr-defined]
        ("At least one product KPI (1.4)", bool(kpis), f"{len(kpis)} KPI(s)"),
        ("Every product KPI has a model metric", bool(kpis) and not no_metric,
         "missing for: " + ", ".join(no_metric) if no_metric else "yes"),
        ("Every hard metric has a target and a comparator", bool(hard) and not no_target,
         "missing for: " + ", ".join(no_target) if no_target else f"{len(hard)} hard metric(s)"),
        ("Every hard metric can be computed (metric registry)", not unknown,
         "no implementation for: " + ", ".join(unknown) if unknown else "yes"),
        ("Timebox set", scope.timebox_weeks is not None or scope.timebox_end is not None,  # type: ignore[attr-defined]
         f"{scope.timebox_weeks} weeks" if scope.timebox_weeks else str(scope.timebox_end or "set timebox_weeks"),  # type: ignore[attr-defined]
        ),
        ("Data sources listed (1.3)", bool(sources), ", ".join(s.name for s in sources) or "add the data sources"),
        ("Data access available", bool(sources) and len(available) == len(sources),
         f"{len(available)} of {len(sources)} available"),
    ]
    return pd.DataFrame([{"item": i, "ok": bool(ok), "detail": d} for i, ok, d in checks])


def literature_table(project: "Project") -> pd.DataFrame:
    """The examined solutions, chosen first, then alternatives, then rejected."""
    entries = project.sections.literature.entries
    rows = [
        {"verdict": e.verdict, "title": e.title, "kind": e.kind, "depth": e.depth, "upsides": e.upsides,
         "downsides": e.downsides, "fit": e.fit, "justification": e.justification, "link": e.link}
        for e in entries
    ]
    df = pd.DataFrame(rows, columns=["verdict", "title", "kind", "depth", "upsides", "downsides", "fit", "justification", "link"])
    return df.sort_values("verdict", key=lambda s: s.map(VERDICT_RANK), kind="stable").reset_index(drop=True)


def technical_summary(project: "Project") -> dict[str, Any]:
    """``{"facts": DataFrame, "costs": DataFrame with a total row, "monthly_cost", "currency", "verdict", "risks"}``."""
    tc = project.sections.technical_check
    facts = pd.DataFrame(
        [(label, getattr(tc, field) or "—") for field, label in (
            ("storage", "Data storage"), ("processing", "Processing"), ("scaling", "Scaling"),
            ("response_time", "Response time"), ("data_freshness", "Data freshness"),
            ("production_language", "Production language"), ("domain_adaptation_cost", "Domain-adaptation cost"),
            ("composability", "Composability"), ("verdict", "Verdict"),
        )],
        columns=["aspect", "answer"],
    )
    costs = pd.DataFrame([{"item": c.item, "monthly_cost": c.monthly_cost} for c in tc.cost_breakdown],  # type: ignore[attr-defined]
                         columns=["item", "monthly_cost"])
    total = tc.monthly_cost  # type: ignore[attr-defined]
    costs = pd.concat([costs, pd.DataFrame([{"item": "total", "monthly_cost": total}])], ignore_index=True)
    return {"facts": facts, "costs": costs, "monthly_cost": total, "currency": tc.currency,  # type: ignore[attr-defined]
            "verdict": tc.verdict, "risks": list(tc.risks)}  # type: ignore[attr-defined]


def rollout_summary(project: "Project") -> dict[str, Any]:
    """The deployment's rollout: mode, exposure, groups, bias risks, procedure."""
    dep = project.sections.deployment
    r = dep.rollout  # type: ignore[attr-defined]
    groups = pd.DataFrame([{"group": g.name, "share": g.share, "treatment": g.description} for g in r.ab_design.groups],
                          columns=["group", "share", "treatment"])
    return {
        "mode": r.mode, "exposure_share": r.exposure_share, "segments": list(r.segments), "customers": list(r.customers),
        "groups": groups, "primary_kpi": r.ab_design.primary_kpi, "duration_days": r.ab_design.duration_days,
        "minimum_sample": r.ab_design.minimum_sample, "bias_risks": list(r.bias_risks),
        "ingestion": dep.ingestion, "schedule": dep.schedule, "packaging": dep.packaging,  # type: ignore[attr-defined]
        "procedure": dep.procedure,  # type: ignore[attr-defined]
    }


def profile_summary(profile: Any) -> pd.DataFrame:
    """A data profile as one row per column: kind, missing share, distinct values, mean, target correlation."""
    rows = [
        {"column": c.name, "kind": c.kind, "missing_share": round(c.missing_share, 4), "distinct": c.distinct,
         "mean": c.mean, "min": c.min, "max": c.max, "target_correlation": c.target_correlation, "note": c.note}
        for c in profile.columns
    ]
    return pd.DataFrame(rows)


def target_rates(profile: Any) -> pd.DataFrame:
    """The target's mean (the target rate for a 0/1 label) per value of each categorical column."""
    rows = [
        {"column": c.name, "value": v.get("value"), "count": v.get("count"), "share": round(float(v.get("share", 0)), 4),
         "target_rate": v.get("target_mean")}
        for c in profile.columns
        if c.name != profile.target
        for v in c.top_values
        if "target_mean" in v
    ]
    return pd.DataFrame(rows, columns=["column", "value", "count", "share", "target_rate"])


def informative_figures(profile: Any, limit: int = 6) -> list[Any]:
    """Figures of the ``limit`` columns most related to the target (built only for those)."""
    from ..data.figures import profile_figure

    def strength(c: Any) -> float:
        if c.target_correlation is not None:
            return abs(c.target_correlation)
        rates = [v["target_mean"] for v in c.top_values if v.get("target_mean") is not None]
        return (max(rates) - min(rates)) if len(rates) > 1 else 0.0

    ranked = sorted((c for c in profile.columns if c.name != profile.target), key=strength, reverse=True)
    figures = []
    for column in ranked:
        if len(figures) >= limit:
            break
        figure = profile_figure(column)
        if figure is not None:
            figures.append(figure)
    return figures


def drift_figures(report: Any, columns: list[str] | None = None) -> list[Any]:
    """Overlay figures (reference vs current) of the drifted columns (or of ``columns``)."""
    from ..data.figures import drift_figure

    names = report.drifted_columns if columns is None else columns
    return [drift_figure(c) for c in report.columns if c.name in names and c.plot]
