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
