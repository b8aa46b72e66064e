"""Findings raised against a gate: the facade's methods over :mod:`._findings` and :mod:`phasebook.core.findings`.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

from typing import Any

from ..core.events import Actor, Event, clock
from . import _findings
from ..core.findings import Finding, fold_findings
from .base import default_actor


class FindingOps:
    """Findings raised against a gate and the steps that resolve them."""

    # findings (core/findings.py, findings_ops.py) ----------------------------------
    def raise_finding(self, gate: str, what: str, *, severity: str = "blocking", owner: str = "", due: Any = None,
                      evidence: str = "", actor: Actor | None = None) -> Event:
        """Raise a finding against ``gate``; its id is the returned entry's ``seq``.

        Args:
            what: what must be fixed.
            severity: ``blocking`` (the gate cannot be approved while it is open) or ``non_blocking``.
            owner: the role or person who resolves it.
            due: a date (``2026-12-31``, end of day UTC) or ISO time; needed to make it a condition.
            evidence: what shows the problem (a link, a check's entry); monitoring passes its alert here.
            actor: who raises it; pass ``Actor.system()`` for automated checks.
        """
        return _findings.raise_finding(self, gate, what, severity=severity, owner=owner, due=due, evidence=evidence,
                                       actor=actor or default_actor())

    def resolve_finding(self, finding: int, note: str, *, evidence: str = "", actor: Actor | None = None) -> Event:
        """The owner resolves an open finding with a note and an optional evidence link."""
        return _findings.step_finding(self, "resolve", finding, note=note, evidence=evidence, actor=actor or default_actor())

    def accept_finding(self, finding: int, note: str = "", *, actor: Actor | None = None) -> Event:
        """A reviewer accepts a resolved finding (it no longer blocks, nor lapses an approval)."""
        return _findings.step_finding(self, "accept", finding, note=note, actor=actor or default_actor())

    def reopen_finding(self, finding: int, note: str, *, actor: Actor | None = None) -> Event:
        """A reviewer reopens a resolved or accepted finding, saying why."""
        return _findings.step_finding(self, "reopen", finding, note=note, actor=actor or default_actor())

    def due_times_passed(self) -> int:
        """How many findings' due times have passed: a state that changes with the clock alone (for caches).

        The due times are read once per journal version (size and mtime), so a poll costs a ``stat``.
        """
        return _findings.due_times_passed_cached(self, clock())

    def findings(self, gate: str | None = None) -> list[Finding]:
        """The findings (of ``gate``, or all), oldest first."""
        if gate is not None:
            self.flow.gate(gate)
        return [f for f in fold_findings(self.events()).values() if gate is None or f.gate == gate]

