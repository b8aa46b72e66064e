"""The /phasebook/ routes under pytest-jupyter's base URL (/a%40b/)."""

from __future__ import annotations

import json

from phasebook import __version__
from phasebook.project import Project
from phasebook.server import NAMESPACE
from phasebook.server.routes import ROUTES

from phasebook.core.events import Actor
from .conftest import wait_for_run

PRODUCT_OWNER = Actor(name="product owner", role="product")


async def test_info_answers_the_handshake_under_the_base_url(api, jp_base_url):
    # Given a server with phasebook enabled, served under /a%40b/
    assert jp_base_url == "/a%40b/"
    # When the frontend asks for the versions
    code, body = await api("GET", "info")
    # Then it gets phasebook's version and the API version
    assert code == 200
    assert body["name"] == NAMESPACE
    assert body["version"] == __version__
    assert body["api_version"] == 1


def test_the_route_table_lives_under_one_namespace():
    assert NAMESPACE == "phasebook"
    patterns = [p for p, _ in ROUTES]
    assert patterns[0] == "info" and all(not p.startswith("/") for p in patterns)


async def test_projects_lists_the_projects_under_the_root(api, jp_root_dir):
    Project.new(jp_root_dir / "a", name="alpha")
    Project.new(jp_root_dir / "team" / "b", name="beta")
    (jp_root_dir / "notes").mkdir()
    code, body = await api("GET", "projects")
    assert code == 200
    assert body["projects"] == [{"path": "a", "name": "alpha"}, {"path": "team/b", "name": "beta"}]


async def test_create_makes_a_project_with_its_scoping_notebook_path(api, jp_root_dir):
    code, body = await api("POST", "projects", body={"path": "work/churn", "name": "Churn risk"})
    assert code == 201, body
    assert body == {"path": "work/churn", "name": "Churn risk",
                    "scoping_notebook": "work/churn/workbooks/01_scoping.ipynb"}
    assert Project.open(jp_root_dir / "work" / "churn").name == "Churn risk"


async def test_create_over_an_existing_project_is_a_conflict(api, root_project):
    code, body = await api("POST", "projects", body={"path": "churn-risk"})
    assert code == 409
    assert body["code"] == "project_exists"
    assert "already holds a phasebook project" in body["message"]


async def test_status_reports_phase_gates_steps_and_flow(api, root_project):
    code, body = await api("GET", "projects", "churn-risk", "status")
    assert code == 200
    assert body["path"] == "churn-risk"
    assert body["phase"] == "scoping"
    assert body["gates"]["scope_approval"]["state"] == "pending"
    assert [p["name"] for p in body["phases"]][:4] == ["scoping", "research", "development", "deployment"]
    assert {s["id"] for s in body["steps"]} >= {"1.1", "1.5", "4.4"}
    assert body["tracks"] == ["product", "data_science", "data_engineering"]


async def test_status_accepts_a_path_inside_the_project_and_an_encoded_one(api, raw, root_project):
    code, body = await api("GET", "projects", "churn-risk/workbooks", "status")
    assert code == 200 and body["path"] == "churn-risk"
    code, text = await raw("phasebook/projects/churn-risk%2Fworkbooks/status")
    assert code == 200 and json.loads(text)["path"] == "churn-risk"


async def test_status_poll_gets_304_until_the_journal_changes(api, root_project, jp_fetch):
    first = await jp_fetch("phasebook", "projects", "churn-risk", "status")
    etag = first.headers["Etag"]
    code, _ = await api("GET", "projects", "churn-risk", "status", headers={"If-None-Match": etag})
    assert code == 304
    root_project.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    code, body = await api("GET", "projects", "churn-risk", "status", headers={"If-None-Match": etag})
    assert code == 200
    assert body["gates"]["scope_approval"]["state"] == "approved"


async def test_signoffs_show_each_gate_and_who_signed(api, root_project):
    root_project.sign_off("scope_approval", PRODUCT_OWNER, "request_changes", "limit to EU customers")
    code, body = await api("GET", "projects", "churn-risk", "signoffs")
    assert code == 200
    gate = body["gates"]["scope_approval"]
    assert gate["state"] == "changes_requested"
    assert gate["signoffs"][0]["name"] == "product owner"
    assert gate["signoffs"][0]["comment"] == "limit to EU customers"


async def test_a_folder_without_a_project_is_404_with_what_to_do(api, jp_root_dir):
    (jp_root_dir / "empty").mkdir()
    code, body = await api("GET", "projects", "empty", "status")
    assert code == 404
    assert body["code"] == "project_not_found"
    assert "No phasebook project" in body["message"] and "phasebook new" not in body["message"]


async def test_run_starts_in_the_background_and_reports_progress_and_result(api, root_project, fake_runner):
    code, job = await api("POST", "projects", "churn-risk", "runs", body={"phase": "research", "parameters": {"seed": 1}})
    assert code == 202, job
    assert job["phase"] == "research" and job["state"] in ("queued", "running", "succeeded")
    done = await wait_for_run(api, "churn-risk", job["id"])
    assert done["state"] == "succeeded"
    assert (done["done_cells"], done["total_cells"]) == (3, 3)
    assert done["result"]["output_path"] == "churn-risk/runs/research/r1/research.ipynb"
    assert fake_runner == [{"phase": "research", "parameters": {"seed": 1}, "force": False}]
    # the run is in the same journal the CLI reads
    assert root_project.status().recent_runs[-1]["phase"] == "research"
    code, status = await api("GET", "projects", "churn-risk", "status")
    assert status["recent_runs"][-1]["output_path"] == "churn-risk/runs/research/r1/research.ipynb"
    code, listed = await api("GET", "projects", "churn-risk", "runs")
    assert [r["id"] for r in listed["runs"]] == [job["id"]]


async def test_a_failed_run_reports_the_error_cell(api, root_project, fake_runner):
    code, job = await api("POST", "projects", "churn-risk", "runs", body={"phase": "development"})
    assert code == 202
    done = await wait_for_run(api, "churn-risk", job["id"])
    assert done["state"] == "failed"
    assert done["error"]["cell_index"] == 2
    assert done["error"]["ename"] == "ValueError" and done["error"]["evalue"] == "no data"
    assert done["error"]["output_path"] == "churn-risk/runs/development/r1/development.ipynb"
    assert "Traceback" not in json.dumps(done)


async def test_an_unknown_run_id_is_404(api, root_project):
    code, body = await api("GET", "projects", "churn-risk", "runs", "abcdef123456")
    assert code == 404
    assert "No run" in body["message"]


async def test_a_project_at_the_root_is_reached_as_the_frontend_sends_it(raw, jp_root_dir):
    # Given the server rooted at the project itself (as `phasebook lab` starts it)
    Project.new(jp_root_dir, name="rooted")
    # When the frontend asks for the root's status: `%2E%2F` ("./"), since a browser drops a `%2E` segment
    code, text = await raw("phasebook/projects/%2E%2F/status")
    # Then the root project answers, with its path as the root ('')
    assert code == 200, text
    assert json.loads(text)["name"] == "rooted" and json.loads(text)["path"] == ""
