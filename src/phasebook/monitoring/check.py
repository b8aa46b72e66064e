"""``phasebook monitor``: the plan's current data against stored reference statistics, journaled.

The reference side is summarized once (:func:`store_reference`) into
``monitoring/reference.json`` in the project — a committed file, so every
machine and CI runner compares against the same statistics — and each check
reads only the current data (:func:`~phasebook.data.reference.compare`).
When the plan names labelled outcomes, the check also measures the live KPI
(:mod:`.outcomes`); a hard metric below its target alerts like drift.

An alerting check opens a finding through the findings API
(:meth:`Project.raise_finding`, raised by the system against the gate an
alert stales, the check's entry as evidence) — one finding per alert: while
it is not accepted, later alerting checks open no other.

Journal roll-up: an alerting check, a failed check, the first check and the
first quiet check after an alert are journaled as they happen. Further
quiet checks within :data:`ROLLUP_HOURS` of the last journaled one are
counted in ``.phasebook/monitoring-quiet.json`` (git-ignored) instead, and
the next journaled check carries their number (``quiet_rolled_up``) and the
time of the last one — so a check every hour adds about one line a day
while nothing happens. The count names the journaled check it follows (its
entry's hash): a copy of the file from before a later journaled check (a
restored CI cache, a copied folder, a backup) counts nothing, so no quiet
check is counted twice.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import PhasebookError
from ..store.files import write_atomic
from ..core.events import Actor, Event
from ..core.findings import fold_findings
from ..core.monitoring import alert_finding, finding_evidence, finding_gate, finding_text, monitoring_status
from ..core.named_errors import StoredStatisticsError
from ..core.errors import MissingInputError

__all__ = ["CheckResult", "reference_path", "store_reference", "load_reference", "run_check", "ROLLUP_HOURS",
           "EXIT_FINE", "EXIT_DRIFT", "EXIT_FAILED"]

ROLLUP_HOURS = 24
#: stored reference statistics larger than this are not read (the bound of their parse; 20 columns take ~2 MB)
MAX_REFERENCE_BYTES = 64 * 1024 * 1024
EXIT_FINE, EXIT_FAILED, EXIT_DRIFT = 0, 1, 3


@dataclass
class CheckResult:
    """What a check found and whether it was journaled."""

    outcome: str  # quiet | alerting | failed
    data: dict[str, Any]
    event: Event | None = None
    #: the finding this check opened (an alert while no alert's finding was open), else None
    finding: Event | None = None
    rolled_up: bool = False
    reference_computed: bool = False
    report: Any = field(default=None, repr=False)

    @property
    def exit_code(self) -> int:
        return {"quiet": EXIT_FINE, "alerting": EXIT_DRIFT}.get(self.outcome, EXIT_FAILED)


def reference_path(project: Any) -> Path:
    """Where the project keeps its reference statistics (committed with the project)."""
    return Path(project.root) / "monitoring" / "reference.json"


def _rollup_path(project: Any) -> Path:
    return Path(project.root) / ".phasebook" / "monitoring-quiet.json"




def store_reference(project: Any) -> Any:
    """Summarize the plan's reference data (reads it once) and store it; return the statistics."""
    from ..data.reference import summarize

    mon = project.section("monitoring")
    ref = mon.reference_data.strip()
    if not ref:
        raise MissingInputError(what="the reference data", where="in the plan's monitoring section (Reference data)")
    stats = summarize(ref, columns=mon.columns or None, project=project)
    write_atomic(reference_path(project), stats.model_dump_json())
    return stats


def load_reference(project: Any) -> Any | None:
    """The stored reference statistics, or None when none are stored yet."""
    from ..data.reference import ReferenceStats

    path = reference_path(project)
    if not path.is_file():
        return None
    size = path.stat().st_size
    if size > MAX_REFERENCE_BYTES:
        raise StoredStatisticsError(file=str(path), problem=f"{size:,} bytes, more than the {MAX_REFERENCE_BYTES:,} "
                                    "a stored summary may take")
    try:
        return ReferenceStats.model_validate_json(path.read_bytes())
    except ValueError as exc:
        raise StoredStatisticsError(file=str(path), problem=str(exc)[:200]) from exc


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)


