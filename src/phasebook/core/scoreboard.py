"""The KPI scoreboard as one series: each hard metric's value per model test against its target.

The overview's inline SVG (:mod:`phasebook.dashboards.svgchart`), the
monitoring page's plotly figure (:mod:`phasebook.dashboards.figures`) and the
development notebook's figure (:mod:`phasebook.modeling.scoreboard`) are
three renderers of :func:`scoreboard_series`; none reads the journal itself.

Rules: the history is the pooled model tests, oldest first (per-segment tests
— a model per customer or region — are counted by the per-segment block
instead, :func:`phasebook.core.kpis.segment_counts`); the metrics and their
targets are today's scope's hard metrics. A point's label is the model's
name (and segment), numbered only when the same model was tested again
("gbm", "gbm (2)").

:func:`scoreboard_rows` is the table people read: per KPI and hard metric,
the metric with its parameters, the target in words, the best and the
latest model under today's scope (tests measured under a previous scope or
training source do not count; :func:`~.modeltests.measured_under`), and
whether any model meets the target. Every surface (overview table,
``status --json``, the sidebar JSON) shows its display strings as they are.
"""

from __future__ import annotations

from typing import Iterable

from pydantic import BaseModel, Field

from typing import Any, Literal

from .events import Event
from .metrics import metric_label
from .modeltests import measured_under
from .sections import Scope
from .wording import number, target_text

__all__ = ["ScorePoint", "MetricSeries", "scoreboard_series", "ScoreValue", "ScoreRow", "scoreboard_rows",
           "point_label", "ScoreTally"]


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
    labels = point_labels(tests)
    out = []
    for kpi, metric in scope.hard_metrics():
        points = []
        for e, label in zip(tests, labels):
            found = _result(e, kpi.name, metric.name)
            model = str(e.data.get("model", ""))
            points.append(ScorePoint(seq=e.seq, label=label, model=model,
                                     value=found.get("value") if found else None))
        out.append(MetricSeries(kpi=kpi.name, metric=metric.name, comparator=metric.comparator, target=metric.target,
                                points=points))
    return out


def point_label(data: dict[str, Any]) -> str:
    """A model test as people name it: the model, and its segment when it has one ("gbm · north")."""
    model = str(data.get("model", "") or "model")
    return f"{model} · {data['segment']}" if data.get("segment") else model


def point_labels(tests: list[Event]) -> list[str]:
    """One distinct label per test, in order: a model tested again is numbered ("gbm", "gbm (2)")."""
    seen: dict[str, int] = {}
    out = []
    for e in tests:
        base = point_label(e.data)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return out


def _result(e: Event, kpi: str, metric: str) -> dict[str, Any] | None:
    return next((r for r in e.data.get("results", []) if r.get("metric") == metric and r.get("kpi") == kpi), None)


class ScoreValue(BaseModel):
    """One model's value of one metric, with the string surfaces show."""

    seq: int
    at: str
    model: str
    label: str
    value: float | None
    #: the value rounded to what matters, e.g. "0.847" (with "(previous scope)" when it does not count)
    display: str
    meets: bool | None = None
    previous_scope: bool = False


class ScoreRow(BaseModel):
    """KPI → metric → target → best → latest → pass/fail, ready to show."""

    kpi: str
    metric: str
    #: the metric with its parameters ("recall_at_top_k (top 10%)")
    metric_label: str
    comparator: str
    target: float | None
    #: the target in words ("at least 0.8")
    target_text: str
    best: ScoreValue | None = None
    latest: ScoreValue | None = None
    state: Literal["passed", "failed", "not_measured", "no_target"]
    #: the state in words ("met by gbm", "no model meets it yet", "not measured under this scope")
    state_text: str
    #: model tests of this metric measured under a previous scope or training source (not counted)
    previous_scope_tests: int = 0


def _meets(value: float | None, comparator: str, target: float | None) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if comparator == ">=" else value <= target


