"""The journaled steps of a finding, behind :class:`~phasebook.project.Project`'s finding methods.

Each function takes the :class:`~phasebook.project.Project` it acts for (typed ``Any``: this module is
imported by the ``project`` package, never the other way round).

Raise, resolve, accept, reopen: each checks the step is possible from the
finding's state (folded by :mod:`phasebook.core.findings`) and appends one
entry. Surfaces call the :class:`Project` methods, never these directly.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from ..core.errors import FindingBlocksApprovalError, InvalidDecisionError, InvalidFindingError, UnknownFindingError
from ..core.events import Actor, Event, clock
from ..core.findings import SEVERITIES, Finding, approval_blockers, condition_problems, fold_findings, parse_due

__all__ = ["raise_finding", "step_finding", "approval_conditions", "check_conditions", "due_times_passed_cached", "notify_lapsed"]

MAX_TEXT = 4000
#: from which states each step may be taken
_FROM = {"resolve": ("open",), "accept": ("resolved",), "reopen": ("resolved", "accepted")}


def _text(value: Any, what: str, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidFindingError(reason=f"Say {what}: the record is for whoever reads it later.")
    if len(text) > MAX_TEXT:
        raise InvalidFindingError(reason=f"The {what} is {len(text)} characters long; keep it under {MAX_TEXT}.")
    return text


def _due(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value).strip()
    try:
        parse_due(text)
    except ValueError:
        raise InvalidFindingError(
            reason=f"The due date {text!r} is not a date (2026-12-31) or a time (2026-12-31T17:00:00Z).") from None
    return text


def raise_finding(project: Any, gate: str, what: str, *, severity: str = "blocking", owner: str = "",
                  due: Any = None, evidence: str = "", actor: Actor) -> Event:
    """Journal ``finding_raised`` against ``gate`` (see :meth:`Project.raise_finding`)."""
    project.flow.gate(gate)
    if severity not in SEVERITIES:
        raise InvalidFindingError(reason=f"Severity {severity!r} is not one of: {', '.join(SEVERITIES)}.")
    data = {"gate": gate, "what": _text(what, "what the finding is", required=True), "severity": severity,
            "owner": _text(owner, "who owns it", required=False) or "unassigned", "due": _due(due),
            "evidence": _text(evidence, "evidence", required=False)}
    project.require_intact()
    return project._append("finding_raised", data, actor)


def _finding(project: Any, finding: int) -> Finding:
    found = fold_findings(project.events())
    try:
        return found[int(finding)]
    except (KeyError, ValueError, TypeError):
        raise UnknownFindingError(finding=finding, known=sorted(found)) from None


def step_finding(project: Any, step: str, finding: int, *, note: str = "", evidence: str = "",
                 actor: Actor) -> Event:
    """Journal ``finding_<step>`` (resolve, accept, reopen) for ``finding`` after checking its state."""
    f = _finding(project, finding)
    if f.state not in _FROM[step]:
        allowed = " or ".join(_FROM[step])
        raise InvalidFindingError(reason=f"Finding #{f.id} is {f.state}; only a finding that is {allowed} can be "
                                         f"{ {'resolve': 'resolved', 'accept': 'accepted', 'reopen': 'reopened'}[step] }.")
    data = {"finding": f.id, "gate": f.gate,
            "note": _text(note, {"resolve": "how it was resolved", "reopen": "why it is reopened",
                                 "accept": "a note"}[step], required=step != "accept")}
    if step == "resolve":
        data["evidence"] = _text(evidence, "evidence", required=False)
    project.require_intact()
    kind = {"resolve": "finding_resolved", "accept": "finding_accepted", "reopen": "finding_reopened"}[step]
    return project._append(kind, data, actor)


def approval_conditions(project: Any, gate: str, decision: str, conditions: list[int] | None,
                        events: list[Event]) -> list[int]:
    """Refuse an approval that a blocking finding forbids; return the checked conditions (finding ids).

    Raises:
        FindingBlocksApprovalError: ``approve`` while a blocking finding of ``gate`` is not accepted.
        InvalidFindingError / InvalidDecisionError: conditions that cannot be, or on a decision other than approve.
    """
    if decision != "approve":
        if conditions:
            raise InvalidDecisionError(reason="Only an approval can have conditions.")
        return []
    blockers = approval_blockers(fold_findings(events), gate)
    if blockers:
        raise FindingBlocksApprovalError(gate=gate, findings=[f.id for f in blockers], whats=[f.what for f in blockers])
    return check_conditions(project, gate, conditions, events) if conditions else []


def check_conditions(project: Any, gate: str, conditions: list[int], events: list[Event]) -> list[int]:
    """The condition ids, checked (raises :class:`InvalidFindingError` naming every problem)."""
    ids = sorted({int(i) for i in conditions})
    problems = condition_problems(fold_findings(events), gate, ids, clock())
    if problems:
        raise InvalidFindingError(reason="These findings cannot be conditions of the approval: "
                                         + "; ".join(problems) + ". Nothing was recorded.")
    return ids


_DUE_CACHE: dict[str, tuple[tuple[int, int], list[dt.datetime]]] = {}


def due_times_passed_cached(project: Any, now: dt.datetime) -> int:
    """:func:`~phasebook.core.findings.due_times_passed`, with the due times cached per journal version."""
    path = project.journal_path
    try:
        st = path.stat()
    except FileNotFoundError:
        return 0
    stamp = (st.st_size, st.st_mtime_ns)
    cached = _DUE_CACHE.get(str(path))
    if cached is None or cached[0] != stamp:
        dues = sorted(parse_due(f.due) for f in fold_findings(project.events()).values() if f.due)
        cached = _DUE_CACHE[str(path)] = (stamp, dues)
    return bisect.bisect_left(cached[1], now)


def notify_lapsed(project: Any, gate: str, conditions: list[Finding]) -> None:
    """Hook point for notifications (issue 18): called when a status read finds ``gate``'s approval lapsed.

    Notifications do not exist yet, so nothing is sent and nothing is
    written; the notification layer replaces this body with a throttled
    send driven by the journal. Surfaces already show the ``lapsed`` state.
    """
    return None
