"""Benchmark: a 24-row grid sequential vs a local pool vs a 2-worker Dask LocalCluster, and bare papermill.

    python benchmarks/grid_bench.py [--rows 24] [--workers 2] [--work 2000000]

Builds a project with a light notebook (it opens the project, does a little
CPU work — ``--work`` loop iterations — and calls ``project.test_model(...,
segment=...)``), then times, in this order:

1. bare papermill: ``papermill.execute_notebook`` once per row in a loop (the floor);
2. the grid on a 1-process pool (sequential through phasebook);
3. the grid on a ``--workers`` process pool;
4. the grid on a ``LocalCluster(n_workers=--workers, processes=True)`` (cluster start-up timed apart).

Every grid run uses ``force=True`` so no row is cached. Prints wall times,
the speed-ups over sequential (goal: ≥ 1.7× with 2 workers on 2 cores), the
per-run overhead of the grid (1-process pool) against bare papermill, and
CPU times: the bare loop's own plus its kernels', and for grids the sum of
the rows' CPU (worker + kernel, journaled as ``cpu_s``) plus the
coordinator's. The machine is shared: read the ratios, and repeat.

Dask workers sample their threads for the dashboard's profiler by default,
which costs CPU; ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` turns
it off (the LocalCluster's workers inherit the setting).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

PARAMETERS = 'project_dir = "."  # the project\ninteractive = True  # forms\nsegment = ""  # the customer\nwork = 0  # loop iterations'
BODY = [
    "import zlib\nfrom phasebook import Project\nproject = Project.open(project_dir)",
    "total = 0\nfor i in range(work):\n    total += i * i",
    "code = zlib.crc32(segment.encode())\nproject.test_model({'roc_auc': (code % 1000) / 1000}, model='bench', segment=segment)",
]
SCOPE = {"kpis": [{"name": "ranking", "metrics": [
    {"name": "roc_auc", "target": 0.5, "comparator": ">=", "dataset": "holdout", "hardness": "hard"}]}]}


def build(root: Path):
    import nbformat

    from phasebook.project import Project

    project = Project.new(root, name="grid-bench")
    project.save_section("scope", SCOPE)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["phasebook"] = {"phase": "development", "reads": ["scope"]}
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in BODY)]
    nbformat.write(nb, str(project.root / "workbooks" / "light.ipynb"))
    return project


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def rows_cpu(project, grid_run_id: str) -> float:
    return sum(e.data.get("cpu_s", 0.0) for e in project.events()
               if e.kind == "run" and e.data.get("grid_run_id") == grid_run_id)


def timed_grid(project, rows, **kwargs) -> tuple[float, float, str]:
    from phasebook.runner.fanout import run_grid

    wall, cpu = time.perf_counter(), cpu_self()
    result = run_grid(project, "workbooks/light.ipynb", rows, force=True, progress_bar=False, **kwargs)
    wall, cpu = time.perf_counter() - wall, cpu_self() - cpu
    assert result.count("succeeded") == len(rows), [r.error for r in result.failed]
    return wall, cpu + rows_cpu(project, result.grid_run_id), result.executor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=int, default=2_000_000, help="loop iterations of CPU work per row")
    args = parser.parse_args()

    import papermill

    try:
        from distributed import LocalCluster
    except ImportError:
        raise SystemExit(
            "grid_bench.py compares a local pool with a Dask LocalCluster, which needs dask.distributed: "
            "pip install 'phasebook[dask]'"
        ) from None

    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp) / "bench")
        notebook = project.root / "workbooks" / "light.ipynb"
        rows = [{"segment": f"customer{i:03d}", "work": args.work} for i in range(args.rows)]
        out = Path(tmp) / "bare.ipynb"
        # warm-up: imports and a first kernel (the bare loop journals directly: it is not a grid)
        papermill.execute_notebook(str(notebook), str(out), parameters={"project_dir": str(project.root), **rows[0]},
                                   progress_bar=False)
        wall, cpu, kids = time.perf_counter(), cpu_self(), cpu_children()
        for row in rows:
            papermill.execute_notebook(str(notebook), str(out), progress_bar=False,
                                       parameters={"project_dir": str(project.root), "interactive": False, **row})
        bare = (time.perf_counter() - wall, cpu_self() - cpu + cpu_children() - kids)
        sequential = timed_grid(project, rows, workers=1)
        pool = timed_grid(project, rows, workers=args.workers)
        start = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            cluster_start = time.perf_counter() - start
            dask = timed_grid(project, rows, scheduler=cluster.scheduler_address)

    n = args.rows
    print(f"{n} rows, {args.work:,} loop iterations each, {args.workers} workers")
    print(f"{'':34s}{'wall s':>9s}{'CPU s':>9s}{'wall/row':>10s}")
    for label, (w, c, *_) in (("bare papermill, sequential", bare), ("grid, 1-process pool", sequential),
                              (f"grid, {args.workers}-process pool", pool), (f"grid, LocalCluster {args.workers} workers", dask)):
        print(f"{label:34s}{w:9.1f}{c:9.1f}{w / n:10.2f}")
    print(f"LocalCluster start-up: {cluster_start:.1f} s (not included)")
    print(json.dumps({
        "speedup_pool_vs_sequential": round(sequential[0] / pool[0], 2),
        "speedup_dask_vs_sequential": round(sequential[0] / dask[0], 2),
        "speedup_pool_vs_bare_sequential": round(bare[0] / pool[0], 2),
        "overhead_per_run_s_vs_bare": round((sequential[0] - bare[0]) / n, 3),
        "overhead_ratio_sequential_vs_bare": round(sequential[0] / bare[0], 3),
        "cpu_ratio_sequential_vs_bare": round(sequential[1] / bare[1], 3),
        "cpu_ratio_pool_vs_sequential": round(pool[1] / sequential[1], 3),
        "cpu_ratio_dask_vs_sequential": round(dask[1] / sequential[1], 3),
    }, indent=1))


if __name__ == "__main__":
    main()
