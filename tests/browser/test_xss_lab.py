"""Plan text is never markup in JupyterLab: Run All on each phase notebook with hostile plan text.

JupyterLab trusts the outputs of cells it has just run, so its sanitizer
does not protect them: the templates must escape plan text themselves
(:mod:`phasebook.core.escape`). Given a project whose name, product need,
and chosen literature title carry a script and an
``onerror`` handler, Run All in a real JupyterLab and Chromium leaves
``window.__x`` and ``window.__y`` undefined and shows the text as typed.
"""

from __future__ import annotations

import re

import pytest

from tests.dashboards.fixtures import build_filled_project
from tests.servers import running_lab

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__x=1</script>"
IMG = '<img src=x onerror="window.__y=1">'
PAYLOAD = f"Churn {SCRIPT}{IMG}"
TIMEOUT = 180_000  # ms: a kernel start, imports and the cells on a loaded 2-core machine
NOTEBOOKS = {
    "01_scoping": f"Need: {PAYLOAD}",
    "02_research": f"Chosen direction: {PAYLOAD}",
    "03_development": "current phase",
    "04_deployment": "current phase",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    project = build_filled_project(tmp_path_factory.mktemp("xss") / "churn-risk", statement=PAYLOAD)
    lit = project.section("literature").model_dump(mode="json")
    lit["entries"][0]["title"] = PAYLOAD
    project.save_section("literature", lit)
    # (a data source's name cannot carry markup: the schema allows letters, digits, '_', '-' and '.' only);
    # its data file does not exist here, so it is not profiled (Run All would stop at that cell)
    sources = project.section("data_sources").model_dump(mode="json")
    sources["items"][0]["access_status"] = "requested"
    project.save_section("data_sources", sources)
    text = project.plan_path.read_text()
    project.plan_path.write_text(text.replace("name: churn-risk", f"name: 'risk {IMG} [bold]x[/]'", 1))
    assert IMG in project.name
    return project


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_run_all_never_runs_plan_text(hostile, page, notebook):
    with running_lab(hostile.root) as lab:
        page.goto(f"{lab.url}lab/tree/workbooks/{notebook}.ipynb?token={lab.token}")
        page.get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=TIMEOUT)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        # the header shows the project's name as typed (the first output of every template)
        outputs = page.locator(".jp-RenderedMarkdown")
        outputs.filter(has_text=f"risk {IMG} [bold]x[/]").first.wait_for(timeout=TIMEOUT)
        outputs.filter(has_text=NOTEBOOKS[notebook]).first.wait_for(timeout=TIMEOUT)
        page.get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=TIMEOUT)
        assert page.evaluate("() => [typeof window.__x, typeof window.__y]") == ["undefined", "undefined"]
        assert page.locator(".jp-OutputArea-output script").count() == 0
        assert page.locator(".jp-OutputArea-output img[onerror]").count() == 0
