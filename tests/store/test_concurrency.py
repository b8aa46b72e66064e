"""Many processes writing one project: concurrent sign-offs and writers killed mid-save."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal

import pytest

from phasebook.core.errors import JournalTornError
from phasebook.core.events import Actor
from phasebook.project import Project
from phasebook.store.plan import PlanStore

FORK = mp.get_context("fork")  # children inherit the imported modules: no import cost per process
PROCESSES, SIGNOFFS = 20, 50


def _sign_many(root: str, index: int, barrier, errors) -> None:
    try:
        project = Project.open(root)
        actor = Actor(name=f"product owner {index}", role="product")
        barrier.wait(timeout=60)
        for i in range(SIGNOFFS):
            project.sign_off("scope_approval", actor, "approve", f"round {i}")
    except BaseException as exc:  # report to the parent instead of dying silently
        errors.put(f"{index}: {type(exc).__name__}: {exc}")
        raise


def test_concurrent_signoffs_from_many_processes_make_one_chain(project):
    # Given a project and 20 processes ready to sign at the same moment
    before = len(project.events())
    barrier, errors = FORK.Barrier(PROCESSES), FORK.Queue()
    procs = [FORK.Process(target=_sign_many, args=(str(project.root), i, barrier, errors)) for i in range(PROCESSES)]
    # When each signs 50 times
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    # Then there are exactly 1,000 new entries in one intact chain
    assert errors.empty(), errors.get()
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    events = project.events()
    assert len(events) - before == PROCESSES * SIGNOFFS
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    report = project.verify()
    assert report.ok, report.message()
    per_signer = {}
    for e in events[before:]:
        per_signer[e.actor.name] = per_signer.get(e.actor.name, 0) + 1
    assert set(per_signer.values()) == {SIGNOFFS} and len(per_signer) == PROCESSES


SECTION_EDITS = {
    "product_need": lambda i: {"statement": f"need, version {i}"},
    "ideas": lambda i: {"exploration_notes": f"notes, version {i}"},
    "scope": lambda i: {"minimum_useful": f"floor, version {i}"},
    "literature": lambda i: {"landscape": f"landscape, version {i}"},
    "experiment_setup": lambda i: {"notes": f"setup, version {i}"},
    "monitoring": lambda i: {"schedule": f"schedule, version {i}"},
}
SAVES_PER_WRITER = 2


def _edit_one_section(root: str, section: str, barrier, errors) -> None:
    try:
        project = Project.open(root)
        barrier.wait(timeout=60)
        for i in range(1, SAVES_PER_WRITER + 1):
            project.save_section(section, SECTION_EDITS[section](i))
    except BaseException as exc:
        errors.put(f"{section}: {type(exc).__name__}: {exc}")
        raise


def test_concurrent_saves_of_different_sections_lose_nothing(project):
    # Given one writer per section, all starting together
    barrier, errors = FORK.Barrier(len(SECTION_EDITS)), FORK.Queue()
    procs = [FORK.Process(target=_edit_one_section, args=(str(project.root), name, barrier, errors))
             for name in SECTION_EDITS]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert errors.empty(), errors.get()
    # Then every section holds its writer's last version, and every save is journaled
    plan = Project.open(project.root).plan()
    for name, edit in SECTION_EDITS.items():
        expected = edit(SAVES_PER_WRITER)
        assert {k: plan.sections[name].model_dump()[k] for k in expected} == expected, name
    saves = [e for e in project.events() if e.kind == "section_saved"]
    assert len(saves) == len(SECTION_EDITS) * SAVES_PER_WRITER
    assert project.verify().ok


def _save_forever(root: str, conn) -> None:
    project = Project.open(root)
    i = 0
    while True:
        i += 1
        project.save_section("scope", {
            "kpis": [{"name": f"kpi {i}", "description": "x" * (i % 400), "metrics": [{"name": "roc_auc", "target": 0.8}]}],
            "out_of_scope": [f"item {j}" for j in range(i % 30)],
        })
        conn.send(i)


def test_writer_killed_mid_save_never_leaves_an_unreadable_plan(project):
    # Given a process saving the scope in a loop, killed (SIGKILL) after a few saves, round after round
    for round_, saves_before_kill in enumerate([1, 3, 2, 4, 1, 2]):
        parent, child = FORK.Pipe(duplex=False)
        proc = FORK.Process(target=_save_forever, args=(str(project.root), child))
        proc.start()
        try:
            done = 0
            while done < saves_before_kill:
                assert parent.poll(60), "the writer stopped reporting saves"
                done = parent.recv()
            os.kill(proc.pid, signal.SIGKILL)  # it is in the middle of its next save
        finally:
            proc.join(timeout=30)
        assert proc.exitcode == -signal.SIGKILL
        # Then the plan always loads (old or new content, never half of it)
        doc = PlanStore(project.root).load()
        assert doc.sections["scope"].kpis[0].name.startswith("kpi "), round_
        # and the journal is intact, or its torn tail is reported (by verify and by open), then repaired
        report = project.verify()
        if not report.ok:
            assert isinstance(report.problem, JournalTornError), report.message()
            with pytest.raises(JournalTornError):
                Project.open(project.root)
            assert project.journal.repair() is not None
        assert Project.open(project.root).verify().ok
    # and the next save succeeds, leaving nothing of the killed writers behind
    project.save_section("experiment_setup", {"repository": "git@example.org:team/churn.git"})
    assert list(project.root.glob(".phasebook.yaml.*.tmp")) == []
