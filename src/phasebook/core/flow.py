"""The project flow as data: phases, steps, gates (with their policy), roles and tracks.

The default is FLOW.md (Palachy's "Data Science Project Flow for Startups"),
shipped as ``default_flow.json`` beside this module. A team may write its own
flow file (``flow.yaml`` in the project, named by ``flow:`` in
``phasebook.yaml``); this module validates it with errors that name the
field path (:func:`parse_flow`). Nothing else in ``src/`` names a phase,
gate, track or role: code asks the flow (``work_phases``, ``next_phase``,
``phase_of_kind``…).

Phase kinds say what a phase *means* to the transitions: ``work`` phases end
with a gate and run in order; ``done`` is where the last work phase leads
(delivery); ``upkeep`` is entered from ``done`` by reopening; ``stopped`` is
reached by cancelling from anywhere.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import FlowInvalidError, UnknownGateError, UnknownPhaseError, UnknownRoleError
from .hashing import content_hash

__all__ = [
    "Phase", "Step", "Gate", "Condition", "Flow", "default_flow", "parse_flow", "flow_hash", "policy_of",
    "DEFAULT_FLOW_VERSION",
]

StepKind = Literal["form", "notebook", "gate", "milestone"]
PhaseKind = Literal["work", "done", "upkeep", "stopped"]
ConditionKind = Literal["passing_model_test", "drift_check_after", "current_review"]
#: The version of the flow shipped with phasebook (``flow:`` in a new plan).
DEFAULT_FLOW_VERSION = "palachy-2019.1"


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
    #: what the phase means to transitions (see the module docstring); ``work`` when it has a gate
    kind: PhaseKind = "work"
    #: the plan sections its notebook reads (what invalidates a cached run); None: the whole plan
    reads: tuple[str, ...] | None = None


class Step(_Frozen):
    """A numbered step of FLOW.md (1.1 … 4.4)."""

    id: str
    phase: str
    title: str
    tracks: tuple[str, ...]
    kind: StepKind
    sections: tuple[str, ...] = ()
    gate: str | None = None
    #: a notebook step is done once an event of this kind exists (default: a succeeded run of its phase)
    done_when: str | None = None


class Condition(_Frozen):
    """A check made before an approval counts.

    * ``passing_model_test``: the latest model test passes every hard metric;
    * ``drift_check_after``: a drift check newer than the latest save of ``section``
      (the deployment);
    * ``current_review``: people completed a review of the gate's sample of real
      outputs, of the model tested last (:func:`~phasebook.core.reviews.review_condition`).

    Unless the approval's comment acknowledges the unmet condition explicitly.
    """

    kind: ConditionKind
    section: str | None = None
    title: str = ""


class Gate(_Frozen):
    """A sign-off gate: what it covers and its policy (who must approve, how many, on what conditions).

    ``covers`` lists plan section paths (``scope`` or ``kpi_review.development``);
    ``measurements`` lists event kinds whose latest entry is part of the
    approved content (a new model test reopens the KPI check). ``approvals``
    says how many distinct approvers each role needs (default one);
    ``require_verified`` makes unverified sign-offs not count.
    """

    name: str
    step: str
    phase: str
    title: str
    covers: tuple[str, ...]
    roles: tuple[str, ...]
    measurements: tuple[str, ...] = ()
    approvals: dict[str, int] = Field(default_factory=dict)
    require_verified: bool = False
    conditions: tuple[Condition, ...] = ()
    #: the ``experiment_setup`` field naming the model-registry alias an approval of this gate sets (MLflow link)
    alias_field: str | None = None

    def needed(self, role: str) -> int:
        """How many distinct approvers ``role`` must provide."""
        return max(1, int(self.approvals.get(role, 1)))


class Flow(_Frozen):
    """The whole flow; validated so that every reference resolves."""

    version: str
    title: str
    roles: tuple[str, ...]
    tracks: tuple[str, ...]
    phases: tuple[Phase, ...]
    steps: tuple[Step, ...]
    gates: tuple[Gate, ...]
    #: display titles of tracks and roles (``data_science`` → ``Data science``); missing ones are derived
    titles: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references_resolve(self) -> "Flow":
        problems = flow_problems(self)
        if problems:
            raise ValueError("; ".join(f"{path}: {msg}" for path, msg in problems))
        return self

    # lookups ---------------------------------------------------------------
    def title_of(self, name: str) -> str:
        """The display title of a track or role."""
        return self.titles.get(name) or name.replace("_", " ").capitalize()

    @property
    def work_phases(self) -> tuple[str, ...]:
        """The work phases, in flow order (each ends with a gate)."""
        return tuple(p.name for p in self.phases if p.kind == "work")

    @property
    def first_phase(self) -> str:
        """Where a new project starts."""
        return self.work_phases[0]

    def phase_of_kind(self, kind: str) -> str | None:
        """The first phase of ``kind`` (``done``, ``upkeep``, ``stopped``), or None."""
        return next((p.name for p in self.phases if p.kind == kind), None)

    def is_kind(self, phase: str, kind: str) -> bool:
        """True when ``phase`` is a phase of ``kind``."""
        return any(p.name == phase and p.kind == kind for p in self.phases)

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
        """The phase after a work phase, in flow order (the last work phase leads to the ``done`` phase)."""
        work = self.work_phases
        if phase not in work:
            return None
        i = work.index(phase)
        return work[i + 1] if i + 1 < len(work) else self.phase_of_kind("done")

    def order(self, phase: str) -> int:
        """Position of a phase in the flow, used to check backtracks and which gates a phase may sign."""
        names = [p.name for p in self.phases]
        if phase not in names:
            self.phase(phase)  # raises UnknownPhaseError
        return names.index(phase)

    def section_title(self, path: str) -> str:
        """A reader's title for a section (or section path): its name and the steps of this flow that fill it."""
        from .sections import SECTION_MODELS, SECTION_NAMES

        top, _, rest = path.partition(".")
        title = SECTION_NAMES.get(top, top.replace("_", " ").capitalize())
        if rest and top in SECTION_MODELS:
            field = SECTION_MODELS[top].model_fields.get(rest)
            derived = {"training": "training source and label"}  # data_sources.training (see core.sections)
            title = f"{title} — {field.title if field and field.title else derived.get(rest, rest.replace('_', ' '))}"
        steps = [s.id for s in self.steps if any(
            sec == path or sec.startswith(path + ".") or path.startswith(sec + ".") for sec in s.sections)]
        return f"{title} ({', '.join(steps)})" if steps else title

    def gates_covering(self, path: str) -> list[Gate]:
        """The gates whose covered content includes the section path ``path`` (or a part of it)."""
        return [g for g in self.gates
                if any(path == c or path.startswith(c + ".") or c.startswith(path + ".") for c in g.covers)]

    def sections_filled_by(self) -> dict[str, str]:
        """Map each section path to the step id that fills it."""
        return {sec: s.id for s in self.steps for sec in s.sections}


