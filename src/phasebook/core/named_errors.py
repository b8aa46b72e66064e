"""Named errors of values, files, tables and options, each built from its fields.

The families and the plan/journal/flow errors are in :mod:`phasebook.core.errors`;
these are the conditions the data engine, the notebook steps, the runner and
the surfaces' own options meet. Each names *what* was wrong, *which value*,
and what is allowed or how to fix it, as fields (``err.fields``), and builds
its message from them. None names a command-line flag unless the value it is
about is one (an option of ``phasebook serve`` is a flag; a plan field is not).
A test (``tests/test_structured_errors.py``) refuses any ``raise`` of a family
class with only a message.
"""

from __future__ import annotations

from typing import Any

from .errors import BadInputError, ConflictError, FailedError, NotFoundError

__all__ = [
    "InvalidValueError", "RequiredChoiceError", "ConflictingOptionsError", "MissingDependencyError",
    "ConfigFileError", "SecretInProjectError", "UsersFileMissingError", "LabelColumnError", "PositiveLabelError",
    "ReviewSampleIdError", "NotATableError", "OutcomeColumnError", "QueryRefusedError", "MixedColumnTypesError", "DuplicateIdsError", "NoModelFittedError",
    "UnknownReviewSampleError", "ReviewSampleExistsError", "ReviewSampleMissingError", "ReviewSampleFileError",
    "ParameterTypeError", "StoredStatisticsError", "MergeSideError",
    "GitCommandError", "NotMergingError", "AmbiguousMetricError", "OutsideServedFolderError",
    "FolderNotEmptyError", "RunningAsRootError", "RecordFileError", "MissingFolderError", "NoProjectsFoundError", "NotAFolderError",
]


def _listed(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "none"


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "?", "!", ")")) else text + "."


class InvalidValueError(BadInputError):
    """A value that is not of the allowed form. Fields: ``what``, ``value``, ``expected`` (the form), or ``allowed``."""

    code = "invalid_value"

    def describe(self) -> str:
        f = self.fields
        if f.get("allowed") is not None:
            return f"{f['what']} {f.get('value')!r} is not one of: {_listed(f['allowed'])}."
        return _sentence(f"{f['what']} must be {f.get('expected')}, not {f.get('value')!r}")


class RequiredChoiceError(BadInputError):
    """A page's form was sent without something it needs. Fields: ``action`` (Choose, Type), ``field``, ``reason``."""

    code = "required_choice"

    def describe(self) -> str:
        f = self.fields
        reason = f", {f['reason']}" if f.get("reason") else ""
        return _sentence(f"{f.get('action', 'Choose')} {f['field']} first{reason}")


class ConflictingOptionsError(BadInputError):
    """Options that do not go together. Fields: ``options`` (as the user gave them), ``reason`` (what to do)."""

    code = "conflicting_options"

    def describe(self) -> str:
        f = self.fields
        return _sentence(f"{' and '.join(f['options'])} do not go together here: {f['reason']}")


class MissingDependencyError(BadInputError):
    """An optional package is needed. Fields: ``feature``, ``package``, ``install``, optionally ``instead``."""

    code = "missing_dependency"

    def describe(self) -> str:
        f = self.fields
        instead = f" {_sentence(f['instead'])}" if f.get("instead") else ""
        return f"{f['feature']} needs {f['package']}: {f['install']}.{instead}"


class ConfigFileError(BadInputError):
    """A configuration file (notifications, users) is not valid. Fields: ``file``, ``field`` (or None), ``problem``."""

    code = "config_file"

    def describe(self) -> str:
        f = self.fields
        where = f"{f['file']}: {f['field']} " if f.get("field") else f"{f['file']} "
        return _sentence(f"{where}is not valid: {f['problem']}")


class SecretInProjectError(BadInputError):
    """A secret written into the project (shared in git). Fields: ``file``, ``key`` (None for a secret file)."""

    code = "secret_in_project"

    def describe(self) -> str:
        f = self.fields
        if f.get("key"):
            return (f"{f['file']}: a channel holds a {f['key']}. Secrets never go in the project: "
                    f"name an environment variable ({f['key']}_env) or a file outside the project.")
        return f"The secret file {f['file']} is inside the project; keep secrets outside it."


class UsersFileMissingError(BadInputError):
    """The users file given to the dashboards server does not exist. Fields: ``file``."""

    code = "users_file_missing"
    template = "The users file {file} does not exist; create it with the people who may sign and their roles."


class LabelColumnError(BadInputError):
    """A label column a metric or a baseline cannot use.

    Fields: ``where`` (the column and its source), ``found`` (what it holds), ``required``, ``fix``.
    """

    code = "label_column"

    def describe(self) -> str:
        f = self.fields
        return f"{f['where']} {f['found']}; {f['required']}. {_sentence(f['fix'])}"


