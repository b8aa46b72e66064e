"""Which model tests measure today's scope on today's training source and label.

A ``model_test`` records the hash of the scope it was judged against and the
training source's identity and label (``data_sources.training``). After the
scope or the label changes, older tests measured something else: they are
shown as such, and do not make step 3.3 done.
"""

from __future__ import annotations

from typing import Any, Iterable

from .events import Event
from .hashing import content_hash
from .sections import training_identity

__all__ = ["measured_under", "current_model_tests"]


def measured_under(data: dict[str, Any], plan: dict[str, Any]) -> str | None:
    """None when a test's data measured the plan's current scope and training source; else what changed since."""
    scope = plan.get("scope")
    if data.get("scope_hash") and scope is not None and data["scope_hash"] != content_hash(scope):
        return "a previous scope"
    if "training" in data and data["training"] != training_identity(plan.get("data_sources")):
        return "a previous training source or label"
    return None


def current_model_tests(events: Iterable[Event], plan: dict[str, Any]) -> list[Event]:
    """The ``model_test`` events measured under the plan's current scope and training source."""
    return [e for e in events if e.kind == "model_test" and measured_under(e.data, plan) is None]
