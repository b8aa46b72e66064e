"""The status cache (store/statuscache.py) never answers other than a full fold of the journal as it is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import phasebook
from phasebook.core.errors import JournalTornError
from phasebook.core.events import EVENT_KINDS, Actor
from phasebook.core.findings import FINDING_KINDS
from phasebook.core.gates import covered_content
from phasebook.core.pinning import flow_pin
from phasebook.core.status import fold
from phasebook.project import Project
from phasebook.store import statuscache
from phasebook.store.journal import Journal
from phasebook.store.statuscache import StatusCache, fold_context

SRC = Path(phasebook.__file__).parent
PERSON = Actor(name="product owner", role=None)


def _gate(project: Project):
    return project.flow.gates[0]


def _sample(kind: str, project: Project) -> dict:
    """Plausible data of each kind, as the code that writes it does (what the fold reads)."""
    flow, gate = project.flow, _gate(project)
    plan = project.plan().dump()
    events = project.events()
    last = events[-1].seq
    first_phase, second = flow.phases[0].name, flow.phases[1].name
    content = covered_content(gate, plan, events)
    samples = {
        "project_created": {"name": "again", "flow": flow.version, **flow_pin(flow)},
        "section_saved": {"section": "scope", "hash": "sha256:" + "1" * 64, "previous_hash": "sha256:" + "2" * 64},
        "sign_off": {"gate": gate.name, "decision": "approve", "comment": "fine",
                     "content_hash": content["content_hash"], "section_hashes": content["section_hashes"],
                     "measurements": content["measurements"], "snapshot": {}},
        "advance": {"from": first_phase, "to": second, "override": "a test"},
        "backtrack": {"from": second, "to": first_phase, "reason": "goal_change", "text": "back"},
        "cancel": {"from": first_phase, "to": flow.phases[-1].name, "reason": "no budget"},
        "deliver": {"from": first_phase, "to": flow.phases[-1].name},
        "reopen": {"from": flow.phases[-1].name, "to": first_phase, "reason": "upkeep"},
        "decision": {"decision": "iterate", "text": "one more try"},
        "model_test": {"model": "m1", "values": {"roc_auc": 0.8}, "passed": True, "segment": "region north",
                       "results": [{"metric": "roc_auc", "hardness": "hard", "outcome": "met"}]},
        "run": {"phase": first_phase, "status": "succeeded", "notebook": "01.ipynb"},
        "grid_run": {"grid": "g.yaml", "rows": 3, "status": "succeeded"},
        "data_check": {"source": "training", "reachable": True},
        "drift_check": {"pair": {"reference": "a", "current": "b"}, "drifted": []},
        "monitoring_check": {"alerting": True, "outcome": "drift", "finding": "a column drifted",
                             "drifted_columns": ["age"]},
        "notification": {"channel": "mail", "event": "gate_waiting"},
        "kpi_measurement": {"kpi": "churn", "value": 0.1},
        "flow_changed": {"flow": flow.version, **flow_pin(flow), "gates_changed": []},
        "delegation": {"gate": gate.name, "to": "deputy", "role": gate.roles[0], "until": "2999-01-01T00:00:00Z"},
        "merge": {"heads": ["sha256:" + "3" * 64, "sha256:" + "4" * 64]},
        "finding_raised": {"gate": gate.name, "what": "say who pays", "severity": "blocking", "owner": "analyst",
                           "due": "2999-12-31"},
        "finding_resolved": {"finding": last, "note": "done"},
        "finding_accepted": {"finding": last, "note": "ok"},
        "finding_reopened": {"finding": last, "note": "again"},
        "review_sample": {"gate": gate.name, "sample_id": "s1", "size": 2, "model": "m1", "items": ["a", "b"],
                          "drawn": {"seed": 1}, "questions": {}},
        "review_judgement": {"sample_id": "s1", "metric": "tone", "item": "a", "answer": "good", "note": ""},
        "registry_sync": {"model": "m1", "alias": "champion"},
    }
    return samples[kind]


def _full_fold(root: Path) -> dict:
    """The reference: a fresh fold of the journal as it is on disk, no cache involved."""
    project = Project(root)
    plan = project.plan()
    return fold(plan.name, project.flow, plan.dump(), Journal(root).read()).model_dump(mode="json")


def _cached(root: Path, monkeypatch, *, must_hit: bool) -> dict:
    """``Project.status()`` in a fresh project object; with ``must_hit`` the journal may not be parsed at all."""
    with monkeypatch.context() as m:
        if must_hit:
            m.setattr(Journal, "read", lambda self: pytest.fail("the cache was not used"))
        return Project(root).status().model_dump(mode="json")


def _same_as_full_fold(root: Path, monkeypatch) -> dict:
    full = _full_fold(root)
    assert _cached(root, monkeypatch, must_hit=False) == full  # folded (the key changed) and cached
    assert _cached(root, monkeypatch, must_hit=True) == full  # then served from the cache
    return full


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("PHASEBOOK_USER", "data scientist")
    Project.new(tmp_path / "p", name="cache test")
    return tmp_path / "p"


def test_every_kind_the_code_journals_is_declared():
    written = set()
    for path in SRC.rglob("*.py"):
        written |= set(re.findall(r"""(?:\.record|_append|journal\.append)\(\s*["']([a-z_]+)["']""", path.read_text()))
    assert written, "the scan finds the kinds the code writes"
    assert written <= set(EVENT_KINDS), sorted(written - set(EVENT_KINDS))
    assert set(FINDING_KINDS) <= set(EVENT_KINDS)


def test_cached_status_equals_a_full_fold_after_an_append_of_every_kind(root, monkeypatch):
    before = _same_as_full_fold(root, monkeypatch)
    project = Project(root)
    seen = set()
    for kind in EVENT_KINDS:
        project.journal.append(kind, _sample(kind, project), PERSON)
        after = _same_as_full_fold(root, monkeypatch)
        assert after["journal_entries"] == before["journal_entries"] + 1, kind
        before = after
        seen.add(kind)
    assert seen == set(EVENT_KINDS)


def test_a_changed_plan_or_flow_folds_again(root, monkeypatch):
    _same_as_full_fold(root, monkeypatch)
    project = Project(root)
    project.save_section("scope", {"minimum_useful": "60% of the target"})
    _same_as_full_fold(root, monkeypatch)
    context = fold_context("x", project.flow, project.plan().dump())
    assert context != fold_context("y", project.flow, project.plan().dump())


def test_a_torn_tail_and_its_repair(root, monkeypatch):
    project = Project(root)
    project.journal.append("decision", {"decision": "iterate"}, PERSON)
    _same_as_full_fold(root, monkeypatch)
    with open(root / "journal.jsonl", "ab") as fh:
        fh.write(b'{"v": 1, "seq": 3, "kind": "dec')  # a writer killed mid-line
    with pytest.raises(JournalTornError):
        Project(root).status()  # as a full read: the torn line is reported, never folded around
    with pytest.raises(JournalTornError):
        Project.open(root)
    assert Project(root).repair_journal() is not None
    _same_as_full_fold(root, monkeypatch)
    Project(root).journal.append("decision", {"decision": "after the repair"}, PERSON)
    full = _same_as_full_fold(root, monkeypatch)
    assert full["decisions"][-1]["decision"] == "after the repair"


def _equal_length_journal(tmp_path: Path, text: str) -> Path:
    other = tmp_path / f"other-{text}"
    Project.new(other, name="cache test")
    Project(other).journal.append("decision", {"decision": text}, PERSON)
    return other / "journal.jsonl"


def test_a_journal_replaced_by_another_of_the_same_length(root, tmp_path, monkeypatch):
    Project(root).journal.append("decision", {"decision": "aaaa"}, PERSON)
    old = _same_as_full_fold(root, monkeypatch)
    replacement = _equal_length_journal(tmp_path, "bbbb").read_bytes()
    path = root / "journal.jsonl"
    assert len(replacement) == path.stat().st_size and replacement != path.read_bytes()
    st = path.stat()
    with open(path, "r+b") as fh:  # in place: same inode, same size, the old mtime put back (as a git checkout may)
        fh.write(replacement)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    new = _same_as_full_fold(root, monkeypatch)
    assert new != old and new["decisions"][-1]["decision"] == "bbbb"


def test_an_edit_in_the_middle_that_keeps_the_length_and_the_head(root, monkeypatch):
    project = Project(root)
    project.journal.append("decision", {"decision": "aaaa"}, PERSON)
    project.journal.append("decision", {"decision": "last"}, PERSON)
    old = _same_as_full_fold(root, monkeypatch)
    path = root / "journal.jsonl"
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"aaaa"', b'"zzzz"'))  # breaks the chain (verify says so) but parses
    new = _same_as_full_fold(root, monkeypatch)
    assert new != old and [d["decision"] for d in new["decisions"]][-2:] == ["zzzz", "last"]


@pytest.mark.parametrize("damage", ["not json", "truncated", "wrong types", "too large", "other context"])
def test_a_malformed_cache_is_not_trusted(root, monkeypatch, damage):
    Project(root).journal.append("decision", {"decision": "kept"}, PERSON)
    full = _same_as_full_fold(root, monkeypatch)
    cache = root / ".phasebook" / "status.json"
    doc = json.loads(cache.read_text())
    doc["status"]["phase"] = "forged"  # what a trusted bad cache would show
    text = json.dumps(doc)
    if damage == "not json":
        text = "{oops"
    elif damage == "truncated":
        text = text[: len(text) // 2]
    elif damage == "wrong types":
        doc["journal"]["size"] = str(doc["journal"]["size"])
        text = json.dumps(doc)
    elif damage == "too large":
        monkeypatch.setattr(statuscache, "MAX_BYTES", len(text) - 1)
    else:
        doc["context"] = "sha256:" + "0" * 64
        text = json.dumps(doc)
    cache.write_text(text)
    assert _cached(root, monkeypatch, must_hit=False) == full
    if damage != "too large":
        assert _cached(root, monkeypatch, must_hit=True) == full  # and replaced by a sound entry


def test_the_entry_expires_at_the_next_due_date(root, monkeypatch):
    import datetime as dt

    project = Project(root)
    project.journal.append("finding_raised", _sample("finding_raised", project), PERSON)
    full = _same_as_full_fold(root, monkeypatch)
    cache = StatusCache(root, root / "journal.jsonl")
    context = fold_context(full["name"], project.flow, project.plan().dump())
    assert cache.get(context, dt.datetime(2999, 12, 30, tzinfo=dt.timezone.utc)) is not None
    assert cache.get(context, dt.datetime(3000, 1, 1, tzinfo=dt.timezone.utc)) is None  # past the due date: refold


def test_a_viewer_kernel_reads_status_and_writes_no_cache(root, monkeypatch):
    Project(root).journal.append("decision", {"decision": "viewed"}, PERSON)
    full = _full_fold(root)
    cache = root / ".phasebook" / "status.json"
    cache.unlink(missing_ok=True)
    code = ("import json, sys\nfrom phasebook.project import Project\nfrom phasebook.store.guard import lock_to_signoffs\n"
            "lock_to_signoffs()\nprint(json.dumps(Project(sys.argv[1]).status().model_dump(mode='json')))")
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC.parent)})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == full
    assert not cache.exists()  # the locked kernel wrote nothing
    _same_as_full_fold(root, monkeypatch)  # an ordinary process writes it; the viewer then reads it
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC.parent)})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == full


