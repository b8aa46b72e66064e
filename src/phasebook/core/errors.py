"""One exception tree for phasebook.

Every error is named after the condition, carries its facts as keyword
fields (``err.fields``) and has a message that says what to do next. Errors
pickle (they cross process pools and Dask workers) and carry a surface-neutral
``category``; the surfaces map it at their edge, in one table each
(``phasebook.cli.exits`` to exit codes, ``phasebook.server.base`` to HTTP
statuses):

* ``bad_input`` (:class:`BadInputError`) — the user gave something wrong.
* ``not_found`` (:class:`NotFoundError`) — a named thing does not exist.
* ``conflict`` (:class:`ConflictError`) — the request is valid but the
  project's state refuses it (a gate not approved, a stale approval, a plan
  changed on disk).
* ``integrity`` (:class:`IntegrityError`) — a file on disk is damaged.
* ``failed`` — something that ran failed (a notebook, rows of a grid, git).
* ``refused`` — the caller may not do this here (a viewer's read-only page).

Messages never speak one surface's language (no command-line flags or
commands): the CLI adds its own hint per field (``needs``) or per ``code``.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from .hashing import jsonable

__all__ = [
    "PhasebookError",
    "BadInputError",
    "NotFoundError",
    "ConflictError",
    "IntegrityError",
    "FailedError",
    "RefusedError",
    "CATEGORIES",
    "PlanSyntaxError",
    "PlanValidationError",
    "SchemaVersionError",
    "UnknownSectionError",
    "UnknownGateError",
    "UnknownRoleError",
    "UnknownPhaseError",
    "InvalidDecisionError",
    "ProjectNotFoundError",
    "ProjectExistsError",
    "GateNotSatisfiedError",
    "StaleApprovalError",
    "InvalidTransitionError",
    "PlanChangedOnDiskError",
    "JournalCorruptError",
    "JournalTornError",
    "WorkbookExecutionError",
    "UnknownWorkbookError",
    "UnknownParameterError",
    "UnknownMetricError",
    "FlowInvalidError",
    "UnknownFlowError",
    "ConditionNotMetError",
    "SignerNotAllowedError",
    "GridFileError",
    "ExecutorUnavailableError",
    "MissingInputError",
]


class PhasebookError(Exception):
    """Base of every phasebook error.

    Subclasses set ``code`` (a stable snake_case identifier used by the
    server's ``{code, message}`` bodies) and ``category`` (one of
    :data:`CATEGORIES`, mapped to exit codes and HTTP statuses at the edges),
    and build their message from keyword fields in :meth:`describe`.
    """

    code: ClassVar[str] = "phasebook_error"
    category: ClassVar[str] = "failed"
    #: the message as a ``str.format`` template over the fields (subclasses with one-line messages)
    template: ClassVar[str] = ""

    def __init__(self, message: str | None = None, **fields: Any) -> None:
        self.fields = dict(fields)
        if message is not None:
            self.fields["message"] = message
        self.message = self.fields.get("message") or self.describe()
        super().__init__(self.message)

    def describe(self) -> str:
        """Return the message built from the fields (``template``, or subclasses override)."""
        if self.template:
            try:
                return self.template.format(**self.fields)
            except (KeyError, IndexError, ValueError):
                pass
        return self.__class__.__name__

    def __reduce__(self):  # keep fields across pickling
        return (functools.partial(type(self), **self.fields), ())

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON body the server and ``--json`` outputs use."""
        extra = {k: v for k, v in self.fields.items() if k != "message"}
        return {"code": self.code, "message": self.message, "details": _jsonable(extra)}


def _jsonable(value: Any) -> Any:
    return jsonable(value, unknown=str)


#: every category an error can have; each surface maps all of them (tests/core/test_error_categories.py)
CATEGORIES = ("bad_input", "not_found", "conflict", "integrity", "failed", "refused")


class BadInputError(PhasebookError):
    code = "bad_input"
    category = "bad_input"


class NotFoundError(PhasebookError):
    code = "not_found"
    category = "not_found"


class ConflictError(PhasebookError):
    code = "conflict"
    category = "conflict"


class IntegrityError(PhasebookError):
    code = "integrity"
    category = "integrity"


class FailedError(PhasebookError):
    """Something that ran failed (a notebook, rows of a grid, an external command)."""

    code = "failed"
    category = "failed"


