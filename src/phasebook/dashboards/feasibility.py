"""The "can this target be met?" card the scope's sign-off page shows before anyone approves.

The rule is :func:`phasebook.core.feasibility.check_feasibility`; this
module only renders its notes (escaped, as every page does).
"""

from __future__ import annotations

from typing import Any

from .html import Html, card, raw, table

__all__ = ["feasibility_card"]


def feasibility_card(project: Any, covered: dict[str, Any]) -> Html:
    """A warning card listing unreachable or loosely measured hard targets; empty when the gate covers no scope."""
    if "scope" not in covered:
        return raw("")
    notes = project.scope_feasibility(covered["scope"])
    if not notes:
        return raw("")
    rows = [(n.kpi, n.label or n.metric, f"{n.target:g}", "—" if n.ceiling is None else f"{n.ceiling:.2g}",
             "—" if n.interval is None else f"{n.interval[0]:.2f}–{n.interval[1]:.2f}", n.message) for n in notes]
    body = table(["Product KPI", "Metric", "Target", "Best reachable (ceiling)", "95% interval at the target", "Why"],
                 rows, label="Feasibility")
    return card("Before you approve: targets the data cannot reach or measure tightly",
                raw('<div role="alert">') + body + raw("</div>"))
