"""Model development helpers: the metric registry, baseline models, the scoreboard.

The development notebook (3.2–3.3) calls these; the dashboards reuse the
scoreboard. Nothing here journals: model tests go through
``Project.test_model``.
"""

from .metrics import METRICS, Metric, compute_metrics, get_metric, known_metrics, recall_at_top_k, register

__all__ = [
    "METRICS",
    "Metric",
    "compute_metrics",
    "get_metric",
    "known_metrics",
    "recall_at_top_k",
    "register",
]
