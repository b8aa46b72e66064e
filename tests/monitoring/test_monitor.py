"""`phasebook monitor` on the demo: stored reference statistics, journaled checks, the loop closing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.events import Actor
from phasebook.dashboards.overview import overview_parts
from phasebook.demo.data import current_month

PRODUCT = Actor(name="product owner", role="product")


def _cli(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args], catch_exceptions=False)


def _checks(project) -> list:
    return [e for e in project.events() if e.kind == "monitoring_check"]


def _steady(project) -> str:
    """An unshifted current month (no new device), written into the project's data folder."""
    path = Path(project.root) / "data" / "steady.parquet"
    current_month(new_device_share=0.0, seed=21).to_parquet(path)
    return str(path)


def test_shifted_month_alerts_opens_a_finding_and_stales_the_post_deployment_check(demo_copy):
    # Given a delivered project whose post-deployment KPI check the product role approved
    while demo_copy.phase != "deployment":
        demo_copy.advance(override="test: reach deployment")
    demo_copy.sign_off("post_deployment_kpi_check", PRODUCT, "approve")
    demo_copy.deliver()
    assert demo_copy.status().gates["post_deployment_kpi_check"].state == "approved"
    # When monitor runs on the demo's current month (18% of rows on a new device)
    result = _cli(demo_copy.root, "monitor", "--json")
    # Then it exits 3, journals one alerting check and the status says so
    assert result.exit_code == 3, result.output
    out = json.loads(result.stdout)
    assert out["outcome"] == "alerting" and "device" in out["drifted_columns"]
    checks = _checks(demo_copy)
    assert len(checks) == 1 and checks[0].data["alerting"] is True
    assert "covariate shift in device" in checks[0].data["finding"] and "unseen" in checks[0].data["finding"]
    status = json.loads(_cli(demo_copy.root, "status", "--json").stdout)
    assert status["monitoring"]["state"] == "alerting"
    assert status["monitoring"]["alert"]["finding"] == checks[0].data["finding"]
    assert any("reopen" in c for c in status["monitoring"]["proposal"])
    gate = status["gates"]["post_deployment_kpi_check"]
    assert gate["state"] == "stale"
    assert any("monitoring alert" in c for c in gate["changed_sections"])
    assert status["phase"] == "delivered"  # proposed, never done for the person
    html = "".join(str(p) for p in overview_parts(demo_copy))
    assert 'role="alert"' in html and "covariate shift in device" in html
    # and the alert opened one finding through the findings API, visible wherever findings are
    raised = [e for e in demo_copy.events() if e.kind == "finding_raised"]
    assert len(raised) == 1 and raised[0].actor.name == "phasebook" and out["finding_id"] == raised[0].seq
    assert raised[0].data["what"] == checks[0].data["finding"]
    assert f"entry #{checks[0].seq}" in raised[0].data["evidence"]
    assert status["monitoring"]["finding"] == raised[0].seq == status["monitoring"]["alert"]["finding_id"]
    assert raised[0].seq in gate["open_findings"]
    assert f"finding #{raised[0].seq}" in html


def test_repeated_alerts_open_one_finding_until_a_reviewer_accepts_it(demo_copy):
    # Given an alert whose finding is open
    assert _cli(demo_copy.root, "monitor").exit_code == 3
    first = demo_copy.findings()
    assert len(first) == 1 and first[0].state == "open"
    # When the next scheduled checks alert again
    assert _cli(demo_copy.root, "monitor").exit_code == 3
    assert _cli(demo_copy.root, "monitor").exit_code == 3
    # Then no second finding is opened, while the first is open or only resolved
    assert [f.id for f in demo_copy.findings()] == [first[0].id]
    demo_copy.resolve_finding(first[0].id, "retrained on the new device's data", actor=Actor(name="data scientist"))
    assert _cli(demo_copy.root, "monitor").exit_code == 3
    assert len(demo_copy.findings()) == 1
    # and once a reviewer accepted it, a later alert is a new finding
    demo_copy.accept_finding(first[0].id, actor=PRODUCT)
    out = json.loads(_cli(demo_copy.root, "monitor", "--json").stdout)
    found = demo_copy.findings()
    assert len(found) == 2 and found[-1].state == "open" and out["finding_id"] == found[-1].id
    # a quiet check opens none
    assert _cli(demo_copy.root, "monitor", "--current", _steady(demo_copy)).exit_code == 0
    assert len(demo_copy.findings()) == 2