def test_other_code_never_reuses_an_entry(root, monkeypatch):
    _same_as_full_fold(root, monkeypatch)
    reads = []
    real = Journal.read
    monkeypatch.setattr(Journal, "read", lambda self: reads.append(1) or real(self))
    Project(root).status()
    assert reads == []  # the entry is used ...
    monkeypatch.setattr(statuscache, "__version__", "0.0.0+another-build")
    assert Project(root).status().model_dump(mode="json") == _full_fold(root)
    assert len(reads) == 2  # ... but not by another version of the code (folded; _full_fold read once more)


def _resumed(root: Path, monkeypatch) -> dict:
    """``Project.open(root).status()`` that may parse only the lines appended since the cached fold."""
    with monkeypatch.context() as m:
        m.setattr(Journal, "read", lambda self: pytest.fail("the whole journal was parsed, not resumed"))
        return Project.open(root).status().model_dump(mode="json")


def test_an_append_of_every_kind_resumes_the_cached_fold_and_equals_a_full_fold(root, monkeypatch):
    project = Project(root)
    for kind in ("model_test", "decision", "run"):  # something of the gathered kinds before the cached fold
        project.journal.append(kind, _sample(kind, project), PERSON)
    _same_as_full_fold(root, monkeypatch)
    for kind in EVENT_KINDS:
        project = Project(root)
        project.journal.append(kind, _sample(kind, project), PERSON)
        assert _resumed(root, monkeypatch) == _full_fold(root), kind
    for kind in EVENT_KINDS:  # several new lines at once
        project = Project(root)
        project.journal.append(kind, _sample(kind, project), PERSON)
    assert _resumed(root, monkeypatch) == _full_fold(root)
    assert _cached(root, monkeypatch, must_hit=True) == _full_fold(root)


