"""Approval ↔ registry: what the journal says each alias should be, and where they disagree (pure).

The journal is the record; the MLflow registry follows it. An approval of a
gate that binds a model version (:func:`~.config.gate_alias_fields`, the flow's ``alias_field``)
records that version (:func:`approval_binding`, in the ``sign_off`` entry);
while the gate is approved its alias must point at that version, and once the
approval goes stale (or changes are requested) the alias phasebook set must
go. :func:`decide` compares that with what the registry holds and returns the
actions that bring the registry in line — or, where somebody moved the alias
outside phasebook, a warning and no action: phasebook never overwrites a
person's change to the registry; the team resolves it (sign again, or move
the alias back).

What the registry held is observed only by a sync (an explicit one, or the one
after a sign-off, a section save or a model test) and kept in
``.phasebook/tracking/registry.json``; status pages read that file, never the
network (:func:`load_observation`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .config import gate_alias_fields

__all__ = ["approval_binding", "expected_binding", "owned_alias", "Action", "Decision", "decide", "OBSERVATION_FILE",
           "load_observation", "save_observation", "stale_reason", "relevant_models"]

OBSERVATION_FILE = ".phasebook/tracking/registry.json"


def _model_test_gate(flow: Any) -> str:
    return next((g.name for g in flow.gates if "model_test" in g.measurements), "")


def approval_binding(flow: Any, gate: str, events: list, decision: str) -> dict[str, Any]:
    """What an approval of ``gate`` binds, to journal in its ``sign_off`` entry (``{}``: nothing).

    The gate that measures model tests binds the version of the model test it
    approves (the latest one), when that test names a registered model version;
    the post-deployment gate binds the version the model-test gate approved last.
    """
    if decision != "approve" or gate not in gate_alias_fields(flow):
        return {}
    if "model_test" in flow.gate(gate).measurements:
        test = next((e for e in reversed(events) if e.kind == "model_test"), None)
        link = (test.data.get("mlflow") or {}) if test is not None else {}
        version = link.get("model_version")
        if not version:
            return {}
        return {"model": {"name": version["name"], "version": str(version["version"]), "run_id": link.get("run_id"),
                          "metrics_hash": link.get("metrics_hash"), "model_test": test.hash}}
    source = _model_test_gate(flow)
    for e in reversed(events):
        if e.kind == "sign_off" and e.data.get("gate") == source and e.data.get("model"):
            return {"model": dict(e.data["model"])}
    return {}


def expected_binding(status: Any, gate: str, events: list) -> dict[str, Any] | None:
    """The model version the gate's fresh approval binds (None unless the gate is approved)."""
    st = status.gates.get(gate)
    if st is None or st.state != "approved":
        return None
    fresh = {s.seq for s in st.signoffs if s.fresh and s.decision == "approve"}
    latest = max((e for e in events if e.seq in fresh), key=lambda e: e.seq, default=None)
    if latest is None or not latest.data.get("model"):
        return None
    signers = "; ".join(f"{s.name} ({s.role}, {'verified' if s.verified else 'unverified'})"
                        for s in st.signoffs if s.seq in fresh)
    return {**latest.data["model"], "signoff": latest.hash, "signoff_seq": latest.seq, "signed_by": signers}


def owned_alias(gate: str, events: list) -> dict[str, Any] | None:
    """The alias phasebook last set for ``gate`` and has not removed (``{name, version, alias, signoff}``)."""
    owned = None
    for e in events:
        if e.kind == "registry_sync" and e.data.get("gate") == gate:
            owned = dict(e.data) if e.data.get("action") in ("set_alias", "move_alias") else None
    return owned


def stale_reason(status: Any, gate: str) -> str:
    """Why a gate's approval no longer holds, in a sentence."""
    st = status.gates[gate]
    if st.state in ("changes_requested", "rejected"):
        return f"{st.title}: {st.state.replace('_', ' ')}"
    if st.changed_sections:
        return f"{', '.join(st.changed_sections)} changed since the approval of {st.title}"
    return f"{st.title} is {st.state}"


