"""Grid runs: one papermill run per row, on a local pool and on a Dask ``LocalCluster``.

Given a project whose light notebook reads its ``segment`` and calls
``project.test_model(..., segment=...)``, when a 12-row grid (one row made
to fail) runs on the local pool and, in an identical copy, on a 2-worker
LocalCluster, then both journals hold the same rows, model tests and
errors; bad grids fail before anything runs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.demo_fixture import run_cli

SCOPE = {"kpis": [{"name": "Churners reached", "metrics": [
    {"name": "roc_auc", "target": 0.5, "comparator": ">=", "dataset": "holdout", "hardness": "hard"},
    {"name": "recall", "target": 0.3, "comparator": ">=", "dataset": "holdout", "hardness": "hard"},
]}]}

PARAMETERS = 'project_dir = "."  # the project\ninteractive = True  # forms\nsegment = ""  # the customer\nfail = False  # make this row raise\npause = 0.0  # seconds of work'
BODY = [
    "import time, zlib\nfrom phasebook import Project\nproject = Project.open(project_dir)\ntime.sleep(pause)",
    "if fail:\n    raise ValueError(f'no data for segment {segment}')",
    "code = zlib.crc32(segment.encode())\nvalues = {'roc_auc': (code % 1000) / 1000, 'recall': (code // 1000 % 1000) / 1000}\n"
    "project.test_model(values, model='light', segment=segment)",
]


def light_project(root: Path):
    """A project with a scope (two hard metrics) and ``workbooks/light.ipynb`` (development phase)."""
    from phasebook.project import Project

    project = Project.new(root, name="per-customer")
    project.save_section("scope", SCOPE)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["phasebook"] = {"phase": "development", "reads": ["scope"]}
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(src) for src in BODY)]
    nbformat.write(nb, str(project.root / "workbooks" / "light.ipynb"))
    return project


def write_grid(path: Path, rows: int, failing: int | None = None) -> Path:
    path.write_text("segment,fail\n" + "".join(f"c{i:02d},{i == failing}\n" for i in range(rows)), encoding="utf-8")
    return path


def journaled(root: Path) -> dict:
    """The grid's journaled outcome, independent of run ids, times and order of completion."""
    events = [json.loads(line) for line in (root / "journal.jsonl").read_text().splitlines()]
    runs = {e["data"]["row"]: (e["data"]["status"], e["data"]["input_hash"], e["data"]["parameters"],
                               e["data"].get("error")) for e in events if e["kind"] == "run"}
    tests = {e["data"]["segment"]: (e["data"]["values"], e["data"]["passed"],
                                    [r["outcome"] for r in e["data"]["results"]]) for e in events if e["kind"] == "model_test"}
    grids = [e["data"] for e in events if e["kind"] == "grid_run"]
    return {"runs": runs, "tests": tests, "grids": grids, "events": events}


#: rows of the grid the pool and the Dask cluster both run (row c07 fails): enough for each of the two workers to
#: take several rows and finish them out of order
ROWS = 12


