"""The routes the sidebar polls for toasts and the project picker: ``events?after=`` and ``portfolio``."""

from __future__ import annotations

import json

from tornado.httpclient import HTTPClientError

from phasebook.core.events import Actor
from phasebook.core.lab_events import MAX_EVENTS
from phasebook.project import Project

from tests.portfolio_projects import EXPECTED_ORDER, build_portfolio

PRODUCT_OWNER = Actor(name="product owner", role="product")


async def _events(jp_fetch, path: str, **params):
    try:
        resp = await jp_fetch("phasebook", "projects", path, "events", params=params, method="GET")
    except HTTPClientError as exc:
        resp = exc.response
    return resp.code, json.loads(resp.body.decode())


async def test_events_after_the_last_seen_seq_are_the_ones_to_toast(jp_fetch, root_project):
    # Given the browser has not seen the project yet: it learns the last seq and toasts nothing
    code, first = await _events(jp_fetch, "churn-risk")
    assert code == 200 and first["events"] == [] and first["last_seq"] == len(root_project.events())
    # When a sign-off and a section save are journaled
    root_project.save_section("product_need", {"statement": "Customers need to see churn risk early."})
    root_project.sign_off("scope_approval", PRODUCT_OWNER, "request_changes", "Say who pays.")
    # Then only the sign-off is a toast, and the last seq moves past both
    code, body = await _events(jp_fetch, "churn-risk", after=first["last_seq"])
    assert code == 200
    assert [(e["kind"], e["actor"]) for e in body["events"]] == [("sign_off", "product owner")]
    assert "request changes scope_approval" in body["events"][0]["text"]
    assert body["last_seq"] == first["last_seq"] + 2
    # and asking again after the new seq gives nothing
    _, again = await _events(jp_fetch, "churn-risk", after=body["last_seq"])
    assert again["events"] == [] and again["last_seq"] == body["last_seq"]


async def test_a_long_absence_is_capped_and_says_how_many_more(jp_fetch, root_project):
    start = len(root_project.events())
    for i in range(MAX_EVENTS + 2):
        root_project.decide("iterate", f"decision {i}")
    _, body = await _events(jp_fetch, "churn-risk", after=start)
    assert len(body["events"]) == MAX_EVENTS and body["more"] == 2
    assert body["events"][-1]["text"].endswith(f"decision {MAX_EVENTS + 1}")


async def test_a_bad_seq_is_refused_with_what_to_give(jp_fetch, root_project):
    for bad in ("-1", "x", "1e3", str(10**12)):
        code, body = await _events(jp_fetch, "churn-risk", after=bad)
        assert code == 400 and "whole number" in body["message"], bad


async def test_the_portfolio_lists_the_roots_projects_by_attention(api, jp_root_dir):
    build_portfolio(jp_root_dir)
    code, body = await api("GET", "portfolio")
    assert code == 200
    assert [r["name"] for r in body["projects"]] == EXPECTED_ORDER
    assert body["projects"][0]["path"] == "team/late-research" and body["root"] == ""
    assert str(jp_root_dir) not in json.dumps(body)
