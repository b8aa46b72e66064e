"""Plan and journal text is never console markup: rich tags in names print as typed."""

from __future__ import annotations

TAG_NAME = "[bold green]CEO ✓[/]"


def test_history_and_status_show_a_name_with_rich_markup_literally(phasebook, monkeypatch):
    from phasebook.cli import console

    monkeypatch.setattr(console, "width", 250)  # wide enough that no cell wraps
    # Given a sign-off by someone whose name looks like rich markup
    result = phasebook("signoff", "scope_approval", "--as", TAG_NAME, "--role", "product", "--request-changes",
                       "-m", "[red]needs[/] work")
    assert result.exit_code == 0, result.output
    assert TAG_NAME in result.output
    # When the journal and the status are printed
    history = phasebook("history")
    status = phasebook("status")
    # Then the name and the comment show as typed (rich would have swallowed the tags)
    assert history.exit_code == 0 and status.exit_code == 0
    flat = " ".join(history.output.split())
    assert TAG_NAME in flat and "[red]needs[/] work" in flat
    assert TAG_NAME in " ".join(status.output.split())


def test_an_error_message_with_markup_prints_as_typed(phasebook):
    result = phasebook("signoff", "scope_approval", "--as", "x", "--role", "[blink]product[/]", "--approve")
    assert result.exit_code == 2
    assert "[blink]product[/]" in result.output or "[blink]product[/]" in (result.stderr or "")


def test_emoji_codes_in_plan_and_journal_text_print_as_typed(phasebook, monkeypatch):
    from phasebook.cli import console

    monkeypatch.setattr(console, "width", 250)
    # rich would turn ":fire:" into 🔥 in every plain string it prints (the waiting line, the history)
    result = phasebook("signoff", "scope_approval", "--as", "lead :fire: owner", "--role", "product",
                       "--request-changes", "-m", "see :warning: below")
    assert result.exit_code == 0, result.output
    history = " ".join(phasebook("history").output.split())
    assert "lead :fire: owner" in history and "see :warning: below" in history
    assert "\N{FIRE}" not in history and "\N{WARNING SIGN}" not in history
