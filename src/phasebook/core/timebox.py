"""The plan's timebox and when a phase runs past it, as pure functions of the flow, the scope and the journal.

The scope limits the work explicitly (FLOW.md 1.4): ``timebox_weeks`` (one
development iteration) or a ``timebox_end`` date. The phase it boxes is the
flow's phase where models are built and tested — the phase of the step that
is done by a ``model_test`` (``done_when``), so a custom flow boxes its own
phase without naming it in code.

A timebox period starts when the project last entered that phase (a
transition whose ``to`` is the phase; the project's creation when it is the
flow's first phase) and ends ``timebox_weeks`` later, or at the end of
``timebox_end`` when the scope gives a date. The phase *overruns* while the
project is still in it after the end. Each period is named by the entry
that started it, so a notification goes out once per overrun, and again
only after the project left the phase and came back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .events import Event
from .flow import Flow

__all__ = ["timeboxed_phase", "timebox_overrun"]

_MOVES = ("advance", "backtrack", "cancel", "deliver", "reopen")


def timeboxed_phase(flow: Flow) -> str | None:
    """The phase the scope's timebox applies to (None: the flow has no model-test step)."""
    return next((s.phase for s in flow.steps if s.done_when == "model_test"), None)


def _at(text: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def timebox_overrun(flow: Flow, scope: Any, events: list[Event], now: dt.datetime) -> dict[str, Any] | None:
    """``{"phase", "title", "period", "started", "ends", "weeks", "days_over"}`` while the boxed phase overruns, else None.

    Args:
        scope: the plan's scope section (``timebox_weeks``, ``timebox_end``).
        now: an aware time to judge against.
    """
    phase = timeboxed_phase(flow)
    weeks, end_day = getattr(scope, "timebox_weeks", None), getattr(scope, "timebox_end", None)
    if phase is None or (not weeks and end_day is None):
        return None
    entry: Event | None = None
    current = flow.first_phase
    for e in events:
        if e.kind in _MOVES:
            current = e.data.get("to", current)
            if current == phase:
                entry = e
    if current != phase:
        return None
    if entry is None:  # the boxed phase is the first one: the period starts with the project
        if phase != flow.first_phase or not events:
            return None
        entry = events[0]
    started = _at(entry.at)
    if end_day is not None:
        ends = dt.datetime.combine(end_day, dt.time(23, 59, 59), tzinfo=dt.timezone.utc)
    else:
        ends = started + dt.timedelta(weeks=int(weeks))
    if now <= ends:
        return None
    return {"phase": phase, "title": flow.phase(phase).title, "period": entry.seq, "started": started.isoformat(),
            "ends": ends.isoformat(), "weeks": weeks, "days_over": (now - ends).days}
