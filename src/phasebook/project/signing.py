"""Sign-offs: what a gate covers and what each signer approved, the flow's pin, decisions and delegations.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

from typing import Any

from ..core.errors import (
    ConditionNotMetError,
    ContentChangedError,
    FeasibilityChangedError,
    InvalidDecisionError,
    SignerNotAllowedError,
)
from ..core.events import DECISIONS, Actor, Event, utc_now
from ..core.flow import flow_hash, policy_of
from ..core.gates import check_conditions, covered_content, delegation_for
from ..core.pinning import flow_pin, pinned_flow
from ..core.status import phase_of
from ..core.hashing import content_hash
from ..core.scopecheck import scope_errors
from ..core import transitions
from .. import tracking
from . import _findings
from .base import default_actor


class SigningOps:
    """Sign-offs, what each signer approved, the flow's pin, and delegations."""


    def gate_content(self, gate: str) -> dict[str, Any]:
        """What a sign-off of ``gate`` would approve now (sections, hashes, measurements)."""
        plan = self.plan_store.current()  # read only: dumped
        return covered_content(self.flow.gate(gate), plan.dump(), self.events())

    def approved_content(self, gate: str, signer: str | None = None, role: str | None = None) -> dict[str, Any] | None:
        """The covered sections as one signer's latest approval of ``gate`` saw them (None if none).

        Args:
            signer: whose approval (default: the latest approval by anyone).
            role: narrow ``signer`` to the role they signed in.
        """
        found = self.approval_event(gate, signer, role)
        return dict(found.data.get("snapshot", {})) if found else None

    def approval_event(self, gate: str, signer: str | None = None, role: str | None = None,
                       seq: int | None = None) -> Event | None:
        """The journaled approval of ``gate`` by ``signer`` (or with entry number ``seq``), latest first."""
        self.flow.gate(gate)
        last = None
        for e in self.events():
            if e.kind == "sign_off" and e.data.get("gate") == gate and e.data.get("decision") == "approve":
                if seq is not None and e.seq != seq:
                    continue
                if signer is not None and e.actor.name != signer:
                    continue
                if role is not None and e.actor.role != role:
                    continue
                last = e
        return last

    def pin_flow(self, actor: Actor | None = None) -> Event | None:
        """Journal a ``flow_changed`` when the flow differs from the one the project last recorded.

        Approvals whose gate policy changed go stale by themselves (each sign-off
        stores its gate's policy hash); this entry records when and what changed.
        """
        events = self.events()
        pinned = pinned_flow(events)
        if pinned is None:
            return None
        current = flow_pin(self.flow)
        if pinned.get("flow_hash") == current["flow_hash"]:
            return None
        old, new = pinned.get("gate_policies", {}), current["gate_policies"]
        changed = sorted(g for g in set(old) | set(new) if old.get(g) != new.get(g))
        data = {"from_hash": pinned.get("flow_hash"), "version": self.flow.version, "gates_changed": changed, **current}
        return self._append("flow_changed", data, actor or default_actor())

    # sign-offs -----------------------------------------------------------------
    def sign_off(
        self,
        gate: str,
        actor: Actor,
        decision: str,
        comment: str = "",
        *,
        acknowledge: bool = False,
        expected_hash: str | None = None,
        conditional_on: list[int] | None = None,
        shown_feasibility: dict[str, Any] | None = None,
    ) -> Event:
        """Record a decision on a gate, with the hash of the content it judged and the gate policy.

        Args:
            gate: gate name.
            actor: who decides; ``verified`` only when a server vouched for it.
            decision: ``approve``, ``request_changes`` or ``reject``.
            comment: required for ``request_changes``, ``reject`` and an acknowledgement.
            acknowledge: approve although a gate condition is unmet (the comment says why).
            expected_hash: the content hash the signer was shown (``gate_content(gate)["content_hash"]``);
                refused with :class:`ContentChangedError` when the content is no longer that.
            conditional_on: approve *with conditions*: the findings (ids) the approval depends on; when one
                is still open after its due time the approval lapses.
            shown_feasibility: the feasibility card the signer was shown (:meth:`feasibility_record`); a
                gate covering the scope records that record as it is now, and refuses with
                :class:`FeasibilityChangedError` when it is no longer what was shown.

        Raises:
            SignerNotAllowedError: no role (a verified viewer whose identity carries none cannot sign).
            ConditionNotMetError: an approval while a gate condition is unmet, not acknowledged.
            FindingBlocksApprovalError: ``approve`` while a blocking finding of the gate is not accepted.
        """
        g = self.flow.gate(gate)
        events = self.events()
        grant = delegation_for(events, gate, actor.name, utc_now())
        if grant is not None and actor.role not in g.roles:
            actor = Actor(name=actor.name, role=grant.data["role"], verified=actor.verified)
        if actor.role is None:
            if actor.verified:
                raise SignerNotAllowedError(reason=f"{actor.name} is signed in, but their identity carries no role, "
                                            "so they cannot sign. Ask whoever runs the server to give them a role.")
            raise SignerNotAllowedError(reason=f"Say in which role {actor.name} signs ({', '.join(self.flow.roles)}): "
                                        f"this gate needs approval from {', '.join(g.roles)}.")
        self.flow.check_role(actor.role)
        if decision not in DECISIONS:
            raise InvalidDecisionError(reason=f"Unknown decision {decision!r}; use one of: {', '.join(DECISIONS)}.")
        comment = (comment or "").strip()
        if decision != "approve" and not comment:
            raise InvalidDecisionError(reason=f"A comment is required to {decision.replace('_', ' ')}: say what must change.",
                                       needs="comment")
        plan = self.plan()
        transitions.check_signable(self.flow, g.phase, phase_of(events, self.flow))
        acknowledged: list[str] = []
        if decision == "approve" and actor.role in g.roles:
            unmet = [c for c in check_conditions(g, events, plan.dump()) if not c.met]
            if unmet and not acknowledge:
                raise ConditionNotMetError(gate=gate, unmet=[c.message for c in unmet], needs="acknowledgement")
            if unmet and not comment:
                raise InvalidDecisionError(reason="An acknowledgement needs a comment: say why approving without "
                                           + "; ".join(c.message for c in unmet) + " is acceptable.", needs="comment")
            acknowledged = [c.kind for c in unmet]
        self.require_intact()  # never decide on a journal that fails its check
        if decision == "approve" and "scope" in g.covers and (errors := scope_errors(plan.sections["scope"])):
            raise InvalidDecisionError(reason="The scope cannot be approved as it is: " + "; ".join(
                f"{e['path']}: {e['message']}" for e in errors) + ". Correct the scope first.")
        conds = _findings.approval_conditions(self, gate, decision, conditional_on, events)  # blocking findings
        self.pin_flow(actor)
        events = self.events()
        content = covered_content(g, plan.dump(), events)
        if expected_hash is not None and expected_hash != content["content_hash"]:
            raise ContentChangedError(gate=gate, expected=expected_hash, current=content["content_hash"])
        feasibility = self.feasibility_record(plan.sections["scope"]) if "scope" in g.covers else None
        if shown_feasibility is not None and shown_feasibility != feasibility:
            raise FeasibilityChangedError(gate=gate)
        data = {
            "gate": gate,
            "decision": decision,
            "comment": comment,
            "content_hash": content["content_hash"],
            "section_hashes": content["section_hashes"],
            "measurements": content["measurements"],
            "snapshot": content["sections"],
            "policy_hash": content_hash(policy_of(g)),
            "policy": policy_of(g),
            "flow_hash": flow_hash(self.flow),
            **tracking.approval_binding(self.flow, gate, events, decision),  # the model version approved, if any
        }
        if feasibility is not None:  # what the data said of the targets when this was decided
            data["feasibility"] = feasibility
        if acknowledged:
            data["acknowledged"] = acknowledged
        if grant is not None and actor.role == grant.data["role"]:
            data["delegated_by"] = grant.seq
        if conds:
            data["conditional_on"] = conds
        return self._append("sign_off", data, actor)

    def waiting_for(self, name: str | None, role: str | None, status: Any = None) -> list:
        """What waits for ``name`` in ``role`` (:func:`phasebook.core.attention.waiting_for`), most urgent first."""
        from ..core.attention import waiting_for
        from ..core.findings import fold_findings

        events = self.events()
        status = status if status is not None else self.status()
        return waiting_for(status, fold_findings(events).values(), name, role, self.flow, events)

    def active_delegation(self, gate: str, name: str | None) -> Event | None:
        """The delegation of ``gate`` to ``name`` in force now (None if there is none)."""
        return delegation_for(self.events(), gate, name, utc_now()) if name else None

    def delegate(self, gate: str, to: str, until: str, *, actor: Actor) -> Event:
        """Let ``to`` sign ``gate`` in ``actor``'s role until ``until`` (ISO 8601 UTC, e.g. ``2027-01-31T00:00:00Z``).

        Raises:
            SignerNotAllowedError: ``actor`` holds no role the gate requires.
            InvalidDecisionError: ``until`` is not a time in the future, or ``to`` is empty.
        """
        import datetime as dt

        g = self.flow.gate(gate)
        if actor.role not in g.roles:
            raise SignerNotAllowedError(reason=f"Only a holder of a role this gate requires "
                                        f"({', '.join(g.roles)}) can delegate it.")
        to = (to or "").strip()
        try:
            end = dt.datetime.fromisoformat(str(until).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidDecisionError(reason=f"{until!r} is not a time; give an ISO 8601 date such as 2027-01-31.") from None
        if end.tzinfo is None:
            end = end.replace(tzinfo=dt.timezone.utc)
        until_s = end.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if not to or until_s <= utc_now():
            raise InvalidDecisionError(reason="Name the person, and an end of the delegation in the future.")
        return self._transition(("delegation", {"gate": gate, "role": actor.role, "to": to, "until": until_s}), actor)

