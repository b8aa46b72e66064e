"""The sidebar's status JSON carries monitoring: alerting with the finding and the proposal."""

from __future__ import annotations


async def test_status_shows_a_monitoring_alert_and_what_a_person_may_do(api, root_project):
    code, before = await api("GET", "projects", "churn-risk", "status")
    assert code == 200 and before["monitoring"]["state"] == "unwatched"
    root_project.record("monitoring_check", {
        "outcome": "alerting", "alerting": True, "checked_at": "2026-12-07T06:00:00+00:00",
        "drifted_columns": ["device"], "finding": "covariate shift in device (17% unseen) since 2026-12-07",
    })
    code, body = await api("GET", "projects", "churn-risk", "status")
    assert code == 200
    mon = body["monitoring"]
    assert mon["state"] == "alerting" and mon["alert"]["finding"].startswith("covariate shift in device")
    assert mon["proposal"] and all(p.startswith("phasebook ") for p in mon["proposal"])


async def test_status_carries_what_the_sidebar_badges(api, root_project):
    # Given a new project (its first gate waits for a role) served to a person the server places in no role
    code, body = await api("GET", "projects", "churn-risk", "status")
    att = body["attention"]
    assert code == 200 and att["monitoring_alert"] is False and att["waiting_for_you"] == []
    assert [w["gate"] for w in att["waiting"]] == ["scope_approval"] and att["waiting"][0]["roles"] == ["product"]
    # When a monitoring check alerts, the flag is set on the next poll (the ETag changed)
    root_project.record("monitoring_check", {"outcome": "alerting", "alerting": True,
                                             "checked_at": "2026-12-07T06:00:00+00:00", "drifted_columns": ["device"],
                                             "finding": "covariate shift in device"})
    code, body = await api("GET", "projects", "churn-risk", "status")
    assert code == 200 and body["attention"]["monitoring_alert"] is True
