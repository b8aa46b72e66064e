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


def scoreboard_figure(events: Iterable["Event"], *, title: str = "Model tests against the scope's targets"):
    """A plotly figure: a panel per hard metric, a line per model, the target dashed."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    table = scoreboard_table(events)
    hard = table[table["hardness"] == "hard"] if not table.empty else table
    metrics = list(dict.fromkeys(hard["metric"])) if not hard.empty else []
    if not metrics:
        fig = go.Figure()
        fig.update_layout(title=f"{title} — no model test yet", height=240)
        return fig
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=metrics, horizontal_spacing=0.08)
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    models = list(dict.fromkeys(hard["model"]))
    for col, metric in enumerate(metrics, start=1):
        part = hard[hard["metric"] == metric]
        for i, model in enumerate(models):
            rows = part[part["model"] == model]
            if rows.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=rows["seq"], y=rows["value"], mode="lines+markers", name=str(model),
                    legendgroup=str(model), showlegend=col == 1, marker={"color": palette[i % len(palette)], "size": 9},
                    hovertemplate=f"{model}<br>{metric} = %{{y:.3f}}<br>journal entry %{{x}}<extra></extra>",
                ),
                row=1, col=col,
            )
        target = part["target"].dropna()
        if not target.empty:
            comparator = part["comparator"].iloc[-1]
            fig.add_hline(
                y=float(target.iloc[-1]), line_dash="dash", line_color="black", row=1, col=col,
                annotation_text=f"target {comparator} {float(target.iloc[-1]):g}", annotation_position="bottom right",
            )
        fig.update_xaxes(title_text="journal entry", row=1, col=col)
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
