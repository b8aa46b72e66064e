"""The KPI scoreboard as one series: each hard metric's value per model test against its target.

The overview's inline SVG (:mod:`phasebook.dashboards.svgchart`), the
monitoring page's plotly figure (:mod:`phasebook.dashboards.figures`) and the
development notebook's figure (:mod:`phasebook.modeling.scoreboard`) are
three renderers of :func:`scoreboard_series`; none reads the journal itself.

Rules: the history is the pooled model tests, oldest first (per-segment tests
— a model per customer or region — are counted by the per-segment block
instead, :func:`phasebook.core.kpis.segment_counts`); the metrics and their
targets are today's scope's hard metrics.
"""

from __future__ import annotations

from typing import Iterable

from pydantic import BaseModel, Field

from .events import Event
from .sections import Scope

__all__ = ["ScorePoint", "MetricSeries", "scoreboard_series"]


class ScorePoint(BaseModel):
    """One model test's measured value of one metric (None: not measured in that test)."""

    seq: int
    label: str
    model: str
    value: float | None


class MetricSeries(BaseModel):
    """One hard metric's history."""

    kpi: str
    metric: str
    comparator: str
    target: float | None
    points: list[ScorePoint] = Field(default_factory=list)


def scoreboard_series(scope: Scope, events: Iterable[Event]) -> list[MetricSeries]:
    """Each hard metric of ``scope`` with its value in every pooled model test (empty list: no hard metric)."""
    tests = [e for e in events if e.kind == "model_test" and not e.data.get("segment")]
    out = []
    for kpi, metric in scope.hard_metrics():
        points = []
        for i, e in enumerate(tests):
            found = next((r for r in e.data.get("results", [])
                          if r.get("metric") == metric.name and r.get("kpi") == kpi.name), None)
            model = str(e.data.get("model", ""))
            points.append(ScorePoint(seq=e.seq, label=f"#{i + 1} {model}", model=model,
                                     value=found.get("value") if found else None))
        out.append(MetricSeries(kpi=kpi.name, metric=metric.name, comparator=metric.comparator, target=metric.target,
                                points=points))
    return out
