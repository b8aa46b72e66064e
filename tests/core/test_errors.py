"""The exception tree: structured fields, picklable, one exit code and HTTP status per class."""

from __future__ import annotations

import pickle

import pytest

from phasebook.core import errors as E

SAMPLES = [
    E.PlanSyntaxError(file="plan.yaml", line=3, column=5, problem="mapping values are not allowed here"),
    E.PlanValidationError(file="plan.yaml", errors=[{"path": "scope.timebox_weeks", "message": "must be a number"}]),
    E.SchemaVersionError(file="plan.yaml", found=9, supported=1, oldest=1),
    E.UnknownSectionError(name="scop", known=["scope", "ideas"]),
    E.UnknownGateError(name="gate", known=["scope_approval"]),
    E.UnknownRoleError(name="ceo", known=["product"]),
    E.UnknownPhaseError(name="testing", known=["scoping", "research"]),
    E.InvalidDecisionError(reason="A comment is required."),
    E.ProjectNotFoundError(path="/tmp/x"),
    E.ProjectExistsError(path="/tmp/x"),
    E.GateNotSatisfiedError(phase="scoping", gate="scope_approval", state="pending", missing_roles=["product"], blocking=""),
    E.StaleApprovalError(phase="scoping", gate="scope_approval", changed_sections=["scope"]),
    E.InvalidTransitionError(reason="Not now."),
    E.PlanChangedOnDiskError(file="plan.yaml"),
    E.JournalCorruptError(file="journal.jsonl", seq=4, line=4, problem="edited"),
    E.JournalTornError(file="journal.jsonl", line=9),
    E.WorkbookExecutionError(notebook="01.ipynb", cell_index=3, ename="KeyError", evalue="'x'", output_path="runs/x.ipynb"),
    E.PhasebookError("plain message"),
]


@pytest.mark.parametrize("err", SAMPLES, ids=lambda e: type(e).__name__)
def test_error_pickles_with_its_fields_and_message(err):
    # When an error crosses a process boundary
    back = pickle.loads(pickle.dumps(err))
    # Then it is the same class with the same fields and message
    assert type(back) is type(err)
    assert back.fields == err.fields
    assert back.message == err.message == str(back)
    assert back.to_dict() == err.to_dict()


@pytest.mark.parametrize("err", SAMPLES, ids=lambda e: type(e).__name__)
def test_error_body_has_code_and_message(err):
    body = err.to_dict()
    assert body["code"] == err.code and body["message"] == err.message
    assert "message" not in body["details"]


@pytest.mark.parametrize(
    ("cls", "category"),
    [
        (E.BadInputError, "bad_input"),
        (E.NotFoundError, "not_found"),
        (E.ConflictError, "conflict"),
        (E.IntegrityError, "integrity"),
        (E.WorkbookExecutionError, "failed"),
        (E.ViewerWriteRefusedError, "refused"),
    ],
)
def test_families_carry_a_surface_neutral_category(cls, category):
    # core names the kind of error, never an exit code or an HTTP status (the edges map them)
    assert cls.category == category and category in E.CATEGORIES
    assert not hasattr(cls, "exit_code") and not hasattr(cls, "http_status")


def test_bad_input_errors_and_refusals_share_their_family_category():
    assert E.PlanValidationError.category == E.UnknownGateError.category == E.UnknownRoleError.category == "bad_input"
    assert E.StaleApprovalError.category == E.GateNotSatisfiedError.category == "conflict"


def test_messages_say_what_to_do():
    stale = E.StaleApprovalError(phase="scoping", gate="scope_approval", changed_sections=["scope"])
    assert "scope" in stale.message and "sign again" in stale.message
    assert "phasebook" not in stale.message  # surface-neutral: the CLI adds its command at the edge
    torn = E.JournalTornError(file="journal.jsonl", line=9)
    assert "Repair the journal" in torn.message and "phasebook verify" not in torn.message
    invalid = E.PlanValidationError(file="p.yaml", errors=[{"path": "scope.kpis.0.name", "message": "required; fill it in"}])
    assert invalid.message.startswith("p.yaml: ") and "scope.kpis.0.name" in invalid.message
    assert "nothing was written" in invalid.message


@pytest.mark.parametrize("err, text", [
    (E.GridFileError(file="g.csv", problem="no rows."), "Grid file g.csv: no rows."),
    (E.MissingInputError(what="the reference data", where="an argument"), "Name the reference data: an argument."),
    (E.UnknownFlowError(name="x.yaml", known="palachy-2019.1", root="/p"), "neither a flow shipped with phasebook"),
    (E.FlowInvalidError(file="flow.yaml", problems=[("gates[0].roles[0]", "unknown role 'ceo'")]),
     "- gates[0].roles[0]: unknown role 'ceo'"),
    (E.ConditionNotMetError(gate="kpi_check", unmet=["no model test has been recorded"]), "acknowledge it explicitly"),
])
def test_named_errors_render_their_template_and_pickle(err, text):
    import pickle

    assert text in err.message
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is type(err) and again.message == err.message and again.fields == err.fields
