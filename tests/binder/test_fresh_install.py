"""What a user gets from ``pip install .`` on a fresh machine, and that every command phasebook prints works there.

The environment is the session's fresh venv (``conftest.py``: a new ``python
-m venv``, no system site-packages, the wheel built from this checkout and its
declared dependencies, nothing else). The commands run as the test process
runs: as root in CI, containers and Binder, where Jupyter refuses to start
unless told.
"""

from __future__ import annotations

import json
import os
import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.servers import free_port, running

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]

OVERVIEW = "voila/render/workbooks/dashboards/overview.ipynb"
UI_TIMEOUT = 90_000  # ms: JupyterLab's first load on a loaded 2-core machine


def _listing(image, *args: str) -> str:
    proc = image.run("jupyter", *args)
    return re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)


def test_the_environment_is_fresh_and_phasebook_is_the_wheel_with_both_extensions(image):
    # Given the fresh venv: no system site-packages, phasebook installed from a wheel (not editable)
    cfg = (image.venv / "pyvenv.cfg").read_text()
    assert re.search(r"include-system-site-packages\s*=\s*false", cfg), cfg
    where = image.run(str(image.venv / "bin" / "python"), "-c", (
        "import json, phasebook, importlib.metadata as m; "
        "print(json.dumps([phasebook.__file__, m.distribution('phasebook').read_text('direct_url.json')]))"))
    assert where.returncode == 0, where.stderr
    module, direct_url = json.loads(where.stdout)
    assert module.startswith(str(image.venv)), module
    assert not json.loads(direct_url or "{}").get("dir_info", {}).get("editable", False)
    # Then JupyterLab is there (a declared dependency) and lists phasebook's lab and server extensions as enabled
    assert re.search(r"phasebook v\S+ enabled OK", _listing(image, "labextension", "list"))
    assert re.search(r"^\s*phasebook enabled", _listing(image, "server", "extension", "list"), re.M)


def test_phasebook_lab_as_root_roots_jupyterlab_at_the_project(image, page, artifacts_dir):
    # Given the demo project (built by postBuild with the venv's phasebook) and a user inside one of its subfolders
    demo = image.home / "demo"
    port, token = free_port(), secrets.token_hex(16)
    argv = [str(image.venv / "bin" / "phasebook"), "lab", "--no-browser", "--port", str(port),
            f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    # When the user runs `phasebook lab` there, exactly as the demo prints it (as root: no --allow-root typed)
    with running(argv, port=port, token=token, cwd=demo / "data", env=image.env, inherit_env=False) as lab:
        # Then the Project flow sidebar's route lists the project: the server is rooted at the project folder
        status, body = lab.get("phasebook/projects")
        assert status == 200, body
        projects = json.loads(body)["projects"]
        assert [p["name"] for p in projects] == ["subscription-churn"], projects
        status, _ = lab.get("api/contents/workbooks/01_scoping.ipynb?content=0")
        assert status == 200
        # and the link JupyterLab prints opens the scoping notebook
        assert re.search(rf":{port}/lab/tree/workbooks/01_scoping\.ipynb\?token=", lab.log()), lab.log()[-3000:]
        assert "JupyterLab on project subscription-churn" in lab.log()

        # When the user opens that link in a browser
        page.goto(f"{lab.url}?token={token}")
        # Then the scoping notebook is open and the Project flow sidebar too, on the project (no click needed),
        # its status read through the root project's route (a browser drops a `%2E` path segment)
        page.get_by_role("tab", name=re.compile(r"01_scoping\.ipynb")).wait_for(timeout=UI_TIMEOUT)
        flow = page.get_by_role("region", name="Project flow")
        expect(flow.locator(".jp-phasebook-summary")).to_contain_text("subscription-churn", timeout=UI_TIMEOUT)
        # (the demo's story: development in progress, its KPI check waiting for product)
        expect(flow.locator('[aria-current="step"]')).to_have_attribute("data-phase", "development")
        expect(flow.get_by_label("kpi_check: pending")).to_be_visible()
        assert flow.get_by_role("alert").count() == 0
        page.screenshot(path=str(artifacts_dir / "fresh-phasebook-lab.png"))
    # and the layout JupyterLab keeps is the project's own (git-ignored .phasebook/), not the user's global one
    assert list((demo / ".phasebook" / "workspaces").glob("*.jupyterlab-workspace"))


def test_phasebook_serve_as_root_serves_the_overview(image):
    demo = image.home / "demo"
    exe = str(image.venv / "bin" / "phasebook")
    if os.geteuid() == 0:
        # Given root and no --allow-root: phasebook's own error, before anything is printed or started
        refused = image.run(exe, "serve", str(demo), "--port", str(free_port()), timeout=60)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert refused.stdout == "" and refused.stderr.startswith("error:") and "--allow-root" in refused.stderr
    # When it is served the way containers need
    port, token = free_port(), secrets.token_hex(16)
    argv = [exe, "serve", "--port", str(port), "--token", token, "--allow-root", "--project", str(demo)]
    with running(argv, port=port, token=token, cwd=image.home, env=image.env, inherit_env=False,
                 timeout=180) as served:
        # Then the overview URL it printed renders the demo's overview dashboard
        printed = re.search(r"(http://127\.0\.0\.1:\d+/\S+\?token=\S+)", served.log())
        assert printed and printed.group(1) == f"http://127.0.0.1:{port}/{OVERVIEW}?token={token}", served.log()
        status, body = served.get(f"{OVERVIEW}?token={token}", timeout=120)
        assert status == 200
        assert "subscription-churn" in body.decode("utf-8", "replace")
