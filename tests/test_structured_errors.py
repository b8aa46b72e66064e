"""Structured, surface-neutral errors (issue 14, item 6).

* every error class has a category, and both edges map every category: the
  CLI to an exit code (``cli/exits.py``), the server to an HTTP status
  (``server/base.py``);
* no ``raise`` in ``src/phasebook`` builds a family class (``BadInputError``,
  ``PhasebookError`` …) or passes a bare message: each error is a named class
  with fields, its message built from them;
* messages of the core and the facade carry no command-line syntax; the CLI
  adds its hint per field.
"""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil
from pathlib import Path

import pytest

import phasebook
from phasebook.core import errors as E

SRC = Path(__file__).resolve().parents[1] / "src" / "phasebook"
FAMILIES = {"PhasebookError", "BadInputError", "NotFoundError", "ConflictError", "IntegrityError", "FailedError",
            "RefusedError"}


def _all_error_classes() -> list[type[E.PhasebookError]]:
    for info in pkgutil.walk_packages(phasebook.__path__, prefix="phasebook."):
        if not info.name.endswith("__main__"):  # running a __main__ would start the CLI
            importlib.import_module(info.name)
    seen, stack = [], [E.PhasebookError]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def test_every_error_class_has_a_category_both_edges_map():
    from phasebook.cli.exits import EXIT_CODES
    from phasebook.server.base import HTTP_STATUS

    classes = _all_error_classes()
    assert len(classes) > 60  # the walk really found the tree (named errors in core, tracking, …)
    # Each edge maps exactly the categories core defines
    assert set(EXIT_CODES) == set(E.CATEGORIES) == set(HTTP_STATUS)
    unmapped = [c.__name__ for c in classes if c.category not in E.CATEGORIES]
    assert unmapped == []
    # and the codes users rely on hold
    assert EXIT_CODES["bad_input"] == EXIT_CODES["not_found"] == 2
    assert EXIT_CODES["conflict"] == EXIT_CODES["integrity"] == EXIT_CODES["failed"] == EXIT_CODES["refused"] == 1
    assert (HTTP_STATUS["bad_input"], HTTP_STATUS["not_found"], HTTP_STATUS["conflict"], HTTP_STATUS["refused"]) == (
        400, 404, 409, 403)
    assert HTTP_STATUS["integrity"] == HTTP_STATUS["failed"] == 500
    # core carries no surface's codes
    assert [c.__name__ for c in classes if "exit_code" in vars(c) or "http_status" in vars(c)] == []


@pytest.mark.parametrize("category, exit_code, status", [
    ("bad_input", 2, 400), ("not_found", 2, 404), ("conflict", 1, 409), ("integrity", 1, 500), ("failed", 1, 500),
    ("refused", 1, 403),
])
def test_each_category_maps_at_both_edges(category, exit_code, status):
    from phasebook.cli.exits import exit_code as cli_exit
    from phasebook.server.base import http_status

    err = next(c for c in _all_error_classes() if c.category == category)
    instance = err.__new__(err)  # the mapping reads the class's category only
    assert cli_exit(instance) == exit_code and http_status(instance) == status


def _generic_raises(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            where = f"{path.relative_to(root)}:{node.lineno} {name}"
            if name in FAMILIES:
                found.append(where + " (a family class: raise a named error)")
            elif name.endswith("Error") and (node.exc.args or any(k.arg == "message" for k in node.exc.keywords)):
                if name in dir(E) or name.startswith(("Unknown", "Invalid")) or _is_phasebook_error(name):
                    found.append(where + " (a bare message: pass fields)")
    return found


def _is_phasebook_error(name: str) -> bool:
    return any(c.__name__ == name for c in _all_error_classes())


def test_no_generic_raise_is_left_in_src():
    assert _generic_raises() == []


def test_the_walk_catches_a_generic_raise(tmp_path):
    # the check can fail: a module with a generic raise is found
    bad = tmp_path / "phasebook"
    bad.mkdir()
    (bad / "bad.py").write_text('def f():\n    raise BadInputError(message="no")\n\n\ndef g():\n'
                                '    raise UnknownGateError("free text")\n')
    assert [w.split(" ")[0] for w in _generic_raises(bad)] == ["bad.py:2", "bad.py:6"]


def test_named_errors_build_their_message_from_fields_and_pickle():
    from phasebook.core.named_errors import InvalidValueError, RequiredChoiceError

    err = InvalidValueError(what="share", value=2, expected="between 0 and 1 (0.1 is the top decile)")
    assert err.message == "share must be between 0 and 1 (0.1 is the top decile), not 2."
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InvalidValueError and back.fields == err.fields and back.message == err.message
    choice = RequiredChoiceError(action="Type", field="your name", reason="so the record says who judged", needs="name")
    assert choice.message == "Type your name first, so the record says who judged."
    assert choice.to_dict()["details"]["needs"] == "name"


CLI_SYNTAX = ("-m TEXT", "--", "`phasebook", "phasebook run", "phasebook signoff", "-p ")


def test_a_sign_off_without_a_comment_speaks_no_cli_in_voila_and_the_cli_adds_the_flag(make_project):
    from phasebook.cli.exits import cli_message
    from phasebook.core.events import Actor

    project = make_project()
    gate = project.flow.gates[0]
    role = gate.roles[0]
    with pytest.raises(E.InvalidDecisionError) as caught:
        project.sign_off(gate.name, Actor(name="product owner", role=role), "request_changes", "")
    err = caught.value
    # the facade's message (what a product person sees on the Voilà sign-off page) has no command-line syntax
    assert "comment is required" in err.message and not [s for s in CLI_SYNTAX if s in err.message]
    assert err.fields["needs"] == "comment"
    # the CLI adds its own hint for that field
    assert cli_message(err) == err.message + " (say it with -m TEXT)"


def test_core_messages_name_no_cli_command_and_the_cli_adds_it():
    from phasebook.cli.exits import cli_message

    samples = [
        E.ProjectNotFoundError(path="/tmp/x"),
        E.JournalTornError(file="journal.jsonl", line=9),
        E.JournalConflictError(file="journal.jsonl", line=3),
        E.PlanJournalMismatchError(file="phasebook.yaml", sections=["scope"]),
        E.GateNotSatisfiedError(phase="p", gate="g", state="pending", missing_roles=["r"]),
        E.StaleApprovalError(phase="p", gate="g", changed_sections=["scope"]),
    ]
    for err in samples:
        assert "`phasebook" not in err.message and " --" not in err.message, err.message
        assert "`phasebook " in cli_message(err), type(err).__name__