class PositiveLabelError(BadInputError):
    """The positive class of a two-class label is unknown or not a value. Fields: ``source``, ``column``, ``value``, ``allowed``."""

    code = "positive_label"

    def describe(self) -> str:
        f = self.fields
        allowed = " or ".join(f.get("allowed") or [])
        source = f"data source {f['source']!r}" if f.get("source") else "the data source"
        if f.get("value") is not None:
            return (f"positive_label {f['value']} of {source} is not a value of {f['column']!r}: "
                    f"set positive_label to {allowed}.")
        return (f"Which value of {f['where']} is the positive class? Set positive_label of {source} "
                f"in data_sources to {allowed}.")


class ReviewSampleIdError(BadInputError):
    """A text that is not a review sample id (a page's query string, a call). Fields: ``sample_id``."""

    code = "review_sample_id"

    def describe(self) -> str:
        return (f"{str(self.fields.get('sample_id'))[:80]!r} is not a review sample id; ids look like "
                "kpi_check-20261201-ab12cd (lower-case letters, digits, '_' or '-').")


class NotATableError(BadInputError):
    """Something given as a table that is none of the kinds a table is read from. Fields: ``kind`` (its type)."""

    code = "not_a_table"
    template = ("Cannot read a {kind} as a table: give a path, a data-source name, "
                "a pandas DataFrame or a pyarrow Table.")


class OutcomeColumnError(BadInputError):
    """The labelled outcomes lack a column the monitoring section names. Fields: ``label``, ``column``, ``known``, ``field``."""

    code = "outcome_column"

    def describe(self) -> str:
        f = self.fields
        return (f"The labelled outcomes ({f['label']}) have no column {f['column']!r} "
                f"(columns: {', '.join(map(str, f.get('known', [])))}). Fix monitoring: {f['field']}.")


class QueryRefusedError(BadInputError):
    """A data source's SQL that is not one read-only SELECT. Fields: ``label``, ``refused``."""

    code = "query_refused"
    template = ("{label}: the query is refused ({refused}); a data source runs one SELECT only "
                "and never changes the database. Write it as URL#table or URL#SELECT …")


class MixedColumnTypesError(BadInputError):
    """A table whose column mixes types. Fields: ``label``, ``problem``."""

    code = "mixed_column_types"
    template = "{label}: a column mixes types and cannot be read ({problem}); give each column one type."


class DuplicateIdsError(BadInputError):
    """The ids of items to sample are not unique. Fields: ``id_column`` (None: the row index)."""

    code = "duplicate_ids"

    def describe(self) -> str:
        return f"The ids ({self.fields.get('id_column') or 'row index'}) are not unique; name a unique id_column."


class NoModelFittedError(BadInputError):
    """A best model was asked for among none. Fields: ``purpose``."""

    code = "no_model_fitted"
    template = "No model was fitted, so there is no best model to {purpose}."


class UnknownReviewSampleError(NotFoundError):
    """A review sample the journal does not hold. Fields: ``sample_id`` (None: none drawn yet), ``who_draws``."""

    code = "unknown_review_sample"

    def describe(self) -> str:
        f = self.fields
        if f.get("sample_id") is None:
            return f"No review sample has been drawn in this project yet; {f.get('who_draws', 'a notebook draws one')}."
        return f"No review sample {str(f['sample_id'])[:80]!r} is recorded in this project."


class ReviewSampleExistsError(BadInputError):
    """A review sample with that id is already stored. Fields: ``sample_id``."""

    code = "review_sample_exists"
    template = "A review sample {sample_id!r} already exists; draw with another seed or id."


class ReviewSampleMissingError(NotFoundError):
    """A recorded review sample's file is gone. Fields: ``file``."""

    code = "review_sample_missing"
    template = "The review sample file {file} is missing; restore it from git or draw a new sample."


class ReviewSampleFileError(BadInputError):
    """A review sample's file changed since it was recorded, or has another schema version.

    Fields: ``file``, ``problem`` (``changed`` or ``schema``), and for ``schema`` ``found`` and ``supported``.
    """

    code = "review_sample_file"

    def describe(self) -> str:
        f = self.fields
        if f.get("problem") == "schema":
            return (f"{f['file']} has schema version {f.get('found')!r}; this phasebook reads version "
                    f"{f.get('supported')}. Upgrade phasebook.")
        return (f"The review sample file {f['file']} changed after it was recorded; "
                "restore it from git or draw a new sample. Nothing can be judged on it.")