def _model_test(project: Project, model: str, value: float) -> None:
    scope = project.plan().dump()["scope"]
    kpi = scope["kpis"][0]["name"] if scope.get("kpis") else "k"
    project.journal.append("model_test", {
        "model": model, "values": {"roc_auc": value}, "passed": value >= 0.8,
        "results": [{"kpi": kpi, "metric": "roc_auc", "hardness": "hard", "value": value,
                     "outcome": "passed" if value >= 0.8 else "failed"}]}, PERSON)


def test_a_review_sample_of_an_older_model_folds_from_the_first_entry(root, monkeypatch):
    project = Project(root)
    _model_test(project, "gbm", 0.81)
    _model_test(project, "logreg", 0.70)
    _same_as_full_fold(root, monkeypatch)
    first = next(e for e in project.events() if e.kind == "model_test")
    gate = _gate(project)
    project.journal.append("review_sample", {
        "gate": gate.name, "sample_id": "s2", "size": 1, "model": "gbm", "items": ["a"], "drawn": {"seed": 1},
        "questions": [{"metric": "tone", "question": "fair?"}],
        "model_test": {"seq": first.seq, "hash": first.hash, "at": first.at}}, PERSON)
    full = _full_fold(root)
    reads = []
    real = Journal.read
    monkeypatch.setattr(Journal, "read", lambda self: reads.append(1) or real(self))
    assert Project(root).status().model_dump(mode="json") == full
    assert reads, "the state did not keep the older test: the fold starts from the first entry"
    assert full["reviews"][gate.name]["judged_on"] == f"judged on gbm of {first.at[:10]}"
    _model_test(Project(root), "gbm", 0.9)  # a test after the sample: the review is of an older model
    reads.clear()
    resumed = Project(root).status().model_dump(mode="json")
    assert reads == [] and resumed == _full_fold(root)
    assert "the model tested since is gbm" in resumed["reviews"][gate.name]["older_note"]


