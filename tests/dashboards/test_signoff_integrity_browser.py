"""In a real Chromium: the sign-off page approves what it showed, and pages flag a tampered journal.

Given a copy of the demo project served by ``phasebook serve`` with a
product owner's personal token (verified, so approvals are signed).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from phasebook.project import Project

pytestmark = pytest.mark.browser
PAGE_TIMEOUT = 90_000  # ms: kernels start slowly on a loaded 2-core machine


@pytest.fixture
def dpage(page):
    page.set_default_navigation_timeout(PAGE_TIMEOUT)
    return page


def test_plan_changed_behind_an_open_page_is_refused_with_the_reload_message(served, dpage):
    project = served.project
    # Given a product need reworded since the demo's scope approval (the gate waits for a fresh one)
    need = project.section("product_need").model_dump(mode="json")
    project.save_section("product_need", {**need, "statement": need["statement"] + " (reworded)"})
    assert project.status().gates["scope_approval"].state != "approved"
    # Given the scope sign-off page open with the product owner's personal token
    dpage.goto(served.url("signoff.ipynb", served.product_token, gate="scope_approval"))
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT)
    shown = project.gate_content("scope_approval")["content_hash"]
    expect(dpage.locator(f'[data-content-hash="{shown}"]')).to_have_count(1)
    # When the product need changes behind it (`phasebook set product_need --file other.yaml`)
    need = project.section("product_need").model_dump(mode="json")
    project.save_section("product_need", {**need, "statement": "A statement nobody showed the approver."})
    before = project.journal_path.read_bytes()
    # and the still-open page's Approve is clicked
    dpage.get_by_role("button", name="Approve", exact=True).click()
    # Then it is refused with the reload message, and nothing is journaled
    alert = dpage.get_by_role("alert").filter(has_text="reload to see what changed")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_contain_text("The content changed since you opened this page")
    assert project.journal_path.read_bytes() == before
    # After a reload the new content is shown, and approving it is recorded (signed: verified viewer)
    dpage.reload()
    expect(dpage.get_by_role("cell", name="A statement nobody showed the approver.", exact=True)).to_be_visible(
        timeout=PAGE_TIMEOUT)  # the need as shown (the stale diff above names it too)
    dpage.get_by_role("button", name="Approve", exact=True).click()
    expect(dpage.get_by_text("Recorded: approve by product owner (verified).")).to_be_visible(timeout=30_000)
    last = Project(project.root).events()[-1]
    assert last.kind == "sign_off" and last.data["content_hash"] == project.gate_content("scope_approval")["content_hash"]
    assert last.sig and Project(project.root).verify().ok


def test_pages_show_the_integrity_banner_on_a_tampered_journal(served, dpage):
    project = served.project
    original = project.journal_path.read_bytes()
    assert b'"kind":"project_created"' in original
    try:  # a hand edit of the first entry
        project.journal_path.write_bytes(original.replace(b'"kind":"project_created"', b'"kind":"project_renamed"', 1))
        dpage.goto(served.url("overview.ipynb", served.shared_token))
        banner = dpage.get_by_role("alert").filter(has_text="Journal integrity check failed")
        expect(banner).to_be_visible(timeout=PAGE_TIMEOUT)
        expect(banner).to_contain_text("content hash")
        dpage.goto(served.url("signoff.ipynb", served.product_token, gate="scope_approval"))
        expect(dpage.get_by_role("alert").filter(has_text="Journal integrity check failed")).to_be_visible(
            timeout=PAGE_TIMEOUT)
    finally:
        project.journal_path.write_bytes(original)
