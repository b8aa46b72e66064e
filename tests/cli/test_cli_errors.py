"""Bad input through the CLI: one message naming file, field path and fix; exit 2; nothing written."""

from __future__ import annotations

import json

import pytest

from .conftest import SCOPE_YAML

BAD_FILES = {
    "malformed yaml": ("kpis: [unclosed\ntimebox_weeks: 3\n", ["line 2", "Fix the syntax"]),
    "wrong type": ("timebox_weeks: three\n", ["scope.timebox_weeks", "valid integer", "'three'", "Correct these fields"]),
    "unknown key": (SCOPE_YAML.replace("dataset: holdout", "datasett: holdout"),
                    ["scope.kpis.0.metrics.0.datasett", "unknown key; remove it or check its spelling"]),
    "out of range": (SCOPE_YAML.replace("target: 0.8", "target: 1.8"),
                     ["scope.kpis.0.metrics.0.target", "between 0 and 1"]),
    "not a mapping": ("- a\n- b\n", ["scope", "must be a mapping"]),
    "empty file": ("", ["the file is empty; nothing was changed", "write {}"]),
    "comments only": ("# nothing yet\n", ["the file is empty"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_section_file_is_refused_with_path_and_fix(phasebook, project, yaml_file, case):
    # Given a section file with a mistake
    text, expected = BAD_FILES[case]
    path = yaml_file(text, "scope.yaml")
    plan_before, entries = project.plan_path.read_bytes(), len(project.events())
    # When it is set
    result = phasebook("set", "scope", "--file", str(path))
    # Then: exit 2, one message naming the file, the field and the fix; nothing written
    assert result.exit_code == 2, result.stdout + result.stderr
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert str(path) in result.stderr.replace("\n", "")
    for fragment in expected:
        assert fragment in message, (fragment, message)
    assert "Traceback" not in result.stderr and result.stderr.count("error:") == 1
    assert project.plan_path.read_bytes() == plan_before
    assert len(project.events()) == entries


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["set", "scop", "--file", "-"], ["Unknown plan section 'scop'", "scope"]),
        (["show", "scop"], ["Unknown plan section 'scop'", "technical_check"]),
        (["signoff", "scope_aproval", "--as", "product owner", "--role", "product", "--approve"],
         ["Unknown gate 'scope_aproval'", "scope_approval"]),
        (["signoff", "scope_approval", "--as", "product owner", "--role", "ceo", "--approve"],
         ["Unknown role 'ceo'", "customer_success"]),
        (["signoff", "scope_approval", "--as", "product owner", "--role", "product", "--reject"],
         ["comment is required", "-m TEXT"]),
        (["backtrack", "testing", "--reason", "goal_change"], ["Unknown phase 'testing'", "scoping"]),
        (["set", "scope", "--file", "missing.yaml"], ["missing.yaml"]),
        (["signoff", "scope_approval", "--as", "product owner", "--role", "product"], ["--approve"]),
        (["signoff", "scope_approval", "--as", " ", "--role", "product", "--approve"], ["--as", "say who signs"]),
    ],
    ids=["set unknown section", "show unknown section", "unknown gate", "unknown role", "reject without comment",
         "unknown phase", "missing file", "no decision", "blank signer"],
)
def test_unknown_names_exit_2_listing_the_choices(phasebook, project, args, expected):
    plan_before, entries = project.plan_path.read_bytes(), len(project.events())
    result = phasebook(*args, input="timebox_weeks: 3\n")
    assert result.exit_code == 2, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    for fragment in expected:
        assert fragment in message, (fragment, message)
    assert "Traceback" not in result.stderr
    assert project.plan_path.read_bytes() == plan_before and len(project.events()) == entries


def test_hand_broken_plan_is_reported_with_file_and_paths(phasebook, project):
    # Given a plan edited by hand: an unknown section and a wrong type
    text = project.plan_path.read_text() + "\nbudget:\n  total: 3\n"
    text = text.replace("iteration_level: 1", "iteration_level: first")
    project.plan_path.write_text(text)
    # When any command opens the project
    result = phasebook("status")
    # Then it exits 2 naming the plan file, each bad path and the fix
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert str(project.plan_path) in result.stderr.replace("\n", "")
    assert "- budget: unknown section" in message and "scope.iteration_level" in message
    assert project.plan_path.read_text() == text


def test_malformed_plan_names_its_line(phasebook, project):
    project.plan_path.write_text(project.plan_path.read_text().replace("scope:\n", "scope:\n  kpis: [\n", 1))
    result = phasebook("status")
    assert result.exit_code == 2 and "phasebook.yaml, line" in " ".join(result.stderr.split())


def test_json_mode_reports_errors_as_json(phasebook, project):
    project.plan_path.write_text(project.plan_path.read_text() + "\nbudget: 3\n")
    result = phasebook("status", "--json")
    assert result.exit_code == 2
    body = json.loads(result.stderr)["error"]
    assert body["code"] == "plan_invalid" and body["details"]["errors"][0]["path"] == "budget"


def test_refusal_exits_1_not_2(phasebook):
    result = phasebook("advance")
    assert result.exit_code == 1 and "scope_approval" in result.stderr
    assert phasebook("reopen").exit_code == 1


def test_non_utf8_file_is_refused(phasebook, project, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("minimum_useful: '60 % du résultat'\n".encode("latin-1"))
    before = project.plan_path.read_bytes()
    result = phasebook("set", "scope", "--file", str(path))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    assert project.plan_path.read_bytes() == before


def test_empty_pipe_after_a_failed_show_does_not_wipe_the_section(phasebook, project):
    phasebook("set", "scope", "--file", "-", input="timebox_weeks: 3\n")
    before = project.plan_path.read_bytes()
    result = phasebook("set", "scope", "--file", "-", input="")
    assert result.exit_code == 2 and project.plan_path.read_bytes() == before
    assert phasebook("set", "scope", "--file", "-", input="{}\n").exit_code == 0
    assert project.section("scope").timebox_weeks is None


@pytest.mark.parametrize("command", [["status"], ["verify"]])
def test_missing_project_folder_is_not_found_even_inside_a_project(project, command):
    from click.testing import CliRunner

    from phasebook.cli import cli

    result = CliRunner().invoke(cli, ["--project", str(project.root / "typo"), *command])
    assert result.exit_code == 2 and "No phasebook project" in result.stderr


def test_surface_neutral_gate_errors_get_their_command_at_the_cli_edge(phasebook):
    result = phasebook("advance")
    text = " ".join(result.stderr.split())
    assert result.exit_code == 1
    assert "advance with an override reason" in text
    assert "`phasebook signoff scope_approval --as NAME --role ROLE --approve`" in text and "--override REASON" in text
