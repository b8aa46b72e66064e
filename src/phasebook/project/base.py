"""The project on disk: creating, opening, the flow it follows, the plan and the journal, and its status.

One part of the :class:`~phasebook.project.Project` facade (see ``project/__init__.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Self

from ..core.errors import (
    InvalidDecisionError,
    PlanValidationError,
    ProjectExistsError,
    ProjectNotFoundError,
    UnknownSectionError,
)
from ..core.events import Actor, Event
from ..core.flow import DEFAULT_FLOW_VERSION, Flow, default_flow
from ..core.pinning import flow_pin
from ..core.sections import SECTION_MODELS, Section
from ..core.status import ProjectStatus, fold, phase_of
from ..core.hashing import content_hash
from ..core.scopecheck import scope_errors
from ..store.flowfile import resolve_flow
from ..store.journal import JOURNAL_FILE, Journal
from ..store import integrity as _integrity
from ..store.outbox import OutboxJournal, outbox_for
from ..store.plan import PLAN_FILE, PlanDocument, PlanStore, validate_section
from ..store.statuscache import StatusCache, cached_fold
from .. import tracking
from . import _findings
from ..core.findings import FINDING_KINDS, fold_findings


DECISION_KINDS = {
    "project_created": "new", "section_saved": "save_section", "sign_off": "sign_off", "advance": "advance",
    "backtrack": "backtrack", "cancel": "cancel", "deliver": "deliver", "reopen": "reopen", "decision": "decide",
    "flow_changed": "pin_flow", "delegation": "delegate",
    **{k: "raise_finding / resolve_finding / accept_finding / reopen_finding" for k in FINDING_KINDS},
    "review_sample": "review_sample", "review_judgement": "judge",
}
GITIGNORE = "# phasebook: executed notebooks and local state\nruns/\n.phasebook/\n.ipynb_checkpoints/\n"


def default_actor(role: str | None = None) -> Actor:
    """The unverified local user (``$PHASEBOOK_USER`` or the login name): :meth:`Actor.local`."""
    return Actor.local(role)


def workbook_templates() -> Path | None:
    """The folder of template notebooks shipped with phasebook (None if absent)."""
    here = Path(__file__).resolve().parent.parent  # the phasebook package
    for candidate in (here / "workbooks", here.parent.parent / "workbooks"):
        if (candidate / "01_scoping.ipynb").exists():
            return candidate
    return None


class ProjectBase:
    """The project's folder: creating and opening it, its flow, plan and journal, and its status."""

    def __init__(self, root: Path, *, flow: Flow | None = None) -> None:
        self.root = Path(root).resolve()
        self._fixed_flow = flow
        self._flow_cache: tuple[Any, Flow] | None = None
        self.plan_store = PlanStore(self.root)
        self.journal = Journal(self.root)
        self.kept_files: list[str] = []  # set by new(): files of the folder it left as they were
        outbox = outbox_for(self.root)  # a grid row's kernel: events go to the row's outbox (store/outbox.py)
        if outbox is not None:
            self.journal = OutboxJournal(self.root, outbox)

    @property
    def flow(self) -> Flow:
        """The flow this project follows: ``flow:`` in the plan (a shipped version or a flow file).

        Raises:
            UnknownFlowError: the plan names neither a shipped flow nor a file in the project.
            FlowInvalidError: the flow file is not a valid flow (each field path named).
        """
        if self._fixed_flow is not None:
            return self._fixed_flow
        if not self.plan_path.is_file():
            return default_flow()
        name = self.plan_store.current().flow_version
        key: Any = name
        candidate = self.root / name if name else None
        if candidate is not None and candidate.is_file():
            st = candidate.stat()
            key = (name, st.st_mtime_ns, st.st_size)
        if self._flow_cache is None or self._flow_cache[0] != key:
            self._flow_cache = (key, resolve_flow(self.root, name))
        return self._flow_cache[1]

    @staticmethod
    def load_flow(path: str | os.PathLike) -> Flow:
        """Read and validate a flow file (YAML or JSON) without opening a project.

        Raises:
            FlowInvalidError: naming each field path that is wrong.
        """
        from ..store.flowfile import load_flow_file

        return load_flow_file(path)

    # creating and opening ----------------------------------------------------
    @classmethod
    def new(cls, path: str | os.PathLike, name: str | None = None, *, actor: Actor | None = None) -> Self:
        """Create a project folder: plan, journal, workbooks, data/, runs/ and .gitignore.

        Files the folder already holds are never replaced: a template notebook
        whose name exists is left alone (listed in ``project.kept_files``) and
        phasebook's lines are added to an existing ``.gitignore``.

        Raises:
            ProjectExistsError: the folder already holds a ``phasebook.yaml``
                (or a ``journal.jsonl``: a journal is never appended to by ``new``).
        """
        from ..store.scaffold import copy_missing, merge_lines

        root = Path(path).resolve()
        if (root / PLAN_FILE).exists():
            raise ProjectExistsError(path=str(root))
        if (root / JOURNAL_FILE).exists():
            raise ProjectExistsError(path=str(root), journal=JOURNAL_FILE)
        root.mkdir(parents=True, exist_ok=True)
        project = cls(root)
        name = name or root.name
        project.plan_store.create(name, DEFAULT_FLOW_VERSION,
                                  titles={k: project.flow.section_title(k) for k in SECTION_MODELS})
        for sub in ("data", "runs", "workbooks"):
            (root / sub).mkdir(exist_ok=True)
        merge_lines(root / ".gitignore", GITIGNORE)
        _integrity.prepare_git(root)  # .gitattributes; the journal merge driver when inside a repository
        templates = workbook_templates()
        project.kept_files = copy_missing(templates, root / "workbooks", root=root) if templates is not None else []
        project.journal.append("project_created", {"name": name, "flow": project.flow.version, **flow_pin(project.flow)},
                               actor or default_actor())
        return project

    @classmethod
    def open(cls, path: str | os.PathLike = ".") -> Self:
        """Open the project at ``path`` or the nearest folder above it holding ``phasebook.yaml``.

        The plan is validated and the journal read, so a damaged file is
        reported here (with what to do), not later.
        """
        start = Path(path).resolve()
        for candidate in (start, *start.parents):
            if (candidate / PLAN_FILE).is_file():
                project = cls(candidate)
                project.plan()
                project.flow  # an unknown or invalid flow file is reported here
                if isinstance(project.journal, OutboxJournal) or not StatusCache(
                        project.root, project.journal_path).can_answer(project.journal):
                    project.events()  # parsed whole unless these bytes, or all but new lines, were folded before
                return project
        raise ProjectNotFoundError(path=str(start))

    @staticmethod
    def find(path: str | os.PathLike = ".") -> Path | None:
        """The project root at or above ``path`` without opening it (None if there is none)."""
        start = Path(path).resolve()
        return next((c for c in (start, *start.parents) if (c / PLAN_FILE).is_file()), None)

    @property
    def flow_file(self) -> Path | None:
        """The flow file the plan names (None when the project follows a shipped flow)."""
        name = self.plan_store.current().flow_version if self.plan_path.is_file() else ""
        candidate = self.root / name if name else None
        return candidate if candidate is not None and candidate.is_file() else None

    def use_flow(self, name: str, *, actor: Actor | None = None) -> Event | None:
        """Follow another flow: a shipped version or a flow file in the project (``flow.yaml``).

        The flow is validated first (nothing is written if it is invalid); the
        change is journaled (``flow_changed``, naming the gates whose policy
        changed), and exactly those gates' approvals go stale.
        """
        from ..store.flowfile import resolve_flow

        resolve_flow(self.root, name)  # raises UnknownFlowError / FlowInvalidError
        self.require_intact(plan=False)
        self.pin_flow(actor)  # a change of the file itself, made before this switch
        self.plan_store.set_flow(name)
        return self.pin_flow(actor)

    # plan ----------------------------------------------------------------------
    @property
    def plan_path(self) -> Path:
        return self.root / PLAN_FILE

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL_FILE

    @property
    def name(self) -> str:
        return self.plan_store.current().name

    def plan(self) -> PlanDocument:
        """Load and validate the plan from disk."""
        return self.plan_store.load()

    def section(self, name: str) -> Section:
        """One section's validated model (defaults when the plan leaves it empty)."""
        if name not in SECTION_MODELS:
            raise UnknownSectionError(name=name, known=list(SECTION_MODELS))
        return self.plan_store.current().sections[name].model_copy(deep=True)  # a copy of this section alone

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
        if name == "scope" and (errors := scope_errors(section)):  # type: ignore[arg-type]
            raise PlanValidationError(file=str(self.plan_path), errors=errors)
        before = self.plan()
        old_hash = content_hash(before.sections[name].model_dump(mode="json"))
        new_hash = content_hash(section.model_dump(mode="json"))
        if old_hash == new_hash and name in before.raw and expected_digest in (None, before.digest):
            return before
        self.journal.check_appendable()  # a torn journal must be repaired before anything is written
        self.require_intact(plan=False)  # never write after a broken entry
        self.pin_flow(actor)
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

    def repair_journal(self):
        """Move a torn last line of the journal aside into ``.phasebook/`` (returns where it went, or None)."""
        return self.journal.repair()

    def _append(self, kind: str, data: dict[str, Any], actor: Actor) -> Event:
        """Append through the journal; a verified entry is signed with the serving side's key.

        Then the MLflow registry follows (tracking/sync.py: a no-op unless the plan names a store).
        """
        if actor.verified and self.journal.signer is None:
            self.journal.signer = _integrity.signer_for(self.root)
        event = self.journal.append(kind, data, actor)
        tracking.after_event(self, event)
        from ..notify import after_event as notify_after  # a no-op without notifications.yaml

        notify_after(self, event)
        return event

    # status --------------------------------------------------------------------
    def status(self) -> ProjectStatus:
        """The project's status, folded from the plan and the journal."""
        plan = self.plan_store.current()  # read only: dumped
        if isinstance(self.journal, OutboxJournal):  # a grid row's kernel: the row's pending events too
            status = fold(plan.name, self.flow, plan.dump(), self.events())
        else:  # cached under .phasebook/ by the journal's bytes, the plan, the flow and the code (store/statuscache.py)
            status = cached_fold(self.journal, plan.name, self.flow, plan.dump())
        for g in status.gates.values():
            if g.state == "lapsed":  # the notification hook (issue 18)
                found = fold_findings(self.events())
                _findings.notify_lapsed(self, g.name, [found[i] for i in g.lapsed_conditions])
        return status

    @property
    def phase(self) -> str:
        return phase_of(self.events(), self.flow)
