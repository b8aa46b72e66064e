"""Fixtures for the server extension: a jupyter_server with phasebook enabled.

pytest-jupyter serves under the base URL ``/a%40b/``, so a route that
forgets the base URL fails here. ``fake_runner`` stands in for
:func:`phasebook.runner.run_notebook` (same signature) where a test is about
the route, not about executing a notebook.

pytest-jupyter is imported here rather than listed in ``pytest_plugins``, so
its autouse fixtures stay in this folder (see the comment at the import).
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from tornado.httpclient import HTTPClientError

from phasebook.core.errors import WorkbookExecutionError
from phasebook.project import Project

# pytest-jupyter's fixtures and async-test hooks, scoped to this folder. Not as
# ``pytest_plugins``: that registers them for the whole session, and their autouse
# event-loop fixtures then close the loop Playwright's sync API runs in every
# browser test ("Cannot close a running event loop").
from pytest_jupyter.jupyter_server import *  # noqa: E402,F401,F403


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"phasebook": True}}}


@pytest.fixture
def root_project(jp_root_dir) -> Project:
    """A project at ``churn-risk/`` under the server root."""
    return Project.new(jp_root_dir / "churn-risk", name="churn-risk")


@pytest.fixture
def api(jp_fetch):
    """``await api("GET", "projects", ...)`` → (status, JSON body); HTTP errors are returned, not raised."""

    async def call(method: str, *parts: str, body=None, headers=None):
        kwargs = {"method": method, "headers": headers or {}}
        if body is not None:
            kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        elif method == "POST":
            kwargs["body"] = b""
        try:
            resp = await jp_fetch("phasebook", *parts, **kwargs)
        except HTTPClientError as exc:
            resp = exc.response
        text = resp.body.decode() if resp.body else ""
        return resp.code, (json.loads(text) if text else None)

    return call


@pytest.fixture
def raw(http_server_client, jp_base_url, jp_auth_header):
    """Fetch a URL written exactly as given after the base URL (no escaping), optionally without the token."""

    async def call(path: str, *, token: bool = True, method: str = "GET", body=None):
        headers = dict(jp_auth_header) if token else {}
        try:
            resp = await http_server_client.fetch(jp_base_url + path, method=method, headers=headers, body=body,
                                                  raise_error=False, follow_redirects=False)
        except HTTPClientError as exc:
            resp = exc.response
        return resp.code, resp.body.decode() if resp.body else ""

    return call


class FakeRun:
    """What the runner returns: a pydantic-like result with ``model_dump``."""

    def __init__(self, **data):
        self.data = data

    def model_dump(self, mode="json"):
        return dict(self.data)


@pytest.fixture
def fake_runner(monkeypatch):
    """Replace the real runner: succeeds (reporting progress, journaling a run) unless the phase is 'development'."""
    calls = []

    def run_notebook(project, phase, parameters=None, *, force=False, log_output=False, on_progress=None, **kwargs):
        calls.append({"phase": phase, "parameters": parameters, "force": force})
        out = project.root / "runs" / phase / "r1" / f"{phase}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("{}")
        for i in range(1, 4):
            on_progress(i, 3)
        if phase == "development":
            project.record("run", {"phase": phase, "status": "failed", "output_path": str(out)})
            raise WorkbookExecutionError(run_id="r1", notebook=f"{phase}.ipynb", output_path=str(out),
                                         cell_index=2, ename="ValueError", evalue="no data")
        project.record("run", {"phase": phase, "status": "succeeded",
                                "output_path": out.relative_to(project.root).as_posix()})
        return FakeRun(run_id="r1", phase=phase, notebook=f"{phase}.ipynb", status="succeeded",
                       output_path=str(out), duration_s=0.1, parameters=parameters or {}, error=None)

    monkeypatch.setattr("phasebook.server.runs.default_runner", lambda: run_notebook)
    return calls


async def wait_for_run(api, project_path: str, job_id: str, timeout: float = 30.0) -> dict:
    """Poll the run until it is finished (a condition with a deadline, not a sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        code, body = await api("GET", "projects", project_path, "runs", job_id)
        assert code == 200, body
        if body["state"] in ("succeeded", "cached", "failed"):
            return body
        assert time.monotonic() < deadline, f"run still {body['state']} after {timeout}s"
        await asyncio.sleep(0.02)