@pytest.fixture(scope="module")
def twin_runs(tmp_path_factory):
    """The same ROWS-row grid (row c07 fails) run on the local pool and on a 2-worker LocalCluster."""
    from distributed import LocalCluster

    from phasebook.project import Project
    from phasebook.runner.fanout import run_grid

    base = tmp_path_factory.mktemp("grid")
    light_project(base / "pool")
    shutil.copytree(base / "pool", base / "dask")
    grid = write_grid(base / "grid.csv", ROWS, failing=7)
    pool = run_grid(Project.open(base / "pool"), "workbooks/light.ipynb", grid, workers=2, progress_bar=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = run_grid(Project.open(base / "dask"), "workbooks/light.ipynb", grid, scheduler=cluster.scheduler_address,
                        progress_bar=False)
    return base, pool, dask


def test_pool_and_dask_cluster_journal_the_same_results(twin_runs):
    base, pool, dask = twin_runs
    a, b = journaled(base / "pool"), journaled(base / "dask")
    assert len(a["runs"]) == ROWS and len(a["tests"]) == ROWS - 1
    assert a["runs"] == b["runs"]
    assert a["tests"] == b["tests"]
    assert "local pool of 2" in pool.executor and "Dask cluster" in dask.executor
    assert [g["counts"] for g in a["grids"]] == [g["counts"] for g in b["grids"]] == [
        {"succeeded": ROWS - 1, "failed": 1, "cached": 0, "cancelled": 0}]


def test_failing_row_is_recorded_with_its_cell_and_the_others_succeed(twin_runs):
    base, pool, _ = twin_runs
    runs = journaled(base / "pool")["runs"]
    status, _, params, error = runs["c07-True"]
    assert status == "failed" and params == {"segment": "c07", "fail": True}
    assert error["cell_index"] == 3  # in the executed notebook: papermill injects a parameters cell
    assert error["ename"] == "ValueError" and "c07" in error["evalue"]
    assert sorted(k for k, v in runs.items() if v[0] == "succeeded") == sorted(k for k in runs if k != "c07-True")
    assert [r.key for r in pool.failed] == ["c07-True"]
    failed_nb = base / "pool" / pool.failed[0].output_path
    assert failed_nb.is_file() and "ValueError" in failed_nb.read_text()


def test_each_row_has_its_own_output_folder_and_only_the_coordinator_journals(twin_runs):
    base, pool, _ = twin_runs
    events = journaled(base / "pool")["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # one linear chain
    from phasebook.project import Project

    assert Project.open(base / "pool").verify().ok
    for row in pool.rows:
        assert row.output_path == f"runs/development/{pool.grid_run_id}/{row.key}/light.ipynb"
        assert (base / "pool" / row.output_path).is_file()
    # every model test follows its row's outbox and precedes the row's run event
    seq = {(e["kind"], e["data"].get("run_id")): e["seq"] for e in events}
    for row in pool.rows:
        if row.status == "succeeded":
            assert seq[("model_test", row.run_id)] < seq[("run", row.run_id)]


def test_status_counts_segments_per_hard_metric(twin_runs):
    from phasebook.project import Project

    base, _, _ = twin_runs
    status = Project.open(base / "pool").status()
    tests = journaled(base / "pool")["tests"]
    expected = sum(1 for values, _, _ in tests.values() if values["roc_auc"] >= 0.5)
    roc = status.segments["roc_auc"]
    assert (roc.passed, roc.failed, roc.not_measured, roc.total) == (expected, ROWS - 1 - expected, 0, ROWS - 1)
    assert status.segments["recall"].total == ROWS - 1
    assert status.segments_passed == sum(1 for _, passed, _ in tests.values() if passed)


def test_rerunning_the_grid_skips_every_finished_row(twin_runs, tmp_path):
    base, _, _ = twin_runs
    root = tmp_path / "again"
    shutil.copytree(base / "pool", root)
    grid = write_grid(tmp_path / "grid.csv", ROWS, failing=7)
    proc = run_cli("run", "workbooks/light.ipynb", "--grid", grid, "--workers", "1", "--no-progress", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert f"{ROWS - 1} cached, 1 failed" in " ".join(proc.stdout.split())
    assert "row c07-True" in proc.stdout and "cell 3" in proc.stdout and "ValueError" in proc.stdout


def test_unknown_column_fails_fast_with_the_declared_list(tmp_path):
    light_project(tmp_path / "p")
    grid = tmp_path / "grid.csv"
    grid.write_text("segment,regoin\nnorth,1\n", encoding="utf-8")
    before = (tmp_path / "p" / "journal.jsonl").read_text()
    proc = run_cli("run", "workbooks/light.ipynb", "--grid", grid, cwd=tmp_path / "p")
    assert proc.returncode == 2
    message = " ".join(proc.stderr.split())
    assert "regoin" in message and "segment" in message and "pause" in message and "Traceback" not in message
    assert (tmp_path / "p" / "journal.jsonl").read_text() == before
    assert not any((tmp_path / "p" / "runs").iterdir())


@pytest.mark.parametrize("content, name, needle", [
    ("segment\nnorth\nnorth\n", "g.csv", "rows 1 and 2"),
    ("segment,pause\nnorth,soon\n", "g.csv", "row 1"),
    ("segment\n", "g.csv", "no rows"),
    ("project_dir,segment\n/elsewhere,north\n", "g.csv", "project_dir"),
    ("[1, 2]\n", "g.yaml", "list of mappings"),
    ("segment: [north\n", "g.yaml", "not valid YAML"),
    ("segment\nnorth\n", "g.txt", "unknown format"),
])
def test_bad_grids_are_bad_input(tmp_path, content, name, needle):
    light_project(tmp_path / "p")
    (tmp_path / name).write_text(content, encoding="utf-8")
    proc = run_cli("run", "workbooks/light.ipynb", "--grid", tmp_path / name, cwd=tmp_path / "p")
    assert proc.returncode == 2, proc.stderr
    assert needle in " ".join(proc.stderr.split())


def test_grid_options_without_a_grid_and_parameters_with_one_are_refused(tmp_path):
    light_project(tmp_path / "p")
    (tmp_path / "g.csv").write_text("segment\nnorth\n", encoding="utf-8")
    alone = run_cli("run", "workbooks/light.ipynb", "--workers", "2", cwd=tmp_path / "p")
    mixed = run_cli("run", "workbooks/light.ipynb", "--grid", tmp_path / "g.csv", "-p", "pause", "1", cwd=tmp_path / "p")
    missing = run_cli("run", "workbooks/light.ipynb", "--grid", tmp_path / "nope.csv", cwd=tmp_path / "p")
    assert (alone.returncode, mixed.returncode, missing.returncode) == (2, 2, 2)
    assert "--grid" in alone.stderr and "add a column" in mixed.stderr and "does not exist" in missing.stderr


def test_yaml_grids_list_rows_or_every_combination():
    from phasebook.runner.grid import parse_grid

    declared = {"segment": {"default": '""'}, "pause": {"default": "0.0"}, "fail": {"default": "False"}}
    rows = parse_grid([{"segment": "north", "pause": 0.5}, {"segment": "south"}], "nb", declared, typed=True)
    assert [(r.key, r.number, r.parameters) for r in rows] == [
        ("north-0.5", 1, {"segment": "north", "pause": 0.5}), ("south", 2, {"segment": "south"})]
    typed = parse_grid([{"segment": "a b/c", "fail": "yes", "pause": "2"}], "nb", declared)
    assert typed[0].parameters == {"segment": "a b/c", "fail": True, "pause": 2.0} and typed[0].key == "a_b_c-True-2.0"


def test_yaml_mapping_of_lists_is_the_cartesian_product(tmp_path):
    from phasebook.runner.grid import read_grid

    path = tmp_path / "g.yaml"
    path.write_text("segment: [north, south]\npause: [0, 1]\n", encoding="utf-8")
    rows = read_grid(path, "nb", {"segment": {}, "pause": {"default": "0.0"}})
    assert [r.parameters for r in rows] == [
        {"segment": "north", "pause": 0}, {"segment": "north", "pause": 1},
        {"segment": "south", "pause": 0}, {"segment": "south", "pause": 1}]


def test_fail_fast_cancels_the_rows_not_started(tmp_path):
    project = light_project(tmp_path / "p")
    grid = tmp_path / "grid.csv"
    grid.write_text("segment,fail\nfirst,true\nsecond,false\nthird,false\n", encoding="utf-8")
    proc = run_cli("run", "workbooks/light.ipynb", "--grid", grid, "--workers", "1", "--fail-fast", "--no-progress",
                   cwd=project.root)
    assert proc.returncode == 1
    assert "1 failed, 2 cancelled" in " ".join(proc.stdout.split())
    assert "2 cancelled by fail-fast" in " ".join(proc.stderr.split())
    rows = journaled(project.root)
    assert list(rows["runs"]) == ["first-True"] and rows["tests"] == {}
    assert rows["grids"][0]["counts"] == {"succeeded": 0, "failed": 1, "cached": 0, "cancelled": 2}


def test_segment_counts_judge_each_segments_latest_test_against_todays_targets(project):
    project.save_section("scope", SCOPE)
    project.test_model({"roc_auc": 0.4, "recall": 0.9}, model="m", segment="north")
    project.test_model({"roc_auc": 0.9, "recall": 0.9}, model="m", segment="north")  # the latest counts
    project.test_model({"roc_auc": 0.7}, model="m", segment="south")  # recall not measured
    project.test_model({"roc_auc": 0.1, "recall": 0.1}, model="pooled")  # no segment: not counted
    status = project.status()
    assert (status.segments_total, status.segments_passed) == (2, 1)
    roc, recall = status.segments["roc_auc"], status.segments["recall"]
    assert (roc.passed, roc.failed, roc.not_measured, roc.failing) == (2, 0, 0, [])
    assert (recall.passed, recall.not_measured, recall.failing) == (1, 1, ["south"])
    raised = {"kpis": [{"name": "Churners reached", "metrics": [
        {"name": "roc_auc", "target": 0.8, "comparator": ">=", "dataset": "holdout", "hardness": "hard"}]}]}
    project.save_section("scope", raised)
    after = project.status()
    assert set(after.segments) == {"roc_auc"} and after.segments["roc_auc"].failing == ["south"]