def flow_problems(flow: Flow) -> list[tuple[str, str]]:
    """Every dangling reference or contradiction of ``flow``, as ``(field path, message)``."""
    out: list[tuple[str, str]] = []
    phases = [p.name for p in flow.phases]
    gates = [g.name for g in flow.gates]
    steps = [s.id for s in flow.steps]
    for label, names in (("phases", phases), ("gates", gates), ("steps", steps)):
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            out.append((label, f"names used twice: {', '.join(dupes)}"))
    if not any(p.kind == "work" for p in flow.phases):
        out.append(("phases", "no work phase: a flow needs at least one phase of kind 'work' with a gate"))
    for i, p in enumerate(flow.phases):
        if p.kind == "work" and not p.gate:
            out.append((f"phases[{i}].gate", f"work phase {p.name!r} names no gate"))
        if p.gate and p.gate not in gates:
            out.append((f"phases[{i}].gate", f"unknown gate {p.gate!r} (gates: {', '.join(gates)})"))
    for i, step in enumerate(flow.steps):
        if step.phase not in phases:
            out.append((f"steps[{i}].phase", f"step {step.id} names unknown phase {step.phase!r}"))
        if step.gate and step.gate not in gates:
            out.append((f"steps[{i}].gate", f"step {step.id} names unknown gate {step.gate!r}"))
        for j, track in enumerate(step.tracks):
            if track not in flow.tracks:
                out.append((f"steps[{i}].tracks[{j}]", f"step {step.id} names unknown track {track!r}"))
    for i, gate in enumerate(flow.gates):
        if gate.phase not in phases:
            out.append((f"gates[{i}].phase", f"gate {gate.name} names unknown phase {gate.phase!r}"))
        if gate.step not in steps:
            out.append((f"gates[{i}].step", f"gate {gate.name} names unknown step {gate.step!r}"))
        if not gate.roles:
            out.append((f"gates[{i}].roles", f"gate {gate.name} names no role that must approve"))
        for j, role in enumerate(gate.roles):
            if role not in flow.roles:
                out.append((f"gates[{i}].roles[{j}]", f"gate {gate.name} names unknown role {role!r}"))
        for role, n in gate.approvals.items():
            if role not in gate.roles:
                out.append((f"gates[{i}].approvals.{role}", f"{role!r} is not one of the gate's roles"))
            elif int(n) < 1:
                out.append((f"gates[{i}].approvals.{role}", "must be at least 1"))
        for j, cond in enumerate(gate.conditions):
            if cond.kind == "drift_check_after" and not cond.section:
                out.append((f"gates[{i}].conditions[{j}].section", "drift_check_after needs the section it follows"))
    return out


def parse_flow(data: Any, *, file: str = "flow") -> Flow:
    """Validate a flow read from a file.

    Raises:
        FlowInvalidError: naming each field path that is wrong (``gates[2].roles[0]``).
    """
    if not isinstance(data, dict):
        raise FlowInvalidError(file=file, problems=[("", "a flow file is a mapping (version, phases, steps, gates…)")])
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                          for i, p in enumerate(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            if not loc and "; " in msg:  # our own cross-reference check: one problem per path
                problems.extend(tuple(part.split(": ", 1)) if ": " in part else ("", part) for part in msg.split("; "))
            else:
                problems.append((loc, msg))
        raise FlowInvalidError(file=file, problems=problems) from None


def policy_of(gate: Gate) -> dict[str, Any]:
    """The part of a gate an approval depends on: what it covers and its policy (not its title)."""
    return gate.model_dump(mode="json", exclude={"title", "step", "alias_field"})


def flow_hash(flow: Flow) -> str:
    """The hash a project pins: the whole flow's canonical JSON."""
    return content_hash(flow.model_dump(mode="json"))


@lru_cache(maxsize=1)
def default_flow() -> Flow:
    """Return the default flow shipped with phasebook (FLOW.md)."""
    text = resources.files(__package__).joinpath("default_flow.json").read_text(encoding="utf-8")
    return Flow.model_validate(json.loads(text))
