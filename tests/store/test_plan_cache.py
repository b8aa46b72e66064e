"""``.phasebook/plan.json``: an unchanged plan is read without the YAML parser, never stale, never trusted by verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import phasebook.store.integrity as integrity_module
import phasebook.store.plan as plan_module
from phasebook.core.errors import PlanValidationError
from phasebook.core.sections import Scope
from phasebook.project import Project
from phasebook.store.plan import PlanStore

SRC = Path(plan_module.__file__).resolve().parents[2]
# values of every kind a plan holds: quoted, plain and block strings, ints, floats, a date, aliases, a merge key
EDITED_SCOPE = """scope:
  # agreed on Monday
  kpis:
    - &first
      name: "churners caught"
      description: &why |
        The retention team calls
        the top decile.
      metrics:
        - name: roc_auc
          target: 0.80
          hardness: hard
        - name: recall
          target: 6.5e-1
    - <<: *first
      name: 'churners caught early'
  timebox_weeks: 3
  timebox_end: 2026-03-31
  minimum_useful: *why
  iteration_level: 0x2
  out_of_scope: ['realtime', "emails"]
"""


def _edit_scope(store: PlanStore, text: str = EDITED_SCOPE) -> None:
    lines = store.path.read_text().split("\nscope:\n", 1)
    rest = lines[1].split("\n", 1)[1]
    while rest.startswith(" ") or rest.startswith("\n"):  # drop the old section's body
        rest = rest.split("\n", 1)[1]
    store.path.write_text(lines[0] + "\n" + text + rest)


def _no_parser(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the YAML parser ran")

    monkeypatch.setattr(plan_module, "load_yaml", refuse)


def test_another_reader_of_an_unchanged_plan_gets_the_same_plan_without_parsing(make_store, monkeypatch):
    # Given a plan a person edited by hand, read once (which keeps what was parsed)
    store = make_store()
    _edit_scope(store)
    parsed = store.load()
    scope = parsed.sections["scope"]
    assert scope.timebox_end.isoformat() == "2026-03-31" and scope.iteration_level == 2
    assert [k.name for k in scope.kpis] == ["churners caught", "churners caught early"] and scope.kpis[1].metrics
    # When another process (a new store) reads the same bytes, with the parser out of reach
    _no_parser(monkeypatch)
    again = PlanStore(store.root).load()
    # Then it validates to exactly the same plan
    assert again.dump() == parsed.dump() and again.digest == parsed.digest
    assert (again.name, again.flow_version) == (parsed.name, parsed.flow_version)
    assert json.dumps(again.raw, default=str) == json.dumps(parsed.raw, default=str)


@pytest.mark.parametrize("edit", ["hand", "save"])
def test_a_changed_plan_is_never_served_from_the_cache(make_store, edit):
    # Given a plan read (and so cached) by one process
    store = make_store()
    assert store.load().sections["scope"].timebox_weeks is None
    # When it changes on disk — by hand, or saved by another process
    if edit == "hand":
        text = store.path.read_text()
        assert "  timebox_weeks:\n" in text
        store.path.write_text(text.replace("  timebox_weeks:\n", "  timebox_weeks: 4\n", 1))
    else:
        PlanStore(store.root).save_section("scope", Scope(timebox_weeks=4))
    # Then every reader sees the new content
    assert PlanStore(store.root).load().sections["scope"].timebox_weeks == 4
    assert store.load().sections["scope"].timebox_weeks == 4


def test_a_save_after_a_cached_read_keeps_the_comments(make_store):
    # Given a hand-commented plan, read from the cache by a new store (no commented tree in memory)
    store = make_store()
    _edit_scope(store)
    store.load()
    reader = PlanStore(store.root)
    assert not hasattr(reader.load().raw, "ca")  # plain data: it came from the cache
    # When that store saves a section
    reader.save_section("scope", Scope(timebox_weeks=5))
    # Then the person's comment is still in the file
    assert "# agreed on Monday" in store.path.read_text()
    assert PlanStore(store.root).load().sections["scope"].timebox_weeks == 5


def test_a_damaged_or_foreign_cache_file_is_ignored(make_store):
    store = make_store()
    expected = store.load().dump()
    cache = store.root / ".phasebook" / "plan.json"
    doc = json.loads(cache.read_text())
    for bad in ("{not json", json.dumps({**doc, "v": 99}), json.dumps({**doc, "reader": "another phasebook"}),
                json.dumps({**doc, "digest": "0" * 64, "data": {}}), json.dumps([1, 2])):
        cache.write_text(bad)
        assert PlanStore(store.root).load().dump() == expected


def test_an_invalid_plan_is_reported_alike_from_the_cache_and_the_parser(make_store, monkeypatch):
    # Given a hand-edited plan with invalid values of several YAML kinds (a float, a quoted string, a block scalar)
    store = make_store()
    _edit_scope(store, 'scope:\n  kpis:\n    - name: "k"\n      metrics:\n        - name: roc_auc\n          target: 1.70\n'
                '  timebox_weeks: "three"\n  minimum_useful: 2026-03-31\n  out_of_scope: |\n    all of it\n')
    with pytest.raises(PlanValidationError) as parsed:
        store.load()
    # When another reader takes it from the cache, the parser out of reach
    _no_parser(monkeypatch)
    with pytest.raises(PlanValidationError) as cached:
        PlanStore(store.root).load()
    # Then it reports exactly the same problems
    assert cached.value.fields["errors"] == parsed.value.fields["errors"] and len(parsed.value.fields["errors"]) == 4
    assert any(e["path"] == "scope.minimum_useful" for e in parsed.value.fields["errors"])  # a YAML date, not text


def test_a_value_json_cannot_carry_is_parsed_each_time(make_store):
    # a timestamp (ruamel keeps its own time-zone form) is not cached: the parser reads such a plan every time
    store = make_store()
    _edit_scope(store, "scope:\n  timebox_end: 2026-03-31 12:00:00\n")
    cache = store.root / ".phasebook" / "plan.json"
    cache.unlink(missing_ok=True)
    for _ in range(2):
        with pytest.raises(PlanValidationError, match="timebox_end"):
            PlanStore(store.root).load()
    assert not cache.exists()


def test_the_full_verify_reads_the_plan_itself(tmp_path, monkeypatch):
    # Given a project whose plan cache was rewritten to say something the plan file does not
    project = Project.new(tmp_path / "p", name="p")
    project.save_section("scope", Scope(timebox_weeks=3))
    assert project.verify().ok
    cache = project.root / ".phasebook" / "plan.json"
    doc = json.loads(cache.read_text())
    doc["data"]["scope"]["timebox_weeks"] = 9
    cache.write_text(json.dumps(doc))
    monkeypatch.setattr(integrity_module, "_HASHES", {})  # as in a new process
    # Then the full check still compares the file's own content with the journal (and finds them agreeing)
    assert Project(project.root).verify().ok
    # and a real edit of the file that the journal never recorded is caught although the cache matches it
    text = project.plan_path.read_text().replace("timebox_weeks: 3", "timebox_weeks: 9")
    project.plan_path.write_text(text)
    Project(project.root).plan()  # an ordinary read: cached
    report = Project(project.root).verify()
    assert not report.ok and report.check == "plan/journal"


def _child(code: str, root) -> str:
    """Run ``code`` in a new Python process with ``root`` as its argument; its stripped output."""
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)})
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_viewer_kernel_reads_the_plan_and_writes_no_cache(make_store):
    store = make_store()
    cache = store.root / ".phasebook" / "plan.json"
    cache.unlink(missing_ok=True)
    code = ("import sys\nfrom phasebook.store.guard import lock_to_signoffs\nfrom phasebook.store.plan import PlanStore\n"
            "lock_to_signoffs()\nprint(PlanStore(sys.argv[1]).load().name)")
    assert _child(code, store.root) == "churn-risk"
    assert not cache.exists()


def test_status_of_an_unchanged_plan_does_not_import_the_yaml_parser(make_store):
    store = make_store()
    store.load()  # parsed once: kept
    code = ("import sys\nfrom phasebook.project import Project\nProject.open(sys.argv[1]).status()\n"
            "print(sorted(m for m in sys.modules if m.startswith('ruamel.yaml')))")
    assert _child(code, store.root) == "[]"
