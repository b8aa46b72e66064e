"""Findings as a pure fold, and what they do to a gate: blocking, conditions, lapsing (no disk, fixed clock)."""

from __future__ import annotations

import datetime as dt

from phasebook.core.events import GENESIS, Actor, Event
from phasebook.core.findings import condition_problems, fold_findings, is_safe_link, parse_due
from phasebook.core.flow import default_flow
from phasebook.core.status import covered_content, fold

REVIEWER = Actor(name="product owner", role="product")
OWNER = Actor(name="data scientist", role="data_science")
T0 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)


class Journal:
    """Builds a list of sealed events in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, data: dict, actor: Actor = REVIEWER) -> Event:
        prev = self.events[-1].hash if self.events else GENESIS
        e = Event(seq=len(self.events) + 1, at=f"2026-12-01T10:00:{len(self.events):02d}.000000Z", actor=actor,
                  kind=kind, data=data, prev=prev).sealed()
        self.events.append(e)
        return e

    def approve(self, plan: dict, conditions: list[int] | None = None) -> Event:
        content = covered_content(default_flow().gate("scope_approval"), plan, self.events)
        data = {"gate": "scope_approval", "decision": "approve", "content_hash": content["content_hash"],
                "section_hashes": content["section_hashes"], "measurements": content["measurements"]}
        if conditions:
            data["conditional_on"] = conditions
        return self.add("sign_off", data)


def _state(j: Journal, plan: dict, now: dt.datetime = T0):
    return fold("p", default_flow(), plan, j.events, now=now).gates["scope_approval"]


def test_a_finding_folds_through_raise_resolve_accept_and_reopen():
    j = Journal()
    raised = j.add("finding_raised", {"gate": "scope_approval", "what": "name the holdout", "severity": "blocking",
                                      "owner": "data_science", "due": "2026-12-03"})
    assert fold_findings(j.events)[raised.seq].state == "open"
    j.add("finding_resolved", {"finding": raised.seq, "note": "last 8 weeks", "evidence": "https://example.org/1"}, OWNER)
    assert fold_findings(j.events)[raised.seq].state == "resolved"
    j.add("finding_accepted", {"finding": raised.seq, "note": ""})
    j.add("finding_reopened", {"finding": raised.seq, "note": "the weeks overlap the training data"})
    f = fold_findings(j.events)[raised.seq]
    assert f.state == "open" and [h["action"] for h in f.history] == ["resolved", "accepted", "reopened"]
    assert f.history[0]["evidence"] == "https://example.org/1" and f.raised_by == "product owner"


def test_an_open_blocking_finding_turns_an_approval_into_changes_requested_until_accepted():
    plan: dict = {}
    j = Journal()
    j.approve(plan)
    assert _state(j, plan).state == "approved"
    raised = j.add("finding_raised", {"gate": "scope_approval", "what": "x", "severity": "blocking", "owner": "ds"})
    st = _state(j, plan)
    assert st.state == "changes_requested" and st.blocking_findings == [raised.seq]
    j.add("finding_resolved", {"finding": raised.seq, "note": "done"}, OWNER)
    assert _state(j, plan).state == "changes_requested"  # resolved, not yet accepted: still blocking
    j.add("finding_accepted", {"finding": raised.seq})
    st = _state(j, plan)
    assert st.state == "approved" and st.blocking_findings == [] and st.open_findings == []


def test_a_non_blocking_finding_never_blocks():
    plan: dict = {}
    j = Journal()
    j.add("finding_raised", {"gate": "scope_approval", "what": "x", "severity": "non_blocking", "owner": "ds"})
    j.approve(plan)
    st = _state(j, plan)
    assert st.state == "approved" and st.blocking_findings == [] and st.open_findings == [1]


def test_an_approval_with_conditions_lapses_when_a_condition_is_still_open_after_its_due_time():
    plan: dict = {}
    j = Journal()
    cond = j.add("finding_raised", {"gate": "scope_approval", "what": "cost per alert", "severity": "non_blocking",
                                    "owner": "product", "due": "2026-12-02"})
    j.approve(plan, conditions=[cond.seq])
    assert _state(j, plan, now=T0).state == "approved"  # before the due date
    after = dt.datetime(2026, 12, 3, 0, 0, 1, tzinfo=dt.timezone.utc)
    st = _state(j, plan, now=after)
    assert st.state == "lapsed" and st.lapsed_conditions == [cond.seq]
    # resolving it (even late) restores the approval
    j.add("finding_resolved", {"finding": cond.seq, "note": "added"}, OWNER)
    assert _state(j, plan, now=after).state == "approved"


def test_an_unconditional_approval_does_not_lapse_on_an_overdue_finding():
    plan: dict = {}
    j = Journal()
    j.add("finding_raised", {"gate": "scope_approval", "what": "x", "severity": "non_blocking", "owner": "p",
                             "due": "2026-11-01"})
    j.approve(plan)
    assert _state(j, plan).state == "approved"


def test_conditions_must_be_open_findings_of_the_gate_with_a_future_due_date():
    j = Journal()
    j.add("finding_raised", {"gate": "scope_approval", "what": "a", "severity": "non_blocking", "owner": "p"})
    j.add("finding_raised", {"gate": "kpi_check", "what": "b", "severity": "non_blocking", "owner": "p", "due": "2027-01-01"})
    j.add("finding_raised", {"gate": "scope_approval", "what": "c", "severity": "non_blocking", "owner": "p",
                             "due": "2026-11-01"})
    found = fold_findings(j.events)
    problems = condition_problems(found, "scope_approval", [1, 2, 3, 9], T0)
    assert problems == ["#1 has no due date (a condition needs one)", "#2 is a finding of kpi_check, not scope_approval",
                        "#3 was due 2026-11-01 and is still open", "#9 is not a finding"]


def test_due_dates_and_links():
    assert parse_due("2026-12-31") == dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)
    assert parse_due("2026-12-31T17:00:00Z").hour == 17
    assert is_safe_link("https://example.org/pr/1")
    for bad in ("javascript:alert(1)", "http://example.org", "https://", "https://x.org/\"onmouseover=1", "data:text/html,x"):
        assert not is_safe_link(bad), bad
