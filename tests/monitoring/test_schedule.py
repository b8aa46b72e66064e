"""The schedule: cron expressions, `monitor --due --all`, and `status --require` as a CI check."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.errors import BadInputError
from phasebook.core.events import Actor
from phasebook.core.schedule import is_due, validate_schedule
from phasebook.project import Project

UTC = dt.timezone.utc


def _run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def test_a_free_text_schedule_is_refused_with_an_example():
    with pytest.raises(BadInputError, match="'0 6 \\* \\* 1'"):
        validate_schedule("Weekly, after scoring")


def test_due_when_the_schedule_fired_since_the_last_check():
    monday6 = dt.datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    assert is_due("0 6 * * 1", None, monday6)  # never checked
    assert is_due("0 6 * * 1", monday6 - dt.timedelta(days=1), monday6)
    assert not is_due("0 6 * * 1", monday6, monday6 + dt.timedelta(days=6))


def test_due_all_runs_exactly_the_due_projects(demo_build, tmp_path):
    # Given three copies of the demo: hourly, Mondays 06:00, and the 1st of the month
    schedules = {"hourly": "0 * * * *", "weekly": "0 6 * * 1", "monthly": "0 6 1 * *"}
    for name, expr in schedules.items():
        root = tmp_path / "team" / name
        shutil.copytree(demo_build.root, root, symlinks=True)
        p = Project.open(root)
        p.save_section("monitoring", {**p.section("monitoring").model_dump(mode="json"), "schedule": expr})
    # and each checked once at 2026-12-07 (a Monday) 05:30
    first = _run("monitor", "--due", "--all", str(tmp_path / "team"), "--json",
                 env={"PHASEBOOK_NOW": "2026-12-07T05:30:00Z"})
    assert first.exit_code == 3, first.output  # the demo's month drifts: every project alerts
    assert {Path(r["project"]).name for r in json.loads(first.stdout) if r["due"]} == set(schedules)
    # When the tree is checked again at 06:10 the same Monday
    second = _run("monitor", "--due", "--all", str(tmp_path / "team"), "--json",
                  env={"PHASEBOOK_NOW": "2026-12-07T06:10:00Z"})
    rows = {Path(r["project"]).name: r for r in json.loads(second.stdout)}
    # Then the hourly and the weekly projects ran, the monthly one did not
    assert {n for n, r in rows.items() if r["due"]} == {"hourly", "weekly"}
    assert rows["monthly"]["outcome"] == "not_due" and rows["hourly"]["outcome"] == "alerting"
    counts = {n: sum(e.kind == "monitoring_check" for e in Project.open(tmp_path / "team" / n).events())
              for n in schedules}
    assert counts == {"hourly": 2, "weekly": 2, "monthly": 1}


def test_status_require_fails_while_pending_or_stale(project):
    def require():
        return _run("--project", str(project.root), "status", "--require", "kpi_check")

    assert require().exit_code == 1  # pending
    for _ in range(2):
        project.advance(override="test: reach development")
    for role in ("product", "customer_success"):
        project.sign_off("kpi_check", Actor(name=f"{role} lead", role=role), "approve",
                         "no model test in this fixture: approved to test the CI check", acknowledge=True)
    ok = require()
    assert ok.exit_code == 0, ok.output
    scope = project.section("scope").model_dump(mode="json")
    project.save_section("scope", {**scope, "timebox_weeks": (scope.get("timebox_weeks") or 2) + 1})
    stale = require()
    assert stale.exit_code == 1 and "kpi_check is stale" in stale.stderr
    assert _run("--project", str(project.root), "status", "--require", "kpi_chek").exit_code == 2


def test_the_ci_template_calls_commands_and_options_that_exist():
    import shlex

    from ruamel.yaml import YAML

    path = Path(__file__).parents[2] / "templates" / "ci" / "phasebook-monitor.yml"
    jobs = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["jobs"]
    calls = [line for job in jobs.values() for step in job["steps"] for line in str(step.get("run", "")).splitlines()
             if line.strip().startswith("phasebook ")]
    assert len(calls) == 3  # monitor, git-setup (before merging a concurrent push), status --require
    for line in calls:
        words = shlex.split(line.split("|")[0].split("#")[0].split(">")[0])[1:]
        if words[0] == "--project":  # the group's option, before the command
            words = words[2:]
        command = cli.commands[words[0]]
        known = {o for p in command.params for o in p.opts}
        assert {w for w in words[1:] if w.startswith("--")} <= known, line
    # (what the workflow does when it runs: tests/monitoring/test_ci_workflow.py)