def run_check(
    project: Any, *, current: str | None = None, now: dt.datetime | None = None, refresh: bool = False,
    actor: Actor | None = None,
) -> CheckResult:
    """One monitoring check: compare, decide, journal (or roll up), return the result.

    A failure to read the data is journaled too (outcome ``failed``) so a
    silent scheduler shows up in the project's status.
    """
    from ..data.reference import compare
    from .outcomes import measure_outcomes

    at = _now(now)
    mon = project.section("monitoring")
    cur = current or mon.current_data.strip()
    computed = False
    try:
        if not cur:
            raise MissingInputError(what="the current data", where="in the plan's monitoring section (Current data)")
        stats = None if refresh else load_reference(project)
        if stats is None:
            stats, computed = store_reference(project), True
        report = compare(stats, cur, thresholds=mon.drift_thresholds, columns=mon.columns or None, project=project)
        kpi = measure_outcomes(project)
    except PhasebookError as exc:
        data = {"outcome": "failed", "alerting": False, "current": cur, "error": exc.message, "checked_at": at.isoformat()}
        return CheckResult("failed", data, _journal(project, data, actor), reference_computed=computed)
    # any watched column (each test already needs effect and p-value), or a hard metric below target on outcomes
    alerting = bool(report.drifted_columns) or bool(kpi and kpi["failed"])
    data = {
        "outcome": "alerting" if alerting else "quiet", "alerting": alerting, "checked_at": at.isoformat(),
        "reference_computed_at": stats.computed_at, **report.event_data(),
    }
    if kpi is not None:
        data["kpi"] = kpi
    if alerting:
        data["finding"] = finding_text(data, at.isoformat())
    events = project.events()
    st = monitoring_status(events, project.phase, project.flow)
    if not alerting and st.state == "quiet" and _within_rollup(st.latest, at):
        _bump_rollup(project, at)
        return CheckResult("quiet", data, None, rolled_up=True, reference_computed=computed, report=report)
    event = _journal(project, data, actor)
    found = _open_finding(project, event) if alerting else None
    return CheckResult(data["outcome"], data, event, finding=found, reference_computed=computed, report=report)


def _open_finding(project: Any, event: Event) -> Event | None:
    """Raise the alert's finding through the findings API, unless an alert's finding is still open."""
    gate = finding_gate(project.flow)
    if gate is None or alert_finding(fold_findings(project.events())) is not None:
        return None
    return project.raise_finding(gate, event.data["finding"], evidence=finding_evidence(event.seq, event.data),
                                 actor=Actor.system())


def _within_rollup(latest: dict[str, Any] | None, at: dt.datetime) -> bool:
    if not latest or latest.get("outcome") == "failed":
        return False
    then = dt.datetime.fromisoformat((latest.get("checked_at") or latest["at"]).replace("Z", "+00:00"))
    return (at - then) < dt.timedelta(hours=ROLLUP_HOURS)


def _after(events: list[Event]) -> str:
    """The hash of the latest journaled ``monitoring_check`` (what a count of quiet checks follows; "" for none)."""
    return next((e.hash for e in reversed(events) if e.kind == "monitoring_check"), "")


def _read_rollup(project: Any, after: str) -> dict[str, Any]:
    """The quiet checks counted since the journaled check ``after`` (a count that follows another: none)."""
    try:
        r = json.loads(_rollup_path(project).read_text(encoding="utf-8"))
        count = int(r.get("count", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return {"count": 0}
    if r.get("after", after) != after:  # counted before a later journaled check, which carried them
        return {"count": 0}
    return {"count": max(count, 0), "last_at": r.get("last_at") if isinstance(r.get("last_at"), str) else None}


def _lock(project: Any):
    from filelock import FileLock

    path = _rollup_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock")


def _bump_rollup(project: Any, at: dt.datetime) -> None:
    with _lock(project):  # two schedulers may check at once: no count is lost
        after = _after(project.events())  # read under the lock: a check journaled meanwhile took the count with it
        r = _read_rollup(project, after)
        last = max(filter(None, [r.get("last_at"), at.isoformat()]))
        write_atomic(_rollup_path(project), json.dumps({"count": r["count"] + 1, "last_at": last, "after": after}))


def last_checked(project: Any) -> dt.datetime | None:
    """When the latest check ran, journaled or rolled up (None: never)."""
    times = []
    events = project.events()
    st = monitoring_status(events, project.phase, project.flow)
    if st.latest:
        times.append(st.latest.get("checked_at") or st.latest["at"])
    r = _read_rollup(project, _after(events))
    if r.get("count") and r.get("last_at"):
        times.append(r["last_at"])
    parsed = [dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times]
    return max(parsed) if parsed else None


def _journal(project: Any, data: dict[str, Any], actor: Actor | None) -> Event:
    with _lock(project):  # the counted quiet checks move into this entry, and only into this one
        r = _read_rollup(project, _after(project.events()))
        if r.get("count"):
            data = {**data, "quiet_rolled_up": int(r["count"]), "quiet_last_at": r.get("last_at")}
        event = project.record("monitoring_check", data, actor)
        _rollup_path(project).unlink(missing_ok=True)
    return event
