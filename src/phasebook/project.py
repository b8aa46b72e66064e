"""The :class:`Project` facade: the one API every surface calls.

The CLI, the forms, the dashboards, the server extension and the notebooks
all go through :class:`Project`; none of them re-implements a rule. A project
is a folder holding ``phasebook.yaml`` (the plan) and ``journal.jsonl`` (the
events); its status is derived from both on demand.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any, Mapping

from .core.errors import (
    ContentChangedError,
    InvalidDecisionError,
    InvalidTransitionError,
    ProjectExistsError,
    ProjectNotFoundError,
    GateNotSatisfiedError,
    StaleApprovalError,
    UnknownSectionError,
)
from .core.events import BACKTRACK_REASONS, DECISIONS, Actor, Event
from .core.flow import WORK_PHASES, Flow, default_flow
from .core.kpis import ModelTestResult, judge
from .core.sections import SECTION_MODELS, Section
from .core.status import ProjectStatus, covered_content, fold, phase_of
from .core.hashing import content_hash
from .store.journal import JOURNAL_FILE, Journal, VerifyReport
from .store import integrity as _integrity
from .store.outbox import OutboxJournal, outbox_for
from .store.plan import PLAN_FILE, PlanDocument, PlanStore, validate_section
from . import tracking

__all__ = ["Project", "default_actor", "workbook_templates"]

#: Event kinds only Project's own methods may journal (kind → method).
DECISION_KINDS = {
    "project_created": "new", "section_saved": "save_section", "sign_off": "sign_off", "advance": "advance",
    "backtrack": "backtrack", "cancel": "cancel", "deliver": "deliver", "reopen": "reopen", "decision": "decide",
    "review_sample": "review_sample", "review_judgement": "judge",
}
GITIGNORE = "# phasebook: executed notebooks and local state\nruns/\n.phasebook/\n.ipynb_checkpoints/\n"


def default_actor(role: str | None = None) -> Actor:
    """The unverified local user (``$PHASEBOOK_USER`` or the login name)."""
    name = os.environ.get("PHASEBOOK_USER")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # a container user without a passwd entry
            name = ""
    name = name or "unknown"
    return Actor(name=name, role=role, verified=False)


def workbook_templates() -> Path | None:
    """The folder of template notebooks shipped with phasebook (None if absent)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "workbooks", here.parent.parent / "workbooks"):
        if (candidate / "01_scoping.ipynb").exists():
            return candidate
    return None


