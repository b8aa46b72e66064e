"""Benchmark: `phasebook run` overhead against bare papermill, and the cached re-run.

    python benchmarks/runner_bench.py [--repeat 3] [--phase scoping]

Builds a demo project (data + plan, no runs), then in one process:

1. runs the phase workbook with bare ``papermill.execute_notebook`` (same
   parameters the runner passes) and with ``phasebook.runner.run_notebook(...,
   force=True)``, alternating, ``--repeat`` times each; prints the median
   times and their ratio (goal: ≤ 1.10);
2. re-runs it without ``force`` (inputs unchanged → cached) 20 times; prints
   the median (goal: ≤ 0.3 s);
3. for information, times ``phasebook run PHASE`` (cached) as a fresh process,
   interpreter start-up and imports included.

Timings on a shared machine are noisy: read the ratio, and repeat.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import HWM_SNIPPET, run_child  # noqa: E402

# `phasebook ...` in a child that reports its own peak RSS (VmHWM) on stderr, whatever the parent's size
CLI = HWM_SNIPPET + (
    "import sys\nfrom phasebook.cli import main\ntry:\n    main(sys.argv[1:])\n"
    "finally:\n    print(f'@@HWM@@{_hwm()}', file=sys.stderr)\n"
)


def build(root: Path):
    from phasebook.demo.data import write_demo_data
    from phasebook.demo.plan import SECTIONS
    from phasebook.project import Project

    project = Project.new(root, name="bench")
    write_demo_data(root / "data")
    for section, content, actor in SECTIONS:
        project.save_section(section, content, actor=actor)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phase", default="scoping")
    args = parser.parse_args()

    import papermill

    from phasebook.runner import run_notebook
    from phasebook.runner.resolve import resolve

    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp) / "bench")
        notebook = resolve(project, args.phase).path
        params = {"project_dir": str(project.root), "interactive": False}
        out = Path(tmp) / "bare.ipynb"
        papermill.execute_notebook(str(notebook), str(out), parameters=params, progress_bar=False,
                                   cwd=str(notebook.parent))  # warm-up: imports, first kernel
        bare, runner = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            papermill.execute_notebook(str(notebook), str(out), parameters=params, progress_bar=False,
                                       cwd=str(notebook.parent))
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            run_notebook(project, args.phase, force=True, progress_bar=False)
            runner.append(time.perf_counter() - t)
        cached = []
        for _ in range(20):
            t = time.perf_counter()
            result = run_notebook(project, args.phase, progress_bar=False)
            cached.append(time.perf_counter() - t)
            assert result.status == "cached", result
        cli, cli_cpu, cli_rss = [], [], []
        for _ in range(3):
            proc = run_child([sys.executable, "-c", CLI, "--project", str(project.root), "run", args.phase])
            assert proc["returncode"] == 0 and "cached" in proc["stdout"], proc["stdout"] + proc["stderr"]
            cli.append(proc["process_wall_s"])
            cli_cpu.append(proc["process_cpu_s"])
            cli_rss.append(float(proc["stderr"].rsplit("@@HWM@@", 1)[1].split()[0]))

    b, r, c = statistics.median(bare), statistics.median(runner), statistics.median(cached)
    print(f"phase notebook: {args.phase} ({args.repeat} runs each, medians)")
    print(f"bare papermill.execute_notebook   {b:7.3f} s")
    print(f"phasebook run_notebook(force)     {r:7.3f} s")
    print(f"overhead ratio                    {r / b:7.3f}x   (goal <= 1.10x) {'OK' if r / b <= 1.10 else 'OVER'}")
    print(f"cached re-run (in process)        {c:7.3f} s   (goal <= 0.3 s) {'OK' if c <= 0.3 else 'OVER'}")
    print(f"cached `phasebook run` (new proc) {statistics.median(cli):7.3f} s   cpu {statistics.median(cli_cpu):.3f} s   "
          f"peak RSS {statistics.median(cli_rss):.0f} MB (the child's own VmHWM; interpreter + imports included)")


if __name__ == "__main__":
    main()
