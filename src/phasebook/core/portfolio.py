"""A folder of projects at a glance: one row per project, sorted by what needs attention.

Pure functions of each project's status, scope and journal (no I/O): the
portfolio page, ``phasebook status --all`` and the JupyterLab project picker
all render :func:`portfolio_rows`, none of them sorts on its own.

**The order of attention** (:data:`ATTENTION`, most urgent first):

1. ``unreadable`` — the project could not be read (a broken plan or journal): nothing else about it
   can be trusted until someone repairs it;
2. ``overrun`` — a work phase past its timebox: the decision the timebox exists for (ship at the
   floor, extend, or cancel) is overdue;
3. ``waiting`` — the current phase's gate waits for sign-off (:func:`waiting_gates`): the team is
   blocked on a person;
4. ``alerting`` — monitoring is alerting: the model still serves, but the alert proposes work for a
   person to confirm;
5. ``failing`` — the latest model test misses a target;
6. ``on_track`` — work in progress with nothing of the above;
7. ``finished`` — delivered, in maintenance or cancelled, with no alert.

A project takes the most urgent level that applies. Within a level: the
largest overrun first, then the longest in its phase, then by name.

**Timebox.** ``scope.timebox_end`` is the end when set; else the timebox of
``scope.timebox_weeks`` starts when the project first leaves its first
phase (scoping is not timeboxed: the timebox is for the scoped work). It
counts only while the project is in a work phase.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from .events import Event
from .status import TRANSITIONS, ProjectStatus

__all__ = ["ATTENTION", "Timebox", "WaitingGate", "PortfolioRow", "timebox_of", "days_in_phase", "waiting_gates",
           "portfolio_row", "unreadable_row", "attention_of", "portfolio_rows", "model_test_text"]

#: the levels of attention, most urgent first (see the module docstring)
ATTENTION = ("unreadable", "overrun", "waiting", "alerting", "failing", "on_track", "finished")


class Timebox(BaseModel):
    """Where the project stands against its timebox (``state``: none, not_started, running, overrun, ended)."""

    state: str = "none"
    ends: str | None = None  # ISO date
    days_left: int | None = None  # negative when overrun
    text: str = "no timebox"


class WaitingGate(BaseModel):
    """A gate waiting for sign-off and the roles it waits on."""

    gate: str
    title: str
    step: str
    state: str
    roles: list[str] = Field(default_factory=list)


class PortfolioRow(BaseModel):
    """One project of the portfolio, as every surface shows it."""

    path: str  # relative to the portfolio folder ("." for the folder itself)
    name: str
    phase: str = ""
    phase_title: str = ""
    attention: str = "on_track"
    reason: str = ""
    days_in_phase: int | None = None
    timebox: Timebox = Field(default_factory=Timebox)
    waiting: list[WaitingGate] = Field(default_factory=list)
    model_test: dict[str, Any] | None = None
    monitoring: str = "unwatched"
    alert: str = ""
    error: str = ""


def _parse(at: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _phase_start(events: list[Event]) -> dt.datetime | None:
    """When the current phase began: the latest transition, else the project's first event."""
    start = None
    for e in events:
        if e.kind in TRANSITIONS or start is None:
            start = _parse(e.at)
    return start


def days_in_phase(events: list[Event], now: dt.datetime) -> int | None:
    """Whole days since the project entered its current phase (None for an empty journal)."""
    start = _phase_start(events)
    return None if start is None else max(0, (now - start).days)


def timebox_of(scope: dict[str, Any], events: list[Event], flow: Any, phase: str, now: dt.datetime) -> Timebox:
    """The timebox: its end (see the module docstring), the days left, or how far it is overrun."""
    weeks, end = scope.get("timebox_weeks"), scope.get("timebox_end")
    if not weeks and not end:
        return Timebox()
    if end:
        ends = dt.date.fromisoformat(str(end))
    else:
        left_first = next((_parse(e.at) for e in events if e.kind in TRANSITIONS), None)
        if left_first is None:
            return Timebox(state="not_started", text=f"{weeks} weeks, from the end of {flow.phase(flow.first_phase).title}")
        ends = (left_first + dt.timedelta(weeks=int(weeks))).date()
    if not flow.is_kind(phase, "work"):
        return Timebox(state="ended", ends=ends.isoformat(), text=f"ended {ends.isoformat()}")
    left = (ends - now.date()).days
    if left < 0:
        return Timebox(state="overrun", ends=ends.isoformat(), days_left=left,
                       text=f"overrun by {-left} day{'s' if left != -1 else ''} (ended {ends.isoformat()})")
    return Timebox(state="running", ends=ends.isoformat(), days_left=left,
                   text=f"{left} day{'s' if left != 1 else ''} left (ends {ends.isoformat()})")


