"""In a real Chromium: a blocking finding blocks approval on the sign-off page; answered and accepted there,
the approval goes through; an approval whose condition is overdue shows as lapsed on the overview.

Given a copy of the demo project served by ``phasebook serve`` with a product owner's personal token.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import expect

from phasebook.core.events import Actor
from phasebook.project import Project

pytestmark = pytest.mark.browser
PAGE_TIMEOUT = 90_000  # ms: kernels start slowly on a loaded 2-core machine
REVIEWER = Actor(name="product owner", role="product")


@pytest.fixture
def dpage(page):
    page.set_default_navigation_timeout(PAGE_TIMEOUT)
    return page


def test_a_blocking_finding_blocks_approval_until_it_is_resolved_and_accepted(served, dpage):
    project = served.project
    # (the demo's scope is approved: a reworded need makes it wait for a fresh approval)
    need = project.section("product_need").model_dump(mode="json")
    project.save_section("product_need", {**need, "statement": need["statement"] + " (reworded)"})
    f = project.raise_finding("scope_approval", "Name the holdout period", owner="data_science", actor=REVIEWER)
    # Given the scope sign-off page opened by the product owner
    dpage.goto(served.url("signoff.ipynb", served.product_token, gate="scope_approval"))
    # Then it says approval is blocked, names the finding, and Approve cannot be clicked
    banner = dpage.get_by_role("alert").filter(has_text="Approval is blocked")
    expect(banner).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(banner).to_contain_text(f"#{f.seq} Name the holdout period")
    expect(dpage.get_by_role("table", name="Findings")).to_contain_text("blocking")
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_be_disabled()
    # When the owner's resolution is entered on the page (with an evidence link) and then accepted
    choose = dpage.locator(".pb-finding-choice select")
    choose.select_option(value=choose.locator("option", has_text=f"#{f.seq}").get_attribute("value"))
    dpage.get_by_placeholder("Note (how it was resolved, or why it is reopened)").fill("Holdout: the last 8 weeks")
    dpage.get_by_placeholder("https://…").fill("https://example.org/pr/7")
    dpage.get_by_role("button", name="Resolve").click()
    expect(dpage.get_by_text(f"Finding #{f.seq} resolved.")).to_be_visible(timeout=30_000)
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_be_disabled()  # resolved is not accepted
    expect(dpage.get_by_role("link", name="https://example.org/pr/7")).to_be_visible()
    dpage.get_by_role("button", name="Accept").click()
    expect(dpage.get_by_text(f"Finding #{f.seq} accepted.")).to_be_visible(timeout=30_000)
    # Then approval is possible and is recorded
    approve = dpage.get_by_role("button", name="Approve", exact=True)
    expect(approve).to_be_enabled()
    expect(banner).to_have_count(0)
    approve.click()
    expect(dpage.get_by_text("Recorded: approve by product owner (verified).")).to_be_visible(timeout=30_000)
    fresh = Project(project.root)
    assert fresh.status().gates["scope_approval"].state == "approved"
    assert [e.kind for e in fresh.events()[-3:]] == ["finding_resolved", "finding_accepted", "sign_off"]
    assert fresh.events()[-2].actor.verified and fresh.verify().ok


def test_a_lapsed_approval_shows_on_the_overview(served, dpage):
    project = served.project
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    cond = project.raise_finding("scope_approval", "Add the cost per alert", severity="non_blocking", owner="product",
                                 due=due, actor=REVIEWER)
    # (a second product signer: the first test's verified approval by the product owner outranks their unverified one)
    project.sign_off("scope_approval", Actor(name="product lead", role="product"), "approve", conditional_on=[cond.seq])
    deadline = time.monotonic() + 30
    while project.status().gates["scope_approval"].state != "lapsed":  # wait for the due time to pass
        assert time.monotonic() < deadline
        time.sleep(0.1)
    dpage.goto(served.url("overview.ipynb", served.product_token))
    gates = dpage.get_by_role("table", name="Gates")
    expect(gates).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(gates.locator('[data-state="lapsed"]')).to_have_count(1)
    expect(gates).to_contain_text("lapsed")
