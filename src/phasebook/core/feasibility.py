"""Can the scope's hard targets be met at all, on the declared data? Checked before anyone signs.

With a quarter positives, recall in the top 10% is at most 0.10 / 0.25 =
0.4: a scoped 0.5 can never be met, whatever the model. Precision in the top
k is at most the positives available (base rate / k share). And a holdout
too small measures a metric so loosely that passing or failing is noise:
the 95% Wilson interval of the metric at the target, at the holdout's size,
says how loosely. Pure functions over plain numbers and the scope model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .metrics import TOP_K_METRICS, metric_label

if TYPE_CHECKING:  # pragma: no cover
    from .sections import Scope

__all__ = ["FeasibilityNote", "is_feasibility_record", "wilson_interval", "top_k_ceiling", "check_feasibility",
           "HOLDOUT_SHARE", "LOOSE"]

#: The share of rows the development notebook holds out by default.
HOLDOUT_SHARE = 0.25
#: A 95% interval wider than ± this around the target is "too loose to decide".
LOOSE = 0.05
_PROPORTIONS = TOP_K_METRICS | {"recall", "precision", "accuracy"}


@dataclass(frozen=True)
class FeasibilityNote:
    """One hard metric's reachability on the declared data."""

    kpi: str
    metric: str
    target: float
    ceiling: float | None
    interval: tuple[float, float] | None
    unreachable: bool
    loose: bool
    message: str
    #: the metric in words with its parameters (core.metrics.metric_label)
    label: str = ""

    def record(self) -> dict:
        """The note as a sign-off records it (plain JSON values)."""
        return {"kpi": self.kpi, "metric": self.metric, "label": self.label, "target": self.target,
                "ceiling": self.ceiling, "interval": None if self.interval is None else list(self.interval),
                "unreachable": self.unreachable, "loose": self.loose, "message": self.message}


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_feasibility_record(record: object) -> bool:
    """Whether ``record`` has the shape a sign-off keeps (``Project.feasibility_record``: the training source,
    its label's rows and base rate, and each note's :meth:`FeasibilityNote.record`)."""
    if not isinstance(record, dict) or not isinstance(record.get("notes"), list):
        return False
    if record["notes"] and not (isinstance(record.get("source"), str) and _number(record.get("rows"))
                                and _number(record.get("base_rate"))):
        return False
    for n in record["notes"]:
        if not (isinstance(n, dict) and all(isinstance(n.get(k), str) for k in ("kpi", "metric", "label", "message"))
                and _number(n.get("target")) and (n.get("ceiling") is None or _number(n["ceiling"]))
                and (n.get("interval") is None or (isinstance(n["interval"], list) and len(n["interval"]) == 2
                                                   and all(_number(v) for v in n["interval"])))):
            return False
    return True


def wilson_interval(p: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``p`` measured on ``n`` trials (95% by default)."""
    if n <= 0:
        return (0.0, 1.0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _share(k: float | None, holdout_rows: float) -> float:
    k = 0.1 if k is None else k
    return k if k < 1 else (k / holdout_rows if holdout_rows else 1.0)


def top_k_ceiling(metric: str, k: float | None, base_rate: float, holdout_rows: float) -> float:
    """The best value a perfect ranking reaches: recall ≤ k / base rate, precision ≤ base rate / k (both ≤ 1)."""
    share = _share(k, holdout_rows)
    if metric == "recall_at_top_k":
        return min(1.0, share / base_rate) if base_rate > 0 else 0.0
    return min(1.0, base_rate / share) if share > 0 else 0.0


def _trials(metric: str, k: float | None, base_rate: float, holdout_rows: float) -> float:
    """How many rows a proportion metric is measured over on the holdout."""
    if metric == "precision_at_top_k":
        return _share(k, holdout_rows) * holdout_rows
    if metric in ("recall_at_top_k", "recall"):
        return base_rate * holdout_rows
    return holdout_rows


def check_feasibility(scope: "Scope", *, base_rate: float, rows: int,
                      holdout_share: float = HOLDOUT_SHARE) -> list[FeasibilityNote]:
    """A note per hard metric with a target that cannot be met or cannot be measured tightly enough.

    Args:
        scope: the scope whose hard metrics are checked.
        base_rate: share of the positive class in the training source.
        rows: labelled rows of the training source.
        holdout_share: share of rows the model test holds out.
    """
    holdout = rows * holdout_share
    notes = []
    for kpi, m in scope.hard_metrics():
        if m.target is None or m.comparator != ">=" or m.name not in _PROPORTIONS:
            continue
        title = metric_label(m.name, m.params)
        ceiling = top_k_ceiling(m.name, m.k, base_rate, holdout) if m.name in TOP_K_METRICS else None
        n = _trials(m.name, m.k, base_rate, holdout)
        lo, hi = wilson_interval(min(m.target, 1.0), n)
        unreachable = ceiling is not None and m.target > ceiling + 1e-12
        loose = (hi - lo) / 2 > LOOSE
        parts = []
        if unreachable:
            parts.append(f"{title} ≥ {m.target:g} cannot be met: with {base_rate:.0%} positives, even a perfect "
                         f"ranking reaches at most {ceiling:.2g}")
        if loose:
            parts.append(f"on a holdout of about {holdout:,.0f} rows ({n:,.0f} measured), a measured {m.target:g} "
                         f"has a 95% interval of {lo:.2f}–{hi:.2f}")
        if parts:
            notes.append(FeasibilityNote(kpi=kpi.name, metric=m.name, target=m.target, ceiling=ceiling,
                                         interval=(lo, hi), unreachable=unreachable, loose=loose,
                                         message="; ".join(parts) + ".", label=title))
    return notes
