"""The shipped GitHub Actions workflow (templates/ci/phasebook-monitor.yml), run step by step as a runner runs it.

There is no GitHub here, so :class:`Runner` does what the runner does with this file, for the parts it uses: each
``run:`` step is written to a script and run with the shell GitHub would use (``shell: bash``, here from
``defaults``, is ``bash --noprofile --norc -eo pipefail SCRIPT``; no shell at all is ``bash -e SCRIPT``), in a clone
of a local bare repository, with the workflow's ``env`` plus ``RUNNER_TEMP`` and ``GITHUB_EVENT_NAME``. A job's and
a step's ``if:`` follow GitHub's rules for the expressions this workflow uses (an expression without a status
function means ``success() && …``; any other expression fails the test), and ``continue-on-error`` keeps a failed
step's outcome while the job goes on. The ``uses:`` steps are the runner's own (the clone is the checkout, this
interpreter the Python) and the ``pip install`` step is not run: phasebook is installed where the tests run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from phasebook.core.events import Actor
from phasebook.demo.data import current_month
from phasebook.project import Project

WORKFLOW = Path(__file__).parents[2] / "templates" / "ci" / "phasebook-monitor.yml"
SHELLS = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"], None: ["bash", "-e"]}
NOW = "2026-12-07T06:30:00Z"  # a Monday after 06:00: the demo's schedule (0 6 * * 1) is due
PRODUCT = Actor(name="product owner", role="product")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass
class Step:
    name: str
    outcome: str  # success, failure or skipped
    code: int | None = None
    stdout: str = ""
    stderr: str = ""


@dataclass
class Job:
    result: str  # success, failure or skipped
    steps: list[Step] = field(default_factory=list)

    def step(self, name: str) -> Step:
        (found,) = [s for s in self.steps if s.name == name]
        return found


class Runner:
    """Runs one job of the workflow in ``workdir`` (a clone), with ``env`` beside the workflow's own."""

    def __init__(self, workdir: Path, temp: Path, env: dict[str, str]) -> None:
        self.doc = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
        self.workdir, self.temp = workdir, temp
        bin_dir = str(Path(sys.executable).parent)  # where pip put the `phasebook` command
        assert shutil.which("phasebook", path=bin_dir), "phasebook is not installed beside this Python"
        self.env = {**os.environ, **{k: str(v) for k, v in (self.doc.get("env") or {}).items()}, **env,
                    "PATH": bin_dir + os.pathsep + os.environ["PATH"], "RUNNER_TEMP": str(temp)}

    def _condition(self, expr: str | None, event: str, failed: bool, outcomes: dict[str, str]) -> bool:
        expr = (expr or "success()").strip()
        if expr == "always()":
            return True
        if expr == "success()":
            return not failed
        if m := re.fullmatch(r"github\.event_name (==|!=) '(\w+)'", expr):
            return (event == m[2]) == (m[1] == "==") and not failed
        if m := re.fullmatch(r"steps\.(\w+)\.outcome == '(\w+)'", expr):
            return outcomes.get(m[1]) == m[2] and not failed
        raise AssertionError(f"the workflow uses an expression this runner does not emulate: {expr}")

    def run(self, job_name: str, event: str, before: dict[str, object] | None = None) -> Job:
        """Run ``job_name`` for ``event``; ``before``: step name → a callable run just before that step."""
        job = self.doc["jobs"][job_name]
        if not self._condition(job.get("if"), event, False, {}):
            return Job("skipped")
        default_shell = ((self.doc.get("defaults") or {}).get("run") or {}).get("shell")
        done, failed, outcomes = Job("success"), False, {}
        for i, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or step["run"]
            if "uses" in step or step["run"].startswith("pip install"):
                assert "uses" in step or not failed
                continue
            if not self._condition(step.get("if"), event, failed, outcomes):
                done.steps.append(Step(name, "skipped"))
                continue
            if before and name in before:
                before[name]()
            script = self.temp / f"step-{i}.sh"
            script.write_text(step["run"], encoding="utf-8")
            shell = SHELLS[step.get("shell", default_shell)]
            env = {**self.env, "GITHUB_EVENT_NAME": event, **{k: str(v) for k, v in (step.get("env") or {}).items()}}
            proc = subprocess.run([*shell, str(script)], cwd=self.workdir, env=env, capture_output=True, text=True,
                                  timeout=600)
            outcome = "success" if proc.returncode == 0 else "failure"
            done.steps.append(Step(name, outcome, proc.returncode, proc.stdout, proc.stderr))
            if "id" in step:
                outcomes[step["id"]] = outcome
            if outcome == "failure" and not step.get("continue-on-error"):
                failed = True
        done.result = "failure" if failed else "success"
        return done


def _steady(root: Path) -> None:
    """Point the project's monitoring at an unshifted month (no new device) in its data folder."""
    current_month(new_device_share=0.0, seed=21).to_parquet(root / "data" / "steady.parquet")
    p = Project.open(root)
    p.save_section("monitoring", {**p.section("monitoring").model_dump(mode="json"), "current_data": "data/steady.parquet"})