def test_the_status_lists_the_newest_decisions_and_keeps_the_last_move(root, monkeypatch):
    from phasebook.core.status import DECISIONS_LISTED

    project = Project(root)
    project.journal.append("advance", _sample("advance", project), PERSON)
    for i in range(DECISIONS_LISTED + 5):
        project.journal.append("decision", {"decision": "iterate", "text": f"try {i}"}, PERSON)
    full = _same_as_full_fold(root, monkeypatch)
    assert len(full["decisions"]) == DECISIONS_LISTED and full["decisions_total"] == DECISIONS_LISTED + 6
    assert full["decisions"][-1]["text"] == f"try {DECISIONS_LISTED + 4}"
    assert full["last_move"]["kind"] == "advance"  # not among the listed ones any more, still the last move
    from phasebook.dashboards.overview import decision_log
    from phasebook.core.status import ProjectStatus

    page = decision_log(ProjectStatus.model_validate(full))
    assert f"The latest {DECISIONS_LISTED} of {DECISIONS_LISTED + 6} decisions" in page


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_fold_resumed_at_any_point_equals_a_full_fold(root, monkeypatch, seed):
    """Random journals of every kind (model tests of several models, segments and scopes, reviews naming old
    tests, backtracks, findings): cached after a random prefix, resumed over the rest, equal to a full fold."""
    import random

    rng = random.Random(seed)
    resumed = []
    real = statuscache.FoldState.from_json
    monkeypatch.setattr(statuscache.FoldState, "from_json", lambda *a: resumed.append(1) or real(*a))
    project = Project(root)
    project.save_section("scope", {"kpis": [{"name": "churn", "metrics": [
        {"name": "roc_auc", "target": 0.8, "comparator": ">=", "hardness": "hard"},
        {"name": "log_loss", "target": 0.5, "comparator": "<=", "hardness": "hard"}]}]})
    scope_hash = __import__("phasebook.core.modeltests", fromlist=["x"]).measures_hash(project.plan().dump()["scope"])
    kinds = [k for k in EVENT_KINDS if k not in ("project_created", "merge")]
    tests: list[int] = []
    for step in range(120):
        project = Project(root)
        roll = rng.random()
        if roll < 0.35:
            value = round(rng.uniform(0.6, 0.95), 3)
            data = {"model": rng.choice(["gbm", "logreg", "rf"]), "values": {"roc_auc": value, "log_loss": 1 - value},
                    "passed": value >= 0.8, "measures_hash": rng.choice([scope_hash, scope_hash, "sha256:" + "9" * 64]),
                    "results": [{"kpi": "churn", "metric": "roc_auc", "hardness": "hard", "value": value},
                                {"kpi": "churn", "metric": "log_loss", "hardness": "hard", "value": 1 - value}]}
            if rng.random() < 0.3:
                data["segment"] = rng.choice(["north", "south", "east"])
            tests.append(project.journal.append("model_test", data, PERSON).seq)
        elif roll < 0.42 and tests:
            ref = rng.choice(tests)
            e = next(x for x in project.events() if x.seq == ref)
            project.journal.append("review_sample", {
                "gate": _gate(project).name, "sample_id": f"s{step}", "size": 1, "model": "gbm", "items": ["a"],
                "drawn": {"seed": 1}, "questions": [{"metric": "tone", "question": "fair?"}],
                "model_test": {"seq": e.seq, "hash": e.hash, "at": e.at}}, PERSON)
        else:
            kind = rng.choice(kinds)
            project.journal.append(kind, _sample(kind, project), PERSON)
        if rng.random() < 0.15:  # a status now and then: the cache resumes from here next time
            assert Project.open(root).status().model_dump(mode="json") == _full_fold(root), step
    assert Project.open(root).status().model_dump(mode="json") == _full_fold(root)
    assert _cached(root, monkeypatch, must_hit=True) == _full_fold(root)
    assert len(resumed) >= 5  # most of those statuses resumed the cached state


def test_the_status_lists_the_ten_newest_runs_and_each_phase_with_a_successful_run(root, monkeypatch):
    project = Project(root)
    first = project.flow.phases[0].name
    for i in range(12):
        project.journal.append("run", {"phase": first, "status": "failed" if i else "succeeded",
                                       "notebook": f"{i:02d}.ipynb"}, PERSON)
    full = _same_as_full_fold(root, monkeypatch)
    assert [r["notebook"] for r in full["recent_runs"]] == [f"{i:02d}.ipynb" for i in range(2, 12)]
    from phasebook.core.status import FoldState

    state = FoldState.of(Journal(root).read(), project.flow, project.plan().dump())
    assert state.run_ok == {first}  # the one success, long before the ten listed runs, still counts
