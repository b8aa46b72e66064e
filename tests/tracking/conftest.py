"""Fixtures: a real MLflow tracking server, tracked projects, and an MLflow client to check what they logged.

``tracking_uri`` is parametrized over the two stores a plan can name: the
embedded default (``local``: SQLite inside the project) and a real
``mlflow server`` on 127.0.0.1 with a SQLite backend, started once per test
module and waited for by polling its ``/health`` endpoint.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import pytest

try:
    from tests.demo_fixture import demo_build, demo_copy, demo_project, run_cli  # noqa: F401
    from tests.servers import free_port, running
except ModuleNotFoundError:  # plain `pytest` does not put the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.demo_fixture import demo_build, demo_copy, demo_project, run_cli  # noqa: F401
    from tests.servers import free_port, running

from tests.conftest import CUSTOMER_SUCCESS, DATA_SCIENTIST, PRODUCT_OWNER  # noqa: F401

SCOPE = {"kpis": [{"name": "churners caught before renewal", "metrics": [
    {"name": "roc_auc", "target": 0.70, "comparator": ">="},
    {"name": "recall_at_top_k", "target": 0.30, "comparator": ">=", "definition": "recall among the top 20%"},
]}]}


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    """A real ``mlflow server`` (SQLite backend, served artifacts) on a free port; its URL."""
    folder = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    argv = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
            "--artifacts-destination", str(folder / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1"]
    with running(argv, port=port, token="", ready_path="health", cwd=folder, timeout=180) as server:
        yield server.url.rstrip("/")


@pytest.fixture(params=["local", "server"])
def tracking_uri(request):
    """``local`` (the embedded default) or the URL of the module's real MLflow server."""
    if request.param == "local":
        return "local"
    return request.getfixturevalue("mlflow_server")


@pytest.fixture
def tracked_project(make_project, tracking_uri):
    """A project in development whose plan has two hard metrics and names the tracking store."""
    project = make_project("churn-risk")
    project.save_section("scope", SCOPE)
    project.save_section("experiment_setup", {"tracking_uri": tracking_uri, "experiment_name": f"churn-{secrets.token_hex(4)}"})
    project.advance(override="tests start in development")
    project.advance(override="tests start in development")
    return project


def client_for(project):
    """An ``MlflowClient`` on the project's tracking store (tests check MLflow with MLflow's own API)."""
    from mlflow import MlflowClient

    from phasebook.tracking import config_of

    config = config_of(project)
    return MlflowClient(tracking_uri=config.uri, registry_uri=config.uri)


def register_version(client, name: str, run_id: str) -> str:
    """Register a model version from ``run_id`` as a team would (``mlflow.register_model``); its number."""
    if not client.search_registered_models(filter_string=f"name = '{name}'"):
        client.create_registered_model(name)
    return str(client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id).version)