def relevant_models(gates: list[str], status: Any, events: list) -> list[str]:
    """The registered model names whose aliases a sync must read."""
    names: list[str] = []
    for gate in gates:
        for item in (expected_binding(status, gate, events), owned_alias(gate, events)):
            if item and item.get("name") and item["name"] not in names:
                names.append(item["name"])
        for e in reversed(events):  # the last version any approval of this gate bound
            if e.kind == "sign_off" and e.data.get("gate") == gate and e.data.get("model"):
                if e.data["model"]["name"] not in names:
                    names.append(e.data["model"]["name"])
                break
    return names


@dataclass
class Action:
    """One change to bring the registry in line with the journal."""

    kind: str  # set_alias | move_alias | remove_alias
    name: str
    version: str
    alias: str
    tags: dict[str, str] = field(default_factory=dict)
    previous: str | None = None
    reason: str = ""


@dataclass
class Decision:
    actions: list[Action] = field(default_factory=list)
    warning: str | None = None


def decide(gate: str, alias: str, title: str, expected: Mapping[str, Any] | None, owned: Mapping[str, Any] | None,
           observed: Mapping[str, Mapping[str, str]], reason: str = "", project: str = "") -> Decision:
    """What to do for one gate's alias, given the journal (``expected``, ``owned``) and the registry (``observed``).

    Args:
        expected: the version the gate's fresh approval binds (None: not approved).
        owned: the alias phasebook set last and has not removed.
        observed: model name → its aliases (alias → version), as the registry holds them.
        reason: why the approval no longer holds (for the stale tag).
    """
    out = Decision()
    if expected is not None:
        name, version = expected["name"], str(expected["version"])
        now = observed.get(name, {}).get(alias)
        tags = {"phasebook.project": project, f"phasebook.{gate}.state": "approved",
                f"phasebook.{gate}.signoff": str(expected.get("signoff", "")),
                f"phasebook.{gate}.signed_by": str(expected.get("signed_by", "")),
                f"phasebook.{gate}.stale_reason": ""}
        mine = owned is not None and owned.get("name") == name
        if now == version:
            if not (mine and str(owned.get("version")) == version and owned.get("signoff") == expected.get("signoff")):
                out.actions.append(Action("set_alias", name, version, alias, tags))
        elif now is None:
            if mine and str(owned.get("version")) == version and owned.get("signoff") == expected.get("signoff"):
                out.warning = (f"{title} approved {name} v{version}; alias @{alias} is not set "
                               "(removed outside phasebook).")
            else:
                out.actions.append(Action("set_alias", name, version, alias, tags))
        elif mine and str(owned.get("version")) == now:
            out.actions.append(Action("move_alias", name, version, alias, tags, previous=now))
        else:
            out.warning = f"{title} approved {name} v{version}; alias @{alias} points to v{now}, set outside phasebook."
        if owned is not None and owned.get("name") != name and \
                observed.get(owned["name"], {}).get(alias) == str(owned.get("version")):
            out.actions.append(Action("remove_alias", owned["name"], str(owned["version"]), alias,
                                      {f"phasebook.{gate}.state": "superseded"}, previous=str(owned["version"]),
                                      reason=f"{title} approved {name}"))
        return out
    if owned is not None:
        name, version = owned["name"], str(owned["version"])
        now = observed.get(name, {}).get(alias)
        stale_tags = {f"phasebook.{gate}.state": "stale", f"phasebook.{gate}.stale_reason": reason}
        if now == version or now is None:
            out.actions.append(Action("remove_alias", name, version, alias, stale_tags, previous=now, reason=reason))
        else:
            out.warning = (f"{title} is not approved ({reason}); alias @{alias} points to {name} v{now}, "
                           "set outside phasebook.")
        return out
    for name, aliases in observed.items():
        if alias in aliases:
            out.warning = (f"{title} has no fresh approval in the journal; alias @{alias} points to {name} "
                           f"v{aliases[alias]}, set outside phasebook.")
            break
    return out


def load_observation(root: Path) -> dict[str, Any] | None:
    """What the last sync saw in the registry (None: never synced on this machine)."""
    try:
        return json.loads((Path(root) / OBSERVATION_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def save_observation(root: Path, **data: Any) -> dict[str, Any]:
    """Write the observation atomically (temp file + rename); returns what was written."""
    path = Path(root) / OBSERVATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data.setdefault("checked_at", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return data
