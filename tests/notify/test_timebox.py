"""A phase past the scope's timebox: one email and one signed webhook per overrun, sent by `phasebook monitor`."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.timebox import timebox_overrun, timeboxed_phase
from tests.notify.test_notify import PRODUCT, SECRET, receiver_factory, smtp  # noqa: F401  (fixtures)
from tests.notify.test_notify import _configure as configure


def _monitor(project, now: dt.datetime):
    return CliRunner().invoke(cli, ["--project", str(project.root), "monitor", "--due", "--json",
                                    "--now", now.isoformat()], catch_exceptions=False)


def _configure(project, tmp_path, smtp_port: int, url: str, monkeypatch) -> None:
    configure(project, tmp_path, smtp_port, url, monkeypatch, event="timebox_overrun", dashboard_url=None)


def _enter_boxed_phase(project) -> dt.datetime:
    boxed = timeboxed_phase(project.flow)
    while project.phase != boxed:
        project.advance(override="test: reach the timeboxed phase")
    return dt.datetime.fromisoformat(project.events()[-1].at.replace("Z", "+00:00"))


def _timebox(project, weeks: int) -> None:
    scope = project.section("scope").model_dump(mode="json")
    project.save_section("scope", {**scope, "timebox_weeks": weeks})


def test_a_phase_past_its_timebox_is_told_once_per_overrun(project, tmp_path, smtp, receiver_factory, monkeypatch):
    inbox, port = smtp
    hook = receiver_factory()
    _timebox(project, 2)
    _configure(project, tmp_path, port, hook.url, monkeypatch)
    entered = _enter_boxed_phase(project)
    # Before the two weeks are over, the scheduled command says nothing
    r = _monitor(project, entered + dt.timedelta(days=13))
    assert r.exit_code == 0 and json.loads(r.stdout)["outcome"] == "unscheduled" and hook.hits == []
    # When it runs after the timebox ended, with the project still in the phase
    r = _monitor(project, entered + dt.timedelta(days=15))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["notified"] == ["timebox_overrun"]
    # Then one email to the roles of the phase's gate and one webhook whose HMAC the receiver verified
    assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["product@example.test"]
    assert "the timebox ended" in inbox.messages[0][1]
    assert len(hook.hits) == 1 and hook.verified == [True] and hook.hits[0]["event"] == "timebox_overrun"
    sent = [e for e in project.events() if e.kind == "notification"]
    assert [(n.data["channel"], n.data["outcome"]) for n in sent] == [("email", "delivered"), ("webhook", "delivered")]
    # And the next days' runs (outside the throttle window) send nothing more for the same overrun
    for days in (16, 30):
        assert _monitor(project, entered + dt.timedelta(days=days)).exit_code == 0
    assert len(inbox.messages) == 1 and len(hook.hits) == 1
    # Leaving the phase and coming back starts a new timebox: its overrun is told again
    project.backtrack(project.flow.work_phases[1], reason="approach_failure")
    back = _enter_boxed_phase(project)
    assert _monitor(project, back + dt.timedelta(days=14, hours=1)).exit_code == 0
    assert len(inbox.messages) == 2 and len(hook.hits) == 2


def test_the_timebox_rule(project):
    boxed = timeboxed_phase(project.flow)
    now = dt.datetime.now(dt.timezone.utc)
    assert timebox_overrun(project.flow, project.section("scope"), project.events(), now + dt.timedelta(days=99)) is None
    _timebox(project, 3)
    late = now + dt.timedelta(weeks=3, days=1)
    assert timebox_overrun(project.flow, project.section("scope"), project.events(), late) is None  # not there yet
    entered = _enter_boxed_phase(project)
    over = timebox_overrun(project.flow, project.section("scope"), project.events(), entered + dt.timedelta(weeks=3, days=2))
    assert over["phase"] == boxed and over["days_over"] == 2 and over["period"] == project.events()[-1].seq
    assert timebox_overrun(project.flow, project.section("scope"), project.events(), entered + dt.timedelta(days=20)) is None
    # a date in the scope ends the timebox at the end of that day instead
    scope = project.section("scope").model_dump(mode="json")
    project.save_section("scope", {**scope, "timebox_end": (entered + dt.timedelta(days=5)).date().isoformat()})
    events = project.events()
    assert timebox_overrun(project.flow, project.section("scope"), events, entered + dt.timedelta(days=6))["phase"] == boxed
    assert timebox_overrun(project.flow, project.section("scope"), events, entered + dt.timedelta(days=4)) is None
