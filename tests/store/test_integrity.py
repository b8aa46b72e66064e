"""Tamper evidence: signatures a forger cannot recompute, anchors, empty journals, time, verify on read."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from phasebook.core.errors import ContentChangedError, JournalCorruptError, JournalIntegrityError
from phasebook.core.events import Actor, entry_hash
from phasebook.project import Project
from phasebook.store.journal import Journal

VERIFIED_PO = Actor(name="product owner", role="product", verified=True)
DS = Actor(name="data scientist", role="data_science")


def lines_of(project: Project) -> list[dict]:
    return [json.loads(line) for line in project.journal_path.read_text().splitlines()]


def write_lines(project: Project, entries: list[dict]) -> None:
    project.journal_path.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries))


def rechain(entries: list[dict], start: int) -> None:
    """What a forger without the key does: recompute every hash and link from entry ``start`` (0-based) on."""
    for i in range(start, len(entries)):
        if i:
            entries[i]["prev"] = entries[i - 1]["hash"]
        entries[i]["hash"] = entry_hash(entries[i])


@pytest.fixture
def signed_project(make_project):
    """A project with a verified (signed) request for changes in the middle and entries after it."""
    project = make_project()
    project.sign_off("scope_approval", VERIFIED_PO, "request_changes", "state the need first")
    project.decide("iterate", "more data", actor=DS)
    project.decide("iterate", "again", actor=DS)
    return project


def test_verified_sign_off_is_signed_and_its_key_recorded_in_the_project(signed_project):
    entry = next(e for e in lines_of(signed_project) if e["kind"] == "sign_off")
    assert entry["sig"]["key"].startswith("ed25519:") and entry["sig"]["ed25519"]
    keys = json.loads((signed_project.root / "signing_keys.json").read_text())
    assert [k["id"] for k in keys["keys"]] == [entry["sig"]["key"]]
    # the private key is not in the project
    assert not list(signed_project.root.rglob("*.pem"))
    report = signed_project.verify()
    assert report.ok and report.signed == 1, report.message()


def test_edited_middle_entry_rechained_fails_on_its_signature(signed_project):
    # Given the verified request for changes is rewritten as an approval, and every later entry re-chained
    entries = lines_of(signed_project)
    i = next(n for n, e in enumerate(entries) if e["kind"] == "sign_off")
    entries[i]["data"]["decision"], entries[i]["data"]["comment"] = "approve", ""
    rechain(entries, i)
    write_lines(signed_project, entries)
    # When verified
    report = Project(signed_project.root).verify()
    # Then verify names that entry and the signature check
    assert not report.ok and report.check == "signature"
    assert report.problem.fields["line"] == i + 1
    assert "signature does not match" in report.message() and f"entry {i + 1}" in report.message()


def test_forged_verified_approval_with_correct_chain_fails_on_signature(make_project):
    project = make_project()
    entries = lines_of(project)
    forged = {"v": 1, "seq": 2, "at": "2026-01-01T00:00:00.000000Z", "actor": VERIFIED_PO.model_dump(),
              "kind": "sign_off", "data": {"gate": "scope_approval", "decision": "approve"},
              "prev": entries[-1]["hash"]}
    forged["at"] = entries[-1]["at"]
    forged["hash"] = entry_hash(forged)
    write_lines(project, entries + [forged])
    report = Project(project.root).verify()
    assert not report.ok and report.check == "signature" and "no signature" in report.message()


def test_time_going_backwards_is_named(make_project):
    project = make_project()
    project.decide("iterate", actor=DS)
    entries = lines_of(project)
    entries[1]["at"] = "2001-01-01T00:00:00.000000Z"
    rechain(entries, 1)
    write_lines(project, entries)
    report = Project(project.root).verify()
    assert not report.ok and report.check == "time" and "back-dated" in report.message()


def test_truncated_journal_is_an_error_not_ok_zero_entries(make_project):
    project = make_project()
    project.journal_path.write_bytes(b"")  # : > journal.jsonl
    report = Project(project.root).verify()
    assert not report.ok and report.check == "empty"
    assert "empty or missing" in report.message()
    project.journal_path.unlink()
    assert Project(project.root).verify().check == "empty"


def test_verify_on_read_catches_an_edit_after_a_cached_check(make_project):
    # Given a journal checked once (the state cached in .phasebook/)
    project = make_project()
    project.decide("iterate", "first", actor=DS)
    assert project.integrity().ok and (project.root / ".phasebook" / "verified.json").exists()
    # When another process appends, the incremental check accepts the new entry
    Project(project.root).decide("iterate", "second", actor=DS)
    assert Project(project.root).integrity().ok
    # When a middle entry is edited in place, the next reader's check fails on it
    text = project.journal_path.read_text().replace('"first"', '"FIRST"')
    project.journal_path.write_text(text)
    fresh = Project(project.root)
    report = fresh.integrity()
    assert not report.ok and report.check == "content hash" and report.problem.fields["line"] == 2
    # and decisions are refused with that message
    with pytest.raises(JournalCorruptError, match="content hash"):
        fresh.decide("ship", actor=DS)


def test_sign_off_refuses_content_changed_since_shown(make_project):
    project = make_project()
    shown = project.gate_content("scope_approval")["content_hash"]
    project.save_section("product_need", {"statement": "a statement nobody showed the approver"})
    before = project.journal_path.read_bytes()
    with pytest.raises(ContentChangedError, match="reload to see what changed"):
        project.sign_off("scope_approval", VERIFIED_PO, "approve", expected_hash=shown)
    assert project.journal_path.read_bytes() == before


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo_project(make_project, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "data scientist")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ds@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "data scientist")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ds@example.org")
    project = make_project()
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", ".")
    git(project.root, "commit", "-q", "-m", "project")
    return project


def test_dropping_entries_after_an_anchor_fails_verify_anchor(repo_project):
    from phasebook.store.gitrepo import anchor_journal

    project = repo_project
    for i in range(4):
        project.decide("iterate", f"round {i}", actor=DS)
    head = project.events()[-1]
    made = anchor_journal(project.journal_path, len(project.events()), head.seq, head.hash)
    assert "Phasebook-Anchor:" in git(project.root, "log", "-1", "--format=%B")
    assert git(project.root, "status", "--porcelain", "--", "journal.jsonl") == ""  # committed, index agrees
    assert Project(project.root).verify(anchors=True).ok
    # When the last 3 entries are dropped (a clean truncation: the chain itself still verifies)
    lines = project.journal_path.read_text().splitlines(keepends=True)
    project.journal_path.write_text("".join(lines[:-3]))
    assert Project(project.root).verify().ok
    # Then verify --anchor fails naming the anchor
    report = Project(project.root).verify(anchors=True)
    assert not report.ok and report.check == "anchor"
    assert made.commit[:10] in report.message() and f"entry {head.seq}" in report.message()


def test_conflict_markers_are_reported_with_the_fix(make_project):
    project = make_project()
    project.journal_path.write_text(project.journal_path.read_text() + "<<<<<<< HEAD\n=======\n>>>>>>> b\n")
    from phasebook.core.errors import JournalConflictError

    with pytest.raises(JournalConflictError, match="register the merge driver"):
        Project.open(project.root)
    assert Project(project.root).verify().check == "conflict"


def test_journal_read_directly_never_writes_outside_phasebook_dir(tmp_path):
    journal = Journal(tmp_path)
    journal.append("decision", {"decision": "iterate"}, DS)
    assert journal.check().ok
    assert sorted(p.name for p in tmp_path.iterdir()) == [".phasebook", "journal.jsonl"]
    assert os.path.exists(tmp_path / ".phasebook" / "verified.json")


def test_unmerged_branch_beside_the_chain_fails(make_project):
    project = make_project()
    project.decide("iterate", "a", actor=DS)
    entries = lines_of(project)
    extra = dict(entries[1], data={"decision": "forged", "text": ""})
    extra["hash"] = entry_hash(extra)  # forks from entry 1, beside entry 2, never merged
    write_lines(project, entries + [extra])
    report = Project(project.root).verify()
    assert not report.ok and report.check == "chain" and "never merged" in report.message()
    with pytest.raises(JournalIntegrityError):
        Project(project.root).require_intact()


def test_journals_written_before_canonical_lines_still_verify(tmp_path):
    # Given entries written the old way (fields in model order, not sorted)
    from phasebook.core.events import GENESIS, Event

    prev, out = GENESIS, []
    for seq in (1, 2):
        ev = Event(seq=seq, at=f"2026-11-0{seq}T00:00:00.000000Z", actor=DS, kind="decision",
                   data={"decision": "iterate"}, prev=prev).sealed()
        out.append(json.dumps(ev.record(), separators=(",", ":")))
        prev = ev.hash
    (tmp_path / "journal.jsonl").write_text("\n".join(out) + "\n")
    journal = Journal(tmp_path)
    assert journal.verify().ok and journal.read()[-1].seq == 2
    # and a new entry appended to them verifies too
    journal.append("decision", {"decision": "ship"}, DS)
    assert Journal(tmp_path).verify().ok


def test_merge_of_journals_keeps_both_sides_and_fast_forwards(make_project):
    from phasebook.store.merge import merge_journals

    project = make_project()
    base = project.journal_path.read_bytes()
    project.decide("iterate", "ours", actor=DS)
    ours = project.journal_path.read_bytes()
    project.journal_path.write_bytes(base)
    (project.root / ".phasebook" / "verified.json").unlink()
    project.decide("iterate", "theirs", actor=DS)
    theirs = project.journal_path.read_bytes()
    assert merge_journals(base, base, ours) == ours  # fast-forward, no merge entry
    merged = merge_journals(base, ours, theirs)
    assert merged.startswith(ours) and theirs.splitlines()[1] in merged.splitlines()
    project.journal_path.write_bytes(merged)
    assert Project(project.root).verify().ok
    assert json.loads(merged.splitlines()[-1])["kind"] == "merge"


def test_a_duplicated_line_is_named(make_project):
    project = make_project()
    project.decide("iterate", "once", actor=DS)
    lines = project.journal_path.read_text().splitlines(keepends=True)
    project.journal_path.write_text("".join(lines + lines[1:]))
    report = Project(project.root).verify()
    assert not report.ok and report.check == "chain" and "repeats entry 2" in report.message()
