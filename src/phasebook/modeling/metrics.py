"""The metric registry: scope metric names → implementations.

A scope says ``roc_auc >= 0.80 on holdout``; the development notebook needs
a function that computes ``roc_auc`` from a holdout's labels and scores. Each
:class:`Metric` says what it needs: ``score`` (a probability or ranking
score), ``label`` (predicted classes) or ``value`` (a regression estimate).
An unknown name raises :class:`UnknownMetricError` with the known names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal

import numpy as np

from ..core.errors import UnknownMetricError
from ..core.metrics import CATALOGUE

__all__ = ["Metric", "METRICS", "register", "get_metric", "known_metrics", "compute_metrics", "recall_at_top_k"]

Needs = Literal["score", "label", "value"]


@dataclass(frozen=True)
class Metric:
    """One metric: its name, what it consumes, and whether higher is better."""

    name: str
    needs: Needs
    fn: Callable[..., float]
    higher_is_better: bool = True
    task: Literal["classification", "regression"] = "classification"


METRICS: dict[str, Metric] = {}


def register(name: str, needs: Needs, *, higher_is_better: bool = True, task: str = "classification"):
    """Decorator: register ``fn(y_true, y_input, **options) -> float`` under ``name``."""

    def wrap(fn: Callable[..., float]) -> Callable[..., float]:
        METRICS[name] = Metric(name, needs, fn, higher_is_better, task)  # type: ignore[arg-type]
        return fn

    return wrap


def known_metrics() -> list[str]:
    """Every registered metric name, sorted."""
    return sorted(METRICS)


def get_metric(name: str) -> Metric:
    """The metric called ``name``; raises :class:`UnknownMetricError` listing the known ones."""
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownMetricError(name=name, known=known_metrics()) from None


def recall_at_top_k(y_true: Any, y_score: Any, *, top_k_share: float = 0.1) -> float:
    """Share of all positives found among the ``top_k_share`` highest-scored rows."""
    y_true = np.asarray(y_true).astype(bool)
    y_score = np.asarray(y_score, dtype=float)
    positives = int(y_true.sum())
    if positives == 0:
        return float("nan")
    k = max(1, int(round(top_k_share * len(y_score))))
    top = np.argsort(-y_score, kind="stable")[:k]
    return float(y_true[top].sum() / positives)


def _precision_at_top_k(y_true: Any, y_score: Any, *, top_k_share: float = 0.1) -> float:
    y_true = np.asarray(y_true).astype(bool)
    k = max(1, int(round(top_k_share * len(y_true))))
    top = np.argsort(-np.asarray(y_score, dtype=float), kind="stable")[:k]
    return float(y_true[top].mean())


def _sk(name: str) -> Callable[..., float]:
    def fn(y_true: Any, y: Any, **_: Any) -> float:
        from sklearn import metrics as skm

        return float(getattr(skm, name)(y_true, y))

    return fn


def _binary(name: str) -> Callable[..., float]:
    def fn(y_true: Any, y: Any, **_: Any) -> float:
        from sklearn import metrics as skm

        return float(getattr(skm, name)(y_true, y, zero_division=0))

    return fn


def _rmse(y_true: Any, y: Any, **_: Any) -> float:
    diff = np.asarray(y_true, dtype=float) - np.asarray(y, dtype=float)
    return float(np.sqrt(np.mean(diff**2)))


def _mape(y_true: Any, y: Any, **_: Any) -> float:
    t, p = np.asarray(y_true, dtype=float), np.asarray(y, dtype=float)
    mask = t != 0
    return float(np.mean(np.abs((t[mask] - p[mask]) / t[mask]))) if mask.any() else float("nan")


#: implementations of the catalogue's metrics (range, direction and input come from core.metrics.CATALOGUE)
_IMPLEMENTATIONS: dict[str, Callable[..., float]] = {
    "roc_auc": _sk("roc_auc_score"),
    "pr_auc": _sk("average_precision_score"),
    "log_loss": _sk("log_loss"),
    "brier": _sk("brier_score_loss"),
    "recall_at_top_k": recall_at_top_k,
    "precision_at_top_k": _precision_at_top_k,
    "accuracy": _sk("accuracy_score"),
    "balanced_accuracy": _sk("balanced_accuracy_score"),
    "precision": _binary("precision_score"),
    "recall": _binary("recall_score"),
    "f1": _binary("f1_score"),
    "rmse": _rmse,
    "mae": _sk("mean_absolute_error"),
    "mape": _mape,
    "r2": _sk("r2_score"),
}
for _spec in CATALOGUE.values():
    METRICS[_spec.name] = Metric(_spec.name, _spec.needs, _IMPLEMENTATIONS[_spec.name], _spec.higher_is_better,
                                 _spec.task)


def compute_metrics(
    names: Iterable[str],
    y_true: Any,
    *,
    score: Any = None,
    label: Any = None,
    value: Any = None,
    **options: Any,
) -> dict[str, float]:
    """Compute every metric in ``names`` from whichever predictions it needs.

    Args:
        names: metric names (each must be registered).
        y_true: the true labels or values.
        score: predicted probabilities / scores (classification ranking metrics).
        label: predicted classes (threshold metrics).
        value: predicted values (regression metrics).
        options: passed to every metric (e.g. ``top_k_share=0.2``).

    Raises:
        UnknownMetricError: a name is not registered (checked before computing anything).
        ValueError: a metric needs predictions that were not given.
    """
    metrics = [get_metric(n) for n in dict.fromkeys(names)]
    given = {"score": score, "label": label, "value": value}
    out: dict[str, float] = {}
    for m in metrics:
        y = given[m.needs]
        if y is None:
            raise ValueError(f"metric {m.name!r} needs predicted {m.needs}s; pass {m.needs}=...")
        out[m.name] = float(m.fn(y_true, y, **options))
    return out
