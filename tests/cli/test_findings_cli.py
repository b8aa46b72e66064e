"""`phasebook finding …` and approvals: a blocking finding blocks the CLI approval; accepted, it no longer does;
an approval with conditions lapses when a condition's due time passes unresolved."""

from __future__ import annotations

import datetime as dt
import time

from phasebook.project import Project

APPROVE = ("signoff", "scope_approval", "--as", "product owner", "--role", "product", "--approve")


def _wait_for(predicate, timeout: float = 30.0):
    """Wait for a condition that time alone makes true (a due time passing); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_a_blocking_finding_blocks_approval_until_resolved_and_accepted(phasebook, project):
    # Given a blocking finding raised by the product owner
    out = phasebook("finding", "add", "scope_approval", "-m", "Name the holdout period", "--owner", "data_science",
                    "--due", "2027-01-15", "--as", "product owner", "--role", "product")
    assert out.exit_code == 0, out.output
    number = project.findings("scope_approval")[0].id
    assert f"Raised finding #{number} (blocking)" in out.output
    # When the product owner approves, it is refused (exit 1) and nothing is journaled
    before = project.journal_path.read_bytes()
    out = phasebook(*APPROVE)
    assert out.exit_code == 1
    assert "cannot be approved while a blocking finding is not accepted" in out.stderr
    assert f"#{number} Name the holdout period" in out.stderr
    assert project.journal_path.read_bytes() == before
    # Resolving alone is not enough: a reviewer must accept it
    out = phasebook("finding", "resolve", str(number), "-m", "Holdout: the last 8 weeks", "--evidence",
                    "https://example.org/pr/7", "--as", "data scientist")
    assert out.exit_code == 0 and "resolved" in out.output
    assert phasebook(*APPROVE).exit_code == 1
    out = phasebook("finding", "accept", str(number), "--as", "product owner")
    assert out.exit_code == 0, out.output
    # Then the approval is recorded
    out = phasebook(*APPROVE)
    assert out.exit_code == 0, out.output + out.stderr
    assert phasebook.json("status")["gates"]["scope_approval"]["state"] == "approved"
    listed = phasebook.json("finding", "list")
    assert [(f["id"], f["state"]) for f in listed] == [(number, "accepted")]
    assert [h["action"] for h in listed[0]["history"]] == ["resolved", "accepted"]


def test_an_approval_with_conditions_lapses_in_status_when_the_due_time_passes(phasebook, project):
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out = phasebook("finding", "add", "scope_approval", "-m", "Add the cost per alert", "--severity", "non_blocking",
                    "--owner", "product", "--due", due, "--as", "product owner")
    assert out.exit_code == 0, out.output
    number = project.findings()[0].id
    out = phasebook(*APPROVE, "--condition", str(number))
    assert out.exit_code == 0, out.output + out.stderr
    assert Project.open(project.root).events()[-1].data["conditional_on"] == [number]
    # approved while the condition is not yet due (if this machine was slower than 3 s, it is already lapsed)
    first = phasebook.json("status")["gates"]["scope_approval"]
    assert first["state"] in ("approved", "lapsed")
    _wait_for(lambda: project.status().gates["scope_approval"].state == "lapsed")
    gate = phasebook.json("status")["gates"]["scope_approval"]
    assert gate["state"] == "lapsed" and gate["lapsed_conditions"] == [number]
    assert "lapsed" in phasebook("status").output
    # advance refuses a lapsed gate
    out = phasebook("advance")
    assert out.exit_code == 1 and "lapsed" in out.stderr
    # a late resolution restores the approval
    assert phasebook("finding", "resolve", str(number), "-m", "added", "--as", "product").exit_code == 0
    assert phasebook.json("status")["gates"]["scope_approval"]["state"] == "approved"


def test_finding_steps_refuse_bad_input_and_record_nothing(phasebook, project):
    before = project.journal_path.read_bytes()
    bad = [
        (("finding", "add", "nope_gate", "-m", "x", "--owner", "p", "--as", "a"), "nope_gate"),
        (("finding", "add", "scope_approval", "-m", "x", "--owner", "p", "--due", "next week", "--as", "a"),
         "is not a date"),
        (("finding", "add", "scope_approval", "-m", "  ", "--owner", "p", "--as", "a"), "Say what the finding is"),
        (("finding", "resolve", "99", "-m", "x", "--as", "a"), "There is no finding #99"),
    ]
    for args, message in bad:
        out = phasebook(*args)
        assert out.exit_code == 2, (args, out.output, out.stderr)
        assert message in out.stderr, (args, out.stderr)
    assert project.journal_path.read_bytes() == before
    phasebook("finding", "add", "scope_approval", "-m", "x", "--owner", "p", "--as", "a")
    number = project.findings()[0].id
    out = phasebook("finding", "accept", str(number), "--as", "a")
    assert out.exit_code == 2 and "only a finding that is resolved can be accepted" in out.stderr
    out = phasebook("finding", "resolve", str(number), "--as", "a", "-m", "")
    assert out.exit_code == 2 and "Say how it was resolved" in out.stderr
    # a condition must have a due date, and only approvals have conditions
    out = phasebook(*APPROVE[:-1], "--request-changes", "-m", "no", "--condition", str(number))
    assert out.exit_code == 2 and "Only an approval can have conditions" in out.stderr


def test_the_monitoring_call_raises_a_finding_attributed_to_the_system(project):
    from phasebook.core.events import Actor

    event = project.raise_finding("scope_approval", "recall dropped below 0.5 on last week's data",
                                  evidence="drift_check entry 12", actor=Actor.system())
    f = project.findings()[0]
    assert event.actor == Actor.system() and f.raised_by == "phasebook" and not f.raised_verified
    assert f.evidence == "drift_check entry 12" and f.severity == "blocking" and f.owner == "unassigned"
    assert project.status().gates["scope_approval"].blocking_findings == [f.id]
    # and record() cannot bypass the rules
    import pytest
    from phasebook.core.errors import InvalidDecisionError

    with pytest.raises(InvalidDecisionError):
        project.record("finding_accepted", {"finding": f.id})
