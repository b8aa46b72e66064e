"""The sign-off widget sends the hash of what it showed (no browser: ipywidgets driven directly)."""

from __future__ import annotations

from phasebook.dashboards.context import Viewer
from phasebook.dashboards.signoff import SignoffWidget
from phasebook.project import Project

PRODUCT = Viewer(name="product owner", role="product", verified=True)


def test_widget_refuses_when_the_content_changed_since_it_was_shown(project):
    # Given the widget built for what the page shows now
    widget = SignoffWidget(project, "scope_approval", PRODUCT)
    assert widget.shown_hash == project.gate_content("scope_approval")["content_hash"]
    # When the plan changes behind it and Approve is clicked
    project.save_section("product_need", {"statement": "changed behind the page"})
    before = project.journal_path.read_bytes()
    widget.buttons["approve"].click()
    # Then the reload message shows and nothing is journaled
    assert "reload to see what changed" in widget.status.value and 'role="alert"' in widget.status.value
    assert project.journal_path.read_bytes() == before
    # A widget built after a reload records, signed (a verified viewer)
    fresh = SignoffWidget(project, "scope_approval", PRODUCT)
    fresh.buttons["approve"].click()
    assert "Recorded: approve by product owner (verified)." in fresh.status.value
    last = Project(project.root).events()[-1]
    assert last.kind == "sign_off" and last.sig is not None


def test_widget_on_a_broken_journal_says_so_and_records_nothing(project):
    widget = SignoffWidget(project, "scope_approval", PRODUCT)
    text = project.journal_path.read_text()
    project.journal_path.write_text(text.replace('"kind":"project_created"', '"kind":"project_renamed"'))
    before = project.journal_path.read_bytes()
    widget.buttons["approve"].click()
    assert "fails the content hash check" in widget.status.value
    assert project.journal_path.read_bytes() == before