def _repository(tmp_path: Path, layout: dict[str, bool], demo_root: Path) -> Path:
    """A bare ``origin`` holding demo copies at ``layout``'s folders (value: its month drifts)."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    seed = tmp_path / "seed"
    _git(tmp_path, "clone", "-q", str(origin), str(seed))
    for folder, drifting in layout.items():
        root = seed / folder if folder else seed
        shutil.copytree(demo_root, root, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("runs", ".phasebook"))
        if not drifting:
            _steady(root)
    _git(seed, "add", "-A")
    _git(seed, "-c", "user.name=data scientist", "-c", "user.email=ds@example.invalid", "commit", "-q", "-m", "projects")
    _git(seed, "push", "-q", "origin", "main")
    return origin


def _journal(origin: Path, tmp_path: Path, folder: str, name: str) -> list[dict]:
    """The journal entries of ``folder`` on a fresh clone of ``origin`` (and that the clone verifies)."""
    clone = tmp_path / name
    _git(tmp_path, "clone", "-q", str(origin), str(clone))
    project = Project.open(clone / folder if folder else clone)
    assert project.verify().ok, project.verify().message()
    return [json.loads(line) for line in project.journal_path.read_text().splitlines()]


def _runner(tmp_path: Path, monkeypatch, layout: dict[str, bool], demo_root: Path) -> tuple[Path, Runner]:
    """``origin`` holding ``layout``, and a runner on a fresh clone of it; every git command of the test (the
    runner's, a colleague's, this file's) without the machine's user or system configuration."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("PHASEBOOK_NOW", NOW)
    origin = _repository(tmp_path, layout, demo_root)
    clone, temp = tmp_path / "runner", tmp_path / "runner-temp"
    _git(tmp_path, "clone", "-q", str(origin), str(clone))
    temp.mkdir()
    return origin, Runner(clone, temp, {})


def test_a_drifting_project_fails_the_run_after_its_check_is_merged_with_a_concurrent_decision_and_pushed(
        demo_build, tmp_path, monkeypatch):
    # Given a repository with two projects in folders: one whose current month drifts, one steady
    origin, runner = _runner(tmp_path, monkeypatch, {"team/churn": True, "team/steady": False}, demo_build.root)

    def colleague_pushes_a_decision():  # while the check ran, a product person's decision reached main
        clone = tmp_path / "colleague"
        _git(tmp_path, "clone", "-q", str(origin), str(clone))
        Project.open(clone / "team" / "churn").decide("iterate", "try the usage features first", actor=PRODUCT)
        _git(clone, "add", "-A")
        _git(clone, "-c", "user.name=product owner", "-c", "user.email=po@example.invalid", "commit", "-q", "-m", "decision")
        _git(clone, "push", "-q")

    # When the scheduled monitor job runs
    job = runner.run("monitor", "schedule",
                     before={"record the check in the project's history": colleague_pushes_a_decision})

    # Then the check step failed with phasebook's exit 3 (not tee's 0), and said which project drifts
    check = job.step("monitoring check (exit 0 fine, 3 drift, 1 failed)")
    assert check.outcome == "failure" and check.code == 3, (check.stdout, check.stderr)
    rows = {Path(r["project"]).name: r for r in json.loads(check.stdout)}
    assert rows["churn"]["outcome"] == "alerting" and rows["steady"]["exit_code"] == 0, rows
    assert json.loads((runner.temp / "phasebook-monitor.json").read_text()) == json.loads(check.stdout)
    # and the record step merged the colleague's entry with the checks and pushed, on its second attempt
    record = job.step("record the check in the project's history")
    assert record.outcome == "success", (record.stdout, record.stderr)
    assert "merging its journal entries" in record.stdout
    # and the run fails, after that, so the alert shows in the Actions tab
    assert job.step("fail the run on drift or a failed check").outcome == "failure" and job.result == "failure"

    # And main holds both projects' checks and the colleague's decision, in journals that verify
    kinds = [e["kind"] for e in _journal(origin, tmp_path, "team/churn", "after")]
    assert "monitoring_check" in kinds and "decision" in kinds
    assert "monitoring_check" in [e["kind"] for e in _journal(origin, tmp_path, "team/steady", "after-steady")]
    # and the job committed the journals and the reference statistics each first check stored, nothing else
    # (its JSON went to the runner's temp folder), so the next run on a fresh checkout reads only the current data
    changed = _git(runner.workdir, "diff", "--name-only", "origin/main~2", "origin/main").split()
    assert sorted(changed) == [f"team/{p}/{f}" for p in ("churn", "steady")
                               for f in ("journal.jsonl", "monitoring/reference.json")], changed


def test_a_quiet_project_at_the_top_passes_and_a_pull_request_waits_for_the_gate(demo_build, tmp_path, monkeypatch):
    # Given a repository that is one project, whose month is steady
    origin, runner = _runner(tmp_path, monkeypatch, {"": False}, demo_build.root)

    # When the scheduled job runs, it passes and pushes the first check's journal line
    job = runner.run("monitor", "schedule")
    assert job.result == "success", [(s.name, s.outcome, s.stderr) for s in job.steps]
    assert job.step("fail the run on drift or a failed check").outcome == "skipped"
    assert [e["kind"] for e in _journal(origin, tmp_path, "", "after")][-1] == "monitoring_check"
    # and run again the same hour, it is not due: nothing to record, still green
    again = runner.run("monitor", "schedule")
    assert again.result == "success"
    assert "nothing new to record" in again.step("record the check in the project's history").stdout

    # When a pull request is opened, only the gate job runs, and it fails while the gate is pending
    assert runner.run("monitor", "pull_request").result == "skipped"
    gates = runner.run("gates", "pull_request")
    step = gates.step("the post-deployment KPI check is approved and fresh")
    assert gates.result == "failure" and step.code == 1
    assert "post_deployment_kpi_check is pending" in step.stderr
