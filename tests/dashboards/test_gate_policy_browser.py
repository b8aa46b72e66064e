"""Gate policy and identity on the real sign-off page, in Chromium against a real ``phasebook serve``.

Given a filled project in development whose latest model test fails a hard
metric, served with personal tokens (a product owner; a visitor the users
file gives no role) and a shared link:

* the KPI check page says, before anyone clicks, that approval needs a
  passing model test or an acknowledgement; approving without one is refused
  and nothing is journaled (issue 14);
* the visitor without a role and the shared link cannot sign (issue 15.2).
"""

from __future__ import annotations

import secrets
import shutil
import sys

import pytest
from playwright.sync_api import expect

from phasebook.core.events import Actor
from phasebook.dashboards.identity import add_user
from phasebook.dashboards.serving import ensure_dashboards
from tests.servers import free_port, running

from .fixtures import build_filled_project

pytestmark = pytest.mark.browser
PAGE_TIMEOUT = 90_000


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    base = tmp_path_factory.mktemp("gated")
    project = build_filled_project(base / "churn-risk")
    ensure_dashboards(project)
    project.advance(override="scope approved on paper")
    project.advance(override="research approved on paper")
    project.test_model({"roc_auc": 0.61, "recall_at_top_k": 0.2}, model="gbm-v3")  # fails the hard metrics
    project.sign_off("scope_approval", Actor(name="product lead", role="product"), "approve")  # unverified
    users = base / "users.yaml"
    tokens = {"product": add_user(users, "product owner", "product"), "visitor": add_user(users, "visitor", None),
              "admin": add_user(users, "operator", None, admin=True)}
    shared, port = secrets.token_hex(16), free_port()
    exe = shutil.which("phasebook") or sys.executable
    argv = [exe, "serve", str(project.root), "--port", str(port), "--token", shared, "--users", str(users),
            "--allow-root"]
    with running(argv, port=port, token=tokens["admin"], cwd=base) as server:
        def url(notebook: str, token: str, **params: str) -> str:
            query = "&".join(f"{k}={v}" for k, v in {**params, "token": token}.items())
            return f"{server.url}voila/render/workbooks/dashboards/{notebook}?{query}"

        yield project, url, tokens, shared


@pytest.fixture
def dpage(page):
    page.set_default_navigation_timeout(PAGE_TIMEOUT)
    return page


def test_kpi_check_page_says_approval_needs_a_passing_test_before_the_click_and_refuses_it(gated, dpage):
    project, url, tokens, _ = gated
    dpage.goto(url("signoff.ipynb", tokens["product"], gate="kpi_check"))
    expect(dpage.get_by_text("Signing as product owner (verified by the server).")).to_be_visible(timeout=PAGE_TIMEOUT)
    # Before clicking: the page says what approval needs, and offers the acknowledgement
    expect(dpage.get_by_role("note").filter(has_text="Approval needs: the latest model test does not pass every "
                                                     "hard metric")).to_be_visible()
    expect(dpage.get_by_label("I approve although this condition is not met (say why in the comment)")).to_be_visible()
    before = len(project.events())
    dpage.get_by_role("button", name="Approve", exact=True).click()
    expect(dpage.get_by_role("alert").filter(has_text="cannot be approved yet")).to_be_visible(timeout=30_000)
    assert len(project.events()) == before


def test_a_visitor_without_a_role_cannot_sign(gated, dpage):
    project, url, tokens, shared = gated
    dpage.goto(url("signoff.ipynb", tokens["visitor"], gate="solution_validation"))
    expect(dpage.get_by_text("gives you no role, so you cannot sign")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_be_disabled()


def test_the_shared_link_cannot_sign_when_people_are_identified(gated, dpage):
    project, url, tokens, shared = gated  # a fresh browser context: no personal cookie
    dpage.goto(url("signoff.ipynb", shared, gate="kpi_check"))
    expect(dpage.get_by_text("The shared link can read but not sign.")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_be_disabled()


def test_the_overview_says_an_approval_rests_on_an_unverified_signature(gated, dpage):
    _, url, tokens, _ = gated
    dpage.goto(url("overview.ipynb", tokens["product"]))
    gates = dpage.get_by_role("table", name="Gates")
    expect(gates).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(gates.get_by_text("approved (unverified)")).to_be_visible()
