"""Which journal events JupyterLab tells people about (a toast each), and in what words.

The sidebar polls the project; for events after the last journal seq the
browser has seen, the server route ``projects/{path}/events?after=SEQ``
returns :func:`lab_events`, and the sidebar shows one toast per event.
Routine work of the person at the keyboard (section saves, successful runs,
data checks, notification deliveries) is not toasted; decisions, sign-offs,
model tests, findings, failed runs and alerting monitoring checks are.
"""

from __future__ import annotations

from typing import Any, Iterable

from .describe import describe_event
from .events import Event
from .status import TRANSITIONS

__all__ = ["TOASTED", "MAX_EVENTS", "is_toasted", "lab_events"]

#: event kinds always toasted
TOASTED = frozenset({*TRANSITIONS, "sign_off", "decision", "model_test", "finding_raised", "finding_reopened",
                     "finding_accepted", "finding_resolved", "delegation", "flow_changed"})
#: at most this many (the newest) events are returned at once: a long absence is a digest, not a flood
MAX_EVENTS = 5


def is_toasted(e: Event) -> bool:
    """True for the kinds of :data:`TOASTED`, a failed run, and an alerting monitoring check."""
    if e.kind in TOASTED:
        return True
    if e.kind in ("run", "grid_run"):
        return e.data.get("status") == "failed" or bool((e.data.get("counts") or {}).get("failed"))
    if e.kind == "monitoring_check":
        return bool(e.data.get("alerting"))
    return False


def lab_events(events: Iterable[Event], after: int) -> dict[str, Any]:
    """The toasts for the events after seq ``after``: ``{"last_seq", "events": [...], "more"}``.

    ``last_seq`` is the journal's last seq (what the browser stores next),
    ``more`` how many toasted events were left out beyond :data:`MAX_EVENTS`.
    """
    last = after
    picked = []
    for e in events:
        last = max(last, e.seq)
        if e.seq > after and is_toasted(e):
            text = (e.data.get("finding") if e.kind == "monitoring_check" else None) or describe_event(e.kind, e.data)
            picked.append({"seq": e.seq, "at": e.at, "kind": e.kind, "actor": e.actor.name,
                           "level": "error" if e.kind in ("monitoring_check", "run", "grid_run") else "info",
                           "text": text})
    return {"last_seq": last, "events": picked[-MAX_EVENTS:], "more": max(0, len(picked) - MAX_EVENTS)}
