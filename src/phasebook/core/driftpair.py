"""Which drift checks are the plan's monitoring: those comparing the monitoring section's pair.

Anyone may compare two tables (an exploration) and may record it; the
product's monitoring page and the post-deployment picture read only checks
of the pair the plan names (``monitoring.reference_data`` →
``monitoring.current_data``). A check journaled before pairs were recorded
carries none and still counts.
"""

from __future__ import annotations

from typing import Any, Iterable

from .events import Event

__all__ = ["plan_pair", "is_plan_pair", "latest_plan_drift"]


def plan_pair(monitoring: Any) -> tuple[str, str]:
    """(reference, current) as the monitoring section (model or its JSON dump) names them."""
    get = monitoring.get if isinstance(monitoring, dict) else lambda k: getattr(monitoring, k, "")
    return (str(get("reference_data") or "").strip(), str(get("current_data") or "").strip())


def is_plan_pair(data: dict[str, Any], monitoring: Any) -> bool:
    """True when a ``drift_check``'s data compared the plan's pair (or predates recorded pairs)."""
    pair = data.get("pair")
    if not pair:
        return True
    return (pair.get("reference"), pair.get("current")) == plan_pair(monitoring)


def latest_plan_drift(events: Iterable[Event], monitoring: Any) -> Event | None:
    """The newest ``drift_check`` of the plan's monitoring pair, or None."""
    found = None
    for e in events:
        if e.kind == "drift_check" and is_plan_pair(e.data, monitoring):
            found = e
    return found
