"""The sidebar's status JSON says `lapsed` once a condition's due time passes — with no file changed, so the
poll cache (ETag) must not hide it."""

from __future__ import annotations

import datetime as dt
import time

from phasebook.core.events import Actor

REVIEWER = Actor(name="product owner", role="product")


async def test_status_json_shows_a_lapsed_approval_even_to_a_cached_poll(api, jp_fetch, root_project):
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    cond = root_project.raise_finding("scope_approval", "Add the cost per alert", severity="non_blocking",
                                      owner="product", due=due, actor=REVIEWER)
    root_project.sign_off("scope_approval", REVIEWER, "approve", conditional_on=[cond.seq])
    first = await jp_fetch("phasebook", "projects", "churn-risk", "status", raise_error=False)
    etag = first.headers.get("Etag")
    deadline = time.monotonic() + 30
    while root_project.status().gates["scope_approval"].state != "lapsed":  # wait for the due time to pass
        assert time.monotonic() < deadline
        time.sleep(0.1)
    again = await jp_fetch("phasebook", "projects", "churn-risk", "status", headers={"If-None-Match": etag},
                           raise_error=False)
    assert again.code == 200  # not 304: the state changed with the clock
    import json

    gate = json.loads(again.body)["gates"]["scope_approval"]
    assert gate["state"] == "lapsed" and gate["lapsed_conditions"] == [cond.seq]