class RefusedError(PhasebookError):
    """The caller may not do this from where they are (a read-only page)."""

    code = "refused"
    category = "refused"


def _choices(values) -> str:
    return ", ".join(sorted(values))


class PlanSyntaxError(BadInputError):
    """The plan (or a YAML file given to ``set``) is not valid YAML."""

    code = "plan_syntax"

    def describe(self) -> str:
        f = self.fields
        where = str(f.get("file"))
        if f.get("line") is not None:
            where += f", line {f.get('line')}" + (f", column {f['column']}" if f.get("column") is not None else "")
        if f.get("limit"):  # a parser limit (size, depth, aliases, number length): the problem says what to do
            return f"{where}: the YAML is refused: {f.get('problem')}."
        return (
            f"{where}: the YAML cannot be read ({f.get('problem')}). "
            "Fix the syntax at that position (indentation, a missing ':' or an unclosed quote) and try again."
        )


class PlanValidationError(BadInputError):
    """Section content does not match its schema.

    Fields: ``file`` (or None), ``errors`` — a list of ``{path, message}``
    where ``path`` is a dotted field path such as ``scope.kpis.0.metrics.1.target``.
    """

    code = "plan_invalid"

    def describe(self) -> str:
        f = self.fields
        lines = [f"- {e['path']}: {e['message']}" for e in f.get("errors", [])]
        where = f"{f['file']}: " if f.get("file") else ""
        return (
            f"{where}{len(lines)} invalid field{'s' if len(lines) != 1 else ''}:\n"
            + "\n".join(lines)
            + "\nCorrect these fields and save again; nothing was written."
        )


class SchemaVersionError(BadInputError):
    code = "schema_version"

    def describe(self) -> str:
        f = self.fields
        if f["found"] > f["supported"]:
            return (
                f"{f['file']} has schema_version {f['found']}, newer than this phasebook "
                f"understands ({f['supported']}). Upgrade phasebook: pip install -U phasebook."
            )
        return (
            f"{f['file']} has schema_version {f['found']}, which this phasebook cannot upgrade "
            f"(oldest supported: {f.get('oldest', 1)}). Upgrade it with an older phasebook first."
        )


class UnknownSectionError(BadInputError):
    code = "unknown_section"

    def describe(self) -> str:
        return f"Unknown plan section {self.fields['name']!r}. Known sections: {_choices(self.fields['known'])}."


class UnknownGateError(BadInputError):
    code = "unknown_gate"

    def describe(self) -> str:
        return f"Unknown gate {self.fields['name']!r}. Gates: {_choices(self.fields['known'])}."


class UnknownRoleError(BadInputError):
    code = "unknown_role"

    def describe(self) -> str:
        return f"Unknown role {self.fields['name']!r}. Roles: {_choices(self.fields['known'])}."


class UnknownPhaseError(BadInputError):
    code = "unknown_phase"

    def describe(self) -> str:
        return f"Unknown phase {self.fields['name']!r}. Phases: {', '.join(self.fields['known'])}."


class InvalidDecisionError(BadInputError):
    code = "invalid_decision"
    template = "{reason}"


class FlowInvalidError(BadInputError):
    """A flow file does not describe a valid flow. Fields: ``file``, ``problems`` — ``[(field path, message)]``."""

    code = "flow_invalid"

    def describe(self) -> str:
        f = self.fields
        lines = [f"- {path or '(top)'}: {msg}" for path, msg in f.get("problems", [])]
        return (f"{f.get('file')}: not a valid flow ({len(lines)} problem{'s' if len(lines) != 1 else ''}):\n"
                + "\n".join(lines) + "\nCorrect these fields; the project keeps the flow it had until the file is valid.")


class UnknownFlowError(BadInputError):
    """``flow:`` in the plan names neither a shipped flow nor a file in the project."""

    code = "unknown_flow"
    template = ("The plan names flow {name!r}, which is neither a flow shipped with phasebook ({known}) "
                "nor a flow file in {root}. Name a shipped flow, or put the flow file (e.g. flow.yaml) in the project.")


