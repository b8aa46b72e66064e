"""The dashboards in a real Chromium against a real ``phasebook serve`` (one server for the module).

Given a copy of the demo project served with per-person tokens (a product
owner, an operator with admin rights) and a shared viewer token.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from phasebook.cli import cli
from phasebook.core.events import Actor

from .conftest import CULL_IDLE_TIMEOUT, CULL_INTERVAL
from .fixtures import XSS

pytestmark = pytest.mark.browser
PAGE_TIMEOUT = 90_000  # ms: kernels start slowly on a loaded 2-core machine
PRODUCT_OWNER = Actor(name="product owner", role="product", verified=True)


@pytest.fixture
def dpage(page):
    """The browser page, with navigation timeouts fit for kernels that start slowly."""
    page.set_default_navigation_timeout(PAGE_TIMEOUT)
    return page


def _open_signoff(page, served, token, gate="scope_approval"):
    page.goto(served.url("signoff.ipynb", token, gate=gate))
    expect(page.get_by_role("table", name="KPIs")).to_be_visible(timeout=PAGE_TIMEOUT)


def test_the_overview_names_the_gate_waiting_for_product_and_its_sign_button_signs_it(served, dpage):
    # Given the demo (development in progress, its KPI check waiting for product) and the product owner's
    # personal token, on a 1400×900 screen
    gate = served.project.status().gates["kpi_check"]
    assert gate.state == "pending" and gate.missing_roles == ["product"]
    dpage.set_viewport_size({"width": 1400, "height": 900})
    dpage.goto(served.url("overview.ipynb", served.product_token))
    # Then the first screen says who is signed in and names the gate waiting for them, with a Sign button
    waiting = dpage.get_by_role("region", name="Waiting for you")
    expect(waiting).to_contain_text("Signed in as product owner (product)", timeout=PAGE_TIMEOUT)
    expect(waiting).to_contain_text(f"{gate.step} {gate.title}: waiting for your approval")
    sign = waiting.get_by_role("button", name="Sign", exact=True)
    expect(sign).to_have_count(1)
    box = sign.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, box  # above the fold
    # When they click it, the sign-off page of that gate opens in the same tab
    tabs = len(dpage.context.pages)
    sign.click()
    expect(dpage).to_have_url(re.compile(r"signoff\.ipynb\?gate=kpi_check"), timeout=PAGE_TIMEOUT)
    assert len(dpage.context.pages) == tabs
    expect(dpage.get_by_text("Signing as product owner (verified by the server).")).to_be_visible(timeout=PAGE_TIMEOUT)
    # And approving there records their verified approval of today's content
    dpage.get_by_placeholder("Comment (required to request changes or reject)").fill("Pilot the call list")
    dpage.get_by_role("button", name="Approve", exact=True).click()
    expect(dpage.get_by_text("Recorded: approve by product owner (verified).")).to_be_visible(timeout=30_000)
    last = [e for e in served.project.events() if e.kind == "sign_off"][-1]
    assert last.actor == PRODUCT_OWNER and last.data["gate"] == "kpi_check"
    assert last.data["comment"] == "Pilot the call list"
    assert last.data["content_hash"] == served.project.gate_content("kpi_check")["content_hash"]
    # And `phasebook status` shows the gate approved
    out = CliRunner().invoke(cli, ["--project", str(served.project.root), "status", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["gates"]["kpi_check"]["state"] == "approved"


def test_edited_scope_makes_the_page_stale_with_the_diff(served, dpage):
    # Given an approved scope whose roc_auc target is 0.8, open on the page
    if served.project.status().gates["scope_approval"].state != "approved":
        served.project.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    _open_signoff(dpage, served, served.product_token)
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    # When the data scientist raises the target to 0.82
    changed = served.project.section("scope").model_dump(mode="json")
    metric = next(m for m in changed["kpis"][0]["metrics"] if m["name"] == "roc_auc")
    assert (metric["target"], metric["comparator"]) == (0.8, ">=")
    metric["target"] = 0.82
    served.project.save_section("scope", changed, actor=Actor(name="data scientist", role="data_science"))
    # Then reloading shows "stale", the change in words with the editor's name, and the sign-off widget again
    dpage.reload()
    expect(dpage.get_by_role("alert").filter(has_text="Approval is stale")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(dpage.locator('[data-state="stale"]').first).to_be_visible()
    expect(dpage.locator(".pb-change").filter(has_text="roc_auc target: at least 0.8 → at least 0.82")).to_be_visible()
    expect(dpage.locator(".pb-changed-by").filter(has_text="Changed by data scientist on")).to_be_visible()
    # And the default view holds no raw diff; the YAML diff is one click away
    assert "@@" not in dpage.locator("body").inner_text()
    expect(dpage.locator(".diff-add").filter(has_text="target: 0.82")).to_be_hidden()
    dpage.get_by_text("Show the raw YAML diff").first.click()
    expect(dpage.locator(".diff-add").filter(has_text="target: 0.82")).to_be_visible()
    expect(dpage.locator(".diff-del").filter(has_text="target: 0.8")).to_be_visible()
    expect(dpage.get_by_role("button", name="Approve", exact=True)).to_be_visible()


def test_xss_in_the_product_need_renders_as_text(served, dpage):
    # Given a script and an <img onerror> in the product-need statement
    dialogs = []
    dpage.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    need = served.project.section("product_need").model_dump(mode="json")
    served.project.save_section("product_need", {**need, "statement": XSS})
    # When the sign-off page and the overview are opened with the shared token
    _open_signoff(dpage, served, served.shared_token)
    # Then the payload is shown as text and no dialog fires
    expect(dpage.get_by_text(XSS, exact=True)).to_be_visible()
    assert dpage.locator('img[src="x"]').count() == 0
    dpage.goto(served.url("overview.ipynb", served.shared_token))
    expect(dpage.get_by_role("table", name="Gates")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(dpage.get_by_text("Need: " + XSS, exact=True)).to_be_visible()
    assert dpage.locator('img[src="x"]').count() == 0
    assert dialogs == []
    # And a shared-token viewer identifies nobody: the widget asks for a name
    dpage.goto(served.url("signoff.ipynb", served.shared_token, gate="scope_approval"))
    expect(dpage.get_by_text("your sign-off is recorded as unverified")).to_be_visible(timeout=PAGE_TIMEOUT)
    assert dialogs == []


def test_overview_and_monitoring_render_for_a_viewer(served, dpage):
    # When a viewer opens the overview
    dpage.goto(served.url("overview.ipynb", served.product_token))
    # Then the flow, the gates, the scoreboard and the decision log show
    expect(dpage.get_by_role("table", name="Flow")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(dpage.get_by_role("table", name="Gates")).to_be_visible()
    expect(dpage.get_by_role("group", name="KPI scoreboard")).to_be_visible()
    expect(dpage.get_by_role("img", name=re.compile("per model test")).first).to_be_visible()
    # And the monitoring page shows the demo's drift check with overlay histograms
    dpage.goto(served.url("monitoring.ipynb", served.product_token))
    expect(dpage.get_by_role("img", name="device: reference vs current")).to_be_visible(timeout=PAGE_TIMEOUT)
    # and the statistics per column, collapsed until asked for
    expect(dpage.get_by_role("table", name="Drift by column")).to_be_hidden()
    dpage.locator("summary", has_text="Statistics per column").click()
    expect(dpage.get_by_role("table", name="Drift by column")).to_be_visible()


def test_viewer_credentials_cannot_write_start_kernels_or_open_lab(served):
    before = served.project.plan_path.read_bytes()
    body = json.dumps({"type": "file", "format": "text", "content": "hacked: true\n"}).encode()
    for token in (served.product_token, served.shared_token):
        auth = {"Authorization": f"token {token}"}
        assert served.server.request("PUT", "api/contents/phasebook.yaml", body=body, token=False, headers=auth)[0] == 403
        assert served.server.request("DELETE", "api/contents/journal.jsonl", token=False, headers=auth)[0] == 403
        assert served.server.request("POST", "api/kernels", body=b"{}", token=False, headers=auth)[0] == 403
        assert served.server.request("GET", "api/kernels", token=False, headers=auth)[0] == 403
        assert served.server.request("GET", "lab", token=False, headers=auth)[0] == 403
        assert served.server.request("GET", "files/phasebook.yaml", token=False, headers=auth)[0] == 403
    assert served.project.plan_path.read_bytes() == before
    # the operator (admin) may use the API: the refusals above are about who asks
    status, body = served.server.request("POST", "api/kernels", body=b"{}")
    assert status == 201
    other = json.loads(body)["id"]
    try:
        # a viewer cannot read, or close, a kernel that is not their page's
        auth = {"Authorization": f"token {served.product_token}"}
        assert served.server.request("GET", f"api/kernels/{other}", token=False, headers=auth)[0] == 403
        assert served.server.request("POST", f"voila/api/shutdown/{other}", body=b"", token=False, headers=auth)[0] == 403
        assert any(k["id"] == other for k in served.kernels())
    finally:
        served.server.request("DELETE", f"api/kernels/{other}")


def test_closed_page_views_are_culled_back_to_baseline(served):
    # Given the kernel count before any view (through the server API, admin credentials)
    baseline = len(served.kernels())
    auth = {"Authorization": f"token {served.shared_token}"}
    peak = baseline

    def view(_):
        status, html = served.server.request("GET", "voila/render/workbooks/dashboards/signoff.ipynb?gate=scope_approval",
                                             token=False, headers=auth, timeout=180)
        return status, b"application/vnd.jupyter.widget-view+json" in html, len(served.kernels())

    # When 30 page views are opened and closed, five at a time (each view starts its own kernel)
    with ThreadPoolExecutor(max_workers=5) as pool:
        for status, rendered, count in pool.map(view, range(30)):
            assert status == 200 and rendered
            peak = max(peak, count)
    assert peak > baseline
    # Then the kernels are culled back to the baseline within the configured timeout
    deadline = time.monotonic() + CULL_IDLE_TIMEOUT + 10 * CULL_INTERVAL + 30
    while len(served.kernels()) > baseline:
        assert time.monotonic() < deadline, f"{len(served.kernels())} kernels left, baseline {baseline}"
        time.sleep(CULL_INTERVAL)
    assert re.search(r"[Cc]ulling kernel", served.server.log())
