"""Figure data for the dashboards: the KPI scoreboard (plotly, for notebooks) and drift overlay bins.

Built from journaled events (model tests, drift checks), never recomputed
beyond the cached overlay bins. The pages draw SVG (no plotly bundle):
:mod:`.svgchart` for the scoreboard, :func:`phasebook.data.charts.overlay_svg`
for the drift overlays. User text that reaches a plotly figure (metric and
model names) is escaped: plotly renders titles, labels and hover text as HTML.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..core.events import Event
from ..core.scoreboard import scoreboard_series
from ..core.sections import Scope
from .html import esc

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["scoreboard", "drift_plots", "FIGURE_LAYOUT"]

FIGURE_LAYOUT = dict(template="plotly_white", height=320, margin=dict(l=50, r=20, t=40, b=40))


def scoreboard(scope: Scope, events: list[Event]) -> go.Figure | None:
    """Each hard metric's measured value per model test against its target line (None without tests).

    Draws :func:`~phasebook.core.scoreboard.scoreboard_series`, the series the overview's SVG draws too.
    """
    series = scoreboard_series(scope, events)
    if not series or not series[0].points:
        return None
    import plotly.graph_objects as go  # imported here: the pages draw SVG and need no plotly
    from plotly.colors import qualitative

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


def drift_plots(report: dict[str, Any], project: Any = None, event_hash: str | None = None) -> dict[str, dict]:
    """Column name → overlay bins (reference vs current shares) of a journaled drift report.

    The journaled event holds the flags; its bins are used when it carries
    them (``plot`` per column, ``histogram`` in older events). When it does not, the bins are computed once
    from the event's own reference and current data (never journaled again)
    and cached under ``.phasebook/drift/<event hash>.json``, so later page
    views read them instead of recomputing. Data gone or unreadable: ``{}``
    (the page still shows the journaled flags).
    """
    plots = {c["name"]: c.get("plot") or c["histogram"] for c in report.get("columns", [])
             if c.get("plot") or c.get("histogram")}  # ``histogram``: the bins of older events
    if plots or project is None or not event_hash:
        return plots
    cache = project.root / ".phasebook" / "drift" / (event_hash.replace("sha256:", "") + ".json")
    try:
        if cache.is_file():
            return json.loads(cache.read_text(encoding="utf-8"))
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
        return {}
    return plots
