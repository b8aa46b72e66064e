"""Killing the coordinator mid-grid, then running the grid again, resumes it.

Given a 6-row grid on a one-process pool (each row pauses a little so the
kill lands mid-grid), when the coordinator is SIGKILLed after two rows are
journaled and the same command runs again, then the journaled rows are
cached, the others run, and the journal's hash chain is intact.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from tests.demo_fixture import CLI, run_cli
from tests.runner.test_grid import light_project


def _rows_journaled(journal) -> list[str]:
    rows = []
    for line in journal.read_text().splitlines():
        event = json.loads(line)
        if event["kind"] == "run" and event["data"].get("row"):
            rows.append(event["data"]["row"])
    return rows


def _wait_for(condition, deadline_s: float, what: str) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_sigkill_the_coordinator_then_rerun_resumes(tmp_path):
    project = light_project(tmp_path / "p")
    grid = tmp_path / "grid.csv"
    grid.write_text("segment,pause\n" + "".join(f"r{i},1.0\n" for i in range(6)), encoding="utf-8")
    args = [*CLI, "run", "workbooks/light.ipynb", "--grid", str(grid), "--workers", "1", "--no-progress"]
    proc = subprocess.Popen(args, cwd=project.root, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: len(_rows_journaled(project.journal_path)) >= 2, 240, "two rows journaled")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        try:  # the pool's worker (and through it the kernel) go with the coordinator's session
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    done = _rows_journaled(project.journal_path)
    assert 2 <= len(done) < 6
    assert not any(json.loads(line)["kind"] == "grid_run" for line in project.journal_path.read_text().splitlines())

    again = run_cli("run", "workbooks/light.ipynb", "--grid", grid, "--workers", "2", "--no-progress", cwd=project.root)
    assert again.returncode == 0, again.stderr
    summary = " ".join(again.stdout.split())
    assert f"{6 - len(done)} succeeded, {len(done)} cached" in summary
    rows = _rows_journaled(project.journal_path)
    assert sorted(rows) == sorted(f"r{i}-1.0" for i in range(6))  # each row ran exactly once
    assert rows[:len(done)] == done
    from phasebook.project import Project

    reopened = Project.open(project.root)
    assert reopened.verify().ok
    assert reopened.status().segments_total == 6
