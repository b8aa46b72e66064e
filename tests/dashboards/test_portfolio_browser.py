"""``phasebook serve DIR`` of a folder of projects: the portfolio page in a real Chromium.

Given three projects (one overrun timebox, one gate waiting for product, one
delivered with a monitoring alert), the served folder's landing page lists
them in that order of attention, each linking to its own overview; the
portfolio page is a dashboard only of a folder of projects (a project's own
folder has none), and other notebooks stay refused.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sys

import pytest

from phasebook.dashboards.serverext import PORTFOLIO_PAGE, is_dashboard
from phasebook.dashboards.serving import ensure_portfolio

from tests.portfolio_projects import EXPECTED_ORDER, build_portfolio
from tests.servers import free_port, running

pytestmark = pytest.mark.browser

UI_TIMEOUT = 60_000  # ms: a cold Voilà kernel on a loaded 2-core machine


def test_portfolio_page_lists_projects_by_attention_and_links_to_overviews(tmp_path, page, artifacts_dir):
    # Given a folder of three projects served with phasebook serve
    root = build_portfolio(tmp_path / "team")
    token, port = secrets.token_hex(16), free_port()
    exe = shutil.which("phasebook") or sys.executable
    argv = [exe, "serve", str(root), "--port", str(port), "--token", token, "--allow-root"]
    with running(argv, port=port, token=token, cwd=tmp_path) as server:
        # When the landing page opens
        page.goto(f"{server.url}?token={token}")
        table = page.get_by_role("table", name="Projects")
        table.wait_for(timeout=UI_TIMEOUT)
        assert page.url.split("?")[0].endswith(PORTFOLIO_PAGE)
        # Then the projects come in the order of attention, each saying why
        rows = table.locator("tbody tr")
        names = [rows.nth(i).get_by_role("link").inner_text() for i in range(rows.count())]
        assert names == EXPECTED_ORDER
        assert [rows.nth(i).get_attribute("class") for i in range(3)] == [
            "attention-overrun", "attention-waiting", "attention-alerting"]
        assert "overrun by 3 days" in rows.nth(0).inner_text()
        assert "Scope & KPIs approval: product" in rows.nth(1).inner_text()
        assert "covariate shift in device" in rows.nth(2).inner_text()
        page.screenshot(path=str(artifacts_dir / "portfolio-1.png"), full_page=True)
        # and a row's link opens that project's overview
        rows.nth(1).get_by_role("link", name="Scope ready").click()
        page.get_by_role("table", name="Gates").wait_for(timeout=UI_TIMEOUT)
        assert "/scope-ready/workbooks/dashboards/overview.ipynb" in page.url
        assert "Scope ready" in page.locator("h2").first.inner_text()
        # and the same list comes from the CLI in the same order
        cli = [exe, "status", "--all", str(root), "--json"] if exe != sys.executable else \
            [sys.executable, "-c", "from phasebook.cli import main; main()", "status", "--all", str(root), "--json"]
        import subprocess

        out = subprocess.run(cli, capture_output=True, text=True, timeout=120)
        assert [r["name"] for r in json.loads(out.stdout)["projects"]] == EXPECTED_ORDER
        # and a phase notebook under the folder is still refused
        status, _ = server.get("voila/render/scope-ready/workbooks/01_scoping.ipynb")
        assert status == 403


def test_the_portfolio_page_is_a_dashboard_only_at_the_root_of_a_folder_of_projects(tmp_path):
    root = build_portfolio(tmp_path / "team")
    assert ensure_portfolio(root) and not ensure_portfolio(root)  # copied once, never overwritten
    assert is_dashboard(root, PORTFOLIO_PAGE)
    # a copy in a sub-folder of the served folder is not served, nor another notebook beside the portfolio page
    sub = root / "team"
    ensure_portfolio(sub)
    assert not is_dashboard(root, f"team/{PORTFOLIO_PAGE}")
    (root / "workbooks" / "dashboards" / "other.ipynb").write_text((root / PORTFOLIO_PAGE).read_text())
    assert not is_dashboard(root, "workbooks/dashboards/other.ipynb")
    assert not is_dashboard(root, "workbooks/dashboards/../dashboards/portfolio.ipynb/..")
