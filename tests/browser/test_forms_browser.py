"""The scope form in a real JupyterLab and a real Chromium: type a KPI and a metric, Save, see phasebook.yaml change.

Given a fresh project served by JupyterLab, when its scoping notebook is
opened and run, the phase's forms render; typing a KPI with a metric and
pressing Save writes them to ``phasebook.yaml``. A screenshot of the saved
form goes to the test artifacts.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from phasebook.project import Project

from tests.servers import running_lab

pytestmark = pytest.mark.browser

SCOPING = Path("workbooks") / "01_scoping.ipynb"
WIDGET_TIMEOUT = 120_000  # ms: kernel start + imports on a loaded 2-core machine


def _scoping_notebook(project: Project) -> str:
    """The project's own copy of the scoping workbook (``Project.new`` copies the templates)."""
    path = project.root / SCOPING
    assert path.exists(), f"{path} is missing: Project.new should copy workbooks/01_scoping.ipynb into the project"
    params = next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    assert "interactive = True" in params.source, "the scoping notebook must show its forms when run interactively"
    return SCOPING.as_posix()


def test_scope_form_saves_a_kpi_and_metric_from_jupyterlab(project, page, artifacts_dir):
    notebook = _scoping_notebook(project)
    with running_lab(project.root) as lab:
        page.goto(f"{lab.url}lab/tree/{notebook}?token={lab.token}")
        # run every cell once the notebook's kernel is up
        # (a menu renders its items when it opens: open it once the kernel is idle)
        page.get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=WIDGET_TIMEOUT)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        scope_tab = page.get_by_role("tab", name="1.4 Scope & KPIs")
        scope_tab.wait_for(timeout=WIDGET_TIMEOUT)
        scope_tab.click()

        page.get_by_role("button", name="Add KPI").click()
        page.get_by_label("KPI", exact=True).fill("churners caught before renewal")
        page.get_by_role("button", name="Add metric").click()
        page.get_by_placeholder("Metric", exact=True).fill("roc_auc")
        page.get_by_placeholder("Target", exact=True).fill("0.8")
        page.get_by_role("button", name="Save Scope & KPIs").click()
        page.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for(timeout=30_000)
        page.get_by_text("Model metrics", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "forms-scope-saved.png"))

    scope = Project.open(project.root).section("scope")
    assert [k.name for k in scope.kpis] == ["churners caught before renewal"]
    assert [(m.name, m.target, m.comparator, m.hardness) for m in scope.kpis[0].metrics] == [
        ("roc_auc", 0.8, ">=", "hard")
    ]
    saved = [e for e in Project.open(project.root).events() if e.kind == "section_saved"]
    assert saved and saved[-1].data["section"] == "scope"
