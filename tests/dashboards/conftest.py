"""Fixtures for the dashboard tests: a filled project and, per module, a real ``phasebook serve``.

Browser tests serve a private copy of the demo project (``phasebook demo``,
built once per session by ``tests/demo_fixture.py``); the fast view tests
use a small filled project made through the Project API
(:mod:`tests.dashboards.fixtures`).
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from phasebook.dashboards.identity import add_user
from phasebook.dashboards.serving import ensure_dashboards
from phasebook.project import Project

from .fixtures import build_filled_project

try:
    from tests.demo_fixture import demo_build  # noqa: F401  (session fixture)
except ModuleNotFoundError:  # plain `pytest` does not put the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.demo_fixture import demo_build  # noqa: F401
from tests.servers import Server, free_port, running  # noqa: E402

CULL_IDLE_TIMEOUT = 10  # seconds: short, for tests only
CULL_INTERVAL = 1


@pytest.fixture
def filled_project(tmp_path) -> Project:
    """A filled project with its dashboards."""
    p = build_filled_project(tmp_path / "churn-risk")
    ensure_dashboards(p)
    return p


@dataclass
class Served:
    server: Server
    project: Project
    shared_token: str
    product_token: str
    admin_token: str

    def url(self, notebook: str, token: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {**params, "token": token}.items())
        return f"{self.server.url}voila/render/workbooks/dashboards/{notebook}?{query}"

    def kernels(self) -> list:
        """Running kernels, counted through the server API with admin credentials."""
        import json

        status, body = self.server.get("api/kernels")
        assert status == 200, body
        return json.loads(body)


@contextlib.contextmanager
def serve_demo_copy(base, demo_build, **people: tuple[str, str]):
    """``phasebook serve`` of a copy of the demo with a product owner, an operator (admin) and ``people``.

    ``people`` maps an attribute name to (person, role); each person's token is set on the result
    under that name (``cs_token=("customer success lead", "customer_success")``).
    """
    shutil.copytree(demo_build.root, base / "demo", symlinks=True)
    project = Project.open(base / "demo")
    ensure_dashboards(project)
    users = base / "users.yaml"
    product_token = add_user(users, "product owner", "product")
    tokens = {attr: add_user(users, person, role) for attr, (person, role) in people.items()}
    admin_token = add_user(users, "operator", None, admin=True)
    shared, port = secrets.token_hex(16), free_port()
    exe = shutil.which("phasebook") or sys.executable
    argv = [exe, "serve", str(project.root), "--port", str(port), "--token", shared, "--users", str(users),
            "--allow-root", "--cull-idle-timeout", str(CULL_IDLE_TIMEOUT), "--cull-interval", str(CULL_INTERVAL)]
    with running(argv, port=port, token=admin_token, cwd=base) as server:
        served = Served(server, project, shared, product_token, admin_token)
        for attr, token in tokens.items():
            setattr(served, attr, token)
        yield served


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_build) -> Served:
    """One ``phasebook serve`` of a demo copy per test module, with a product owner and an operator (admin)."""
    with serve_demo_copy(tmp_path_factory.mktemp("serve"), demo_build) as served:
        yield served
