"""Notifications driven by journal events: routed, throttled, and every delivery journaled.

:func:`after_event` runs after every journal append (a no-op without
``notifications.yaml``): it folds the status, compares it with the last
snapshot (``.phasebook/notify-state.json``) through
:func:`phasebook.core.notify_rules.changes`, and sends each change to the
channels that take its event — unless the same event on the same gate went
to that channel within ``throttle_minutes``. Each delivery attempt is
journaled as a ``notification`` event with its outcome.
"""

from .dispatch import after_event, recipients

__all__ = ["after_event", "recipients"]