def test_unshifted_month_exits_0_without_a_finding(demo_copy):
    result = _cli(demo_copy.root, "monitor", "--current", _steady(demo_copy), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["outcome"] == "quiet" and out["drifted_columns"] == [] and out["finding"] is None
    status = json.loads(_cli(demo_copy.root, "status", "--json").stdout)
    assert status["monitoring"]["state"] == "quiet" and status["monitoring"]["alert"] is None
    assert "covariate shift" not in "".join(str(p) for p in overview_parts(demo_copy))
    assert demo_copy.findings() == [] and status["monitoring"]["finding"] is None


def test_a_second_run_reads_only_the_current_data(demo_copy):
    # Given a first check, which summarized the reference once into monitoring/reference.json
    first = _cli(demo_copy.root, "monitor", "--json")
    assert first.exit_code == 3 and json.loads(first.stdout)["reference_computed"] is True
    stored = Path(demo_copy.root) / "monitoring" / "reference.json"
    assert stored.is_file() and stored.stat().st_mode & 0o044  # committed: readable by others
    # When the reference data is moved away
    ref_file = Path(demo_copy.root) / "data" / "customers.parquet"
    shutil.move(ref_file, Path(demo_copy.root).parent / "away.parquet")
    # Then a second check still runs, from the stored statistics, with the same verdict
    second = _cli(demo_copy.root, "monitor", "--json")
    assert second.exit_code == 3, second.output
    out = json.loads(second.stdout)
    assert out["reference_computed"] is False and out["drifted_columns"] == json.loads(first.stdout)["drifted_columns"]
    # and recomputing it now fails as a failed check (exit 1), journaled
    third = _cli(demo_copy.root, "monitor", "--refresh-reference", "--json")
    assert third.exit_code == 1 and json.loads(third.stdout)["outcome"] == "failed"
    assert _checks(demo_copy)[-1].data["outcome"] == "failed"
    assert demo_copy.status().monitoring.state == "alerting"  # a failed check does not clear the alert


def test_quiet_checks_roll_up_and_a_later_alert_carries_their_count(demo_copy):
    steady = _steady(demo_copy)
    for hour in ("06", "07", "08"):
        r = _cli(demo_copy.root, "monitor", "--current", steady, "--now", f"2026-12-07T{hour}:00:00Z")
        assert r.exit_code == 0, r.output
    checks = _checks(demo_copy)
    assert len(checks) == 1  # the first quiet check is journaled, the next two are rolled up
    assert _cli(demo_copy.root, "monitor", "--now", "2026-12-07T09:00:00Z").exit_code == 3
    checks = _checks(demo_copy)
    assert len(checks) == 2 and checks[-1].data["quiet_rolled_up"] == 2
    st = demo_copy.status().monitoring
    assert st.checks == 4 and st.quiet_rolled_up == 2


def test_a_stale_copy_of_the_quiet_count_counts_nothing_twice(demo_copy):
    # Given two quiet checks rolled up after the first, journaled one
    steady = _steady(demo_copy)
    quiet = Path(demo_copy.root) / ".phasebook" / "monitoring-quiet.json"
    for hour in ("06", "07", "08"):
        assert _cli(demo_copy.root, "monitor", "--current", steady, "--now", f"2026-12-07T{hour}:00:00Z").exit_code == 0
    kept = quiet.read_bytes()  # what a CI cache, a backup or a copied folder keeps of it
    # and the next day's check journals them
    assert _cli(demo_copy.root, "monitor", "--current", steady, "--now", "2026-12-08T07:00:00Z").exit_code == 0
    assert _checks(demo_copy)[-1].data["quiet_rolled_up"] == 2 and not quiet.exists()
    # When that old copy comes back, and one more quiet check is rolled up after it
    quiet.write_bytes(kept)
    assert _cli(demo_copy.root, "monitor", "--current", steady, "--now", "2026-12-08T09:00:00Z").exit_code == 0
    assert len(_checks(demo_copy)) == 2  # rolled up
    # Then the next journaled check carries that one alone, not the two already journaled again
    assert _cli(demo_copy.root, "monitor", "--current", steady, "--now", "2026-12-09T08:00:00Z").exit_code == 0
    checks = _checks(demo_copy)
    assert [c.data.get("quiet_rolled_up", 0) for c in checks] == [0, 2, 1]
    assert checks[-1].data["quiet_last_at"].startswith("2026-12-08T09")
    assert demo_copy.status().monitoring.checks == 6


def test_quiet_checks_add_about_one_journal_line_a_day(demo_copy):
    # Given hourly quiet checks over two days
    steady = _steady(demo_copy)
    for day, hour in [(d, h) for d in ("07", "08") for h in range(0, 24, 3)] + [("09", 1)]:
        r = _cli(demo_copy.root, "monitor", "--current", steady, "--now", f"2026-12-{day}T{hour:02d}:00:00Z")
        assert r.exit_code == 0, r.output
    # Then one line per 24 hours is journaled, each carrying the quiet checks counted since the previous one
    checks = _checks(demo_copy)
    assert [c.data["checked_at"][:13] for c in checks] == ["2026-12-07T00", "2026-12-08T00", "2026-12-09T01"]
    assert [c.data.get("quiet_rolled_up", 0) for c in checks] == [0, 7, 7]
    assert checks[1].data["quiet_last_at"].startswith("2026-12-07T21")
    st = demo_copy.status().monitoring
    assert st.checks == 17 and st.state == "quiet"


def test_a_person_reopening_acknowledges_the_alert(demo_copy):
    while demo_copy.phase != "deployment":
        demo_copy.advance(override="test: reach deployment")
    demo_copy.deliver(override="test: delivered")
    assert _cli(demo_copy.root, "monitor").exit_code == 3
    assert demo_copy.status().monitoring.state == "alerting"
    assert demo_copy.status().phase == "delivered"
    demo_copy.reopen("device shift")
    st = demo_copy.status()
    assert st.phase == "maintenance" and st.monitoring.state == "acknowledged" and st.monitoring.alert is None


def test_an_alert_reaches_the_plans_alert_channel_once(demo_copy, monkeypatch):
    from tests.notify.test_notify import SECRET, Receiver

    hook = Receiver([])
    try:
        monkeypatch.setenv("PB_TEST_HOOK_SECRET", SECRET)
        (Path(demo_copy.root) / "notifications.yaml").write_text(
            f"channels:\n  - {{kind: webhook, name: alerts, events: [run_failed], url: '{hook.url}',"
            " secret_env: PB_TEST_HOOK_SECRET}\n", encoding="utf-8")
        mon = demo_copy.section("monitoring").model_dump(mode="json")
        demo_copy.save_section("monitoring", {**mon, "alert_channel": "alerts"})  # the notifier's first snapshot
        assert _cli(demo_copy.root, "monitor").exit_code == 3
        assert _cli(demo_copy.root, "monitor").exit_code == 3  # still alerting: nothing new to say
        assert [h["event"] for h in hook.hits] == ["monitoring_alerting"] and hook.verified == [True]
        assert "covariate shift in device" in hook.hits[0]["summary"]
    finally:
        hook.close()


def test_current_data_as_a_glob_typed_from_the_current_folder(demo_copy, monkeypatch):
    months = Path(demo_copy.root) / "data" / "weeks"
    months.mkdir()
    frame = current_month(new_device_share=0.0, seed=21)
    frame.iloc[:1500].to_parquet(months / "week_1.parquet")
    frame.iloc[1500:].to_parquet(months / "week_2.parquet")
    monkeypatch.chdir(months.parent)
    result = _cli(demo_copy.root, "monitor", "--current", "weeks/*.parquet", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["rows_current"] == 3000 and out["drifted_columns"] == []
