"""The scope checked against the metric catalogue: what `set` refuses and what a sign-off cannot approve.

A hard metric is computed by the model test, so its name must be one the
catalogue knows; a misspelt ``rocauc`` would otherwise be "not measured"
forever while the scope gate is signed on it. The check is a function, not
a schema rule, so a plan that already holds such a metric still opens (and
can be corrected), but cannot be approved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .metrics import METRIC_RANGES

if TYPE_CHECKING:  # pragma: no cover
    from .sections import Scope

__all__ = ["known_metric_names", "scope_errors"]


def known_metric_names() -> list[str]:
    """Every metric name a hard metric may use, sorted."""
    return sorted(METRIC_RANGES)


def scope_errors(scope: "Scope") -> list[dict[str, str]]:
    """``{path, message}`` for each hard metric whose name the catalogue does not know (soft ones are judged by people)."""
    known = known_metric_names()
    errors = []
    for i, kpi in enumerate(scope.kpis):
        for j, m in enumerate(kpi.metrics):
            if m.hardness == "hard" and m.name not in METRIC_RANGES:
                close = [n for n in known if n.replace("_", "") == m.name.replace("_", "").lower()]
                hint = f" (did you mean {close[0]}?)" if close else ""
                errors.append({"path": f"scope.kpis.{i}.metrics.{j}.name",
                               "message": f"{m.name!r} is not a metric phasebook can compute{hint}; a hard metric is one "
                                          f"of: {', '.join(known)} (or make it soft, judged by people)"})
    return errors