class ParameterTypeError(BadInputError):
    """A notebook parameter given as text that does not read as its declared type. Fields: ``name``, ``kind``, ``default``, ``value``."""

    code = "parameter_type"
    template = ("Parameter {name} expects {kind} (declared default {default}); got {value!r}. "
                "Pass a value of type {kind}.")


class StoredStatisticsError(BadInputError):
    """Stored reference statistics that cannot be read. Fields: ``file``, ``problem``."""

    code = "stored_statistics"
    template = ("The stored reference statistics ({file}) cannot be read ({problem}). "
                "Compute them again from the reference data (monitor with the refresh option).")


class MergeSideError(BadInputError):
    """One side of a journal merge cannot be read. Fields: ``side``, ``line``, ``problem`` (conflict_marker|damaged)."""

    code = "merge_side"

    def describe(self) -> str:
        f = self.fields
        if f.get("problem") == "conflict_marker":
            return f"{f['side']} side of the journal has a git conflict marker at line {f['line']}; merge it first."
        return (f"{f['side']} side of the journal has a damaged line {f['line']}; verify the journal on that "
                "branch and repair it first.")


class GitCommandError(FailedError):
    """A git command failed. Fields: ``command``, ``stderr``."""

    code = "git_failed"
    template = "git {command} failed: {stderr}"


class NotMergingError(ConflictError):
    """A file's merge stages were asked for while it is not being merged. Fields: ``file``, ``stage``."""

    code = "not_merging"
    template = ("{file} is not in the middle of a merge (no stage {stage} in the index): "
                "restore it from version control (git checkout -- journal.jsonl).")


class AmbiguousMetricError(BadInputError):
    """A tracked run logs one scope metric under several names. Fields: ``metric``, ``found``."""

    code = "ambiguous_metric"

    def describe(self) -> str:
        f = self.fields
        return (f"The run logs {f['metric']} under several parameters ({', '.join(f['found'])}); "
                f"log the one the scope means as {f['metric']!r} and test again.")


class OutsideServedFolderError(BadInputError):
    """A project path outside the folder a server serves. Fields: ``path``."""

    code = "outside_served_folder"
    template = "The project {path!r} is outside the served folder; use a path inside it."


class FolderNotEmptyError(BadInputError):
    """A folder that must be new or empty holds files. Fields: ``path``, ``shown`` (some of its entries), ``purpose``."""

    code = "folder_not_empty"
    template = ("{path} is not empty (it holds {shown}); {purpose}, so nothing of yours is replaced. "
                "Give another folder.")


class RunningAsRootError(BadInputError):
    """A server that would run viewers' kernels as root. Fields: ``server``."""

    code = "running_as_root"
    template = ("{server} is running as root, and the dashboards' kernels would run as root too. "
                "In a container (or wherever root is meant), allow root explicitly; otherwise run it as an ordinary user.")


class RecordFileError(BadInputError):
    """A file given as an exported record that cannot be one. Fields: ``file``, ``problem``."""

    code = "record_file"
    template = "Cannot read {file} as a record: {problem}. Give the .html file the export wrote."


class NotAFolderError(BadInputError):
    """A path given as the folder of projects that is not a folder. Fields: ``path``."""

    code = "not_a_folder"
    template = "{path} is not a folder; give the folder that holds your projects."


class NoProjectsFoundError(BadInputError):
    """A portfolio folder that holds no project. Fields: ``folder``."""

    code = "no_projects_found"
    template = ("No phasebook project found in {folder} (searched its sub-folders too); "
                "give the folder that holds your projects.")


class MissingFolderError(NotFoundError):
    """A folder to write into does not exist. Fields: ``path``, ``what``."""

    code = "missing_folder"
    template = "The folder {path} does not exist; create it or choose another {what}."


class InvalidGridError(BadInputError):
    """A grid (one row per run) that cannot run.

    Fields: ``label`` (the grid's name), ``problem`` (``empty``, ``reserved``, ``value``, ``duplicate``)
    and its facts: ``columns`` (reserved), ``row`` and ``detail`` (a bad value), ``rows`` and ``key`` (duplicates).
    """

    code = "invalid_grid"

    def describe(self) -> str:
        f = self.fields
        kind = f.get("problem")
        if kind == "empty":
            return f"{f['label']} has no rows. Add one row per run (a header line and at least one row for CSV)."
        if kind == "reserved":
            return f"{f['label']} sets {', '.join(f['columns'])}: every row runs in this project; remove that column."
        if kind == "value":
            return f"{f['label']}, row {f['row']}: {f['detail']}"
        first, second = f.get("rows", ("?", "?"))
        return (f"{f['label']}: rows {first} and {second} both have the key {f.get('key')!r} "
                "(the same values); each row must differ.")


__all__ += ["InvalidGridError"]
