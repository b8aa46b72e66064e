"""The project flow as data: phases, steps, gates, roles and tracks.

The default is FLOW.md (Palachy's "Data Science Project Flow for Startups"),
shipped as ``default_flow.json`` beside this module so teams can later
customize stages and gates; a project records the flow version it follows.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .errors import UnknownGateError, UnknownPhaseError, UnknownRoleError

__all__ = ["Phase", "Step", "Gate", "Flow", "default_flow", "WORK_PHASES"]

StepKind = Literal["form", "notebook", "gate", "milestone"]
#: Phases in which work happens (each ends with a gate).
WORK_PHASES = ("scoping", "research", "development", "deployment")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Phase(_Frozen):
    """A phase of the flow; the four work phases each end with a gate."""

    name: str
    title: str
    number: int
    gate: str | None = None
    notebook: str | None = None
    terminal: bool = False


class Step(_Frozen):
    """A numbered step of FLOW.md (1.1 … 4.4)."""

    id: str
    phase: str
    title: str
    tracks: tuple[str, ...]
    kind: StepKind
    sections: tuple[str, ...] = ()
    gate: str | None = None


class Gate(_Frozen):
    """A sign-off gate: what it covers and who must approve.

    ``covers`` lists plan section paths (``scope`` or ``kpi_review.development``);
    ``measurements`` lists event kinds whose latest entry is part of the
    approved content (a new model test reopens the KPI check). ``require_review``: an
    approval needs a complete review of the current model's outputs by people
    (:func:`~phasebook.core.reviews.review_condition`).
    """

    name: str
    step: str
    phase: str
    title: str
    covers: tuple[str, ...]
    roles: tuple[str, ...]
    measurements: tuple[str, ...] = ()
    require_review: bool = False


class Flow(_Frozen):
    """The whole flow; validated so that every reference resolves."""

    version: str
    title: str
    roles: tuple[str, ...]
    tracks: tuple[str, ...]
    phases: tuple[Phase, ...]
    steps: tuple[Step, ...]
    gates: tuple[Gate, ...]

    @model_validator(mode="after")
    def _references_resolve(self) -> "Flow":
        phases = {p.name for p in self.phases}
        gates = {g.name for g in self.gates}
        for step in self.steps:
            if step.phase not in phases:
                raise ValueError(f"step {step.id} names unknown phase {step.phase!r}")
            if step.gate and step.gate not in gates:
                raise ValueError(f"step {step.id} names unknown gate {step.gate!r}")
            for track in step.tracks:
                if track not in self.tracks:
                    raise ValueError(f"step {step.id} names unknown track {track!r}")
        for gate in self.gates:
            for role in gate.roles:
                if role not in self.roles:
                    raise ValueError(f"gate {gate.name} names unknown role {role!r}")
        return self

    # lookups ---------------------------------------------------------------
    def phase(self, name: str) -> Phase:
        """Return the phase called ``name`` or raise :class:`UnknownPhaseError`."""
        for p in self.phases:
            if p.name == name:
                return p
        raise UnknownPhaseError(name=name, known=[p.name for p in self.phases])

    def gate(self, name: str) -> Gate:
        """Return the gate called ``name`` or raise :class:`UnknownGateError`."""
        for g in self.gates:
            if g.name == name:
                return g
        raise UnknownGateError(name=name, known=[g.name for g in self.gates])

    def check_role(self, role: str) -> str:
        """Return ``role`` if the flow knows it, else raise :class:`UnknownRoleError`."""
        if role not in self.roles:
            raise UnknownRoleError(name=role, known=list(self.roles))
        return role

    def phases_by_name(self) -> dict[str, Phase]:
        """Every phase keyed by name."""
        return {p.name: p for p in self.phases}

    def steps_of(self, phase: str) -> list[Step]:
        """The steps of one phase, in order."""
        return [s for s in self.steps if s.phase == phase]

    def gate_of(self, phase: str) -> Gate | None:
        """The gate that closes ``phase`` (None for delivered/maintenance/cancelled)."""
        name = self.phase(phase).gate
        return self.gate(name) if name else None

    def next_phase(self, phase: str) -> str | None:
        """The work phase after ``phase`` (``deployment`` → ``delivered``)."""
        order = [*WORK_PHASES, "delivered"]
        if phase in WORK_PHASES:
            return order[order.index(phase) + 1]
        return None

    def order(self, phase: str) -> int:
        """Position of a work phase (0 for scoping), used to check backtracks."""
        return self.phase(phase).number

    def sections_filled_by(self) -> dict[str, str]:
        """Map each section path to the step id that fills it."""
        return {sec: s.id for s in self.steps for sec in s.sections}


@lru_cache(maxsize=1)
def default_flow() -> Flow:
    """Return the default flow shipped with phasebook (FLOW.md)."""
    text = resources.files(__package__).joinpath("default_flow.json").read_text(encoding="utf-8")
    return Flow.model_validate(json.loads(text))
