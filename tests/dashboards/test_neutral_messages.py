"""The Voilà sign-off page speaks no command line: a missing comment is asked for in words (issue 14, item 6)."""

from __future__ import annotations

import pytest

from phasebook.cli.exits import cli_message
from phasebook.core.errors import InvalidDecisionError
from phasebook.core.events import Actor
from phasebook.dashboards import context
from phasebook.dashboards.signoff import SignoffWidget
from phasebook.store import guard

CLI_SYNTAX = ("-m TEXT", "-m ", "--", "`phasebook", "phasebook signoff", "-p ")


@pytest.fixture(autouse=True)
def clean_context(monkeypatch):
    context._CONTEXT.clear()
    guard._LOCKED.clear()
    monkeypatch.delenv("QUERY_STRING", raising=False)
    yield
    context._CONTEXT.clear()
    guard._LOCKED.clear()


def test_a_voila_request_for_changes_without_comment_says_it_without_cli_syntax(filled_project):
    gate = filled_project.flow.gates[0]
    # Given a product person on the sign-off page, who typed their name
    widget = SignoffWidget(filled_project, gate.name, context.viewer())
    widget.name.value = "product owner"
    # When they send the gate back without a comment
    widget.buttons["request_changes"].click()
    # Then the page asks for the comment in words, with no flag or command in it, and records nothing
    shown = widget.status.value
    assert "comment is required" in shown and 'role="alert"' in shown
    assert [s for s in CLI_SYNTAX if s in shown] == []
    assert not [e for e in filled_project.events() if e.kind == "sign_off"]


def test_the_same_error_on_the_command_line_gets_the_flag_hint(filled_project):
    gate = filled_project.flow.gates[0]
    with pytest.raises(InvalidDecisionError) as caught:
        filled_project.sign_off(gate.name, Actor(name="product owner", role=gate.roles[0]), "request_changes", "")
    assert "-m TEXT" not in caught.value.message
    assert cli_message(caught.value).endswith("(say it with -m TEXT)")
