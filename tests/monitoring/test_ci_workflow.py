"""The shipped GitHub Actions workflow (templates/ci/phasebook-monitor.yml), run step by step as a runner runs it.

There is no GitHub here, so :class:`Runner` does what the runner does with this file, for the parts it uses: each
``run:`` step is written to a script and run with the shell GitHub would use (``shell: bash``, here from
``defaults``, is ``bash --noprofile --norc -eo pipefail SCRIPT``; no shell at all is ``bash -e SCRIPT``), in a clone
of a local bare repository, with the workflow's ``env`` plus ``RUNNER_TEMP`` and ``GITHUB_EVENT_NAME``. A job's and
a step's ``if:`` follow GitHub's rules for the expressions this workflow uses (an expression without a status
function means ``success() && …``; any other expression fails the test), and ``continue-on-error`` keeps a failed
step's outcome while the job goes on. ``actions/cache/restore`` and ``actions/cache/save`` keep files between runs
as the Actions cache does (:class:`Cache`: an exact key, else the newest entry under a ``restore-keys`` prefix; a key
is saved once; nothing is saved when no file matches). ``actions/checkout`` and ``actions/setup-python`` are the
runner's own (each run is a fresh clone, this interpreter the Python), and the ``pip install`` step is not run:
phasebook is installed where the tests run.
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


class Cache:
    """The repository's Actions cache: entries (key → files by path), oldest first, and the runs' ids."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, dict[str, bytes]]] = []
        self.runs = 0

    def restore(self, workdir: Path, key: str, prefixes: list[str]) -> str | None:
        found = next((e for e in self.entries if e[0] == key), None)
        for prefix in prefixes:
            found = found or next((e for e in reversed(self.entries) if e[0].startswith(prefix)), None)
        if found is None:
            return None
        for rel, data in found[1].items():
            (workdir / rel).parent.mkdir(parents=True, exist_ok=True)
            (workdir / rel).write_bytes(data)
        return found[0]

    def save(self, workdir: Path, key: str, pattern: str) -> bool:
        files = {p.relative_to(workdir).as_posix(): p.read_bytes() for p in workdir.glob(pattern) if p.is_file()}
        if not files or any(k == key for k, _ in self.entries):  # nothing to save, or the key is taken
            return False
        self.entries.append((key, files))
        return True


class Runner:
    """Runs one job of the workflow in ``workdir`` (a clone), with ``env`` beside the workflow's own."""

    def __init__(self, workdir: Path, temp: Path, env: dict[str, str], cache: Cache | None = None) -> None:
        self.doc = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
        self.workdir, self.temp, self.cache = workdir, temp, cache or Cache()
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

    def _with(self, step: dict) -> dict[str, str]:
        """The step's ``with:`` inputs, ``${{ github.run_id }}`` filled in (no other expression is emulated)."""
        out = {}
        for k, v in (step.get("with") or {}).items():
            v = str(v).replace("${{ github.run_id }}", str(self.cache.runs))
            assert "${{" not in v, f"the workflow uses an expression this runner does not emulate: {v}"
            out[k] = v
        return out

    def _action(self, step: dict) -> Step:
        action, name = step["uses"].split("@")[0], step.get("name") or step["uses"]
        inputs = self._with(step)
        if action == "actions/cache/restore":
            prefixes = [p for p in inputs.get("restore-keys", "").splitlines() if p.strip()]
            return Step(name, "success", stdout=f"restored {self.cache.restore(self.workdir, inputs['key'], prefixes)}")
        if action == "actions/cache/save":
            return Step(name, "success", stdout=f"saved {self.cache.save(self.workdir, inputs['key'], inputs['path'])}")
        assert action in ("actions/checkout", "actions/setup-python"), f"an action this runner does not emulate: {action}"
        return Step(name, "success")

    def run(self, job_name: str, event: str, before: dict[str, object] | None = None) -> Job:
        """Run ``job_name`` for ``event``; ``before``: step name → a callable run just before that step."""
        job = self.doc["jobs"][job_name]
        if not self._condition(job.get("if"), event, False, {}):
            return Job("skipped")
        self.cache.runs += 1
        default_shell = ((self.doc.get("defaults") or {}).get("run") or {}).get("shell")
        done, failed, outcomes = Job("success"), False, {}
        for i, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or step["run"]
            if "run" in step and step["run"].startswith("pip install"):
                continue
            if not self._condition(step.get("if"), event, failed, outcomes):
                done.steps.append(Step(name, "skipped"))
                continue
            if "uses" in step:
                done.steps.append(self._action(step))
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