class ConditionNotMetError(ConflictError):
    """An approval was refused because a gate condition is not met and was not acknowledged."""

    code = "condition_not_met"

    def describe(self) -> str:
        f = self.fields
        return (f"Gate {f['gate']} cannot be approved yet: {'; '.join(f['unmet'])}. "
                "Approve only once it is met, or acknowledge it explicitly: tick the acknowledgement and "
                "say in the comment why approving without it is acceptable.")


class SignerNotAllowedError(InvalidDecisionError):
    """The person may not sign this way (no role, or a role their identity does not hold)."""

    code = "signer_not_allowed"
    template = "{reason}"


class GridFileError(BadInputError):
    """A grid file (one row per run) cannot be used. Fields: ``file``, ``problem`` (what is wrong and what to do)."""

    code = "grid_file"
    template = "Grid file {file}: {problem}"


class ExecutorUnavailableError(BadInputError):
    """The executor asked for (a Dask cluster) cannot be used. Fields: ``executor``, ``problem``."""

    code = "executor_unavailable"
    template = "{problem}"


class MissingInputError(BadInputError):
    """A step needs something the plan or the call does not name. Fields: ``what``, ``where`` (how to give it)."""

    code = "missing_input"
    template = "Name {what}: {where}."


class ProjectNotFoundError(NotFoundError):
    code = "project_not_found"

    def describe(self) -> str:
        return (
            f"No phasebook project at or above {self.fields['path']} (no phasebook.yaml found). "
            "Create a project there, or open the folder that holds one."
        )


class ProjectExistsError(ConflictError):
    """The folder already holds a project, or a journal without a plan. Fields: ``path``, ``journal`` (that file's name)."""

    code = "project_exists"

    def describe(self) -> str:
        f = self.fields
        if f.get("journal"):
            return (f"{f['path']} holds a {f['journal']} but no phasebook.yaml; a new project never takes over an "
                    "existing journal. Move that file away, or choose another folder.")
        return (f"{f['path']} already holds a phasebook project (phasebook.yaml exists). "
                "Choose another folder, or open the existing project.")


class GateNotSatisfiedError(ConflictError):
    """The current phase's gate is not approved by every required role."""

    code = "gate_not_satisfied"

    def describe(self) -> str:
        f = self.fields
        parts = [f"Cannot leave {f['phase']}: gate {f['gate']} is {f['state']}"]
        if f.get("missing_roles"):
            parts.append(f"; approval still needed from: {', '.join(f['missing_roles'])}")
        if f.get("blocking"):
            parts.append(f"; {f['blocking']}")
        return "".join(parts) + ". Get the sign-off, or advance with an override reason, which is journaled."


class StaleApprovalError(ConflictError):
    """An approval exists but a covered section changed since."""

    code = "stale_approval"

    def describe(self) -> str:
        f = self.fields
        return (
            f"Cannot leave {f['phase']}: the approval of gate {f['gate']} is stale — "
            f"changed since it was approved: {', '.join(f['changed_sections'])}"
            + (f"; approval still needed from: {', '.join(f['missing_roles'])}" if f.get("missing_roles") else "")
            + ". Ask the approvers to review the changes and sign again."
        )


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"
    template = "{reason}"


class PlanChangedOnDiskError(ConflictError):
    code = "plan_changed_on_disk"
    template = ("{file} changed on disk since this was loaded (someone else saved, or a git pull). "
                "Nothing was saved. Reload to see the current plan, then reapply your edits.")


class JournalCorruptError(IntegrityError):
    """An entry of the journal does not match its hash chain."""

    code = "journal_corrupt"

    def describe(self) -> str:
        f = self.fields
        check = f" fails the {f['check']} check" if f.get("check") else " is broken"
        return (
            f"{f['file']}: entry {f.get('seq')} (line {f['line']}){check}: {f['problem']}. "
            "The journal is append-only; restore that line from version control (git diff journal.jsonl)."
        )


class JournalTornError(IntegrityError):
    """The last line of the journal is incomplete (an interrupted write)."""

    code = "journal_torn"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f['file']}: the last line (line {f['line']}) is incomplete — a write was interrupted. "
            "Repair the journal (the incomplete line is moved aside into .phasebook/) and continue."
        )


class WorkbookExecutionError(FailedError):
    """A phase notebook raised while running; the output notebook was written first."""

    code = "workbook_failed"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f.get('notebook')} failed in cell {f.get('cell_index')}: {f.get('ename')}: {f.get('evalue')}. "
            f"The executed notebook with the error is at {f.get('output_path')}."
        )


