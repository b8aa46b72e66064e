"""The flow a project pinned: its hash and each gate's policy hash, as recorded in the journal.

``project_created`` records the flow it started with; ``flow_changed``
records each later change (which gates' policies changed). A sign-off
stores its gate's policy hash, so an approval goes stale exactly when the
policy of *its* gate changes (see :mod:`phasebook.core.gates`).
"""

from __future__ import annotations

from typing import Any

from .events import Event
from .flow import Flow, flow_hash, policy_of
from .hashing import content_hash

__all__ = ["flow_pin", "pinned_flow", "policy_diff"]


def flow_pin(flow: Flow) -> dict[str, Any]:
    """What a project records about the flow it follows."""
    return {"flow_hash": flow_hash(flow), "gate_policies": {g.name: content_hash(policy_of(g)) for g in flow.gates}}


def pinned_flow(events: list[Event]) -> dict[str, Any] | None:
    """The latest recorded pin (None when the journal predates pinning)."""
    found = None
    for e in events:
        if e.kind in ("project_created", "flow_changed") and e.data.get("flow_hash"):
            found = e.data
    return found


def policy_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(field, approved under, today)`` for each policy field that differs."""
    old = old or {}
    return [(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
