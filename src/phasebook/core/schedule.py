"""When a monitoring check is due: ``monitoring.schedule`` is a cron expression (``croniter``).

A project is due when it was never checked, or when the schedule fired at
least once after its last check and at or before ``now``.
"""

from __future__ import annotations

import datetime as dt

from .named_errors import InvalidValueError

__all__ = ["validate_schedule", "is_due"]


def validate_schedule(expr: str) -> str:
    """Return ``expr`` stripped, or raise :class:`BadInputError` saying what a cron expression looks like."""
    from croniter import croniter

    expr = (expr or "").strip()
    if not expr or not croniter.is_valid(expr):
        raise InvalidValueError(what="The monitoring schedule", value=expr, expected="a cron expression of five fields "
            "(minute hour day-of-month month day-of-week), e.g. '0 6 * * 1' for Mondays at 06:00 UTC")
    return expr


def is_due(expr: str, last: dt.datetime | None, now: dt.datetime) -> bool:
    """True when the schedule fired after ``last`` (times in UTC) and not after ``now``."""
    from croniter import croniter

    expr = validate_schedule(expr)
    if last is None:
        return True
    fire = croniter(expr, last.astimezone(dt.timezone.utc)).get_next(dt.datetime)
    return fire <= now.astimezone(dt.timezone.utc)
