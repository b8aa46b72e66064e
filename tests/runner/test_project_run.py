"""Project.run / Project.run_grid: the facade the surfaces call over the papermill engine (issue 14, item 2)."""

from __future__ import annotations

import nbformat
import pytest

from phasebook.core.errors import UnknownParameterError


def _notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('project_dir = "."\ninteractive = True\nrows = 3  # how many\nlabel = "a"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("assert isinstance(rows, int), type(rows)\nprint(rows * 2, label)")]
    nbformat.write(nb, path)
    return "workbooks/" + path.name


@pytest.fixture
def notebook_project(project):
    return project, _notebook(project.root / "workbooks" / "tiny.ipynb")


def test_run_types_text_parameters_and_journals_the_local_user(notebook_project, monkeypatch):
    project, nb = notebook_project
    monkeypatch.setenv("PHASEBOOK_USER", "data scientist")
    # When a surface hands the facade text typed on a command line
    result = project.run(nb, {"rows": "7", "label": "b"}, from_text=True, progress_bar=False)
    # Then the values take their declared types, the notebook ran, and the run is journaled as the local user
    assert result.status == "succeeded" and result.parameters == {"rows": 7, "label": "b"}
    [run] = [e for e in project.events() if e.kind == "run"]
    assert run.data["parameters"] == {"rows": 7, "label": "b"}
    assert run.actor.name == "data scientist" and run.actor.verified is False
    # And the same call again is cached: nothing is journaled
    again = project.run(nb, {"rows": "7", "label": "b"}, from_text=True, progress_bar=False)
    assert again.status == "cached" and len([e for e in project.events() if e.kind == "run"]) == 1


def test_run_refuses_an_undeclared_text_parameter_before_running(notebook_project):
    project, nb = notebook_project
    before = len(project.events())
    with pytest.raises(UnknownParameterError, match="rowz"):
        project.run(nb, {"rowz": "7"}, from_text=True, progress_bar=False)
    assert len(project.events()) == before and not list((project.root / "runs").rglob("*.ipynb"))


def test_run_grid_runs_every_row_through_the_facade(notebook_project):
    project, nb = notebook_project
    result = project.run_grid(nb, [{"rows": 1}, {"rows": 2}], workers=1, progress_bar=False)
    assert result.ok and sorted(r.status for r in result.rows) == ["succeeded", "succeeded"]
    kinds = [e.kind for e in project.events()]
    assert kinds.count("run") == 2 and kinds.count("grid_run") == 1


def test_the_server_runs_a_phase_through_project_run(notebook_project):
    from phasebook.server.runs import default_runner

    project, nb = notebook_project
    progress: list[tuple[int, int]] = []
    result = default_runner()(project, nb, {"rows": 4}, force=False, on_progress=lambda d, t: progress.append((d, t)),
                              progress_bar=False)
    assert result.status == "succeeded" and result.parameters == {"rows": 4}
    assert progress and progress[-1][0] == progress[-1][1]
    assert [e.data["parameters"] for e in project.events() if e.kind == "run"] == [{"rows": 4}]
