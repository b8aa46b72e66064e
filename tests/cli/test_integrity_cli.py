"""The CLI on a journal someone tampered with, a save killed halfway, and journals merged by git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from phasebook.core.events import Actor
from phasebook.project import Project
from phasebook.store.plan import parse_yaml

from .conftest import SCOPE_YAML, Invoker

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_signoff_show_prints_the_content_and_its_hash(phasebook, project):
    shown = phasebook("signoff", "scope_approval", "--show")
    assert shown.exit_code == 0
    h = project.gate_content("scope_approval")["content_hash"]
    assert f"content hash: {h}" in shown.stdout and "product_need:" in shown.stdout
    assert len(project.events()) == 1  # nothing recorded


def test_signoff_with_an_old_expected_hash_exits_1_and_journals_nothing(phasebook, project, yaml_file):
    old = project.gate_content("scope_approval")["content_hash"]
    assert phasebook("set", "scope", "--file", str(yaml_file(SCOPE_YAML))).exit_code == 0
    before = project.journal_path.read_bytes()
    refused = phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product", "--approve",
                        "--expect-hash", old)
    assert refused.exit_code == 1
    assert "content changed since you opened this page — reload to see what changed" in refused.stderr
    assert project.journal_path.read_bytes() == before
    current = project.gate_content("scope_approval")["content_hash"]
    ok = phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product", "--approve",
                   "--expect-hash", current)
    assert ok.exit_code == 0 and current[:19] in ok.stdout


def test_sed_reject_to_approve_is_refused_everywhere(phasebook, project):
    # Given a rejection, turned into an approval by a hand edit of the journal
    assert phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product", "--reject",
                     "-m", "not a need").exit_code == 0
    text = project.journal_path.read_text()
    assert '"decision":"reject"' in text
    project.journal_path.write_text(text.replace('"decision":"reject"', '"decision":"approve"'))
    before = project.journal_path.read_bytes()
    # When advance and signoff run, then both exit 1 with the integrity message and append nothing
    for args in (("advance",), ("signoff", "scope_approval", "--as", "data scientist", "--role", "data_science",
                                "--approve")):
        refused = phasebook(*args)
        assert refused.exit_code == 1, refused.stdout
        assert "entry 2 (line 2) fails the content hash check" in refused.stderr
    assert project.journal_path.read_bytes() == before
    # and verify names it; status shows the banner and says so to scripts
    assert phasebook("verify").exit_code == 1
    shown = phasebook("status")
    assert "journal integrity check failed" in shown.stderr
    assert phasebook.json("status")["integrity"]["check"] == "content hash"


def test_overview_shows_the_integrity_banner(project):
    from phasebook.dashboards.overview import overview_parts

    project.sign_off("scope_approval", Actor(name="product owner", role="product"), "reject", "not a need")
    assert "journal integrity check failed" not in "".join(overview_parts(project)).lower()
    text = project.journal_path.read_text()
    project.journal_path.write_text(text.replace('"decision":"reject"', '"decision":"approve"'))
    html = "".join(overview_parts(Project(project.root)))
    assert 'class="banner pb-integrity" role="alert"' in html and "Journal integrity check failed" in html


CRASH = textwrap.dedent("""
    import os, signal, sys
    from phasebook.project import Project
    from phasebook.store.journal import Journal

    def die(self, *a, **k):  # the crash: after the plan's rename, before the journal append
        os.kill(os.getpid(), signal.SIGKILL)

    Journal.append = die
    Project.open(sys.argv[1]).save_section("product_need", {"statement": "saved, then the process was killed"})
""")


def test_sigkill_between_plan_rename_and_journal_append(phasebook, project):
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", CRASH, str(project.root)], env=env, capture_output=True)
    assert done.returncode == -9  # killed
    assert "killed" in project.plan_path.read_text()  # the plan was written …
    assert [e.kind for e in project.events()] == ["project_created"]  # … the journal was not
    # The next open reports the unrecorded change
    report = Project.open(project.root).integrity()
    assert not report.ok and report.check == "plan/journal" and "product_need" in report.message()
    shown = phasebook("status")
    assert "journal integrity check failed" in shown.stderr and "product_need" in shown.stderr
    # verify names it; a sign-off waits; record-plan records it and everything agrees again
    verified = phasebook("verify")
    assert verified.exit_code == 1 and "product_need" in verified.stderr and "record-plan" in verified.stderr
    assert phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product",
                     "--approve").exit_code == 1
    recorded = phasebook("record-plan")
    assert recorded.exit_code == 0 and "product_need" in recorded.stdout
    assert phasebook("verify").exit_code == 0
    last = project.events()[-1]
    assert last.kind == "section_saved" and last.data["recovered"] is True


def git(cwd, *args, check=True):
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository holding a new project (created inside it, so the driver is registered)."""
    for k, v in {"GIT_AUTHOR_NAME": "data scientist", "GIT_AUTHOR_EMAIL": "ds@example.org",
                 "GIT_COMMITTER_NAME": "data scientist", "GIT_COMMITTER_EMAIL": "ds@example.org"}.items():
        monkeypatch.setenv(k, v)
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    project = Project.new(top / "churn", name="churn")
    assert (project.root / ".gitattributes").read_text().strip().endswith("journal.jsonl merge=phasebook-journal")
    project.save_section("scope", parse_yaml(SCOPE_YAML, file="scope.yaml"))
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "project")
    return top, project


