"""The scoreboard: every model test against the scope's targets.

Built from the journal's ``model_test`` events, so the notebook, the
dashboards and the CLI show the same history. One row per (test, metric);
the figure has one panel per hard metric with each model's values over
time and the target as a dashed line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from ..core.escape import md_text

if TYPE_CHECKING:  # pragma: no cover
    from ..core.events import Event

__all__ = ["scoreboard_table", "scoreboard_figure", "latest_results", "decision_prompt"]

COLUMNS = ["seq", "at", "model", "segment", "kpi", "metric", "hardness", "comparator", "target", "value", "outcome"]


def scoreboard_table(events: Iterable["Event"]) -> pd.DataFrame:
    """One row per metric of every ``model_test`` event, oldest first."""
    rows: list[dict[str, Any]] = []
    for e in events:
        if e.kind != "model_test":
            continue
        for r in e.data.get("results", []):
            rows.append({
                "seq": e.seq, "at": e.at, "model": e.data.get("model"), "segment": e.data.get("segment"),
                "kpi": r.get("kpi"), "metric": r.get("metric"), "hardness": r.get("hardness"),
                "comparator": r.get("comparator"), "target": r.get("target"), "value": r.get("value"),
                "outcome": r.get("outcome"),
            })
    return pd.DataFrame(rows, columns=COLUMNS)


def latest_results(events: Iterable["Event"]) -> pd.DataFrame:
    """The latest test of each model: metric columns, one row per model, plus ``passed``."""
    latest: dict[str, Any] = {}
    for e in events:
        if e.kind == "model_test":
            latest[(e.data.get("model"), e.data.get("segment"))] = e
    rows = []
    for (model, segment), e in latest.items():
        row: dict[str, Any] = {"model": model, "segment": segment}
        row.update({r["metric"]: r.get("value") for r in e.data.get("results", [])})
        row["passed"] = bool(e.data.get("passed"))
        rows.append(row)
    return pd.DataFrame(rows)


def _scope_of(events: list["Event"]):
    """The scope as the latest pooled model test judged it (metrics, comparators, targets), for figures drawn
    from the journal alone."""
    from ..core.sections import Scope

    tests = [e for e in events if e.kind == "model_test" and not e.data.get("segment")]
    if not tests:
        return Scope()
    kpis: dict[str, list[dict[str, Any]]] = {}
    for r in tests[-1].data.get("results", []):
        kpis.setdefault(r.get("kpi") or "KPI", []).append({
            "name": r.get("metric"), "hardness": r.get("hardness", "hard"), "comparator": r.get("comparator", ">="),
            "target": r.get("target")})
    return Scope.model_validate({"kpis": [{"name": k, "metrics": m} for k, m in kpis.items()]})


def scoreboard_figure(events: Iterable["Event"], scope: Any = None, *, title: str = "Model tests against the scope's targets"):
    """A plotly figure: a panel per hard metric, a line per model, the target dashed.

    Draws :func:`~phasebook.core.scoreboard.scoreboard_series` (the series of the overview and the
    monitoring page). ``scope`` defaults to the scope as the latest model test judged it.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from ..core.scoreboard import scoreboard_series

    events = list(events)
    series = [s for s in scoreboard_series(scope if scope is not None else _scope_of(events), events) if s.points]
    if not series:
        fig = go.Figure()
        fig.update_layout(title=f"{title} — no model test yet", height=240)
        return fig
    fig = make_subplots(rows=1, cols=len(series), subplot_titles=[s.metric for s in series], horizontal_spacing=0.08)
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    models = list(dict.fromkeys(p.model for s in series for p in s.points))
    for col, s in enumerate(series, start=1):
        for i, model in enumerate(models):
            points = [p for p in s.points if p.model == model]
            fig.add_trace(
                go.Scatter(
                    x=[p.label for p in points], y=[p.value for p in points], mode="lines+markers", name=str(model),
                    legendgroup=str(model), showlegend=col == 1, marker={"color": palette[i % len(palette)], "size": 9},
                    hovertemplate=f"{model}<br>{s.metric} = %{{y:.3f}}<br>%{{x}}<extra></extra>",
                ),
                row=1, col=col,
            )
        if s.target is not None:
            fig.add_hline(y=float(s.target), line_dash="dash", line_color="black", row=1, col=col,
                          annotation_text=f"target {s.comparator} {s.target:g}", annotation_position="bottom right")
        fig.update_xaxes(title_text="model test", type="category", row=1, col=col)
    fig.update_layout(title=title, height=340, margin={"t": 70, "b": 40, "l": 40, "r": 20})
    return fig


def decision_prompt(results: Iterable[Any]) -> str:
    """Markdown for the 3.3 decision: which models pass, and the options with their commands.

    Args:
        results: :class:`~phasebook.core.kpis.ModelTestResult` objects of this run.
    """
    results = list(results)
    passing = [r.model for r in results if r.passed]
    lines = ["### Decision (3.3)", ""]
    for r in results:
        failed = ", ".join(f"{md_text(m.metric)} {m.value:.3f} (target {m.comparator} {m.target:g})" for m in r.failures() if m.value is not None)
        lines.append(f"- **{md_text(r.model)}**: " + ("passes every hard metric" if r.passed else f"fails {failed or 'unmeasured metrics'}"))
    lines.append("")
    if passing:
        lines.append(f"{md_text(', '.join(passing))} meet{'s' if len(passing) == 1 else ''} the hard metrics: ask product and "
                     "customer success for the KPI check (3.4) on a sample of real outputs, or iterate to improve it.")
    else:
        lines.append("No model meets the hard metrics. Iterate (model failure), go back to research (approach failure), "
                     "change the goal, or cancel — and record why.")
    lines += ["", "Record the team's decision (the journal keeps who and why):", "",
              "- iterate: `project.decide(\"iterate\", \"what we try next\")` in this notebook",
              "- approach failure: `phasebook backtrack research --reason approach_failure -m WHY`",
              "- goal change: `phasebook backtrack scoping --reason goal_change -m WHY`",
              "- cancel: `phasebook cancel -m WHY`"]
    return "\n".join(lines)
