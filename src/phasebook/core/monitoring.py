"""The rules of the loop after deployment, as pure functions of the journal.

* A ``monitoring_check`` is *alerting* when its drift verdict passed the
  plan's thresholds, or a hard metric measured on labelled outcomes (the
  live KPI) is below its target (``data["alerting"]``).
* The project's monitoring is ``alerting`` from an alerting check until a
  later quiet check (a failed check changes nothing), or until a person acts on it (``reopen`` or
  ``backtrack``: the alert became work); ``quiet`` when the latest check was
  quiet; ``unwatched`` before any check.
* An approval of a gate in :func:`alert_gates` made before the latest
  alerting check is stale: the KPIs it judged were measured on data the
  model no longer sees (applied by :func:`~.transitions.gate_resets`).
* An alert proposes ``reopen`` (delivered or maintenance projects) or
  ``backtrack`` (others) for a person to confirm; nothing is automatic.
* An alert opens one finding (the findings of :mod:`.findings`, raised by the
  system against the first of :func:`alert_gates`, with the check's entry as
  evidence, see :func:`finding_evidence`); while that finding is not accepted,
  later alerts open no other (:func:`alert_finding`).
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import BaseModel, Field

from .events import Actor, Event
from .findings import Finding, fold_findings

__all__ = ["alert_gates", "MonitoringStatus", "latest_alert", "monitoring_status", "finding_text", "proposal",
           "EVIDENCE_PREFIX", "finding_evidence", "alert_finding", "finding_gate"]

#: how the evidence of a finding opened by a monitoring alert starts (it names the check's journal entry)
EVIDENCE_PREFIX = "monitoring check, journal entry #"

def alert_gates(flow: Any) -> tuple[str, ...]:
    """The gates whose approvals an alerting monitoring check makes stale: those whose policy asks
    for a drift check (a ``drift_check_after`` condition) — in the default flow, 4.3."""
    return tuple(g.name for g in flow.gates if any(c.kind == "drift_check_after" for c in g.conditions))


def finding_gate(flow: Any) -> str | None:
    """The gate an alert's finding is raised against: the first of :func:`alert_gates`, else the flow's last gate."""
    gates = alert_gates(flow) or tuple(g.name for g in flow.gates[-1:])
    return gates[0] if gates else None


_ACTED = ("reopen", "backtrack")


class MonitoringStatus(BaseModel):
    """What the surfaces show about monitoring."""

    state: str = "unwatched"  # unwatched | quiet | alerting | acknowledged (reopened) | failed
    checks: int = 0
    quiet_rolled_up: int = 0
    latest: dict[str, Any] | None = None
    alert: dict[str, Any] | None = Field(None, description="The alerting check: seq, at, finding, drifted columns.")
    proposal: list[str] = Field(default_factory=list)
    gates: list[str] = Field(default_factory=list, description="The gates an alert makes stale (alert_gates).")
    finding: int | None = Field(None, description="The finding a monitoring alert opened, while not accepted (its id).")


def latest_alert(events: Iterable[Event]) -> Event | None:
    """The latest alerting ``monitoring_check`` (None if there was none)."""
    found = None
    for e in events:
        if e.kind == "monitoring_check" and e.data.get("alerting"):
            found = e
    return found


def finding_text(report: dict[str, Any], since: str) -> str:
    """One sentence: "covariate shift in device since 2026-11-30 (17% unseen)"."""
    parts = []
    for c in report.get("columns", []):
        if not c.get("drifted"):
            continue
        detail = ", ".join(_reason(r, c) for r in c.get("reasons", []))
        parts.append(f"{c['name']} ({detail})" if detail else c["name"])
    kpi = report.get("kpi") or {}
    below = [r for r in kpi.get("results", []) if r.get("outcome") == "failed"]
    if below:
        said = ", ".join(f"{r['metric']} {r['value']:.3g} (target {r['comparator']} {r['target']:g})" for r in below)
        live = f"live KPI below target on {kpi.get('rows', 0)} labelled outcomes: {said}"
        if not parts:
            return f"{live} since {since[:10]}"
        return f"covariate shift in {', '.join(parts)} and {live} since {since[:10]}"
    return f"covariate shift in {', '.join(parts) or 'the data'} since {since[:10]}"


def _reason(reason: str, c: dict[str, Any]) -> str:
    if reason == "unseen" and c.get("unseen_share") is not None:
        return f"{c['unseen_share']:.0%} unseen"
    if reason == "psi" and c.get("psi") is not None:
        return f"PSI {c['psi']:.2f}"
    if reason == "ks" and c.get("ks_statistic") is not None:
        return f"KS {c['ks_statistic']:.2f}"
    if reason == "js" and c.get("js_distance") is not None:
        return f"JS {c['js_distance']:.2f}"
    return reason


def finding_evidence(seq: int, data: dict[str, Any]) -> str:
    """The evidence of an alert's finding: the check's journal entry and what it compared."""
    rows = data.get("rows_current")
    what = f"{rows} rows of {data.get('current', 'the current data')}" if rows is not None else str(data.get("current", ""))
    return (f"{EVIDENCE_PREFIX}{seq} (checked {str(data.get('checked_at', ''))[:16]}): {what}; "
            f"drifted: {', '.join(data.get('drifted_columns', [])) or 'none'}")


def alert_finding(findings: dict[int, Finding]) -> Finding | None:
    """The latest finding a monitoring alert opened that no reviewer has accepted yet (None: there is none)."""
    system = Actor.system().name
    found = [f for f in findings.values()
             if f.raised_by == system and f.evidence.startswith(EVIDENCE_PREFIX) and f.state != "accepted"]
    return found[-1] if found else None


def proposal(phase: str, flow: Any) -> list[str]:
    """What a person may do about an alert, as commands (confirmed by a person, never run for them)."""
    if flow.is_kind(phase, "done") or flow.is_kind(phase, "upkeep"):
        return ["phasebook reopen -m 'monitoring alert'", "phasebook backtrack research --reason model_failure"]
    return ["phasebook backtrack research --reason model_failure"]


def monitoring_status(events: list[Event], phase: str, flow: Any) -> MonitoringStatus:
    """Fold the journal's monitoring checks (and the transitions after them) into :class:`MonitoringStatus`."""
    out = MonitoringStatus(gates=list(alert_gates(flow)))
    alert: Event | None = None
    for e in events:
        if e.kind == "monitoring_check":
            out.checks += 1 + int(e.data.get("quiet_rolled_up", 0))
            out.quiet_rolled_up += int(e.data.get("quiet_rolled_up", 0))
            out.latest = {"seq": e.seq, "at": e.at, **_brief(e.data)}
            if e.data.get("outcome") != "failed":  # a failed check says nothing about the data
                alert = e if e.data.get("alerting") else None
        elif e.kind in _ACTED and alert is not None:
            alert = None
    if out.latest is None:
        return out
    open_finding = alert_finding(fold_findings(events))
    out.finding = open_finding.id if open_finding else None
    if alert is not None:
        out.state = "alerting"
    elif out.latest.get("outcome") == "failed":
        out.state = "failed"
    else:
        out.state = "acknowledged" if out.latest.get("alerting") else "quiet"
    if alert is not None:
        out.alert = {"seq": alert.seq, "at": alert.at, "finding": alert.data.get("finding", ""),
                     "drifted_columns": alert.data.get("drifted_columns", []), "finding_id": out.finding}
        out.proposal = proposal(phase, flow)
    return out


def _brief(data: dict[str, Any]) -> dict[str, Any]:
    keep = ("alerting", "checked_at", "error", "current", "rows_current", "drifted_columns", "drift_share", "finding", "outcome")
    out = {k: data[k] for k in keep if k in data}
    if data.get("kpi"):
        out["kpi"] = {k: data["kpi"].get(k) for k in ("rows", "values", "failed", "passed")}
    return out
