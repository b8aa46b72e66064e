"""The portfolio's rules (core/portfolio.py): timebox, waiting gates and the order of attention."""

from __future__ import annotations

import datetime as dt

from phasebook.core.events import Actor, Event
from phasebook.core.flow import default_flow
from phasebook.core.portfolio import (ATTENTION, PortfolioRow, Timebox, portfolio_rows, timebox_of,
                                      unreadable_row)

FLOW = default_flow()
NOW = dt.datetime(2026, 12, 10, 12, tzinfo=dt.timezone.utc)


def _event(seq: int, kind: str, at: str, **data) -> Event:
    return Event(seq=seq, at=at, kind=kind, actor=Actor(name="data scientist"), data=data, prev="", hash="")


def _first_move(at: str) -> list[Event]:
    return [_event(1, "project_created", "2026-11-01T09:00:00Z"), _event(2, "advance", at, to=FLOW.work_phases[1])]


def test_timebox_weeks_start_when_the_project_leaves_its_first_phase():
    research = FLOW.work_phases[1]
    assert timebox_of({"timebox_weeks": 2}, _first_move("2026-12-01T10:00:00Z"), FLOW, research, NOW).days_left == 5
    over = timebox_of({"timebox_weeks": 1}, _first_move("2026-12-01T10:00:00Z"), FLOW, research, NOW)
    assert over.state == "overrun" and over.days_left == -2 and "overrun by 2 days" in over.text
    not_yet = timebox_of({"timebox_weeks": 3}, _first_move("2026-12-01T10:00:00Z")[:1], FLOW, FLOW.first_phase, NOW)
    assert not_yet.state == "not_started" and not_yet.days_left is None


def test_an_explicit_end_wins_and_a_finished_project_is_never_overrun():
    research = FLOW.work_phases[1]
    events = _first_move("2026-12-01T10:00:00Z")
    assert timebox_of({"timebox_weeks": 8, "timebox_end": "2026-12-09"}, events, FLOW, research, NOW).days_left == -1
    done = FLOW.phase_of_kind("done")
    assert timebox_of({"timebox_end": "2026-12-01"}, events, FLOW, done, NOW).state == "ended"
    assert timebox_of({}, events, FLOW, research, NOW) == Timebox()


def _row(name: str, attention: str, **extra) -> PortfolioRow:
    return PortfolioRow(path=name, name=name, attention=attention, **extra)


def test_rows_sort_by_level_then_overrun_then_days_in_phase():
    rows = [
        _row("done", "finished"), _row("ok", "on_track", days_in_phase=40), _row("alert", "alerting"),
        _row("wait-short", "waiting", days_in_phase=1), _row("wait-long", "waiting", days_in_phase=9),
        _row("over-a-bit", "overrun", timebox=Timebox(state="overrun", days_left=-1)),
        _row("over-a-lot", "overrun", timebox=Timebox(state="overrun", days_left=-12)),
        unreadable_row("broken", "the journal's last line is torn"),
    ]
    ordered = [r.name for r in portfolio_rows(rows)]
    assert ordered == ["broken", "over-a-lot", "over-a-bit", "wait-long", "wait-short", "alert", "ok", "done"]
    assert [r.attention for r in portfolio_rows(rows)] == sorted((r.attention for r in rows), key=ATTENTION.index)
