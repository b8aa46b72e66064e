"""Plotly figures for the dashboards: the KPI scoreboard and drift overlays.

Figures are built from journaled events (model tests, drift checks), never
recomputed. User text that reaches a figure (metric, model and column
names) is escaped: plotly renders titles, labels and hover text as HTML.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
from plotly.colors import qualitative

from ..core.events import Event
from ..core.scoreboard import scoreboard_series
from ..core.sections import Scope
from .html import esc

__all__ = ["scoreboard", "drift_overlays", "FIGURE_LAYOUT"]

FIGURE_LAYOUT = dict(template="plotly_white", height=320, margin=dict(l=50, r=20, t=40, b=40))


def scoreboard(scope: Scope, events: list[Event]) -> go.Figure | None:
    """Each hard metric's measured value per model test against its target line (None without tests).

    Draws :func:`~phasebook.core.scoreboard.scoreboard_series`, the series the overview's SVG draws too.
    """
    series = scoreboard_series(scope, events)
    if not series or not series[0].points:
        return None
    fig = go.Figure()
    palette = qualitative.Plotly
    for i, s in enumerate(series):
        color = palette[i % len(palette)]
        labels = [esc(p.label) for p in s.points]
        name = esc(s.metric)
        fig.add_trace(go.Scatter(x=labels, y=[p.value for p in s.points], mode="lines+markers", name=name,
                                 line=dict(color=color), hovertemplate=f"{name}: %{{y}}<extra>%{{x}}</extra>"))
        if s.target is not None:
            fig.add_trace(go.Scatter(x=labels, y=[s.target] * len(labels), mode="lines",
                                     name=f"{name} target ({esc(s.comparator)} {s.target:g})",
                                     line=dict(dash="dash", color=color)))
    fig.update_layout(title="KPI scoreboard: hard metrics per model test vs target", xaxis_title="model test",
                      **FIGURE_LAYOUT)
    return fig


def _overlay(column: dict[str, Any]) -> go.Figure | None:
    hist = column.get("histogram") or {}
    ref, cur = hist.get("reference"), hist.get("current")
    if not ref or not cur:
        return None
    if hist.get("categories"):
        x = [esc(c) for c in hist["categories"]]
    else:
        edges = hist.get("edges") or list(range(len(ref) + 1))
        x = [f"{edges[i]:g}–{edges[i + 1]:g}" for i in range(len(ref))]
    name = esc(column.get("name", ""))
    fig = go.Figure([go.Bar(x=x, y=ref, name="reference", opacity=0.6), go.Bar(x=x, y=cur, name="current", opacity=0.6)])
    flag = "drifted" if column.get("drifted") else "stable"
    fig.update_layout(barmode="overlay", title=f"{name} ({flag})", yaxis_title="share of rows", **FIGURE_LAYOUT)
    return fig


def _engine_figures(report: dict[str, Any]) -> list[go.Figure]:
    from ..data.drift import DriftReport  # the data engine

    fields = set(DriftReport.model_fields)
    figures = DriftReport.model_validate({k: v for k, v in report.items() if k in fields}).figures()
    return list(figures.values()) if isinstance(figures, dict) else list(figures)


def drift_overlays(report: dict[str, Any], project: Any = None, event_hash: str | None = None) -> list[go.Figure]:
    """Overlay histograms (reference vs current) per column of a journaled drift report.

    The journaled event holds the flags; its histogram bins are drawn when
    the event carries them (``plot`` per column). When it does not, the bins
    are computed once from the event's own reference and current data (never
    journaled again) and cached under ``.phasebook/drift/<event hash>.json``,
    so later page views read them instead of recomputing.
    """
    if any(c.get("plot") for c in report.get("columns", [])):
        return _engine_figures(report)
    if any(c.get("histogram") for c in report.get("columns", [])):
        return [f for f in (_overlay(c) for c in report.get("columns", [])) if f is not None]
    if project is None or not event_hash:
        return []
    cache = project.root / ".phasebook" / "drift" / (event_hash.replace("sha256:", "") + ".json")
    try:
        if cache.is_file():
            plots = json.loads(cache.read_text(encoding="utf-8"))
        else:
            from ..core.sections import DriftThresholds
            from ..data.drift import drift

            thresholds = DriftThresholds.model_validate(report.get("thresholds") or {})
            fresh = drift(report["reference"], report["current"], thresholds=thresholds,
                          columns=[c["name"] for c in report.get("columns", [])], project=project)
            plots = {c.name: c.plot for c in fresh.columns if c.plot}
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps(plots), encoding="utf-8")
            tmp.replace(cache)
    except Exception:  # data gone or unreadable: the page still shows the journaled flags
        return []
    columns = [{**c, "plot": plots.get(c["name"])} for c in report.get("columns", [])]
    return _engine_figures({**report, "columns": columns})
