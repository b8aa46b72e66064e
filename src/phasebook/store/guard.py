"""The write guard of a viewer's dashboard kernel: the store refuses every write but a sign-off.

A dashboard kernel started by ``phasebook serve`` (or a hub configured the
same way) serves one viewer. Its first cell, injected by the server, calls
:func:`lock_to_signoffs`; from then on, in that process, :class:`PlanStore`
refuses to write the plan and the journal refuses every event kind but
``sign_off`` and ``review_judgement`` — whatever widget, form or notebook code the page runs. This
is the last line under the dashboards' read-only facade
(:mod:`phasebook.dashboards.context`), and it holds even for a notebook
that opens :class:`~phasebook.Project` directly.
"""

from __future__ import annotations

from ..core.errors import ViewerWriteRefusedError
from ..core.findings import FINDING_KINDS

__all__ = ["lock_to_signoffs", "locked", "check_plan_write", "check_event"]

_LOCKED: list[bool] = []
#: the only journal events a viewer kernel may append: a sign-off, the findings that are part of
#: it (raised, answered and accepted on the sign-off page, issue 17), and a judgement of a sampled
#: output on the review page (a person's decision too, under the same identity rule, issue 22)
VIEWER_EVENTS = frozenset({"sign_off", *FINDING_KINDS, "review_judgement"})


def lock_to_signoffs() -> None:
    """From now on, this process writes nothing but sign-offs (cannot be undone)."""
    if not _LOCKED:
        _LOCKED.append(True)


def locked() -> bool:
    """True in a viewer's dashboard kernel."""
    return bool(_LOCKED)


def check_plan_write() -> None:
    """Refuse a plan write in a viewer kernel."""
    if _LOCKED:
        raise ViewerWriteRefusedError(what="changing the plan")


def check_event(kind: str) -> None:
    """Refuse a journal event other than a sign-off in a viewer kernel."""
    if _LOCKED and kind not in VIEWER_EVENTS:
        raise ViewerWriteRefusedError(what=f"recording {kind.replace('_', ' ')}")
