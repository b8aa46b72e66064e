"""The sidebar's status JSON carries what waits for the person running the server (core/attention.py)."""

from __future__ import annotations

from phasebook.core.events import Actor
from tests.dashboards.fixtures import build_filled_project

PRODUCT = Actor(name="product owner", role="product")


async def test_status_json_lists_the_gate_waiting_for_the_local_product_person(api, jp_root_dir, monkeypatch):
    # Given a filled project under the server root, and the server run by a product person
    build_filled_project(jp_root_dir / "churn-risk")
    monkeypatch.setenv("PHASEBOOK_USER", "product owner")
    monkeypatch.setenv("PHASEBOOK_ROLE", "product")
    # When the sidebar polls the status
    code, body = await api("GET", "projects", "churn-risk", "status")
    # Then the scope gate is waiting for them, with its sentence
    assert code == 200
    mine = body["waiting_for_you"]
    assert (mine["name"], mine["role"]) == ("product owner", "product")
    assert [(i["kind"], i["gate"]) for i in mine["items"]] == [("sign", "scope_approval")]
    assert "waiting for your approval" in mine["items"][0]["text"]


async def test_a_person_without_the_role_has_nothing_waiting(api, jp_root_dir, monkeypatch):
    build_filled_project(jp_root_dir / "churn-risk")
    monkeypatch.setenv("PHASEBOOK_USER", "data scientist")
    monkeypatch.setenv("PHASEBOOK_ROLE", "data_science")
    code, body = await api("GET", "projects", "churn-risk", "status")
    assert code == 200 and body["waiting_for_you"]["items"] == []


async def test_status_json_carries_the_scoreboard_rows_with_display_strings(api, jp_root_dir):
    # Given a filled project: roc_auc ≥ 0.8 and recall in the top 10% ≥ 0.5, tested on two models
    build_filled_project(jp_root_dir / "churn-risk")
    code, body = await api("GET", "projects", "churn-risk", "status")
    assert code == 200
    rows = {r["metric"]: r for r in body["scoreboard"]}
    auc, recall = rows["roc_auc"], rows["recall_at_top_k"]
    # Then each row reads as the sidebar shows it: the metric in words, the target in words, best and latest
    assert (auc["metric_label"], auc["target_text"]) == ("roc_auc", "at least 0.8")
    assert (auc["best"]["label"], auc["best"]["display"], auc["latest"]["label"]) == ("gbm-v2", "0.83", "gbm-v2")
    assert (auc["state"], auc["state_text"]) == ("passed", "met by gbm-v2")
    assert recall["metric_label"] == "recall in the top 10%" and recall["target_text"] == "at least 0.5"
    assert recall["best"]["display"] == "0.55" and recall["state"] == "passed"
