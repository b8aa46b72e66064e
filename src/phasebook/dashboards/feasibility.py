"""The "can this target be met?" card the scope's sign-off page shows before anyone approves.

The rule is :func:`phasebook.core.feasibility.check_feasibility`; this
module only renders the notes of :meth:`~phasebook.Project.feasibility_record`
(escaped, as every page does) — the record a scope sign-off from the page
sends back and keeps, so the journal says what the signer was warned of.
"""

from __future__ import annotations

from typing import Any

from ..core.feasibility import is_feasibility_record
from .html import Html, card, esc, raw, table

__all__ = ["feasibility_card"]


def feasibility_card(record: dict[str, Any] | None, *, recorded_at: int | None = None) -> Html:
    """A warning card listing unreachable or loosely measured hard targets of ``record``
    (:meth:`~phasebook.Project.feasibility_record`, the very record a scope sign-off from this page keeps);
    empty when the gate covers no scope (None) or nothing is to be said. ``recorded_at``: the sign-off entry
    that kept it (the exported record shows the card its signer saw)."""
    if record is None:
        return raw("")
    if not is_feasibility_record(record):  # a journal entry is data like any other: never trusted to have our shape
        return raw(f'<p class="muted">Entry {int(recorded_at)} kept a feasibility record in a form phasebook '
                   "cannot read, so no card is shown for it.</p>") if recorded_at is not None else raw("")
    notes = record["notes"]
    if not notes:
        return raw("")
    rows = [(n["kpi"], n["label"] or n["metric"], f"{n['target']:g}",
             "—" if n["ceiling"] is None else f"{n['ceiling']:.2g}",
             "—" if n["interval"] is None else f"{n['interval'][0]:.2f}–{n['interval'][1]:.2f}", n["message"])
            for n in notes]
    body = table(["Product KPI", "Metric", "Target", "Best reachable (ceiling)", "95% interval at the target", "Why"],
                 rows, label="Feasibility")
    return card("Before you approve: targets the data cannot reach or measure tightly",
                raw('<div role="alert">') + body + raw("</div>")
                + raw(f'<p class="muted">From the label of data source {esc(record["source"])}: '
                      f'{record["rows"]:,} rows, {record["base_rate"]:.1%} positives. '
                      + ("A decision taken here keeps this card's figures in the journal." if recorded_at is None else
                         f"Shown on the sign-off page when entry {int(recorded_at)} was decided, and kept in it.")
                      + "</p>"))

