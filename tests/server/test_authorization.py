"""The routes ask the server's Authorizer (resource ``phasebook``), so a server that refuses gets 403."""

from __future__ import annotations

import json

import pytest
from jupyter_server.auth import Authorizer


class ReadOnlyPhasebook(Authorizer):
    """Lets anyone read phasebook routes and nobody write them."""

    def is_authorized(self, handler, user, action, resource):
        return not (resource == "phasebook" and action == "write")


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"phasebook": True},
                          "authorizer_class": ReadOnlyPhasebook}}


async def test_an_authorizer_refusing_writes_blocks_create_and_runs(api, root_project, fake_runner, jp_root_dir):
    code, _ = await api("GET", "projects", "churn-risk", "status")
    assert code == 200
    code, body = await api("POST", "projects", body={"path": "new-one"})
    assert code == 403
    assert not (jp_root_dir / "new-one").exists()
    code, body = await api("POST", "projects", "churn-risk", "runs", body=json.dumps({"phase": "research"}))
    assert code == 403
    assert fake_runner == []
    assert "Traceback" not in json.dumps(body)
