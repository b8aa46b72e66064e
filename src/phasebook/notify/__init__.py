"""Notifications driven by journal events: routed, throttled, and every delivery journaled.

:func:`after_event` runs after every journal append (a no-op without
``notifications.yaml``): it folds the status, compares it with the last
snapshot (``.phasebook/notify-state.json``) through
:func:`phasebook.core.notify_rules.changes`, and sends each change to the
channels that take its event — unless the same event on the same gate went
to that channel within ``throttle_minutes``. Each delivery attempt is
journaled as a ``notification`` event with its outcome.

:func:`after_clock` sends what time alone causes — a phase past the scope's
timebox (``timebox_overrun``, once per overrun) — and is run by
``phasebook monitor`` on every project it visits.
"""

from .dispatch import after_clock, after_event, recipients

__all__ = ["after_clock", "after_event", "recipients"]
