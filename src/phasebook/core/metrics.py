"""The metric catalogue: every metric a scope may name, with its range, direction, input and parameters.

One table, read by the scope's validation (targets outside the range are
refused), the model test, the forms (direction → default comparator) and
:mod:`phasebook.modeling.metrics`, which attaches an implementation to each
entry. Plain data: no numpy, no sklearn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["MetricSpec", "CATALOGUE", "METRIC_RANGES", "metric_spec", "TOP_K_METRICS", "top_k_text", "metric_title",
           "metric_label"]

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
    #: options the implementation accepts (e.g. ``k``: a share of rows, or a count when ≥ 1)
    parameters: tuple[str, ...] = ()
    #: how a person reads the metric with its parameters; ``{top}`` is the top-k phrase ("top 10%")
    words: str = ""

    @property
    def comparator(self) -> str:
        """The comparator a target of this metric usually takes."""
        return ">=" if self.higher_is_better else "<="


def _m(name, low, high, hib, needs, task, parameters=(), words="") -> MetricSpec:
    return MetricSpec(name=name, low=low, high=high, higher_is_better=hib, needs=needs, task=task,
                      parameters=parameters, words=words or name)


CATALOGUE: dict[str, MetricSpec] = {m.name: m for m in (
    _m("roc_auc", 0.0, 1.0, True, "score", "classification"),
    _m("pr_auc", 0.0, 1.0, True, "score", "classification"),
    _m("log_loss", 0.0, None, False, "score", "classification"),
    _m("brier", 0.0, 1.0, False, "score", "classification"),
    _m("recall_at_top_k", 0.0, 1.0, True, "score", "classification", ("k",), "recall in the {top}"),
    _m("precision_at_top_k", 0.0, 1.0, True, "score", "classification", ("k",), "precision in the {top}"),
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


#: Metrics measured among the k highest-scored rows; their scope entry may set ``k``.
TOP_K_METRICS = frozenset(n for n, m in CATALOGUE.items() if "k" in m.parameters)


def top_k_text(k: float | None) -> str:
    """How a person reads a top-k parameter: "top 10%" for a share, "top 200" for a count (default: the top 10%)."""
    k = 0.1 if k is None else k
    return f"top {round(k * 100, 4):g}%" if k < 1 else f"top {int(k)}"


def metric_title(name: str, k: float | None = None) -> str:
    """A metric with its parameters, as every surface shows it: ``recall_at_top_k (top 10%)``."""
    return f"{name} ({top_k_text(k)})" if name in TOP_K_METRICS else name


def metric_label(name: str, params: Mapping[str, Any] | None = None) -> str:
    """A metric with its parameters in words, as every surface that shows the scope shows it.

    ``metric_label("recall_at_top_k", {"k": 0.1})`` is "recall in the top 10%",
    ``metric_label("precision_at_top_k", {"k": 500})`` "precision in the top 500"; a
    top-k metric without ``k`` reads with the default (the top 10%). A metric without
    parameters, or one the catalogue does not know (a soft metric people judge), reads
    as its name. Plain text: the caller escapes it for its surface.

    Args:
        name: the metric's name as the scope writes it.
        params: the metric's parameters as the scope holds them (``{"k": 0.1}``); None or
            missing keys take the catalogue's defaults.
    """
    spec = CATALOGUE.get(name)
    if spec is None:
        return name
    k = (params or {}).get("k")
    return spec.words.format(top=top_k_text(k)) if "k" in spec.parameters else spec.words
