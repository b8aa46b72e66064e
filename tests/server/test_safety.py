"""Authentication, confinement to the root directory and bad bodies."""

from __future__ import annotations

import json

import pytest

from phasebook.project import Project


@pytest.mark.parametrize("path", [
    "phasebook/info",
    "phasebook/projects",
    "phasebook/projects/churn-risk/status",
    "phasebook/projects/churn-risk/signoffs",
    "phasebook/projects/churn-risk/runs",
])
async def test_every_route_refuses_a_request_without_the_token(raw, root_project, path):
    code, _ = await raw(path, token=False)
    assert code in (401, 403)


async def test_a_post_without_the_token_starts_nothing(raw, root_project, fake_runner):
    code, _ = await raw("phasebook/projects/churn-risk/runs", token=False, method="POST",
                        body=json.dumps({"phase": "research"}))
    assert code in (401, 403)
    assert fake_runner == []


@pytest.mark.parametrize("path", [
    "phasebook/projects/../status",
    "phasebook/projects/..%2F..%2Fetc/status",
    "phasebook/projects/%2Fetc/status",
    "phasebook/projects//etc/status",
    "phasebook/projects/churn-risk%2F..%2F..%2Foutside/signoffs",
])
async def test_a_path_outside_the_root_is_refused(raw, root_project, path):
    code, text = await raw(path)
    assert code in (403, 404), text
    body = json.loads(text)
    assert body["code"] in ("forbidden", "not_found", "project_not_found")
    assert "Traceback" not in text


async def test_a_project_above_the_root_is_not_reachable(jp_root_dir, raw):
    # Given the server root is a folder inside a project
    Project.new(jp_root_dir.parent, name="outer")
    # When the root itself is asked for its project
    code, text = await raw("phasebook/projects/%2E/status")
    # Then the project above the root is not found from inside it
    assert code == 404, text
    assert json.loads(text)["code"] == "project_not_found"


async def test_create_outside_the_root_is_forbidden_and_writes_nothing(api, jp_root_dir):
    code, body = await api("POST", "projects", body={"path": "../escaped"})
    assert code == 403
    assert "outside the server's root" in body["message"]
    assert not (jp_root_dir.parent / "escaped").exists()


@pytest.mark.parametrize("body, needle", [
    ("not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ({"name": "no path"}, "'path'"),
    ({"path": "x", "name": 3}, "'name'"),
])
async def test_a_bad_create_body_is_400_with_a_message(api, jp_root_dir, body, needle):
    code, resp = await api("POST", "projects", body=body)
    assert code == 400
    assert resp["code"] == "bad_request"
    assert needle in resp["message"]
    assert not (jp_root_dir / "x").exists()


@pytest.mark.parametrize("body, needle", [
    ({}, "'phase' must name a phase"),
    ({"phase": "delivered"}, "'phase' must name a phase"),
    ({"phase": "research", "parameters": [1]}, "'parameters' must be a JSON object"),
    ({"phase": "research", "force": "yes"}, "'force' must be true or false"),
])
async def test_a_bad_run_body_is_400_and_starts_nothing(api, root_project, fake_runner, body, needle):
    code, resp = await api("POST", "projects", "churn-risk", "runs", body=body)
    assert code == 400
    assert needle in resp["message"]
    assert fake_runner == []