class ScoreTally:
    """The scoreboard gathered one ``model_test`` at a time (:func:`scoreboard_rows` is its one-shot form).

    Per hard metric of ``scope``: the best and the latest value measured under today's scope (``plan``),
    the latest measured under a previous one and how many were; the point labels are numbered as
    :func:`point_labels` numbers them. :class:`~.status.FoldState` keeps one to resume a fold.
    """

    def __init__(self, scope: Scope, plan: dict[str, Any]) -> None:
        from .modeltests import _Today

        self.scope, self._today = scope, _Today(plan)
        self.metrics = [(kpi, metric) for kpi, metric in scope.hard_metrics()]
        self.seen: dict[str, int] = {}  # point label → tests so far (the numbering)
        #: per hard metric, in the scope's order: best, latest current, latest previous and how many previous
        self.rows: list[dict[str, Any]] = [{"best": None, "latest": None, "previous": None, "previous_count": 0}
                                           for _ in self.metrics]

    def add(self, e: Event) -> None:
        if e.data.get("segment"):
            return
        base = point_label(e.data)
        self.seen[base] = self.seen.get(base, 0) + 1
        label = base if self.seen[base] == 1 else f"{base} ({self.seen[base]})"
        old: bool | None = None
        for (kpi, metric), row in zip(self.metrics, self.rows):
            found = _result(e, kpi.name, metric.name)
            if found is None or found.get("value") is None:
                continue
            value = float(found["value"])
            if old is None:
                old = self._today.measured_under(e.data) is not None
            v = ScoreValue(seq=e.seq, at=e.at, model=str(e.data.get("model", "")), label=label, value=value,
                           display=number(value) + (" (previous scope)" if old else ""), previous_scope=old,
                           meets=None if old else _meets(value, metric.comparator, metric.target))
            if old:
                row["previous"] = v
                row["previous_count"] += 1
                continue
            best = row["best"]
            higher = metric.comparator == ">="
            if best is None or (value > best.value if higher else value < best.value):  # the first of equals stays
                row["best"] = v
            row["latest"] = v

    def result(self) -> list[ScoreRow]:
        rows = []
        for (kpi, metric), row in zip(self.metrics, self.rows):
            best, latest = row["best"], row["latest"] or row["previous"]
            if metric.target is None:
                state, words = "no_target", "no target set"
            elif best is None:
                state, words = "not_measured", ("measured only under a previous scope" if row["previous"] is not None
                                                else "not measured yet")
            elif best.meets:
                state, words = "passed", f"met by {best.label}"
            else:
                state, words = "failed", "no model meets it yet"
            rows.append(ScoreRow(kpi=kpi.name, metric=metric.name, metric_label=metric_label(metric.name, metric.params),
                                 comparator=metric.comparator, target=metric.target,
                                 target_text=target_text(metric.comparator, metric.target),
                                 best=best, latest=latest, state=state, state_text=words,
                                 previous_scope_tests=row["previous_count"]))
        return rows

    # resuming ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        def dump(v: ScoreValue | None) -> Any:
            return v.model_dump(mode="json") if v is not None else None

        once = [k for k, v in self.seen.items() if v == 1]  # most labels: a list encodes ~6x faster than a dict
        return {"once": once, "more": {k: v for k, v in self.seen.items() if v != 1}, "rows": [{"best": dump(r["best"]), "latest": dump(r["latest"]),
                                              "previous": dump(r["previous"]), "previous_count": r["previous_count"]}
                                             for r in self.rows]}

    @classmethod
    def from_json(cls, doc: dict[str, Any], scope: Scope, plan: dict[str, Any]) -> "ScoreTally":
        out = cls(scope, plan)
        out.seen = dict.fromkeys(doc["once"], 1)  # label → tests so far, as to_json wrote it
        out.seen.update(doc["more"])
        if len(doc["rows"]) != len(out.rows):
            raise ValueError("the cached scoreboard is of other metrics")
        for i, r in enumerate(doc["rows"]):
            out.rows[i] = {"previous_count": int(r["previous_count"]),
                           **{f: (ScoreValue.model_validate(r[f]) if r[f] is not None else None)
                              for f in ("best", "latest", "previous")}}
        return out


def scoreboard_rows(scope: Scope, events: Iterable[Event], plan: dict[str, Any]) -> list[ScoreRow]:
    """The scoreboard table: one row per hard metric of today's scope (``plan``: the plan's JSON dump)."""
    tally = ScoreTally(scope, plan)
    for e in events:
        if e.kind == "model_test":
            tally.add(e)
    return tally.result()