class UnknownWorkbookError(BadInputError):
    """A run was given neither a phase nor an existing notebook."""

    code = "unknown_workbook"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f['name']!r} is neither a phase nor a notebook. Run a phase ({', '.join(f.get('phases', []))}) "
            f"or a notebook path; notebooks in workbooks/: {', '.join(f.get('notebooks', [])) or 'none'}."
        )


class UnknownParameterError(BadInputError):
    """A run was given parameters the notebook's ``parameters`` cell does not declare."""

    code = "unknown_parameter"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f['notebook']} does not declare parameter{'s' if len(f['unknown']) != 1 else ''} "
            f"{', '.join(f['unknown'])}. Declared parameters: {', '.join(f.get('declared', [])) or 'none'} "
            "(add it to the cell tagged 'parameters' or fix the name)."
        )


class UnknownMetricError(BadInputError):
    """A scope metric has no implementation in the metric registry."""

    code = "unknown_metric"

    def describe(self) -> str:
        f = self.fields
        return (
            f"No implementation for metric {f['name']!r}. Known metrics: {', '.join(f.get('known', []))}. "
            "Rename the metric in the scope, mark it soft, or register an implementation "
            "(phasebook.modeling.metrics.register)."
        )


# --- data engine (issue 3) ---
class UnknownDataSourceError(NotFoundError):
    code = "unknown_data_source"

    def describe(self) -> str:
        known = self.fields.get("known") or []
        listed = f"Data sources of the plan: {_choices(known)}." if known else "The plan lists no data sources yet."
        return (
            f"{self.fields['name']!r} is neither a data source of the plan nor an existing file. {listed} "
            "Add it in the data_sources section or give a file path."
        )


class DataNotFoundError(NotFoundError):
    code = "data_not_found"

    def describe(self) -> str:
        f = self.fields
        return (
            f"No data at {f['path']}: {f.get('reason', 'no file matches')}. "
            "Check the path (relative paths start at the project folder) or the data source's URI."
        )


class UnreadableDataError(BadInputError):
    code = "unreadable_data"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f['path']} cannot be read as {f.get('format', 'data')}: {f['problem']}. "
            "Use Parquet (.parquet), CSV (.csv, .tsv) or JSON lines (.jsonl, .ndjson), "
            "and check the file is complete."
        )


class EmptyTableError(BadInputError):
    code = "empty_table"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f['label']} has no rows, so there is nothing to {f.get('purpose') or 'compare or profile'}. "
            + (f.get("fix") or "Check the path or glob, and that the export finished.")
        )


class UnknownColumnError(BadInputError):
    code = "unknown_column"

    def describe(self) -> str:
        f = self.fields
        return (
            f"Column {f['column']!r} is not in {f['label']}. Its columns: {', '.join(map(str, f.get('known', [])))}."
            + (f" {f['fix']}" if f.get("fix") else "")
        )


class ColumnTypeError(BadInputError):
    code = "column_type"

    def describe(self) -> str:
        f = self.fields
        return (
            f"Column {f['column']!r} of {f['label']} is {f['type']}; {f['expected']}."
        )


__all__ += [
    "UnknownDataSourceError", "DataNotFoundError", "UnreadableDataError",
    "EmptyTableError", "UnknownColumnError", "ColumnTypeError",
]
# --- end data engine ---


# --- grid runs (issue 9) ---
class GridRowsFailedError(FailedError):
    """Some rows of a grid run failed (each is journaled with its cell and error)."""

    code = "grid_rows_failed"

    def describe(self) -> str:
        f = self.fields
        failed, cancelled = f.get("failed", []), f.get("cancelled", [])
        text = f"{len(failed)} row{'s' if len(failed) != 1 else ''} of grid {f.get('grid_run_id')} failed ({', '.join(failed[:10])})"
        if cancelled:
            text += f"; {len(cancelled)} cancelled by fail-fast"
        return text + ". Fix them and run the same grid again: finished rows are cached."


__all__ += ["GridRowsFailedError"]


# --- journal integrity and sign-off binding (issue 15) ---
class FeasibilityChangedError(ConflictError):
    """A scope sign-off was sent from a page whose feasibility card no longer says what the data says."""

    code = "feasibility_changed"

    def describe(self) -> str:
        return (
            "What the training data says of the scope's targets changed since you opened this page (its feasibility "
            "card would read differently now) — reload to see it. Nothing was recorded "
            f"(gate {self.fields['gate']})."
        )