def _repository(tmp_path: Path, layout: dict[str, bool], demo_root: Path, schedule: str | None = None) -> Path:
    """A bare ``origin`` holding demo copies at ``layout``'s folders (value: its month drifts); ``schedule``: their
    monitoring schedule instead of the demo's (Mondays 06:00)."""
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
        if schedule:
            p = Project.open(root)
            p.save_section("monitoring", {**p.section("monitoring").model_dump(mode="json"), "schedule": schedule})
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


def _runner(tmp_path: Path, monkeypatch, layout: dict[str, bool], demo_root: Path,
            schedule: str | None = None) -> tuple[Path, Runner]:
    """``origin`` holding ``layout``, and a runner on a fresh clone of it; every git command of the test (the
    runner's, a colleague's, this file's) without the machine's user or system configuration."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("PHASEBOOK_NOW", NOW)
    origin = _repository(tmp_path, layout, demo_root, schedule)
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


def test_quiet_checks_counted_on_fresh_checkouts_reach_the_journal_once(demo_build, tmp_path, monkeypatch):
    # Given one project at the top of a repository, steady, checked every hour (each run a fresh checkout)
    origin, first = _runner(tmp_path, monkeypatch, {"": False}, demo_build.root, schedule="0 * * * *")
    cache = first.cache

    def scheduled(now: str) -> Job:
        if cache.runs == 0:  # the first run: the clone _runner made, at NOW
            assert now == NOW
            runner = first
        else:
            n = cache.runs + 1
            clone, temp = tmp_path / f"run-{n}", tmp_path / f"run-{n}-temp"
            _git(tmp_path, "clone", "-q", str(origin), str(clone))
            temp.mkdir()
            runner = Runner(clone, temp, {"PHASEBOOK_NOW": now}, cache)
        job = runner.run("monitor", "schedule")
        assert job.result == "success", [(s.name, s.outcome, s.stdout, s.stderr) for s in job.steps]
        return job

    # When it runs at 06:30 (journaled), 07:30 and 08:30 (counted, not journaled), the next day at 07:00
    # (journaled: a day after the last), at 08:00 (counted, after a restore of the 08:30 count, which the
    # 07:00 line already carries) and the day after at 08:00
    times = ["2026-12-07T06:30:00Z", "2026-12-07T07:30:00Z", "2026-12-07T08:30:00Z",
             "2026-12-08T07:00:00Z", "2026-12-08T08:00:00Z", "2026-12-09T08:00:00Z"]
    jobs = [scheduled(t) for t in times]
    record = "record the check in the project's history"
    assert ["nothing new" in j.step(record).stdout for j in jobs] == [False, True, True, False, True, False]

    # Then main's journal has three checks, each carrying the quiet ones counted since the one before: none
    # lost between fresh checkouts (the cache kept the count) and none counted twice (the stale count is not)
    checks = [e["data"] for e in _journal(origin, tmp_path, "", "after") if e["kind"] == "monitoring_check"
              and e["data"]["checked_at"] >= "2026-12-07"]
    assert [(c["checked_at"][:16], c.get("quiet_rolled_up", 0)) for c in checks] == [
        ("2026-12-07T06:30", 0), ("2026-12-08T07:00", 2), ("2026-12-09T08:00", 1)]
    assert checks[1]["quiet_last_at"].startswith("2026-12-07T08:30")
