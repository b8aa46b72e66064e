"""What the sidebar badges: the gates waiting on the current person's role, and a monitoring alert."""

from __future__ import annotations

from phasebook.core.attention import attention
from phasebook.core.events import Actor
from phasebook.project import Project


def test_only_reached_gates_missing_your_role_wait_for_you(tmp_path):
    # Given a new project (scoping: its gate waits for the product role)
    p = Project.new(tmp_path / "x", name="x")
    st = p.status()
    # Then the product role sees that gate (not the later phases' gates); another role sees nothing for them
    mine = attention(st, p.flow, ["product"])
    assert mine["waiting_for_you"] == ["scope_approval"] and mine["roles"] == ["product"]
    assert [w["gate"] for w in mine["waiting"]] == ["scope_approval"]
    assert attention(st, p.flow, ["data_science"])["waiting_for_you"] == []
    assert attention(st, p.flow)["waiting_for_you"] == [] and attention(st, p.flow)["waiting"]  # nobody placed
    assert mine["monitoring_alert"] is False and mine["monitoring_finding"] is None
    # When the product role approves, nothing waits for it any more
    p.sign_off("scope_approval", Actor(name="product owner", role="product"), "approve")
    assert attention(p.status(), p.flow, ["product"])["waiting_for_you"] == []


def test_a_monitoring_alert_is_flagged(tmp_path):
    p = Project.new(tmp_path / "x", name="x")
    p.record("monitoring_check", {"outcome": "alerting", "alerting": True, "checked_at": "2026-12-07T06:00:00+00:00",
                                  "drifted_columns": ["device"], "finding": "covariate shift in device"})
    assert attention(p.status(), p.flow)["monitoring_alert"] is True