class ContentChangedError(ConflictError):
    """A sign-off was sent for content that is no longer what the gate covers."""

    code = "content_changed"

    def describe(self) -> str:
        f = self.fields
        return (
            f"The content changed since you opened this page — reload to see what changed. "
            f"Nothing was recorded (gate {f['gate']}: you saw {str(f['expected'])[:19]}…, "
            f"it is now {str(f['current'])[:19]}…)."
        )


class JournalIntegrityError(IntegrityError):
    """The journal fails a check that is not about one line: it is empty, an anchor is gone, a branch is open."""

    code = "journal_integrity"

    def describe(self) -> str:
        f = self.fields
        return f"{f['file']}: the {f['check']} check failed: {f['problem']}."


class JournalConflictError(IntegrityError):
    """The journal holds git conflict markers (merged without phasebook's merge driver)."""

    code = "journal_conflict"

    def describe(self) -> str:
        f = self.fields
        return (
            f"{f['file']} holds git conflict markers (line {f['line']}): it was merged without phasebook's "
            "journal merge driver, so both sides' entries are tangled. To fix it: register the merge driver, "
            "then rebuild the journal from both sides of the merge, and commit. Nothing can be signed until then."
        )


class PlanJournalMismatchError(IntegrityError):
    """The plan holds a change the journal never recorded (an interrupted save, a hand edit)."""

    code = "plan_journal_mismatch"

    def describe(self) -> str:
        f = self.fields
        sections = ", ".join(f["sections"])
        return (
            f"{f['file']}: the plan's {sections} differ{'s' if len(f['sections']) == 1 else ''} from the last "
            "recorded save in the journal (a save was interrupted, or the file was edited by hand or by a merge). "
            "Review the plan, then record it as a save; decisions wait until then."
        )


class NotAGitRepositoryError(BadInputError):
    code = "not_a_git_repository"

    def describe(self) -> str:
        return (
            f"{self.fields['path']} is not inside a git repository, so there is nowhere to anchor or merge the "
            "journal. Put the project under git first (git init; git add .; git commit)."
        )


__all__ += ["ContentChangedError", "FeasibilityChangedError", "JournalIntegrityError", "JournalConflictError",
            "PlanJournalMismatchError", "NotAGitRepositoryError"]
# --- end journal integrity ---

# --- dashboards server (issue 13) ---
class ViewerWriteRefusedError(RefusedError):
    """A viewer's dashboard kernel tried to write something other than the viewer's own sign-off."""

    code = "viewer_write_refused"

    def describe(self) -> str:
        return (f"This page is read-only: {self.fields.get('what', 'that change')} is not possible from a dashboard. "
                "Viewers can read the dashboards and sign gates as themselves; the team edits the plan in JupyterLab.")


__all__ += ["ViewerWriteRefusedError"]

# --- findings and conditional approvals (issue 17) ---
class FindingBlocksApprovalError(ConflictError):
    """An approval was asked for while a blocking finding of the gate is open."""

    code = "finding_blocks_approval"

    def describe(self) -> str:
        f = self.fields
        items = "; ".join(f"#{i} {w}" for i, w in zip(f.get("findings", []), f.get("whats", [])))
        return (f"Gate {f.get('gate')} cannot be approved while a blocking finding is not accepted ({items}). "
                "Its owner resolves it, a reviewer accepts the resolution; then approve. Nothing was recorded.")


class UnknownFindingError(NotFoundError):
    """A finding number that the journal does not hold."""

    code = "unknown_finding"

    def describe(self) -> str:
        f = self.fields
        known = ", ".join(f"#{i}" for i in f.get("known", [])) or "none yet"
        return f"There is no finding #{f.get('finding')} (findings: {known}). The gate's findings are listed with their numbers on its sign-off record."


class InvalidFindingError(BadInputError):
    """A finding step that is not possible now (resolve an accepted finding, a missing note, a bad due date)."""

    code = "invalid_finding"

    def describe(self) -> str:
        return str(self.fields.get("reason", "That finding step is not possible."))


__all__ += ["FindingBlocksApprovalError", "UnknownFindingError", "InvalidFindingError"]
