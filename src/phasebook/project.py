"""The :class:`Project` facade: the one API every surface calls.

The CLI, the forms, the dashboards, the server extension and the notebooks
all go through :class:`Project`; none of them re-implements a rule. A project
is a folder holding ``phasebook.yaml`` (the plan) and ``journal.jsonl`` (the
events); its status is derived from both on demand.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path
from typing import Any, Mapping

from .core.errors import (
    ConditionNotMetError,
    ContentChangedError,
    InvalidDecisionError,
    PlanValidationError,
    ProjectExistsError,
    ProjectNotFoundError,
    SignerNotAllowedError,
    UnknownSectionError,
)
from .core.events import DECISIONS, Actor, Event, utc_now
from .core.flow import DEFAULT_FLOW_VERSION, Flow, default_flow, flow_hash, policy_of
from .core.gates import check_conditions, covered_content, delegation_for
from .core.kpis import ModelTestResult, judge
from .core.pinning import flow_pin, pinned_flow
from .core.sections import SECTION_MODELS, Section
from .core.status import ProjectStatus, fold, phase_of
from .core.hashing import content_hash
from .core.scopecheck import scope_errors
from .core import transitions
from .store.flowfile import resolve_flow
from .store.journal import JOURNAL_FILE, Journal, VerifyReport
from .store import integrity as _integrity
from .store.outbox import OutboxJournal, outbox_for
from .store.plan import PLAN_FILE, PlanDocument, PlanStore, dump_yaml, parse_yaml, validate_section
from .store.guard import lock_to_signoffs, locked
from .store.yaml import read_yaml_file
from . import tracking
from . import findings_ops as _findings
from .store import bundle as record_data  # re-exported: the exported record's data, for surfaces (issue 17)
from .core.findings import FINDING_KINDS, Finding, fold_findings

__all__ = ["Project", "default_actor", "workbook_templates", "dump_yaml", "parse_yaml", "read_yaml_file", "validate_section",
           "lock_to_signoffs", "locked", "record_data"]
# Re-exported for surfaces (cli, widgets, dashboards, server), which import the facade, never ``store``:
# the plan's text format with its parser limits, section validation, the viewer-kernel write lock, and the
# exported record's data layer (issue 17).

#: Event kinds only Project's own methods may journal (kind → method).
DECISION_KINDS = {
    "project_created": "new", "section_saved": "save_section", "sign_off": "sign_off", "advance": "advance",
    "backtrack": "backtrack", "cancel": "cancel", "deliver": "deliver", "reopen": "reopen", "decision": "decide",
    "flow_changed": "pin_flow", "delegation": "delegate",
    **{k: "raise_finding / resolve_finding / accept_finding / reopen_finding" for k in FINDING_KINDS},
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
        name = self.plan_store.load().flow_version
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
        from .store.flowfile import load_flow_file

        return load_flow_file(path)

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
                project.flow  # an unknown or invalid flow file is reported here
                project.events()
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
        name = self.plan_store.load().flow_version if self.plan_path.is_file() else ""
        candidate = self.root / name if name else None
        return candidate if candidate is not None and candidate.is_file() else None

    def use_flow(self, name: str, *, actor: Actor | None = None) -> Event | None:
        """Follow another flow: a shipped version or a flow file in the project (``flow.yaml``).

        The flow is validated first (nothing is written if it is invalid); the
        change is journaled (``flow_changed``, naming the gates whose policy
        changed), and exactly those gates' approvals go stale.
        """
        from .store.flowfile import resolve_flow

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

    # integrity (store/integrity.py) ----------------------------------------------
    def _append(self, kind: str, data: dict[str, Any], actor: Actor) -> Event:
        """Append through the journal; a verified entry is signed with the serving side's key.

        Then the MLflow registry follows (tracking/sync.py: a no-op unless the plan names a store).
        """
        if actor.verified and self.journal.signer is None:
            self.journal.signer = _integrity.signer_for(self.root)
        event = self.journal.append(kind, data, actor)
        tracking.after_event(self, event)
        from .notify import after_event as notify_after  # a no-op without notifications.yaml

        notify_after(self, event)
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

    # git: anchors and journal merges (store/gitrepo.py, store/merge.py), for the surfaces
    def anchor(self):
        """Record the journal's head in a git commit (with the plan and key file it agrees with); return the anchor."""
        from .store.gitrepo import anchor_journal
        from .store.signing import KEYS_FILE

        self.require_intact()  # anchor only a journal that verifies (an empty one does not), with the plan agreeing
        events = self.events()
        head = events[-1]
        return anchor_journal(self.journal_path, len(events), head.seq, head.hash,
                              with_files=(self.plan_path, self.root / KEYS_FILE))

    def git_setup(self) -> tuple[Path, bool]:
        """Register the journal merge driver; return the repository's top folder and whether .gitattributes changed."""
        from .store.gitrepo import register_driver, write_gitattributes

        return register_driver(self.root), write_gitattributes(self.root)

    def resolve_journal_merge(self) -> VerifyReport:
        """Rebuild a conflicted journal from both sides of the unfinished git merge, stage it, and verify."""
        from .store.gitrepo import add_path, index_stage
        from .store.merge import merge_journals

        path = self.journal_path
        path.write_bytes(merge_journals(index_stage(path, 1), index_stage(path, 2), index_stage(path, 3)))
        add_path(path)
        return self.verify()

    @staticmethod
    def merge_journal_bytes(base: bytes, ours: bytes, theirs: bytes) -> bytes:
        """Merge three versions of a journal entry by entry (what git's merge driver runs)."""
        from .store.merge import merge_journals

        return merge_journals(base, ours, theirs)

    def ensure_signing_key(self) -> str:
        """Create the serving side's key if needed and record its public half in the project; return its id."""
        return _integrity.signer_for(self.root).id

    # status --------------------------------------------------------------------
    def status(self) -> ProjectStatus:
        """The project's status, folded from the plan and the journal."""
        plan = self.plan()
        events = self.events()
        status = fold(plan.name, self.flow, plan.dump(), events)
        for g in status.gates.values():
            if g.state == "lapsed":  # the notification hook (issue 18)
                found = fold_findings(events)
                _findings.notify_lapsed(self, g.name, [found[i] for i in g.lapsed_conditions])
        return status

    @property
    def phase(self) -> str:
        return phase_of(self.events(), self.flow)

    def gate_content(self, gate: str) -> dict[str, Any]:
        """What a sign-off of ``gate`` would approve now (sections, hashes, measurements)."""
        plan = self.plan()
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
            unmet = [c for c in check_conditions(g, events) if not c.met]
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
        if acknowledged:
            data["acknowledged"] = acknowledged
        if grant is not None and actor.role == grant.data["role"]:
            data["delegated_by"] = grant.seq
        if conds:
            data["conditional_on"] = conds
        return self._append("sign_off", data, actor)

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

    # findings (core/findings.py, findings_ops.py) ----------------------------------
    def raise_finding(self, gate: str, what: str, *, severity: str = "blocking", owner: str = "", due: Any = None,
                      evidence: str = "", actor: Actor | None = None) -> Event:
        """Raise a finding against ``gate``; its id is the returned entry's ``seq``.

        Args:
            what: what must be fixed.
            severity: ``blocking`` (the gate cannot be approved while it is open) or ``non_blocking``.
            owner: the role or person who resolves it.
            due: a date (``2026-12-31``, end of day UTC) or ISO time; needed to make it a condition.
            evidence: what shows the problem (a link, a check's entry); monitoring passes its alert here.
            actor: who raises it; pass ``Actor.system()`` for automated checks.
        """
        return _findings.raise_finding(self, gate, what, severity=severity, owner=owner, due=due, evidence=evidence,
                                       actor=actor or default_actor())

    def resolve_finding(self, finding: int, note: str, *, evidence: str = "", actor: Actor | None = None) -> Event:
        """The owner resolves an open finding with a note and an optional evidence link."""
        return _findings.step_finding(self, "resolve", finding, note=note, evidence=evidence, actor=actor or default_actor())

    def accept_finding(self, finding: int, note: str = "", *, actor: Actor | None = None) -> Event:
        """A reviewer accepts a resolved finding (it no longer blocks, nor lapses an approval)."""
        return _findings.step_finding(self, "accept", finding, note=note, actor=actor or default_actor())

    def reopen_finding(self, finding: int, note: str, *, actor: Actor | None = None) -> Event:
        """A reviewer reopens a resolved or accepted finding, saying why."""
        return _findings.step_finding(self, "reopen", finding, note=note, actor=actor or default_actor())

    def due_times_passed(self) -> int:
        """How many findings' due times have passed: a state that changes with the clock alone (for caches).

        The due times are read once per journal version (size and mtime), so a poll costs a ``stat``.
        """
        return _findings.due_times_passed_cached(self, dt.datetime.now(dt.timezone.utc))

    def findings(self, gate: str | None = None) -> list[Finding]:
        """The findings (of ``gate``, or all), oldest first."""
        if gate is not None:
            self.flow.gate(gate)
        return [f for f in fold_findings(self.events()).values() if gate is None or f.gate == gate]

    # transitions ---------------------------------------------------------------
    def _transition(self, planned: tuple[str, dict[str, Any]], actor: Actor | None) -> Event:
        kind, data = planned
        self.require_intact()
        self.pin_flow(actor)
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
        return self._transition(transitions.plan_advance(self.flow, status.phase, status.gates, override), actor)

    def deliver(self, override: str | None = None, *, actor: Actor | None = None) -> Event:
        """Mark the solution delivered: leaves the last work phase through its gate."""
        phase = self.phase
        last = self.flow.work_phases[-1]
        if phase != last:
            from .core.errors import InvalidTransitionError

            raise InvalidTransitionError(reason=f"Only a project in {last} can be delivered; this one is in {phase}.")
        return self.advance(override, actor=actor)

    def backtrack(self, phase: str, reason: str, text: str = "", *, actor: Actor | None = None) -> Event:
        """Go back to an earlier work phase (``model_failure``, ``approach_failure``, ``goal_change``)."""
        return self._transition(transitions.plan_backtrack(self.flow, self.phase, phase, reason, text), actor)

    def cancel(self, reason: str, *, actor: Actor | None = None) -> Event:
        """End the project, recording why; a decision to make with courage."""
        return self._transition(transitions.plan_cancel(self.flow, self.phase, reason), actor)

    def reopen(self, reason: str = "", *, actor: Actor | None = None) -> Event:
        """Start maintenance after delivery (health checks, monitoring-driven work)."""
        return self._transition(transitions.plan_reopen(self.flow, self.phase, reason), actor)

    def decide(self, decision: str, text: str = "", *, actor: Actor | None = None, **data: Any) -> Event:
        """Record a team decision that does not move the phase (e.g. ``iterate`` after a model test)."""
        decision = (decision or "").strip()
        if not decision:
            raise InvalidDecisionError(reason="Name the decision (iterate, ship, …).")
        return self._transition(("decision", {"decision": decision, "text": text.strip(), **data}), actor)

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
        data["training"] = plan.sections["data_sources"].training  # what the numbers were measured on
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
        gate: str | None = None, margin: float = 0.10, confidence: float = 0.95,
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
            gate: a gate where people judge outputs (``core.reviews.review_gates``); default the first
                (3.4 in the default flow; 4.3 with ``source="production"``).
            questions: soft metric → the question asked (default: each soft metric's definition).

        Returns:
            The journaled data (``sample_id``, ``path``, ``file_hash``, ``size``, how it was drawn…);
            the same draw again returns the sample already journaled.
        """
        from .core.reviews import review_gates
        from .reviewing import prepare_sample

        gate = gate or review_gates(self.flow)[0]
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

    def review_state(self, gate: str | None = None) -> dict[str, Any] | None:
        """The latest review of ``gate``: soft metrics measured, complete or not, of the current model or older."""
        from .core.reviews import review_gates, review_state

        gate = gate or review_gates(self.flow)[0]  # default: the first gate where people judge outputs (3.4)
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
        """Profile a data source (or a path, or a DataFrame); the source's label column is the default target ('' for none)."""
        from .data.profile import profile

        if target == "":
            return profile(name_or_path, target=None, project=self)

        if target is None and isinstance(name_or_path, str):
            src = next((s for s in self.section("data_sources").items if s.name == name_or_path), None)
            if src is not None and src.label_column:
                target = src.label_column
        return profile(name_or_path, target=target, project=self)

    def scope_feasibility(self, scope: Any = None) -> list[Any]:
        """Notes on hard targets the declared training data cannot reach or measure tightly (see core.feasibility).

        Reads the label of the default training source; a source that cannot
        be read yet (no access, no label) gives no notes rather than an error.
        """
        from .core.errors import PhasebookError
        from .core.feasibility import check_feasibility
        from .data.labels import source_label, training_source_of

        scope = scope if scope is not None else self.section("scope")
        source = training_source_of(self.section("data_sources"))
        if source is None or not source.uri:
            return []
        try:
            spec = source_label(self, source, two_class=True)
        except (PhasebookError, OSError):
            return []
        return check_feasibility(scope, base_rate=spec.base_rate, rows=spec.rows) if spec else []

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
        actor: Actor | None = None, record: bool = True, snapshot_of: str | None = None,
    ):
        """Compare current with reference data (defaults and thresholds from ``monitoring``); journal ``drift_check``.

        The label columns of the plan's sources are left out (production data
        does not know them yet) unless named in ``columns``; ``record=False``
        compares without journaling (an exploration). The event keeps the pair
        compared, so the monitoring page shows only checks of the plan's pair;
        ``snapshot_of`` names the source a frozen reference snapshot was taken of
        (the pair then records that source, and the snapshot beside it).
        """
        from .core.errors import MissingInputError
        from .data.drift import drift

        mon = self.section("monitoring")
        reference = mon.reference_data.strip() if reference is None else self._relative(reference)
        current = mon.current_data.strip() if current is None else self._relative(current)
        if not (isinstance(reference, str) and reference) and not hasattr(reference, "columns"):
            raise MissingInputError(what="the reference data", where="an argument, or monitoring.reference_data in the plan")
        if not (isinstance(current, str) and current) and not hasattr(current, "columns"):
            raise MissingInputError(what="the current data", where="an argument, or monitoring.current_data in the plan")
        labels = [s.label_column for s in self.section("data_sources").items if s.label_column]
        report = drift(reference, current, thresholds=mon.drift_thresholds, columns=columns or mon.columns or None,
                       project=self, exclude=labels)
        if record:
            pair = {"reference": str(reference), "current": str(current)} if isinstance(reference, str) and isinstance(current, str) else {}
            if pair and snapshot_of:
                pair = {**pair, "reference": str(snapshot_of), "snapshot": pair["reference"]}
            self.record("drift_check", {**report.event_data(), **({"pair": pair} if pair else {})}, actor)
        return report
    # --- end data engine ---
