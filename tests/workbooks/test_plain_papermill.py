"""Every phase workbook runs with plain `papermill IN OUT -p project_dir DEMO` (no phasebook runner)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOKS = ["01_scoping.ipynb", "02_research.ipynb", "03_development.ipynb", "04_deployment.ipynb"]


@pytest.fixture(scope="module")
def plain_runs(demo_build, tmp_path_factory):
    """Run the four templates with papermill's own CLI, two at a time, on a copy of the demo."""
    base = tmp_path_factory.mktemp("plain")
    project = base / "demo"
    shutil.copytree(demo_build.root, project)
    results = {}
    pending = list(BOOKS)
    while pending:
        batch, pending = pending[:2], pending[2:]
        procs = {
            name: subprocess.Popen(
                [sys.executable, "-m", "papermill", str(ROOT / "workbooks" / name), str(base / name),
                 "-p", "project_dir", str(project), "--no-progress-bar", "--start-timeout", "240"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for name in batch
        }
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=300)
            results[name] = (proc.returncode, err, base / name)
    return project, results


@pytest.mark.parametrize("name", BOOKS)
def test_plain_papermill_runs_the_workbook(plain_runs, name):
    project, results = plain_runs
    code, err, output = results[name]
    assert code == 0, err[-3000:]
    executed = nbformat.read(output, as_version=4)
    nbformat.validate(executed)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert executed.metadata.papermill.parameters == {"project_dir": str(project)}


def test_plain_runs_journal_their_results(plain_runs, demo_project):
    project, _ = plain_runs
    from phasebook.project import Project

    copy = Project.open(project)
    kinds = [e.kind for e in copy.events()]
    base = [e.kind for e in demo_project.events()]
    # scoping checks the four sources again, development tests two models, deployment checks drift and groups
    assert kinds.count("data_check") == base.count("data_check") + 4
    assert kinds.count("model_test") == base.count("model_test") + 2
    assert kinds.count("drift_check") == base.count("drift_check") + 1
    assert kinds.count("kpi_measurement") == base.count("kpi_measurement") + 1
    assert kinds.count("run") == base.count("run")  # plain papermill is not the runner: no run events
