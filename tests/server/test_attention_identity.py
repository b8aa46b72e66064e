"""The sidebar's ``attention`` names the gates waiting on the person the server identifies (by their role)."""

from __future__ import annotations

import pytest

from phasebook.dashboards.identity import add_user
from phasebook.project import Project


@pytest.fixture
def people(tmp_path_factory):
    users = tmp_path_factory.mktemp("people") / "users.yaml"
    return users, {"product owner": add_user(users, "product owner", "product"),
                   "data scientist": add_user(users, "data scientist", "data_science")}


@pytest.fixture
def jp_server_config(people):
    return {"ServerApp": {"jpserver_extensions": {"phasebook": True},
                          "identity_provider_class": "phasebook.dashboards.identity.PhasebookIdentityProvider"},
            "PhasebookIdentityProvider": {"users_file": str(people[0])}}


async def test_the_gate_waits_on_the_product_person_not_on_the_data_scientist(api, jp_root_dir, people):
    Project.new(jp_root_dir / "churn-risk", name="churn-risk")
    tokens = people[1]
    code, mine = await api("GET", "projects", "churn-risk", "status",
                           headers={"Authorization": f"token {tokens['product owner']}"})
    assert code == 200 and mine["attention"]["roles"] == ["product"]
    assert mine["attention"]["waiting_for_you"] == ["scope_approval"]
    code, theirs = await api("GET", "projects", "churn-risk", "status",
                             headers={"Authorization": f"token {tokens['data scientist']}"})
    assert code == 200 and theirs["attention"]["roles"] == ["data_science"]
    assert theirs["attention"]["waiting_for_you"] == []
