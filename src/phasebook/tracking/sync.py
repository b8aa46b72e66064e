"""Bring the MLflow registry in line with the journal, and say where it disagrees.

:func:`sync` reads the aliases of the models the journal's approvals bind,
applies what :func:`~.registry.decide` asks (set the alias on an approved
version and tag it with the sign-off entry's hash and signers; remove it and
tag why once the approval is stale), journals each change as a
``registry_sync`` event, and stores what it saw for the status pages.

It runs when asked (``phasebook tracking sync``) and after each sign-off,
section save and model test (:func:`after_event`), never on a read: a page
or ``phasebook status`` compares the journal with the stored observation
(:func:`registry_warnings`), which costs no network call. An alias moved by
hand is therefore seen at the next sync; the pages say when that was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..store.outbox import outbox_for
from .config import gate_alias_fields
from .errors import TrackingNotConfiguredError
from .registry import (decide, expected_binding, load_observation, owned_alias, relevant_models, save_observation,
                       stale_reason)
from .runs import attach_notebook, config_of

__all__ = ["SyncReport", "sync", "after_event", "registry_warnings"]


@dataclass
class SyncReport:
    """What a sync changed (one dict per ``registry_sync`` journaled) and where the registry disagrees."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _gates(project: Any) -> list[str]:
    return list(gate_alias_fields(project.flow))


def _title(project: Any, gate: str) -> str:
    return project.flow.gate(gate).title


def sync(project: Any) -> SyncReport:
    """Read the registry, apply what the journal asks, journal the changes, store the observation.

    Raises:
        TrackingNotConfiguredError: the plan names no tracking store.
        TrackingExtraMissingError / TrackingUnavailableError: no mlflow, or the store is unreachable.
    """
    from .client import TrackingClient

    plan = project.plan()
    config = config_of(project, plan)
    if config is None:
        raise TrackingNotConfiguredError()
    events, status = project.events(), project.status()
    gates = _gates(project)
    client = TrackingClient(config)
    observed = {name: client.aliases(name) for name in relevant_models(gates, status, events)}
    report = SyncReport()
    for gate in gates:
        alias = config.aliases[gate]
        expected = expected_binding(status, gate, events)
        reason = stale_reason(status, gate) if expected is None else ""
        decision = decide(gate, alias, _title(project, gate), expected, owned_alias(gate, events), observed,
                          reason=reason, project=plan.name)
        for a in decision.actions:
            if a.kind in ("set_alias", "move_alias") and expected.get("run_id"):
                made_from = client.model_version(a.name, a.version)["run_id"]
                if made_from and made_from != expected["run_id"]:  # the registry must hold what was approved
                    report.warnings.append(f"{_title(project, gate)} approved {a.name} v{a.version} as made from run "
                                           f"{expected['run_id']}, but the registry says run {made_from}; no alias set.")
                    continue
            if a.kind in ("set_alias", "move_alias"):
                client.set_alias(a.name, a.alias, a.version)
                observed.setdefault(a.name, {})[a.alias] = a.version
                if a.previous:
                    client.tag_version(a.name, a.previous, {f"phasebook.{gate}.state": "superseded"})
            elif a.previous is not None:
                client.delete_alias(a.name, a.alias)
                observed.get(a.name, {}).pop(a.alias, None)
            client.tag_version(a.name, a.version, a.tags)
            data = {"gate": gate, "action": a.kind, "name": a.name, "version": a.version, "alias": a.alias,
                    "previous": a.previous, "reason": a.reason}
            if expected is not None:
                data["signoff"] = expected.get("signoff")
            project.record("registry_sync", data)
            report.actions.append(data)
        if decision.warning:
            report.warnings.append(decision.warning)
    saved = save_observation(project.root, uri=config.uri, models=observed, error=None)
    report.checked_at = saved["checked_at"]
    return report


def registry_warnings(project: Any) -> list[str]:
    """Where the registry (as last observed) disagrees with the journal; no network call."""
    config = config_of(project)
    if config is None:
        return []
    events, status = project.events(), project.status()
    gates = _gates(project)
    names = relevant_models(gates, status, events)
    if not names:
        return []
    seen = load_observation(project.root)
    if seen is None:
        return ["The model registry has not been checked on this machine yet; a sync (phasebook tracking sync) "
                "reads it."]
    out = []
    if seen.get("error"):
        out.append(f"The model registry could not be updated ({seen['error']}); the next sign-off, save or sync "
                   "retries.")
    models = seen.get("models") or {}
    for gate in gates:
        alias = config.aliases[gate]
        expected = expected_binding(status, gate, events)
        reason = stale_reason(status, gate) if expected is None else ""
        decision = decide(gate, alias, _title(project, gate), expected, owned_alias(gate, events), models,
                          reason=reason, project=status.name)
        if decision.warning:
            when = str(seen.get("checked_at", "?"))[:16].replace("T", " ")
            out.append(f"{decision.warning} (registry checked {when} UTC)")
        for a in decision.actions:
            what = "set on" if a.kind != "remove_alias" else "removed from"
            out.append(f"The registry is behind the journal: alias @{a.alias} should be {what} {a.name} v{a.version}.")
    return out


def after_event(project: Any, event: Any) -> None:
    """The hook :class:`~phasebook.Project` calls after journaling a sign-off, save, model test or run.

    Costs no network call unless the plan names a tracking store and the
    registry may have to change: a sign-off, an alias phasebook set, or an
    approved gate that binds a version (or a run whose model tests were
    logged, for its notebook). A failure never undoes the journaled event: it
    is stored for the status pages.
    """
    if event.kind not in ("sign_off", "section_saved", "model_test", "run") or outbox_for(project.root) is not None:
        return
    try:
        if config_of(project) is None:
            return
        if event.kind == "run":
            attach_notebook(project, event)
            return
        events = project.events()
        if not any((e.kind == "sign_off" and e.data.get("model")) or e.kind == "registry_sync" for e in events):
            return
        gates = _gates(project)
        if event.kind != "sign_off" and not any(owned_alias(g, events) for g in gates):
            status = project.status()  # local: only an approved, bound gate needs an alias phasebook does not own yet
            if not any(expected_binding(status, g, events) for g in gates):
                return
        sync(project)
    except Exception as exc:  # the event is journaled; the registry catches up at the next sync
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        previous = load_observation(project.root) or {}
        previous.pop("checked_at", None)
        save_observation(project.root, **{**previous, "error": message})
