"""Cached runs: an unchanged `phasebook run research` is skipped; each kind of input change re-runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from phasebook.runner.inputs import cached_run
from tests.demo_fixture import run_cli


def _runs(project) -> list:
    return [e for e in project.events() if e.kind == "run"]


def test_an_unchanged_run_is_cached_and_journals_nothing(demo_copy):
    before = len(demo_copy.events())
    proc = run_cli("--project", demo_copy.root, "run", "research")
    assert proc.returncode == 0, proc.stderr
    assert "cached" in proc.stdout and "--force" in proc.stdout
    assert len(demo_copy.events()) == before
    assert sorted(p.name for p in (demo_copy.root / "runs" / "research").iterdir()) == [_runs(demo_copy)[1].data["run_id"]]


def test_a_cached_run_starts_no_kernel_and_never_imports_papermill(demo_copy):
    code = (
        "import sys, json; from phasebook import Project; from phasebook.runner import run_notebook; "
        f"r = run_notebook(Project.open({str(demo_copy.root)!r}), 'research', progress_bar=False); "
        "print(json.dumps({'status': r.status, 'papermill': 'papermill' in sys.modules, 'seconds': r.duration_s}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] == "cached"
    assert result["papermill"] is False


def _change_parameter(project):
    return {"max_figures": 2}


def _change_notebook(project):
    path = project.root / "workbooks" / "02_research.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A note the team added."))
    nbformat.write(nb, path)
    return {}


def _change_plan_section(project):
    literature = project.section("literature").model_dump()
    literature["landscape"] += " Sequence models revisited after the event logging."
    project.save_section("literature", literature)
    return {}


def _change_data_file(project):
    path = project.root / "data" / "customers.parquet"
    pd.read_parquet(path).iloc[:-10].to_parquet(path, index=False)
    return {}


@pytest.mark.parametrize("change", [_change_parameter, _change_notebook, _change_plan_section, _change_data_file],
                         ids=["parameter", "notebook", "plan-section", "data-file"])
def test_each_input_change_makes_research_run_again(demo_copy, change):
    assert cached_run(demo_copy, "research") is not None
    parameters = change(demo_copy)
    assert cached_run(demo_copy, "research", parameters) is None


def test_a_section_research_does_not_read_keeps_it_cached(demo_copy):
    deployment = demo_copy.section("deployment").model_dump()
    deployment["schedule"] = "Daily, 05:00 UTC"
    demo_copy.save_section("deployment", deployment)
    assert cached_run(demo_copy, "research") is not None
    assert cached_run(demo_copy, "deployment") is None


def test_a_changed_parameter_really_runs_then_caches(demo_copy):
    proc = run_cli("--project", demo_copy.root, "run", "research", "-p", "max_figures", "2", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "succeeded" in proc.stdout
    last = _runs(demo_copy)[-1].data
    assert last["phase"] == "research" and last["status"] == "succeeded" and last["parameters"] == {"max_figures": 2}
    assert (demo_copy.root / last["output_path"]).is_file()
    again = run_cli("--project", demo_copy.root, "run", "research", "-p", "max_figures", "2")
    assert again.returncode == 0 and "cached" in again.stdout and last["run_id"] in again.stdout
    forced = cached_run(demo_copy, "research", {"max_figures": 2})
    assert forced is not None and forced.data["run_id"] == last["run_id"]
