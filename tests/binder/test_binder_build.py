"""The Binder image, emulated on this machine (no Docker): build it as repo2docker does, launch it as Binder does.

repo2docker builds from the repository checkout: with a ``binder/`` folder
it runs ``pip install --no-cache-dir -r binder/requirements.txt`` (from the
repository root, into the image's Python environment), then
``./binder/postBuild`` (same folder, as the notebook user, HOME
/home/jovyan). Here a fresh ``python -m venv`` (no system site-packages)
stands for the image's environment, a temporary folder for HOME, and the
venv's ``bin`` comes first on PATH. Two honest differences: pip may use its
cache (repo2docker passes ``--no-cache-dir`` only to keep the image small),
and the venv lacks repo2docker's base packages (notebook 7,
jupyterhub-singleuser, nodejs 20): ``binder/requirements.txt`` names
JupyterLab itself, so the emulation needs nothing else.

Then, from that venv only: the lab and server extensions are enabled, the
demo project exists with every phase run, JupyterLab started as Binder starts
it (``--ip``, ``--no-browser``, ``--allow-root``, root folder = HOME) opens
the README's lab URL with the Project flow sidebar on the demo, and the
README's Voilà URL renders the overview dashboard on that same server.
Build timings go to ``test-artifacts/binder-timings.json``. The image is
built once per session (``tests/binder/conftest.py``) and shared with the
fresh-install tests beside this file.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.servers import free_port, running

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1800)]

REPO = Path(__file__).resolve().parents[2]
#: The ``urlpath`` parts of the README's two Binder links.
LAB_URLPATH = "lab/tree/demo/workbooks/01_scoping.ipynb"
VOILA_URLPATH = "voila/render/demo/workbooks/dashboards/overview.ipynb"
UI_TIMEOUT = 90_000  # ms: JupyterLab's first load and a Voilà kernel on a loaded 2-core machine
def test_build_enables_both_extensions_and_leaves_the_demo_with_its_runs(image):
    # Then the image's own jupyter lists phasebook's lab extension and server extension as enabled
    python = image.venv / "bin" / "python"
    assert image.run(str(python), "-c", "import sys; print(sys.prefix)").stdout.strip() == str(image.venv)
    labext = image.run("jupyter", "labextension", "list")
    assert re.search(r"phasebook v\S+ \S*enabled\S* \S*OK", labext.stdout + labext.stderr), labext.stderr
    assert str(image.venv / "share" / "jupyter" / "labextensions") in labext.stdout + labext.stderr
    serverext = image.run("jupyter", "server", "extension", "list")
    listing = serverext.stdout + serverext.stderr
    assert re.search(r"^\s*phasebook \S*enabled", listing, re.M), listing
    assert re.search(r"^\s*voila\.server_extension \S*enabled", listing, re.M), listing
    assert "No broken requirements found." in image.logs["./binder/postBuild"]

    # And the demo project is in ~/demo, where the README's links point, with every phase run and no run failed
    show = image.run(str(python), "-c", (
        "import json; from phasebook.project import Project; p = Project.open('demo'); "
        "print(json.dumps([[e.data['phase'], e.data['status'], e.data['output_path']] "
        "for e in p.events() if e.kind == 'run']))"))
    assert show.returncode == 0, show.stderr
    runs = json.loads(show.stdout)
    assert {phase for phase, _, _ in runs} == {"scoping", "research", "development", "deployment"}, runs
    assert {status for _, status, _ in runs} == {"succeeded"}, runs
    for _, _, output in runs:
        assert (image.home / "demo" / output).is_file() or Path(output).is_file(), output
    assert (image.home / LAB_URLPATH.removeprefix("lab/tree/")).is_file()
    assert (image.home / VOILA_URLPATH.removeprefix("voila/render/")).is_file()
    # and visitors get no news pop-up over it
    page_config = json.loads((image.home / ".jupyter" / "labconfig" / "page_config.json").read_text())
    assert page_config["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True


def test_binder_launch_serves_the_sidebar_and_the_overview(image, page, artifacts_dir):
    # Given JupyterLab started from the image as Binder starts it (root folder HOME, the image's config dir)
    port, token = free_port(), secrets.token_hex(16)
    argv = [str(image.venv / "bin" / "jupyter"), "lab", "--ip=127.0.0.1", "--no-browser", "--allow-root",
            f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={image.home}"]
    env = {**image.env, "JUPYTER_CONFIG_DIR": str(image.home / ".jupyter")}
    with running(argv, port=port, token=token, cwd=image.home, env=env, inherit_env=False) as lab:
        # When a visitor follows the README's JupyterLab link
        page.goto(f"{lab.url}{LAB_URLPATH}?token={token}")
        # Then the scoping notebook opens
        page.get_by_role("tab", name=re.compile(r"01_scoping\.ipynb")).wait_for(timeout=UI_TIMEOUT)
        # and the Project flow sidebar shows the demo project with its runs
        page.locator('.jp-SideBar [data-id="phasebook-project-flow"]').click()
        flow = page.get_by_role("region", name="Project flow")
        expect(flow.locator(".jp-phasebook-summary")).to_contain_text("subscription-churn", timeout=UI_TIMEOUT)
        # (the demo's story: development in progress, its KPI check waiting for product)
        expect(flow.locator('[aria-current="step"]')).to_have_attribute("data-phase", "development")
        expect(flow.get_by_label("kpi_check: pending")).to_be_visible()
        recent = flow.get_by_role("region", name="Recent runs")
        expect(recent.get_by_role("link", name="Open deployment run output")).to_have_count(1)
        expect(recent.get_by_role("link", name="Open development run output").first).to_be_visible()
        expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=UI_TIMEOUT)
        page.screenshot(path=str(artifacts_dir / "binder-1-lab-sidebar.png"))

        # When the README's Voilà link is followed on the same server
        page.goto(f"{lab.url}{VOILA_URLPATH}?token={token}")
        # Then the overview dashboard renders the demo: flow, gates, KPI scoreboard
        expect(page.get_by_role("table", name="Flow")).to_be_visible(timeout=UI_TIMEOUT)
        expect(page.get_by_role("table", name="Gates")).to_be_visible()
        expect(page.get_by_role("group", name="KPI scoreboard")).to_be_visible()
        assert page.get_by_role("alert").count() == 0
        page.screenshot(path=str(artifacts_dir / "binder-2-voila-overview.png"), full_page=True)
