"""The JupyterLab extension in a real JupyterLab and a real Chromium.

Given an empty folder served by JupyterLab with phasebook installed:
the launcher card creates a project and opens its scoping notebook, and the
"Project flow" sidebar shows scoping as the current phase with its gate
pending; running research from the sidebar shows progress, then the run
with a link to its output notebook; approving the scope with the CLI turns
the sidebar's badge to approved without reloading the page. Screenshots go
to the test artifacts.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from phasebook.project import Project

from tests.servers import running_lab

pytestmark = pytest.mark.browser

UI_TIMEOUT = 60_000  # ms: JupyterLab's first load on a loaded 2-core machine
RUN_TIMEOUT = 240_000  # ms: a real research run (kernel start, imports, 14 cells)


def test_launcher_sidebar_run_and_cli_signoff(tmp_path, page, artifacts_dir):
    root = tmp_path / "lab"
    root.mkdir()
    with running_lab(root) as lab:
        # Given JupyterLab's launcher
        page.goto(f"{lab.url}lab?token={lab.token}")
        card = page.locator(".jp-LauncherCard").filter(has_text="New Data Science Project")
        card.wait_for(timeout=UI_TIMEOUT)
        assert card.get_attribute("title").startswith("Create a phasebook project")
        page.screenshot(path=str(artifacts_dir / "sidebar-1-launcher.png"))

        # When the card is used to create a project
        card.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Project name").fill("Churn risk")
        assert dialog.get_by_label("Folder").input_value() == "churn-risk"
        dialog.get_by_role("button", name="Create").click()

        # Then the project exists and its scoping notebook opens
        page.get_by_role("tab", name=re.compile(r"01_scoping\.ipynb")).wait_for(timeout=UI_TIMEOUT)
        project = Project.open(root / "churn-risk")
        assert project.name == "Churn risk"

        # and the sidebar shows scoping as current with its gate pending
        flow = page.get_by_role("region", name="Project flow")
        current = flow.locator('[aria-current="step"]')
        current.wait_for(timeout=UI_TIMEOUT)
        assert current.get_attribute("data-phase") == "scoping"
        badge = flow.get_by_label("scope_approval: pending")
        badge.wait_for(timeout=UI_TIMEOUT)
        assert flow.get_by_label(re.compile(r"^\w+: approved$")).count() == 0
        page.screenshot(path=str(artifacts_dir / "sidebar-2-new-project.png"))

        # When research is run from the sidebar
        flow.get_by_role("button", name="Run research").click()
        # Then its progress shows while it runs
        progress = flow.get_by_role("status").filter(has_text=re.compile(r"^research: "))
        progress.first.wait_for(timeout=UI_TIMEOUT)
        page.screenshot(path=str(artifacts_dir / "sidebar-3-run-progress.png"))
        # and then the run appears with a link to its output notebook
        link = flow.get_by_role("link", name="Open research run output")
        link.wait_for(timeout=RUN_TIMEOUT)
        assert re.fullmatch(r"churn-risk/runs/research/[^/]+/02_research\.ipynb", link.get_attribute("title"))
        expect(flow.get_by_role("status")).to_have_count(0, timeout=UI_TIMEOUT)  # the progress row goes away
        page.screenshot(path=str(artifacts_dir / "sidebar-4-run-done.png"))
        runs = [e for e in project.events() if e.kind == "run"]
        assert [(r.data["phase"], r.data["status"]) for r in runs] == [("research", "succeeded")]
        link.click()
        # the output opens in a tab named after the run, not after the template; the file keeps its name
        run_tab = page.get_by_role("tab", name=re.compile(r"^research run \d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
        run_tab.wait_for(timeout=UI_TIMEOUT)
        assert page.get_by_role("tab", name=re.compile(r"02_research\.ipynb")).count() == 0
        assert (root / link.get_attribute("title")).exists()

        # When the product owner approves the scope through the CLI
        cli = subprocess.run(
            [sys.executable, "-c", "from phasebook.cli import main; main()", "--project", str(root / "churn-risk"), "signoff",
             "scope_approval", "--as", "product owner", "--role", "product", "--approve"],
            capture_output=True, text=True, timeout=60,
        )
        assert cli.returncode == 0, cli.stderr
        # Then the badge turns approved without a page reload, saying the CLI signature is unverified
        approved = flow.get_by_label("scope_approval: approved (unverified)")
        approved.wait_for(timeout=UI_TIMEOUT)
        approved.scroll_into_view_if_needed()
        assert flow.get_by_text(re.compile(r"product owner \(product\): approve")).count() == 1
        page.screenshot(path=str(artifacts_dir / "sidebar-5-approved.png"))

        # And in the dark theme the sidebar follows JupyterLab's colours
        page.get_by_role("menuitem", name="Settings", exact=True).click()
        page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^Theme$")).click()
        page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^JupyterLab Dark$")).click()
        page.wait_for_function(
            "document.body.dataset.jpThemeLight === 'false'", timeout=UI_TIMEOUT
        )
        assert _luminance(flow.evaluate("n => getComputedStyle(n).backgroundColor")) < 0.3
        assert _luminance(flow.locator(".jp-phasebook-summary").evaluate("n => getComputedStyle(n).color")) > 0.5
        page.screenshot(path=str(artifacts_dir / "sidebar-6-dark.png"))


def _luminance(css_color: str) -> float:
    """Relative brightness (0 black … 1 white) of an ``rgb()``/``rgba()`` colour."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255

