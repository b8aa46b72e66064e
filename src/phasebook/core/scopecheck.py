"""The scope checked against the metric catalogue: what `set` refuses and what a sign-off cannot approve.

A hard metric is computed by the model test, so its name must be one the
catalogue knows; a misspelt ``rocauc`` would otherwise be "not measured"
forever while the scope gate is signed on it. The check is a function, not
a schema rule, so a plan that already holds such a metric still opens (and
can be corrected), but cannot be approved.

A comparator against the metric's direction (``roc_auc <= 0.8``, ``brier >=
0.1``) is not refused — a team may mean it — but it is a warning a person
must acknowledge: ``set`` prints it, the scoping form shows it by the row,
and the scope's sign-off treats it as an unmet gate condition
(:func:`direction_condition`), so an approval needs the acknowledgement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .metrics import CATALOGUE, METRIC_RANGES, metric_label

if TYPE_CHECKING:  # pragma: no cover
    from .sections import Scope

__all__ = ["known_metric_names", "scope_errors", "direction_warning", "direction_warnings", "direction_condition",
           "DIRECTION_CONDITION"]

#: The kind of the implicit gate condition a gate covering the scope has when a comparator runs against its metric.
DIRECTION_CONDITION = "comparator_direction"


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


def direction_warning(name: str, comparator: str, target: float | None, params: dict[str, Any] | None = None) -> str | None:
    """The warning for one metric whose comparator runs against its direction in the catalogue (None when it does not).

    A metric the catalogue does not know, or one without a target, has no direction to run against.
    """
    spec = CATALOGUE.get(name)
    if spec is None or target is None or comparator == spec.comparator:
        return None
    label = metric_label(name, params)
    better = "higher" if spec.higher_is_better else "lower"
    return (f"{label} {comparator} {target:g} runs against the metric: {better} {label} is better, so a model "
            f"passes by being worse. A target usually reads {label} {spec.comparator} {target:g}; keep "
            f"{comparator} only if that is what is meant, and acknowledge it when the scope is signed")


def direction_warnings(scope: "Scope | dict[str, Any] | None") -> list[dict[str, str]]:
    """``{path, message}`` for every metric of the scope (hard or soft) whose comparator runs against its direction."""
    if scope is None:
        return []
    data = scope if isinstance(scope, dict) else scope.model_dump(mode="json")
    out = []
    for i, kpi in enumerate(data.get("kpis") or []):
        for j, m in enumerate(kpi.get("metrics") or []):
            params = {"k": m["k"]} if m.get("k") is not None else {}
            msg = direction_warning(m.get("name", ""), m.get("comparator", ">="), m.get("target"), params)
            if msg:
                out.append({"path": f"scope.kpis.{i}.metrics.{j}.comparator", "message": msg})
    return out


def direction_condition(scope: "Scope | dict[str, Any] | None") -> tuple[bool, str]:
    """(met, message) of the implicit condition of a gate covering the scope: no comparator against its metric."""
    warnings = direction_warnings(scope)
    if not warnings:
        return True, "every comparator follows its metric's direction"
    return False, "; ".join(w["message"].split(":")[0] for w in warnings) + (
        " — a model would pass by being worse; acknowledge it if that is what the scope means")
