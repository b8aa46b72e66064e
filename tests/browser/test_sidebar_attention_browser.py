"""The Project flow sidebar in a real JupyterLab and Chromium: what needs me, toasts, density, templates.

Given a lab root with two projects (one whose scope approval waits for the
product role) and the `myRoles` setting naming product: the launcher card
sits in a "phasebook" category with phasebook's icon; a template notebook
opened fresh is not marked unsaved (a control notebook with the old, short
``language_info`` is); the sidebar shows only the current phase's steps
(collapsed phases), badges the gate waiting on me and the sidebar tab; the
project picker lists the projects by attention; a sign-off journaled while
JupyterLab is open gives exactly one toast after the next poll, none on the
polls after it, and none again after a reload (the last seq is kept in the
browser).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from phasebook.core.events import Actor
from phasebook.demo.plan import SECTIONS
from phasebook.project import Project

from tests.servers import running_lab

pytestmark = pytest.mark.browser

UI_TIMEOUT = 60_000  # ms: JupyterLab's first load on a loaded 2-core machine
PRODUCT_OWNER = Actor(name="product owner", role="product")
#: the height of the sidebar's content (the panel itself fills the window)
CONTENT_HEIGHT = "n => Math.max(...Array.from(n.children).map(c => c.offsetTop + c.offsetHeight)) - n.offsetTop"
STATUS_POLL = re.compile(r"/phasebook/projects/[^?]+/status$")


def _lab_root(tmp_path):
    root = tmp_path / "lab"
    ready = Project.new(root / "churn-risk", "Churn risk")
    for name, content, actor in SECTIONS[:4]:
        ready.save_section(name, content, actor=actor)
    Project.new(root / "quiet", "Quiet one")
    control = json.loads((ready.root / "workbooks" / "01_scoping.ipynb").read_text())
    control["metadata"]["language_info"] = {"name": "python"}  # what the templates carried before
    control["cells"] = control["cells"][:1]
    (ready.root / "workbooks" / "control.ipynb").write_text(json.dumps(control))
    return root, ready


def _notifications(page) -> int:
    return int(page.locator(".jp-Notification-Status-Text").inner_text() or 0)


def _wait_polls(page, n: int) -> None:
    """Wait for ``n`` more status polls of the sidebar to complete (a condition, not a sleep)."""
    for _ in range(n):
        with page.expect_response(lambda r: bool(STATUS_POLL.search(r.url.split("?")[0])), timeout=UI_TIMEOUT):
            pass


def test_launcher_templates_badges_picker_and_one_toast_per_event(tmp_path, page, artifacts_dir):
    root, project = _lab_root(tmp_path)
    with running_lab(root) as lab:
        status, body = lab.request("PUT", "lab/api/settings/phasebook:plugin",
                                   body=json.dumps({"raw": json.dumps({"myRoles": ["product"]})}).encode())
        assert status == 204, body
        # Given JupyterLab's launcher: the card sits in its own phasebook category, with phasebook's icon
        page.goto(f"{lab.url}lab?token={lab.token}")
        section = page.locator(".jp-Launcher-section").filter(
            has=page.locator(".jp-Launcher-sectionTitle", has_text=re.compile(r"^phasebook$")))
        card = section.locator(".jp-LauncherCard").filter(has_text="New Data Science Project")
        card.wait_for(timeout=UI_TIMEOUT)
        assert card.locator('svg[data-icon="phasebook:flow"]').count() == 1
        page.screenshot(path=str(artifacts_dir / "attention-1-launcher.png"))

        # When a template notebook is opened fresh and its kernel is idle
        page.goto(f"{lab.url}lab/tree/churn-risk/workbooks/01_scoping.ipynb?token={lab.token}")
        scoping_tab = page.get_by_role("tab", name=re.compile(r"01_scoping\.ipynb"))
        scoping_tab.wait_for(timeout=UI_TIMEOUT)
        page.wait_for_function("() => (document.querySelector('#jp-main-statusbar') || {}).innerText?.includes('| Idle')",
                               timeout=UI_TIMEOUT)
        # and a control notebook with the old, short language_info is opened after it, and turns unsaved
        page.get_by_role("menuitem", name="File", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Open from Path")).click()
        page.get_by_role("dialog").get_by_role("textbox").fill("churn-risk/workbooks/control.ipynb")
        page.get_by_role("dialog").get_by_role("button", name="Open").click()
        control_tab = page.get_by_role("tab", name=re.compile(r"control\.ipynb"))
        expect(control_tab).to_have_class(re.compile(r"jp-mod-dirty"), timeout=UI_TIMEOUT)
        # Then the template is not marked unsaved
        assert "jp-mod-dirty" not in (scoping_tab.get_attribute("class") or "")

        # And the sidebar shows the project with only the current phase open
        page.locator('.jp-SideBar .lm-TabBar-tab[data-id="phasebook-project-flow"]').click()
        flow = page.get_by_role("region", name="Project flow")
        flow.locator('[aria-current="step"]').wait_for(timeout=UI_TIMEOUT)
        expect(flow.get_by_role("button", name="Scoping steps")).to_have_attribute("aria-expanded", "true")
        expect(flow.get_by_role("button", name="Research steps")).to_have_attribute("aria-expanded", "false")
        collapsed = flow.evaluate(CONTENT_HEIGHT)
        # and it badges the gate waiting on me, with a Sign button, and the sidebar's tab
        expect(flow.get_by_label("scope_approval: waiting for you")).to_be_visible(timeout=UI_TIMEOUT)
        assert flow.get_by_role("button", name="Sign scope_approval").count() == 1
        tab = page.locator('.jp-SideBar .lm-TabBar-tab[data-id="phasebook-project-flow"]')
        expect(tab).to_have_class(re.compile(r"jp-mod-attention"))
        # and the picker lists the projects by attention, the waiting one first
        options = flow.get_by_label("Project").locator("option")
        assert options.nth(1).inner_text() == "Churn risk — waiting for sign-off (churn-risk)"
        assert options.nth(2).inner_text() == "Quiet one (quiet)"
        page.screenshot(path=str(artifacts_dir / "attention-2-sidebar.png"))
        for name in ("Research", "Development", "Deployment"):
            flow.get_by_role("button", name=f"{name} steps").click()
        expanded = flow.evaluate(CONTENT_HEIGHT)
        print(f"sidebar height: current phase only {collapsed} px, every phase open {expanded} px")
        assert collapsed < 0.7 * expanded and collapsed < 900  # one screen, not 2.2 (1,888 px before)

        # When a sign-off is journaled while JupyterLab is open (after the browser learnt the last seq)
        page.wait_for_function("() => localStorage.getItem('phasebook:last-seq:churn-risk') !== null",
                               timeout=UI_TIMEOUT)
        before = _notifications(page)
        project.sign_off("scope_approval", PRODUCT_OWNER, "request_changes", "Say who pays.")
        # Then exactly one toast appears after the next poll
        toast = page.locator(".Toastify__toast").filter(has_text="request changes scope_approval")
        toast.wait_for(timeout=UI_TIMEOUT)
        assert toast.count() == 1 and "product owner" in toast.inner_text()
        assert _notifications(page) == before + 1
        page.screenshot(path=str(artifacts_dir / "attention-3-toast.png"))
        # and none on the polls that follow
        _wait_polls(page, 2)
        assert _notifications(page) == before + 1
        assert page.locator(".Toastify__toast").filter(has_text="request changes scope_approval").count() <= 1
        # and none after a reload: the last seq seen is kept in the browser
        page.reload()
        page.get_by_role("region", name="Project flow").locator('[aria-current="step"]').wait_for(timeout=UI_TIMEOUT)
        _wait_polls(page, 2)
        assert page.locator(".Toastify__toast").filter(has_text="request changes scope_approval").count() == 0
