"""Moving between phases: advance, deliver, backtrack, cancel, reopen and team decisions (rules in core.transitions).

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

from typing import Any

from ..core.errors import (
    InvalidDecisionError,
)
from ..core.events import Actor, Event
from ..core import transitions
from .base import default_actor


class TransitionOps:
    """Moves between phases and team decisions."""

    # transitions ---------------------------------------------------------------
    def _transition(self, planned: tuple[str, dict[str, Any]], actor: Actor | None) -> Event:
        kind, data = planned
        self.require_intact()
        self.pin_flow(actor)
        return self._append(kind, data, actor or default_actor())

    def advance(self, override: str | None = None, *, actor: Actor | None = None) -> Event:
        """Move to the next phase; the current phase's gate must be approved and fresh.

        Args:
            override: a reason to advance anyway; it is journaled with the gate's state.

        Raises:
            GateNotSatisfiedError: the gate is pending, rejected or has changes requested.
            StaleApprovalError: the approval no longer matches the covered sections.
        """
        self.require_intact()  # a broken journal is reported before anything it claims is judged
        status = self.status()
        return self._transition(transitions.plan_advance(self.flow, status.phase, status.gates, override), actor)

    def deliver(self, override: str | None = None, *, actor: Actor | None = None) -> Event:
        """Mark the solution delivered: leaves the last work phase through its gate."""
        phase = self.phase
        last = self.flow.work_phases[-1]
        if phase != last:
            from ..core.errors import InvalidTransitionError

            raise InvalidTransitionError(reason=f"Only a project in {last} can be delivered; this one is in {phase}.")
        return self.advance(override, actor=actor)

    def backtrack(self, phase: str, reason: str, text: str = "", *, actor: Actor | None = None) -> Event:
        """Go back to an earlier work phase (``model_failure``, ``approach_failure``, ``goal_change``)."""
        return self._transition(transitions.plan_backtrack(self.flow, self.phase, phase, reason, text), actor)

    def cancel(self, reason: str, *, actor: Actor | None = None) -> Event:
        """End the project, recording why; a decision to make with courage."""
        return self._transition(transitions.plan_cancel(self.flow, self.phase, reason), actor)

    def reopen(self, reason: str = "", *, actor: Actor | None = None) -> Event:
        """Start maintenance after delivery (health checks, monitoring-driven work)."""
        return self._transition(transitions.plan_reopen(self.flow, self.phase, reason), actor)

    def decide(self, decision: str, text: str = "", *, actor: Actor | None = None, **data: Any) -> Event:
        """Record a team decision that does not move the phase (e.g. ``iterate`` after a model test)."""
        decision = (decision or "").strip()
        if not decision:
            raise InvalidDecisionError(reason="Name the decision (iterate, ship, …).")
        return self._transition(("decision", {"decision": decision, "text": text.strip(), **data}), actor)

