"""Which model tests measure today's scope on today's training source and label.

A ``model_test`` records the hash of what it measured in the scope (each
metric's name, target, comparator, parameters and hardness:
:func:`measured_scope`) and the training source's identity and label
(``data_sources.training``). After the metrics or the label change, older
tests measured something else: they are shown as such, do not make step 3.3
done and do not meet a ``passing_model_test`` condition. A change elsewhere
in the scope (the timebox, the out-of-scope list) leaves them current. Tests
journaled before the metrics hash existed compare the whole scope's hash.
"""

from __future__ import annotations

from typing import Any, Iterable

from .events import Event
from .hashing import content_hash
from .sections import training_identity

__all__ = ["measured_under", "current_model_tests", "measured_scope", "measures_hash"]


#: The fields of a scope metric a model test's outcome depends on.
_MEASURED = ("name", "target", "comparator", "k", "hardness")


def measured_scope(scope: dict[str, Any] | None) -> list[list[Any]]:
    """What of a scope dump a model test measures: per KPI, each metric's name, target, comparator, k, hardness."""
    return [[kpi.get("name"), [[m.get(f) for f in _MEASURED] for m in kpi.get("metrics") or []]]
            for kpi in (scope or {}).get("kpis") or []]


def measures_hash(scope: dict[str, Any] | None) -> str:
    """The hash a ``model_test`` records as ``measures_hash`` (see :func:`measured_scope`)."""
    return content_hash(measured_scope(scope))


def measured_under(data: dict[str, Any], plan: dict[str, Any]) -> str | None:
    """None when a test's data measured the plan's current scope and training source; else what changed since."""
    return _Today(plan).measured_under(data)


class _Today:
    """The plan's scope hashes and training identity, computed once for many tests (each is a hash of the plan)."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.scope = plan.get("scope")
        self._scope_hash: str | None = None
        self._measures_hash: str | None = None
        self._training: Any = _UNSET

    def measured_under(self, data: dict[str, Any]) -> str | None:
        if self.scope is not None and "measures_hash" in data:  # what the test measured: the scope's metrics
            if self._measures_hash is None:
                self._measures_hash = measures_hash(self.scope)
            if data["measures_hash"] != self._measures_hash:
                return "a previous scope"
        elif data.get("scope_hash") and self.scope is not None:  # a test journaled before measures_hash
            if self._scope_hash is None:
                self._scope_hash = content_hash(self.scope)
            if data["scope_hash"] != self._scope_hash:
                return "a previous scope"
        if "training" in data:
            if self._training is _UNSET:
                self._training = training_identity(self.plan.get("data_sources"))
            if data["training"] != self._training:
                return "a previous training source or label"
        return None


_UNSET = object()


def current_model_tests(events: Iterable[Event], plan: dict[str, Any]) -> list[Event]:
    """The ``model_test`` events measured under the plan's current scope and training source."""
    today = _Today(plan)
    return [e for e in events if e.kind == "model_test" and today.measured_under(e.data) is None]
