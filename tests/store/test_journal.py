"""journal.jsonl: hash chain, verify naming the broken entry, torn tails reported and repaired."""

from __future__ import annotations

import json

import numpy as np
import pytest

from phasebook.core.errors import JournalCorruptError, JournalTornError
from phasebook.core.events import GENESIS, Actor
from phasebook.store.journal import Journal

ACTOR = Actor(name="data scientist", role="data_science")


@pytest.fixture
def make_journal(tmp_path):
    """Factory: ``make_journal(n)`` → a journal with ``n`` entries."""

    def make(n: int = 5) -> Journal:
        journal = Journal(tmp_path)
        for i in range(n):
            journal.append("decision", {"decision": "iterate", "i": i}, ACTOR)
        return journal

    return make


def rewrite_line(journal: Journal, number: int, edit) -> None:
    lines = journal.path.read_text().splitlines(keepends=True)
    entry = json.loads(lines[number - 1])
    edit(entry)
    lines[number - 1] = json.dumps(entry, separators=(",", ":")) + "\n"
    journal.path.write_text("".join(lines))


def test_entries_form_a_chain_with_sequence_time_and_actor(make_journal):
    journal = make_journal(3)
    events = journal.read()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev == GENESIS and events[1].prev == events[0].hash and events[2].prev == events[1].hash
    assert events[0].at.endswith("Z") and events[0].actor == ACTOR
    assert journal.verify().ok and journal.verify().entries == 3


def test_tool_data_is_stored_as_plain_json(make_journal):
    journal = make_journal(0)
    ev = journal.append("drift_check", {"psi": np.float64(0.3), "rows": np.int64(10), "p": float("nan")}, ACTOR)
    assert journal.read()[-1].data == ev.data == {"psi": 0.3, "rows": 10, "p": None}
    assert journal.verify().ok


def test_hand_edited_entry_is_named_by_verify(make_journal):
    # Given a journal whose third entry was edited by hand
    journal = make_journal(5)
    rewrite_line(journal, 3, lambda e: e["data"].update(decision="ship"))
    # When it is verified
    report = journal.verify()
    # Then verify names that entry and says what to do
    assert not report.ok and isinstance(report.problem, JournalCorruptError)
    assert report.problem.fields["seq"] == 3
    assert "entry 3" in report.message() and "git diff" in report.message()


def test_edited_and_rehashed_entry_is_still_named(make_journal):
    from phasebook.core.events import entry_hash

    journal = make_journal(5)

    def edit(entry):
        entry["data"]["decision"] = "ship"
        entry["hash"] = entry_hash(entry)

    rewrite_line(journal, 2, edit)
    report = journal.verify()
    assert not report.ok and report.problem.fields["seq"] == 2
    assert "entry 2 " in report.message()


def test_removed_entry_is_reported(make_journal):
    journal = make_journal(4)
    lines = journal.path.read_text().splitlines(keepends=True)
    journal.path.write_text("".join(lines[:1] + lines[2:]))
    report = journal.verify()
    assert not report.ok and report.problem.fields["line"] == 2 and "removed" in report.message()


def test_torn_last_line_is_reported_never_dropped(make_journal):
    # Given a writer killed mid-line: the last line has no newline
    journal = make_journal(3)
    with open(journal.path, "ab") as fh:
        fh.write(b'{"v":1,"seq":4,"at":"2026-')
    # Then reading, appending and verifying all report it
    with pytest.raises(JournalTornError, match="Repair the journal"):
        journal.read()
    with pytest.raises(JournalTornError):
        journal.append("decision", {}, ACTOR)
    with pytest.raises(JournalTornError):
        journal.check_appendable()
    report = journal.verify()
    assert not report.ok and isinstance(report.problem, JournalTornError) and report.problem.fields["line"] == 4
    # When it is repaired
    moved = journal.repair()
    # Then the partial line is kept aside and the journal continues
    assert moved.parent == journal.root / ".phasebook" / "torn"
    assert moved.read_bytes() == b'{"v":1,"seq":4,"at":"2026-'
    assert journal.verify().ok and len(journal.read()) == 3
    assert journal.append("decision", {}, ACTOR).seq == 4
    assert journal.repair() is None


def test_reads_follow_appends_from_another_writer(make_journal, tmp_path):
    journal = make_journal(2)
    assert len(journal.read()) == 2
    Journal(tmp_path).append("decision", {"by": "another process"}, ACTOR)
    assert [e.seq for e in journal.read()] == [1, 2, 3]
    # and a rewrite of the file (not an append) is read afresh
    journal.path.write_text(journal.path.read_text().splitlines(keepends=True)[0])
    assert [e.seq for e in journal.read()] == [1]