def waiting_gates(st: ProjectStatus) -> list[WaitingGate]:
    """Gates of the current phase waiting for a person.

    A gate waits when it is not approved and either the phase's work is done (every
    step of the phase that is not a gate or milestone) or someone has already acted
    on it (a sign-off recorded, changes requested, an approval gone stale or lapsed).
    A gate of an earlier phase gone stale does not block today's work: the gate's
    own state shows it.
    """
    out = []
    work_done = all(s.status == "done" for s in st.steps
                    if s.phase == st.phase and s.kind not in ("gate", "milestone"))
    for g in st.gates.values():
        if g.phase != st.phase or g.state in ("approved", "rejected"):
            continue
        acted = bool(g.signoffs) or g.state in ("changes_requested", "stale", "lapsed")
        roles = list(g.missing_roles) or (list(g.roles) if g.state in ("stale", "lapsed") else [])
        if (work_done or acted) and roles:
            out.append(WaitingGate(gate=g.name, title=g.title, step=g.step, state=g.state, roles=roles))
    return out


def _model_test(st: ProjectStatus) -> dict[str, Any] | None:
    t = st.latest_model_test
    if not t:
        return None
    keep = ("metric", "value", "target", "comparator", "outcome", "display")
    return {"model": t.get("model"), "passed": t.get("passed"), "at": t.get("at"),
            "results": [{k: r.get(k) for k in keep if k in r} for r in t.get("results") or []]}


def attention_of(row: PortfolioRow, finished: bool) -> tuple[str, str]:
    """The most urgent level of :data:`ATTENTION` that applies to ``row``, and why in words."""
    if row.error:
        return "unreadable", row.error
    if row.timebox.state == "overrun":
        return "overrun", f"timebox {row.timebox.text}"
    if row.waiting:
        return "waiting", "; ".join(f"{w.step} {w.title} waits for {', '.join(w.roles)}" for w in row.waiting)
    if row.monitoring == "alerting":
        return "alerting", f"monitoring alert: {row.alert}" if row.alert else "monitoring alert"
    if row.model_test and row.model_test.get("passed") is False:
        return "failing", f"latest model test ({row.model_test.get('model') or 'model'}) misses a target"
    if finished:
        return "finished", row.phase_title
    return "on_track", "in progress"


def portfolio_row(path: str, flow: Any, st: ProjectStatus, scope: dict[str, Any], events: list[Event],
                  now: dt.datetime) -> PortfolioRow:
    """The row of one project, from its flow, status, scope section (a JSON dump) and journal."""
    row = PortfolioRow(
        path=path, name=st.name, phase=st.phase, phase_title=flow.phase(st.phase).title,
        days_in_phase=days_in_phase(events, now), timebox=timebox_of(scope, events, flow, st.phase, now),
        waiting=waiting_gates(st), model_test=_model_test(st), monitoring=st.monitoring.state,
        alert=str((st.monitoring.alert or {}).get("finding", "")),
    )
    row.attention, row.reason = attention_of(row, finished=not flow.is_kind(st.phase, "work"))
    return row


def unreadable_row(path: str, message: str) -> PortfolioRow:
    """The row of a project that could not be read (its error message says what to repair)."""
    row = PortfolioRow(path=path, name=path, error=message)
    row.attention, row.reason = attention_of(row, finished=False)
    return row


def portfolio_rows(rows: list[PortfolioRow]) -> list[PortfolioRow]:
    """``rows`` in the order of attention (see the module docstring)."""
    def key(r: PortfolioRow) -> tuple:
        overrun = r.timebox.days_left if r.timebox.state == "overrun" else 0
        return (ATTENTION.index(r.attention), overrun, -(r.days_in_phase or 0), r.name.lower(), r.path)

    return sorted(rows, key=key)


def model_test_text(test: dict | None) -> str:
    """The latest model test in a few words, e.g. ``model: passed (roc_auc 0.847 ≥ 0.8)`` (3 significant digits)."""
    if not test:
        return "no model test"
    parts = []
    for r in test.get("results") or []:
        if r.get("target") is None:
            continue
        value = r.get("display") or ("not measured" if r.get("value") is None else f"{r['value']:.3g}")
        sign = "≥" if r.get("comparator") == ">=" else "≤"
        parts.append(f"{r.get('metric')} {value} {sign} {r['target']:g}")
    verdict = "passed" if test.get("passed") else "failed"
    return f"{test.get('model') or 'model'}: {verdict}" + (f" ({'; '.join(parts)})" if parts else "")