def _branch_work(top: Path, project: Project, branch: str, name: str, role: str, auc: float) -> None:
    git(top, "checkout", "-q", "-b", branch, "main")
    p = Project.open(project.root)
    p.sign_off("scope_approval", Actor(name=name, role=role), "approve")
    p.test_model({"roc_auc": auc}, model=f"model-{branch}")
    git(top, "commit", "-q", "-am", f"{branch}: sign-off and model test")


def test_two_branches_merge_with_the_driver(repo):
    top, project = repo
    _branch_work(top, project, "product", "product owner", "product", 0.81)
    _branch_work(top, project, "science", "data scientist", "data_science", 0.83)
    git(top, "checkout", "-q", "product")
    merged = git(top, "merge", "-q", "--no-edit", "science", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout
    p = Project.open(project.root)
    kinds = [e.kind for e in p.events()]
    assert kinds.count("sign_off") == 2 and kinds.count("model_test") == 2 and kinds[-1] == "merge"
    assert p.verify().ok, p.verify().message()
    gate = p.status().gates["scope_approval"]
    assert {(s.name, s.decision) for s in gate.signoffs} == {("product owner", "approve"), ("data scientist", "approve")}
    cli = Invoker(project.root)
    assert cli("verify").exit_code == 0
    from phasebook.cli.render import summarize_event

    assert cli("history").exit_code == 0
    assert summarize_event(p.events()[-1]).startswith("git merge of two branches' journals: ")
    # and the merged journal keeps growing on a chain that still verifies
    p.decide("iterate", "after the merge")
    assert Project(project.root).verify().ok


def test_without_the_driver_status_names_the_conflict_and_the_fix(repo):
    top, project = repo
    git(top, "config", "--remove-section", "merge.phasebook-journal")  # a clone that never ran git-setup
    _branch_work(top, project, "product", "product owner", "product", 0.81)
    _branch_work(top, project, "science", "data scientist", "data_science", 0.83)
    git(top, "checkout", "-q", "product")
    merged = git(top, "merge", "--no-edit", "science", check=False)
    assert merged.returncode != 0 and "CONFLICT" in merged.stdout
    cli = Invoker(project.root)
    status = cli("status")
    assert status.exit_code == 1
    assert "conflict markers" in status.stderr and "phasebook git-setup" in status.stderr
    assert "merge-journal --resolve" in status.stderr
    # Following the fix: set up the driver, rebuild the journal from both sides
    assert cli("git-setup").exit_code == 0
    resolved = cli("merge-journal", "--resolve")
    assert resolved.exit_code == 0, resolved.stderr
    assert cli("verify").exit_code == 0
    assert json.loads(cli("status", "--json").stdout)["integrity"]["ok"]


def test_anchor_then_truncate_fails_verify_anchor(repo):
    top, project = repo
    cli = Invoker(project.root)
    Project.open(project.root).save_section("product_need", {"statement": "saved, not yet committed"})
    for i in range(4):
        Project.open(project.root).decide("iterate", f"round {i}")
    (top / "unrelated.txt").write_text("staged, not anchored")
    git(top, "add", "unrelated.txt")
    anchored = cli("anchor")
    assert anchored.exit_code == 0 and "Anchored entry" in anchored.stdout
    # the anchor commit holds the journal and the plan it agrees with; what else was staged stays staged
    committed = git(top, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert committed == ["churn/journal.jsonl", "churn/phasebook.yaml"]
    assert git(top, "status", "--porcelain").stdout.splitlines() == ["A  unrelated.txt"]
    assert cli("verify", "--anchor").exit_code == 0
    lines = project.journal_path.read_text().splitlines(keepends=True)
    project.journal_path.write_text("".join(lines[:-3]))
    assert cli("verify").exit_code == 0  # a clean truncation keeps the chain itself intact …
    failed = cli("verify", "--anchor")  # … the anchor shows it
    assert failed.exit_code == 1 and "the anchor check failed" in failed.stderr


def test_anchor_outside_git_says_what_to_do(phasebook):
    refused = phasebook("anchor")
    assert refused.exit_code == 2 and "not inside a git repository" in refused.stderr


def test_emptied_journal_fails_verify_and_status(phasebook, project):
    project.journal_path.write_bytes(b"")  # : > journal.jsonl
    verified = phasebook("verify")
    assert verified.exit_code == 1 and "the empty check failed" in verified.stderr
    assert "OK" not in verified.stdout
    assert "journal integrity check failed" in phasebook("status").stderr
    assert phasebook("advance", "--override", "anyway").exit_code == 1
