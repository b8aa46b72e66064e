"""The installed `phasebook` console script, run as a real process (also as `jupyter phasebook`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PRODUCT_OWNER

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "phasebook"), *args], cwd=cwd, input=input, capture_output=True, text=True, timeout=60)


@pytest.fixture
def env() -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PHASEBOOK_USER": "data scientist"}


def test_console_script_backtrack_cancel_status_history(project):
    # Given a project in development (set up through the API)
    project.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    project.advance()
    project.advance(override="research skipped for the demo")
    # When the team backtracks and then cancels from the command line (found upward from a subfolder)
    back = run("backtrack", "research", "--reason", "approach_failure", "-m", "no signal", cwd=project.root / "data")
    assert back.returncode == 0, back.stderr
    cancel = run("cancel", "-m", "not worth another iteration", cwd=project.root)
    assert cancel.returncode == 0, cancel.stderr
    # Then status and history (JSON) show both
    status = json.loads(run("status", "--json", cwd=project.root).stdout)
    assert status["phase"] == "cancelled" and status["gates"]["scope_approval"]["state"] == "approved"
    assert [d["kind"] for d in status["decisions"]][-2:] == ["backtrack", "cancel"]
    history = json.loads(run("history", "--json", cwd=project.root).stdout)
    assert [e["kind"] for e in history][-2:] == ["backtrack", "cancel"]
    assert history[-2]["data"]["reason"] == "approach_failure" and history[-2]["actor"]["verified"] is False
    assert {"seq", "at", "kind", "actor", "data"} <= set(history[-1])


def test_show_piped_into_set_round_trips(project, env):
    project.save_section("scope", {"kpis": [{"name": "churners caught", "metrics": [{"name": "roc_auc", "target": 0.8}]}],
                                   "timebox_weeks": 3, "out_of_scope": ["real-time scoring"]})
    before = (project.plan_path.read_bytes(), len(project.events()))
    piped = subprocess.run("phasebook show scope | phasebook set scope --file -", shell=True, cwd=project.root,
                           env=env, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert (project.plan_path.read_bytes(), len(project.events())) == before


def test_errors_exit_2_without_traceback(project):
    result = run("signoff", "nope", "--as", "product owner", "--role", "product", "--approve", cwd=project.root)
    assert result.returncode == 2
    assert "Unknown gate 'nope'" in result.stderr and "Traceback" not in result.stderr


def test_jupyter_phasebook_is_the_same_command(project, env):
    result = subprocess.run(["jupyter", "phasebook", "status", "--json"], cwd=project.root, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["phase"] == "scoping"
