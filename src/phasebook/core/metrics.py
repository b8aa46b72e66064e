"""The metric catalogue: every metric a scope may name, with its range, direction, input and parameters.

One table, read by the scope's validation (targets outside the range are
refused), the model test, the forms (direction → default comparator) and
:mod:`phasebook.modeling.metrics`, which attaches an implementation to each
entry. Plain data: no numpy, no sklearn.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["MetricSpec", "CATALOGUE", "METRIC_RANGES", "metric_spec"]

Needs = Literal["score", "label", "value"]


class MetricSpec(BaseModel):
    """What phasebook knows about one metric, apart from how to compute it."""

    model_config = ConfigDict(frozen=True)

    name: str
    low: float | None
    high: float | None
    higher_is_better: bool
    needs: Needs
    task: Literal["classification", "regression"]
    #: options the implementation accepts (e.g. ``top_k_share``)
    parameters: tuple[str, ...] = ()

    @property
    def comparator(self) -> str:
        """The comparator a target of this metric usually takes."""
        return ">=" if self.higher_is_better else "<="


def _m(name, low, high, hib, needs, task, parameters=()) -> MetricSpec:
    return MetricSpec(name=name, low=low, high=high, higher_is_better=hib, needs=needs, task=task,
                      parameters=parameters)


CATALOGUE: dict[str, MetricSpec] = {m.name: m for m in (
    _m("roc_auc", 0.0, 1.0, True, "score", "classification"),
    _m("pr_auc", 0.0, 1.0, True, "score", "classification"),
    _m("log_loss", 0.0, None, False, "score", "classification"),
    _m("brier", 0.0, 1.0, False, "score", "classification"),
    _m("recall_at_top_k", 0.0, 1.0, True, "score", "classification", ("top_k_share",)),
    _m("precision_at_top_k", 0.0, 1.0, True, "score", "classification", ("top_k_share",)),
    _m("accuracy", 0.0, 1.0, True, "label", "classification"),
    _m("balanced_accuracy", 0.0, 1.0, True, "label", "classification"),
    _m("precision", 0.0, 1.0, True, "label", "classification"),
    _m("recall", 0.0, 1.0, True, "label", "classification"),
    _m("f1", 0.0, 1.0, True, "label", "classification"),
    _m("rmse", 0.0, None, False, "value", "regression"),
    _m("mae", 0.0, None, False, "value", "regression"),
    _m("mape", 0.0, None, False, "value", "regression"),
    _m("r2", None, 1.0, True, "value", "regression"),
)}

#: Known metric names → their value ranges (None = unbounded), derived from :data:`CATALOGUE`.
METRIC_RANGES: dict[str, tuple[float | None, float | None]] = {n: (m.low, m.high) for n, m in CATALOGUE.items()}


def metric_spec(name: str) -> MetricSpec | None:
    """The catalogue entry of ``name`` (None for a metric phasebook does not know)."""
    return CATALOGUE.get(name)
