"""The pages: the sign-off page links each model test to its MLflow run; the overview warns on registry drift."""

from __future__ import annotations

import secrets

import pytest

from phasebook.dashboards import context
from phasebook.dashboards.overview import overview_parts
from phasebook.dashboards.signoff import signoff_page
from phasebook.dashboards.tracking import run_link
from tests.tracking.conftest import CUSTOMER_SUCCESS, PRODUCT_OWNER, client_for, register_version, run_cli


@pytest.fixture(autouse=True)
def clean_context(monkeypatch):
    context._CONTEXT.clear()
    monkeypatch.delenv("QUERY_STRING", raising=False)
    yield
    context._CONTEXT.clear()


def _html(widget) -> str:
    return "".join(getattr(c, "value", "") for c in widget.children)


def test_the_signoff_page_links_each_model_test_to_its_run(tracked_project, tracking_uri):
    # Given two model tests logged to MLflow, the latest bound to a registered version
    tracked_project.test_model({"roc_auc": 0.75, "recall_at_top_k": 0.35}, model="logreg")
    first = tracked_project.events()[-1].data["mlflow"]
    client = client_for(tracked_project)
    name = f"churn-{secrets.token_hex(3)}"
    version = register_version(client, name, first["run_id"])
    tracked_project.test_model_from_mlflow(first["run_id"], model_version=f"{name}/{version}")
    # When the KPI check's sign-off page renders
    html = _html(signoff_page(str(tracked_project.root), "kpi_check"))
    # Then each test names its run, linked to the server's run page when there is a server
    assert f'data-mlflow-run="{first["run_id"]}"' in html
    if tracking_uri == "local":
        assert "(local store)" in html
    else:
        assert f'href="{tracking_uri}/#/experiments/{first["experiment_id"]}/runs/{first["run_id"]}"' in html
    # And the page says which version an approval binds, and which alias it sets
    assert f"Approving binds <b>{name} v{version}</b>: alias <b>@approved</b>" in html


def test_the_overview_warns_when_the_alias_was_moved_outside_phasebook(tracked_project):
    tracked_project.test_model({"roc_auc": 0.75, "recall_at_top_k": 0.35}, model="logreg")
    run_id = tracked_project.events()[-1].data["mlflow"]["run_id"]
    client = client_for(tracked_project)
    name = f"churn-{secrets.token_hex(3)}"
    version = register_version(client, name, run_id)
    tracked_project.test_model_from_mlflow(run_id, model_version=f"{name}/{version}")
    tracked_project.sign_off("kpi_check", PRODUCT_OWNER, "approve")
    tracked_project.sign_off("kpi_check", CUSTOMER_SUCCESS, "approve")
    assert "Model registry:" not in overview_parts(tracked_project)[0]
    other = register_version(client, name, run_id)
    client.set_registered_model_alias(name, "approved", other)
    assert run_cli("--project", tracked_project.root, "tracking", "sync").returncode == 1
    head = overview_parts(tracked_project)[0]
    assert f"KPIs check approved {name} v{version}; alias @approved points to v{other}, set outside phasebook" in head


@pytest.mark.parametrize("store", ["javascript:alert(1)", "data:text/html,x", ""])
def test_a_run_link_only_ever_points_at_an_http_server(store):
    html = run_link({"run_id": "a" * 32, "experiment_id": "1", "store": store})
    assert "href" not in html and "(local store)" in html


def test_a_run_id_that_is_not_an_id_is_not_rendered():
    assert "data-mlflow-run" not in run_link({"run_id": '"><script>alert(1)</script>', "store": "http://x"})