class Project:
    """A phasebook project on disk.

    Use :meth:`new` or :meth:`open`; both return a ready project.
    """

    def __init__(self, root: Path, *, flow: Flow | None = None) -> None:
        self.root = Path(root).resolve()
        self.flow = flow or default_flow()
        self.plan_store = PlanStore(self.root)
        self.journal = Journal(self.root)
        self.kept_files: list[str] = []  # set by new(): files of the folder it left as they were
        outbox = outbox_for(self.root)  # a grid row's kernel: events go to the row's outbox (store/outbox.py)
        if outbox is not None:
            self.journal = OutboxJournal(self.root, outbox)

    # creating and opening ----------------------------------------------------
    @classmethod
    def new(cls, path: str | os.PathLike, name: str | None = None, *, actor: Actor | None = None) -> "Project":
        """Create a project folder: plan, journal, workbooks, data/, runs/ and .gitignore.

        Files the folder already holds are never replaced: a template notebook
        whose name exists is left alone (listed in ``project.kept_files``) and
        phasebook's lines are added to an existing ``.gitignore``.

        Raises:
            ProjectExistsError: the folder already holds a ``phasebook.yaml``
                (or a ``journal.jsonl``: a journal is never appended to by ``new``).
        """
        from .store.scaffold import copy_missing, merge_lines

        root = Path(path).resolve()
        if (root / PLAN_FILE).exists():
            raise ProjectExistsError(path=str(root))
        if (root / JOURNAL_FILE).exists():
            raise ProjectExistsError(path=str(root), message=(
                f"{root} holds a {JOURNAL_FILE} but no {PLAN_FILE}; a new project never takes over an existing "
                "journal. Move that file away, or choose another folder."))
        root.mkdir(parents=True, exist_ok=True)
        project = cls(root)
        name = name or root.name
        project.plan_store.create(name, project.flow.version)
        for sub in ("data", "runs", "workbooks"):
            (root / sub).mkdir(exist_ok=True)
        merge_lines(root / ".gitignore", GITIGNORE)
        _integrity.prepare_git(root)  # .gitattributes; the journal merge driver when inside a repository
        templates = workbook_templates()
        project.kept_files = copy_missing(templates, root / "workbooks", root=root) if templates is not None else []
        project.journal.append("project_created", {"name": name, "flow": project.flow.version}, actor or default_actor())
        return project

    @classmethod
    def open(cls, path: str | os.PathLike = ".") -> "Project":
        """Open the project at ``path`` or the nearest folder above it holding ``phasebook.yaml``.

        The plan is validated and the journal read, so a damaged file is
        reported here (with what to do), not later.
        """
        start = Path(path).resolve()
        for candidate in (start, *start.parents):
            if (candidate / PLAN_FILE).is_file():
                project = cls(candidate)
                project.plan()
                project.events()
                return project
        raise ProjectNotFoundError(path=str(start))

    @staticmethod
    def find(path: str | os.PathLike = ".") -> Path | None:
        """The project root at or above ``path`` without opening it (None if there is none)."""
        start = Path(path).resolve()
        return next((c for c in (start, *start.parents) if (c / PLAN_FILE).is_file()), None)

    # plan ----------------------------------------------------------------------
    @property
    def plan_path(self) -> Path:
        return self.root / PLAN_FILE

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL_FILE

    @property
    def name(self) -> str:
        return self.plan().name

    def plan(self) -> PlanDocument:
        """Load and validate the plan from disk."""
        return self.plan_store.load()

    def section(self, name: str) -> Section:
        """One section's validated model (defaults when the plan leaves it empty)."""
        if name not in SECTION_MODELS:
            raise UnknownSectionError(name=name, known=list(SECTION_MODELS))
        return self.plan().sections[name]

    def save_section(
        self,
        name: str,
        data: Section | Mapping[str, Any],
        *,
        actor: Actor | None = None,
        expected_digest: str | None = None,
    ) -> Section:
        """Validate and save one section; journal ``section_saved`` if it changed.

        Args:
            name: the section key.
            data: the new content (model or mapping).
            actor: who saved (default: the local user, unverified).
            expected_digest: the plan digest when the editor loaded it; the
                save is refused if the file changed since (concurrent edit).

        Raises:
            PlanValidationError: naming each invalid field; nothing is written.
            PlanChangedOnDiskError: ``expected_digest`` no longer matches.
        """
        return self.save_section_plan(name, data, actor=actor, expected_digest=expected_digest).sections[name]

    def save_section_plan(
        self,
        name: str,
        data: Section | Mapping[str, Any],
        *,
        actor: Actor | None = None,
        expected_digest: str | None = None,
    ) -> PlanDocument:
        """Like :meth:`save_section`, but return the plan exactly as this save left it.

        Editors keep the returned ``digest`` as their next ``expected_digest``:
        it is taken under the write lock, so no other save can slip in between.
        """
        section = validate_section(name, dict(data) if isinstance(data, Mapping) else data, file=str(self.plan_path))
        before = self.plan()
        old_hash = content_hash(before.sections[name].model_dump(mode="json"))
        new_hash = content_hash(section.model_dump(mode="json"))
        if old_hash == new_hash and name in before.raw and expected_digest in (None, before.digest):
            return before
        self.journal.check_appendable()  # a torn journal must be repaired before anything is written
        self.require_intact(plan=False)  # never write after a broken entry
        written = self.plan_store.save_section(name, section, expected_digest=expected_digest)
        self._append(
            "section_saved", {"section": name, "hash": new_hash, "previous_hash": old_hash}, actor or default_actor()
        )
        return written

    # journal -------------------------------------------------------------------
    def events(self) -> list[Event]:
        """Every journal event, oldest first."""
        return self.journal.read()

    def record(self, kind: str, data: dict[str, Any], actor: Actor | None = None) -> Event:
        """Journal an event produced by a tool (run, data check, drift check…).

        Raises:
            InvalidDecisionError: ``kind`` is a decision that has its own method
                (``sign_off``, ``advance``…), whose rules must not be bypassed.
        """
        if kind in DECISION_KINDS:
            raise InvalidDecisionError(
                reason=f"{kind!r} events are decisions with rules of their own: use Project.{DECISION_KINDS[kind]}() "
                "instead of record()."
            )
        self.require_intact(plan=False)
        return self._append(kind, data, actor or Actor.system())

    # integrity (store/integrity.py) ----------------------------------------------
    def _append(self, kind: str, data: dict[str, Any], actor: Actor) -> Event:
        """Append through the journal; a verified entry is signed with the serving side's key.

        Then the MLflow registry follows (tracking/sync.py: a no-op unless the plan names a store).
        """
        if actor.verified and self.journal.signer is None:
            self.journal.signer = _integrity.signer_for(self.root)
        event = self.journal.append(kind, data, actor)
        tracking.after_event(self, event)
        return event

    def integrity(self) -> VerifyReport:
        """The cheap check every reader runs: the chain since the last check, and plan against journal."""
        return _integrity.check(self, full=False)

    def require_intact(self, *, plan: bool = True) -> None:
        """Raise the integrity problem (chain, signatures, or with ``plan`` the plan/journal agreement)."""
        report = _integrity.check(self, full=False, plan=plan)
        if not report.ok and report.problem is not None:
            raise report.problem

    def verify(self, *, anchors: bool = False) -> VerifyReport:
        """The full check: every entry, the plan against the journal, and with ``anchors`` every git anchor."""
        return _integrity.check(self, full=True, anchors=anchors)

    def record_plan(self, *, actor: Actor | None = None) -> list[str]:
        """Journal the plan sections that changed without a recorded save; return their names."""
        return _integrity.record_plan(self, actor or default_actor())

    def ensure_signing_key(self) -> str:
        """Create the serving side's key if needed and record its public half in the project; return its id."""
        return _integrity.signer_for(self.root).id

    # status --------------------------------------------------------------------
    def status(self) -> ProjectStatus:
        """The project's status, folded from the plan and the journal."""
        plan = self.plan()
        return fold(plan.name, self.flow, plan.dump(), self.events())

    @property
    def phase(self) -> str:
        return self.status().phase

    def gate_content(self, gate: str) -> dict[str, Any]:
        """What a sign-off of ``gate`` would approve now (sections, hashes, measurements)."""
        plan = self.plan()
        return covered_content(self.flow.gate(gate), plan.dump(), self.events())

    def approved_content(self, gate: str) -> dict[str, Any] | None:
        """The covered sections as they were at the latest approval of ``gate`` (None if never approved)."""
        self.flow.gate(gate)
        last = None
        for e in self.events():
            if e.kind == "sign_off" and e.data.get("gate") == gate and e.data.get("decision") == "approve":
                last = e
        return dict(last.data.get("snapshot", {})) if last else None

    # sign-offs -----------------------------------------------------------------
    def sign_off(
        self,
        gate: str,
        actor: Actor,
        decision: str,
        comment: str = "",
        *,
        expected_hash: str | None = None,
    ) -> Event:
        """Record a decision on a gate, with the hash of the content it judged.

        Args:
            gate: gate name (``scope_approval``).
            actor: who decides; ``verified`` only when a server vouched for it.
            decision: ``approve``, ``request_changes`` or ``reject``.
            comment: required for ``request_changes`` and ``reject``.
            expected_hash: the content hash the signer was shown (``gate_content(gate)["content_hash"]``);
                refused with :class:`ContentChangedError` when the content is no longer that.
        """
        g = self.flow.gate(gate)
        if actor.role is None:
            raise InvalidDecisionError(
                reason=f"Say in which role {actor.name} signs ({', '.join(self.flow.roles)}): "
                f"gate {gate} needs approval from {', '.join(g.roles)}."
            )
        self.flow.check_role(actor.role)
        if decision not in DECISIONS:
            raise InvalidDecisionError(reason=f"Unknown decision {decision!r}; use one of: {', '.join(DECISIONS)}.")
        comment = (comment or "").strip()
        if decision != "approve" and not comment:
            raise InvalidDecisionError(
                reason=f"A comment is required to {decision.replace('_', ' ')}: say what must change (-m TEXT)."
            )
        plan, events = self.plan(), self.events()
        phase = phase_of(events)
        if phase == "cancelled":
            raise InvalidTransitionError(reason="The project is cancelled; nothing can be signed.")
        if phase in WORK_PHASES and self.flow.order(g.phase) > self.flow.order(phase):
            raise InvalidTransitionError(
                reason=f"Gate {gate} closes the {g.phase} phase; the project is in {phase}. "
                f"Sign it once the project reaches {g.phase}."
            )
        self.require_intact()  # never decide on a journal that fails its check
        if decision == "approve" and g.require_review:  # the gate's policy: people judged the current model's outputs
            from .core.reviews import review_condition

            met, why = review_condition(events, gate)
            if not met:
                raise InvalidDecisionError(reason=f"Gate {gate} requires a complete review of the current model's "
                                                  f"outputs before it can be approved: {why}. Reviewers judge the "
                                                  "sample on the review page.")
        content = covered_content(g, plan.dump(), events)
        if expected_hash is not None and expected_hash != content["content_hash"]:
            raise ContentChangedError(gate=gate, expected=expected_hash, current=content["content_hash"])
        data = {
            "gate": gate,
            "decision": decision,
            "comment": comment,
            "content_hash": content["content_hash"],
            "section_hashes": content["section_hashes"],
            "measurements": content["measurements"],
            "snapshot": content["sections"],
            **tracking.approval_binding(self.flow, gate, events, decision),  # the model version approved, if any
        }
        return self._append("sign_off", data, actor)

    # transitions ---------------------------------------------------------------
    def _transition(self, kind: str, data: dict[str, Any], actor: Actor | None) -> Event:
        self.require_intact()
        return self._append(kind, data, actor or default_actor())

    def advance(self, override: str | None = None, *, actor: Actor | None = None) -> Event:
        """Move to the next phase; the current phase's gate must be approved and fresh.

        Args:
            override: a reason to advance anyway; it is journaled with the gate's state.

        Raises:
            GateNotSatisfiedError: the gate is pending, rejected or has changes requested.
            StaleApprovalError: the approval no longer matches the covered sections.
        """
        self.require_intact()  # a broken journal is reported before anything it claims is judged
        status = self.status()
        phase = status.phase
        if phase not in WORK_PHASES:
            raise InvalidTransitionError(
                reason=f"The project is {phase}; advance only moves through scoping, research, development and deployment."
                + (" Use `phasebook reopen` to start maintenance." if phase == "delivered" else "")
            )
        gate = status.gates[self.flow.phase(phase).gate]
        override = (override or "").strip() or None
        if override is None:
            if gate.state == "stale":
                raise StaleApprovalError(phase=phase, gate=gate.name, changed_sections=gate.changed_sections)
            if gate.state != "approved":
                blocking = ""
                if gate.state in ("changes_requested", "rejected"):
                    who = [f"{s.name} ({s.role})" for s in gate.signoffs if s.decision != "approve" and s.fresh]
                    blocking = f"{gate.state.replace('_', ' ')} by {', '.join(who)}"
                raise GateNotSatisfiedError(
                    phase=phase, gate=gate.name, state=gate.state, missing_roles=gate.missing_roles, blocking=blocking
                )
        target = self.flow.next_phase(phase)
        data: dict[str, Any] = {"from": phase, "to": target, "gate": gate.name, "gate_state": gate.state}
        if override:
            data["override"] = override
        return self._transition("deliver" if target == "delivered" else "advance", data, actor)

    def deliver(self, override: str | None = None, *, actor: Actor | None = None) -> Event:
        """Mark the solution delivered (4.4): leaves deployment through its gate."""
        phase = self.status().phase
        if phase != "deployment":
            raise InvalidTransitionError(reason=f"Only a project in deployment can be delivered; this one is in {phase}.")
        return self.advance(override, actor=actor)

    def backtrack(self, phase: str, reason: str, text: str = "", *, actor: Actor | None = None) -> Event:
        """Go back to an earlier phase (``model_failure``, ``approach_failure``, ``goal_change``)."""
        self.flow.phase(phase)
        if reason not in BACKTRACK_REASONS:
            raise InvalidDecisionError(reason=f"Unknown backtrack reason {reason!r}; use one of: {', '.join(BACKTRACK_REASONS)}.")
        current = self.status().phase
        if phase not in WORK_PHASES:
            raise InvalidTransitionError(reason=f"Backtrack goes to a work phase ({', '.join(WORK_PHASES)}), not {phase}.")
        if current == "cancelled":
            raise InvalidTransitionError(reason="The project is cancelled; it cannot move.")
        if current in WORK_PHASES and self.flow.order(phase) >= self.flow.order(current):
            raise InvalidTransitionError(
                reason=f"Backtrack goes to an earlier phase; {phase} is not before {current}."
            )
        return self._transition("backtrack", {"from": current, "to": phase, "reason": reason, "text": text.strip()}, actor)

    def cancel(self, reason: str, *, actor: Actor | None = None) -> Event:
        """End the project, recording why; a decision to make with courage."""
        reason = (reason or "").strip()
        if not reason:
            raise InvalidDecisionError(reason="Say why the project is cancelled (-m TEXT): the record is for whoever asks later.")
        current = self.status().phase
        if current == "cancelled":
            raise InvalidTransitionError(reason="The project is already cancelled.")
        return self._transition("cancel", {"from": current, "to": "cancelled", "reason": reason}, actor)

    def reopen(self, reason: str = "", *, actor: Actor | None = None) -> Event:
        """Start maintenance after delivery (health checks, monitoring-driven work)."""
        current = self.status().phase
        if current != "delivered":
            raise InvalidTransitionError(reason=f"Only a delivered project can be reopened for maintenance; this one is {current}.")
        return self._transition("reopen", {"from": current, "to": "maintenance", "reason": reason.strip()}, actor)

    def decide(self, decision: str, text: str = "", *, actor: Actor | None = None, **data: Any) -> Event:
        """Record a team decision that does not move the phase (e.g. ``iterate`` after a model test)."""
        decision = (decision or "").strip()
        if not decision:
            raise InvalidDecisionError(reason="Name the decision (iterate, ship, …).")
        return self._transition("decision", {"decision": decision, "text": text.strip(), **data}, actor)

    # model tests -----------------------------------------------------------------
    def test_model(
        self,
        values: Mapping[str, Any],
        model: str = "model",
        *,
        segment: str | None = None,
        actor: Actor | None = None,
        details: dict[str, Any] | None = None,
        mlflow: Mapping[str, Any] | None = None,
    ) -> ModelTestResult:
        """Judge measured metric values against the scope's hard metrics and journal a ``model_test``.

        Args:
            values: metric name → measured value.
            model: a label for the model version.
            segment: customer / region key for per-segment tests.
            details: extra facts to journal (dataset sizes, parameters).
            mlflow: the MLflow run the values were read from (:meth:`test_model_from_mlflow`);
                otherwise, when the plan names a tracking store, the test is logged as a new run.
        """
        plan = self.plan()
        scope = plan.sections["scope"]
        try:
            result = judge(scope, dict(values), model=model, segment=segment)
        except ValueError as exc:
            raise InvalidDecisionError(reason=str(exc)) from None
        data = result.model_dump(mode="json")
        data["values"] = {str(k): v for k, v in values.items()}
        data["scope_hash"] = content_hash(scope.model_dump(mode="json"))
        data["plan_hash"] = content_hash(plan.dump())
        if details:
            data["details"] = details
        link = dict(mlflow) if mlflow is not None else tracking.log_model_test(self, data, plan)
        if link:
            data["mlflow"] = link
        self.record("model_test", data, actor)
        return result

    def test_model_from_mlflow(
        self, run_id: str, *, model_version: str | None = None, model: str | None = None, actor: Actor | None = None,
    ) -> ModelTestResult:
        """Judge an MLflow run's logged metrics against the scope's hard metrics; journal the ``model_test``.

        Args:
            run_id: the MLflow run (trained anywhere, logged to the plan's tracking store).
            model_version: ``NAME/VERSION`` of the registered model made from the run; a
                KPI check approval of this test binds that version.
            model: a label for the test (default: the model version or the run's name).
        """
        return tracking.model_test_from_run(self, run_id, model_version=model_version, model=model, actor=actor)

    # review samples and judgements (steps 3.4 / 4.3; reviewing.py, core/reviews.py) ---------------
    def review_sample(
        self, model: str | None = None, items: Any = None, *, size: int | None = None, strata: Any = None,
        seed: int = 0, columns: list[str] | tuple[str, ...] = (), output: Any = "score", id_column: str | None = None,
        gate: str = "kpi_check", margin: float = 0.10, confidence: float = 0.95,
        questions: Mapping[str, str] | None = None, description: str = "", source: str = "model_test",
        actor: Actor | None = None,
    ) -> dict[str, Any]:
        """Draw a seeded (optionally stratified) sample of real outputs for people to judge; journal ``review_sample``.

        Args:
            model: the tested model whose outputs ``items`` holds (its latest ``model_test`` is bound).
            items: a DataFrame of outputs: an id, input columns, the model's ``output`` column(s).
            size: items to draw; default :func:`~phasebook.core.reviews.sample_size` for ``±margin`` at ``confidence``.
            strata: column(s) to stratify by (proportional allocation).
            columns: the input columns reviewers see (only those: never the whole row).
            gate: ``kpi_check`` (3.4) or ``post_deployment_kpi_check`` (4.3, ``source="production"``).
            questions: soft metric → the question asked (default: each soft metric's definition).

        Returns:
            The journaled data (``sample_id``, ``path``, ``file_hash``, ``size``, how it was drawn…);
            the same draw again returns the sample already journaled.
        """
        from .reviewing import prepare_sample

        data, new = prepare_sample(self, model, items, size=size, strata=strata, seed=seed, columns=columns,
                                   output=output, id_column=id_column, gate=gate, margin=margin, confidence=confidence,
                                   questions=questions, description=description, source=source)
        if new:
            self._append("review_sample", data, actor or default_actor())
        return data

    def review_items(self, sample_id: str) -> dict[str, Any]:
        """The sample file of ``sample_id``, checked against its journaled hash (see store/reviews.py)."""
        from .reviewing import sample_items

        return sample_items(self, sample_id)

    def judge(self, sample_id: str, item: str, metric: str, answer: str, note: str = "", *, actor: Actor) -> Event:
        """Record one reviewer's judgement of one sampled output on one soft metric; journal ``review_judgement``.

        Raises:
            InvalidDecisionError: an unknown item, metric or answer, or a note over 2,000 characters.
        """
        from .reviewing import prepare_judgement

        data = prepare_judgement(self, sample_id, item, metric, answer, note, actor)
        self.require_intact(plan=False)
        return self._append("review_judgement", data, actor)

    def review_state(self, gate: str = "kpi_check") -> dict[str, Any] | None:
        """The latest review of ``gate``: soft metrics measured, complete or not, of the current model or older."""
        from .core.reviews import review_state

        self.flow.gate(gate)
        return review_state(self.events(), gate)

    # --- data engine (issue 3) ---
    def data_source(self, name: str):
        """The plan's data source called ``name``.

        Raises:
            UnknownDataSourceError: the plan has no such source.
        """
        from .core.errors import UnknownDataSourceError

        sources = self.section("data_sources").items
        for s in sources:
            if s.name == name:
                return s
        raise UnknownDataSourceError(name=name, known=[s.name for s in sources])

    def check_source(self, name: str, *, actor: Actor | None = None):
        """Step 1.3: check a data source is reachable; journal a ``data_check`` and return the :class:`SourceCheck`."""
        from .data.sources import check

        result = check(self.data_source(name), self.root)
        self.record("data_check", {"source": name, **result.model_dump(mode="json", exclude={"name"})}, actor)
        return result

    def profile(self, name_or_path: Any, target: str | None = None):
        """Profile a data source (or a path, or a DataFrame); the source's label column is the default target."""
        from .data.profile import profile

        if target is None and isinstance(name_or_path, str):
            src = next((s for s in self.section("data_sources").items if s.name == name_or_path), None)
            if src is not None and src.label_column:
                target = src.label_column
        return profile(name_or_path, target=target, project=self)

    def _relative(self, value: Any) -> Any:
        """A path inside the project as the journal keeps it: relative to the root (the project moves between machines)."""
        if isinstance(value, (str, os.PathLike)) and "://" not in str(value) and Path(value).is_absolute():
            try:
                return Path(value).resolve().relative_to(self.root).as_posix()
            except ValueError:
                return str(value)
        return value

    def check_drift(
        self, reference: Any = None, current: Any = None, *, columns: list[str] | None = None,
        actor: Actor | None = None,
    ):
        """Compare current with reference data (defaults and thresholds from ``monitoring``); journal ``drift_check``."""
        from .core.errors import BadInputError
        from .data.drift import drift

        mon = self.section("monitoring")
        reference = mon.reference_data.strip() if reference is None else self._relative(reference)
        current = mon.current_data.strip() if current is None else self._relative(current)
        if not (isinstance(reference, str) and reference) and not hasattr(reference, "columns"):
            raise BadInputError(message="Name the reference data: an argument, or monitoring.reference_data in the plan.")
        if not (isinstance(current, str) and current) and not hasattr(current, "columns"):
            raise BadInputError(message="Name the current data: an argument, or monitoring.current_data in the plan.")
        report = drift(reference, current, thresholds=mon.drift_thresholds, columns=columns or mon.columns or None,
                       project=self)
        self.record("drift_check", report.event_data(), actor)
        return report
    # --- end data engine ---
