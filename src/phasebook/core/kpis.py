"""Model tests: measured values against the scope's hard metrics.

Pure functions over plain data so that the notebook, the CLI and the
dashboards judge a model the same way. A metric missing from the measured
values is *not measured*, never passed; soft metrics are *not judged* (people
judge them at the KPI check); a hard metric with no target is reported as
such.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from .metrics import METRIC_RANGES

if TYPE_CHECKING:  # pragma: no cover
    from .sections import Scope

__all__ = ["METRIC_RANGES", "Outcome", "MetricResult", "ModelTestResult", "SegmentCounts", "judge", "segment_counts"]

Outcome = Literal["passed", "failed", "not_measured", "not_judged", "no_target"]


class MetricResult(BaseModel):
    """One scope metric judged against one model's measured value."""

    kpi: str
    metric: str
    hardness: Literal["hard", "soft"]
    comparator: Literal[">=", "<="]
    target: float | None
    dataset: str = ""
    value: float | None
    outcome: Outcome
    #: the metric's parameters as the scope set them (``{"k": 0.1}``; see core.metrics.metric_label)
    params: dict[str, float] = Field(default_factory=dict)


class ModelTestResult(BaseModel):
    """The outcome of a model test; journaled as a ``model_test`` event."""

    model: str
    segment: str | None = None
    results: list[MetricResult]
    extra_values: dict[str, float] = Field(default_factory=dict)
    passed: bool
    summary: dict[str, int]

    def failures(self) -> list[MetricResult]:
        """Hard metrics that failed or were not measured."""
        return [r for r in self.results if r.outcome in ("failed", "not_measured")]


def _meets(value: float, comparator: str, target: float) -> bool:
    return value >= target if comparator == ">=" else value <= target


def _as_float(name: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"measured value for {name!r} is not a number: {value!r}") from None
    return None if math.isnan(out) else out


def judge(scope: "Scope", values: dict[str, Any], *, model: str, segment: str | None = None) -> ModelTestResult:
    """Compare measured ``values`` (metric name → number) with every scope metric.

    Args:
        scope: the plan's scope section.
        values: measured metric values; NaN or None counts as not measured.
        model: a label for the model version (``"gbm-v3"``).
        segment: the customer / region / segment key for per-segment tests.

    Returns:
        The result; ``passed`` is True only if every hard metric with a
        target was measured and met it (and there is at least one).
    """
    measured = {str(k): _as_float(str(k), v) for k, v in values.items()}
    results: list[MetricResult] = []
    used: set[str] = set()
    for kpi in scope.kpis:
        for m in kpi.metrics:
            value = measured.get(m.name)
            used.add(m.name)
            if m.hardness == "soft":
                outcome: Outcome = "not_judged"
            elif m.target is None:
                outcome = "no_target"
            elif value is None:
                outcome = "not_measured"
            else:
                outcome = "passed" if _meets(value, m.comparator, m.target) else "failed"
            results.append(
                MetricResult(
                    kpi=kpi.name, metric=m.name, hardness=m.hardness, comparator=m.comparator,
                    target=m.target, dataset=m.dataset, value=value, outcome=outcome, params=m.params,
                )
            )
    summary = {k: sum(1 for r in results if r.outcome == k) for k in ("passed", "failed", "not_measured", "not_judged", "no_target")}
    judged = [r for r in results if r.outcome in ("passed", "failed", "not_measured")]
    passed = bool(judged) and all(r.outcome == "passed" for r in judged)
    extra = {k: v for k, v in measured.items() if k not in used and v is not None}
    return ModelTestResult(model=model, segment=segment, results=results, extra_values=extra, passed=passed, summary=summary)


class SegmentCounts(BaseModel):
    """How many segments (customers, regions) meet one hard metric, by their latest model test."""

    kpi: str
    metric: str
    comparator: Literal[">=", "<="]
    target: float | None
    passed: int = 0
    failed: int = 0
    not_measured: int = 0
    total: int = 0
    failing: list[str] = Field(default_factory=list)


def segment_counts(scope: "Scope", latest: dict[str, dict[str, Any]], *, listed: int = 20) -> tuple[dict[str, SegmentCounts], int]:
    """Judge each segment's latest measured values against today's scope, per hard metric.

    Args:
        scope: the plan's scope section (today's targets: the question is who meets the KPI now).
        latest: segment key → the measured values of its latest model test.
        listed: how many failing segment keys to name per metric.

    Returns:
        ``({metric: SegmentCounts}, number of segments meeting every hard metric)``; metrics
        without a target are left out (nothing to meet), a value a test lacks is not measured.
    """
    counts: dict[str, SegmentCounts] = {}
    for kpi in scope.kpis:
        for m in kpi.metrics:
            if m.hardness == "hard" and m.target is not None and m.name not in counts:
                counts[m.name] = SegmentCounts(kpi=kpi.name, metric=m.name, comparator=m.comparator, target=m.target)
    passing = 0
    for segment in sorted(latest):
        try:
            result = judge(scope, latest[segment], model="", segment=segment)
        except ValueError:
            result = judge(scope, {}, model="", segment=segment)
        passing += bool(counts) and result.passed
        seen: set[str] = set()
        for r in result.results:
            c = counts.get(r.metric)
            if c is None or r.metric in seen or r.outcome not in ("passed", "failed", "not_measured"):
                continue
            seen.add(r.metric)
            setattr(c, r.outcome, getattr(c, r.outcome) + 1)
            c.total += 1
            if r.outcome != "passed" and len(c.failing) < listed:
                c.failing.append(segment)
    return counts, int(passing)
