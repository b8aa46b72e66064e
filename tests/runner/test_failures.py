"""Bad runs: a notebook that raises, unknown parameters, unknown targets, ill-typed values."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from phasebook.core.errors import WorkbookExecutionError
from phasebook.runner import run_notebook
from tests.demo_fixture import run_cli


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('project_dir = "."  # the project\ninteractive = True  # forms\nrows = 3  # how many')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(src) for src in cells)]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def boom(project):
    _notebook(project.root / "workbooks" / "boom.ipynb", "x = rows * 2", "raise ValueError('the export is empty')")
    return project


def test_a_raising_notebook_is_journaled_as_failed_and_keeps_its_output(boom):
    proc = run_cli("--project", boom.root, "run", "workbooks/boom.ipynb", "--no-progress")
    assert proc.returncode == 1
    message = " ".join(proc.stderr.split())
    assert "failed in cell 3: ValueError: the export is empty" in message
    [run] = [e for e in boom.events() if e.kind == "run"]
    assert run.data["status"] == "failed"
    assert run.data["error"]["cell_index"] == 3 and run.data["error"]["ename"] == "ValueError"
    assert run.data["error"]["evalue"] == "the export is empty"
    output = boom.root / run.data["output_path"]
    assert output.is_file() and str(output) in message  # the message says where the evidence is
    executed = nbformat.read(output, as_version=4)
    nbformat.validate(executed)
    assert "An Exception was encountered" in executed.cells[0].source  # papermill's banner
    assert run.data["parameters"] == {} and run.data["phase"] is None and run.data["duration_s"] > 0


def test_a_failure_raises_after_journaling(boom):
    progress = []
    with pytest.raises(WorkbookExecutionError) as err:
        run_notebook(boom, "boom", {"rows": 5}, progress_bar=False, on_progress=lambda d, t: progress.append((d, t)))
    assert err.value.fields["cell_index"] == 3 and err.value.fields["ename"] == "ValueError"
    run = [e for e in boom.events() if e.kind == "run"][-1]
    assert run.data["run_id"] == err.value.fields["run_id"] and run.data["parameters"] == {"rows": 5}
    assert progress and all(t == 4 for _, t in progress) and [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_a_succeeding_notebook_reports_progress_and_its_record(project):
    _notebook(project.root / "workbooks" / "ok.ipynb",
              "import json, os\nprint(json.dumps({'rows': rows, 'interactive': interactive, 'cwd': os.getcwd()}))")
    progress, cwd = [], os.getcwd()
    result = run_notebook(project, "workbooks/ok.ipynb", {"rows": 7}, progress_bar=False,
                          on_progress=lambda d, t: progress.append((d, t)))
    assert result.status == "succeeded" and progress[-1] == (3, 3)
    executed = nbformat.read(result.output_path, as_version=4)
    printed = json.loads(executed.cells[-1].outputs[0]["text"])
    # headless, in the notebook's folder (as in JupyterLab), without moving this process
    assert printed == {"rows": 7, "interactive": False, "cwd": str(project.root / "workbooks")}
    assert os.getcwd() == cwd
    run = [e for e in project.events() if e.kind == "run"][-1].data
    assert run["status"] == "succeeded" and run["input_hash"] == result.input_hash
    assert set(run["inputs"]) == {"notebook", "parameters", "sections", "data"}
    assert run_notebook(project, "ok", {"rows": 7}, progress_bar=False).status == "cached"


def test_unknown_parameters_are_refused_with_the_declared_ones(boom):
    proc = run_cli("--project", boom.root, "run", "boom", "-p", "rowz", "4")
    assert proc.returncode == 2
    message = " ".join(proc.stderr.split())
    assert "does not declare parameter rowz" in message
    assert "project_dir, interactive, rows" in message
    assert not [e for e in boom.events() if e.kind == "run"]


def test_values_take_the_declared_type(project):
    proc = run_cli("--project", project.root, "run", "development", "-p", "seed", "forty-two")
    assert proc.returncode == 2
    assert "seed expects int" in proc.stderr


def test_an_unknown_target_lists_phases_and_notebooks(project):
    proc = run_cli("--project", project.root, "run", "modelling")
    assert proc.returncode == 2
    message = " ".join(proc.stderr.split())
    assert "'modelling' is neither a phase nor a notebook" in message
    assert "scoping, research, development, deployment" in message and "03_development.ipynb" in message
