"""Findings: "yes, if…" — what a reviewer wants fixed at a gate, folded from the journal.

A reviewer raises a finding against a gate (what, severity, owner, due
date); its owner resolves it with a note and an optional evidence link; the
reviewer accepts the resolution or reopens the finding. Each step is one
journal entry (``finding_raised``, ``finding_resolved``, ``finding_accepted``,
``finding_reopened``); a finding is named by the ``seq`` of the entry that
raised it (``#12``). Nothing here is stored: the findings are a pure fold.

What findings mean for a gate (gate evaluation calls these; nothing else
decides it):

* a **blocking** finding makes the gate not approvable until a reviewer
  has accepted its resolution (resolving alone is not enough: someone other
  than the owner judges it): :func:`approval_blockers`;
* an approval *with conditions* names the findings it depends on; when a
  condition's due time passes while it is still open, the approval
  **lapses**: :func:`lapsed_conditions`, :func:`apply_findings`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Literal

from pydantic import BaseModel, Field

from .events import Event

__all__ = [
    "FINDING_KINDS", "SEVERITIES", "FindingState", "Finding", "fold_findings", "parse_due", "is_safe_link",
    "approval_blockers", "lapsed_conditions", "condition_problems", "apply_findings",
]

FINDING_KINDS = ("finding_raised", "finding_resolved", "finding_accepted", "finding_reopened")
SEVERITIES = ("blocking", "non_blocking")
FindingState = Literal["open", "resolved", "accepted"]


class Finding(BaseModel):
    """One finding as the journal tells it today."""

    id: int
    gate: str
    what: str
    severity: str
    owner: str
    due: str | None = None
    state: FindingState = "open"
    raised_at: str
    raised_by: str
    raised_verified: bool = False
    evidence: str = ""
    #: every step after the raise: ``{"seq", "at", "by", "verified", "action", "note", "evidence"}``
    history: list[dict[str, Any]] = Field(default_factory=list)
    #: the entries that tell this finding (raise first)
    seqs: list[int] = Field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def overdue(self, now: dt.datetime) -> bool:
        """True when the due time has passed and the finding is still open."""
        due = parse_due(self.due) if self.due else None
        return bool(self.is_open and due is not None and now > due)


_NEXT = {"finding_resolved": "resolved", "finding_accepted": "accepted", "finding_reopened": "open"}


def fold_findings(events: Iterable[Event]) -> dict[int, Finding]:
    """Every finding by id, in the state the journal leaves it."""
    found: dict[int, Finding] = {}
    for e in events:
        if e.kind == "finding_raised":
            d = e.data
            found[e.seq] = Finding(
                id=e.seq, gate=str(d.get("gate", "")), what=str(d.get("what", "")),
                severity=str(d.get("severity", "blocking")), owner=str(d.get("owner", "")),
                due=d.get("due") or None, raised_at=e.at, raised_by=e.actor.name, raised_verified=e.actor.verified,
                evidence=str(d.get("evidence") or ""), seqs=[e.seq],
            )
        elif e.kind in _NEXT:
            f = found.get(int(e.data.get("finding", 0) or 0))
            if f is None:
                continue
            f.state = _NEXT[e.kind]  # type: ignore[assignment]
            f.seqs.append(e.seq)
            f.history.append({"seq": e.seq, "at": e.at, "by": e.actor.name, "verified": e.actor.verified,
                              "action": e.kind.removeprefix("finding_"), "note": str(e.data.get("note") or ""),
                              "evidence": str(e.data.get("evidence") or "")})
    return found


def parse_due(value: str) -> dt.datetime:
    """A due date (``2026-12-31``: the end of that day, UTC) or time (ISO 8601) as an aware datetime.

    Raises:
        ValueError: not a date or a time.
    """
    text = str(value).strip()
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=dt.timezone.utc)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def is_safe_link(value: str) -> bool:
    """Only ``https://host/…`` links are shown clickable; anything else is shown as text."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(value).strip())
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.netloc) and not any(c in str(value) for c in "\"'<> \n\t")


def approval_blockers(findings: dict[int, Finding], gate: str) -> list[Finding]:
    """The blocking findings of ``gate`` not yet accepted: while any exists, the gate cannot be approved."""
    return [f for f in findings.values() if f.gate == gate and f.blocking and f.state != "accepted"]


def condition_problems(findings: dict[int, Finding], gate: str, ids: Iterable[int], now: dt.datetime) -> list[str]:
    """Why ``ids`` cannot be the conditions of an approval of ``gate`` (empty: they can)."""
    problems = []
    for i in ids:
        f = findings.get(i)
        if f is None:
            problems.append(f"#{i} is not a finding")
        elif f.gate != gate:
            problems.append(f"#{i} is a finding of {f.gate}, not {gate}")
        elif f.state == "accepted":
            problems.append(f"#{i} is already accepted (nothing left to depend on)")
        elif not f.due:
            problems.append(f"#{i} has no due date (a condition needs one)")
        elif f.overdue(now):
            problems.append(f"#{i} was due {f.due} and is still open")
    return problems


def lapsed_conditions(findings: dict[int, Finding], ids: Iterable[int], now: dt.datetime) -> list[Finding]:
    """The conditions among ``ids`` whose due time has passed while they are still open."""
    return [findings[i] for i in ids if i in findings and findings[i].overdue(now)]


def apply_findings(gate: Any, findings: dict[int, Finding], signoff_events: dict[int, Event], now: dt.datetime) -> None:
    """Fold findings into an evaluated gate status (in place): blocking findings, lapsed approvals.

    Args:
        gate: the gate's status (``state``, ``signoffs``; ``reasons`` when the model has it).
        findings: :func:`fold_findings` of the journal.
        signoff_events: the sign-off entries by seq, so each counted approval's ``conditional_on`` can be read.
        now: the time to judge due dates against.
    """
    reasons: list[str] | None = getattr(gate, "reasons", None)
    blockers = approval_blockers(findings, gate.name)
    gate.open_findings = [f.id for f in findings.values() if f.gate == gate.name and f.state != "accepted"]
    if gate.state == "approved":
        lapsed: list[Finding] = []
        for s in gate.signoffs:
            if s.decision == "approve" and s.fresh and getattr(s, "counts", True):
                ids = [int(i) for i in (signoff_events.get(s.seq).data.get("conditional_on") or [])] \
                    if s.seq in signoff_events else []
                lapsed += [f for f in lapsed_conditions(findings, ids, now) if f not in lapsed]
        if lapsed:
            gate.state = "lapsed"
            gate.lapsed_conditions = [f.id for f in lapsed]
            if reasons is not None:
                reasons.extend(f"the approval lapsed: condition #{f.id} ({f.what}) was due {f.due} and is still open"
                               for f in lapsed)
        elif blockers:
            gate.state = "changes_requested"
        if gate.state != "approved" and hasattr(gate, "label"):  # what surfaces print follows the state
            gate.label = gate.state.replace("_", " ")
    if blockers:
        gate.blocking_findings = [f.id for f in blockers]
        if reasons is not None:
            reasons.extend(f"blocking finding #{f.id} is {f.state}, not accepted: {f.what}" for f in blockers)
