"""The sidebar's API JSON follows a team's flow file (issue 14, first must-hold)."""

from __future__ import annotations

from phasebook.core.events import Actor
from phasebook.store.plan import dump_yaml
from tests.test_custom_flow import custom_flow


async def test_status_json_follows_the_flow_file(api, root_project):
    (root_project.root / "flow.yaml").write_text(dump_yaml(custom_flow()), encoding="utf-8")
    root_project.use_flow("flow.yaml")
    for _ in range(3):
        root_project.advance(override="done elsewhere")
    root_project.sign_off("security_review", Actor(name="data engineer", role="data_engineering"), "approve")
    code, body = await api("GET", "projects", "churn-risk", "status")
    assert code == 200
    assert body["flow_version"] == "team-2026.1" and body["phase"] == "security"
    assert [p["name"] for p in body["phases"] if p["kind"] == "work"] == [
        "scoping", "research", "modelling", "security", "deployment"]
    gate = body["gates"]["security_review"]
    assert (gate["state"], gate["missing_roles"], gate["label"]) == ("pending", ["data_engineering"], "pending")
    assert gate["tallies"] == [{"role": "data_engineering", "needed": 2, "approved_by": ["data engineer"], "stale_by": []}]
    assert body["gates"]["kpi_check"]["roles"] == ["product"]
    assert "customer_success" not in body["track_titles"] and body["track_titles"]["data_engineering"] == "Data engineering"


async def test_editing_the_flow_file_changes_the_etag(api, root_project, jp_fetch):
    (root_project.root / "flow.yaml").write_text(dump_yaml(custom_flow()), encoding="utf-8")
    root_project.use_flow("flow.yaml")
    first = await jp_fetch("phasebook", "projects", "churn-risk", "status")
    data = custom_flow()
    data["phases"][0]["title"] = "Framing"
    (root_project.root / "flow.yaml").write_text(dump_yaml(data) + "\n# retitled\n", encoding="utf-8")
    code, body = await api("GET", "projects", "churn-risk", "status", headers={"If-None-Match": first.headers["Etag"]})
    assert code == 200 and body["phases"][0]["title"] == "Framing"
