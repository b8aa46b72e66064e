"""Benchmark ``phasebook monitor`` (stored reference statistics) against a full two-table drift.

Run from the repository root::

    python benchmarks/monitor_bench.py [--rows 1000000] [--runs 3] [--workdir /tmp/pb-monitor-bench]

A child process generates (once, cached) a seeded reference table and a
current month of ``--rows`` rows each (``phasebook.data.synthetic``, 20
columns, 5 shifted) as Parquet, and stores the reference statistics once
(``summarize``, timed as the one-off cost). Then, each in its own child
process, best of ``--runs`` (each figure's lowest), with the reference file renamed away for every
monitor run (a read of it would fail):

* compute — anchor: ``drift(reference, current)``, the full ``data drift`` of
  both tables; monitor: parse the stored statistics and ``compare`` them with
  the current table. Timed inside the child after the imports (both import the
  same engine, DuckDB included: it is imported on first use);
* whole command — anchor: ``phasebook data drift REFERENCE CURRENT`` outside
  any project; monitor: ``phasebook --project P monitor`` on a project whose
  monitoring section names the two files and holds the stored statistics
  (restored to a fresh copy before each run, so each run is a first check
  that alerts, journals and opens a finding). Wall, CPU and peak RSS from
  ``os.wait4``.

Then each command once under ``python -X importtime``: the seconds its
imports take, by top-level package.

Goal (issue 18): monitor ≥ 2× faster than the anchor in compute, no read of
the reference. Beside the ratio of the best figures it prints each run's
ratio to the run right after it (the machine's speed drifts between runs; a
pair shares it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import run_child  # noqa: E402

GEN = r"""
import sys, time
from pathlib import Path
from phasebook.data.synthetic import make_pair
from phasebook.data.reference import summarize
w, n = Path(sys.argv[1]), int(sys.argv[2])
ref, cur = make_pair(n, seed=0, shifted=True)
ref.to_parquet(w / "reference.parquet"); cur.to_parquet(w / "current.parquet")
t = time.perf_counter(); s = summarize(str(w / "reference.parquet"))
(w / "reference.json").write_text(s.model_dump_json())
print(time.perf_counter() - t)
"""

CHILD = r"""
import json, resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
mode, w = sys.argv[1], sys.argv[2]
from phasebook.data.cpu import prefer_avx2_sort
sort = prefer_avx2_sort()  # as the commands do (AVX2 sorts on AMD Zen 4)
from phasebook.data.drift import drift
from phasebook.data.reference import ReferenceStats, compare
import duckdb  # imported on first use by the engine; here before the clock, on both sides
t, c = time.perf_counter(), cpu()  # after the imports: both sides import the same engine
if mode == "anchor":
    r = drift(w + "/reference.parquet", w + "/current.parquet")
else:
    s = ReferenceStats.model_validate_json(open(w + "/reference.json").read())  # part of the work
    r = compare(s, w + "/current.parquet")
print(json.dumps({"compute_s": time.perf_counter() - t, "compute_cpu_s": cpu() - c, "drifted": r.drifted_columns, "npy_disabled": sort}))
"""


# the console script's entry point, run by this interpreter (and so on its PYTHONPATH)
PHASEBOOK = [sys.executable, "-c",
             "import sys; from phasebook.cli import script; sys.argv[0] = 'phasebook'; sys.exit(script())"]


def _project(w: Path) -> tuple[Path, Path]:
    """A pristine project whose monitoring section names the bench files and holds the stored statistics,
    and where each run's fresh copy of it goes."""
    pristine = w / "project.pristine"
    if not pristine.is_dir():
        r = run_child([*PHASEBOOK, "new", str(pristine)])
        if r["returncode"]:
            sys.exit(r["stderr"])
        section = f"reference_data: {w / 'reference.parquet'}\ncurrent_data: {w / 'current.parquet'}\n"
        (w / "monitoring.yaml").write_text(section)
        r = run_child([*PHASEBOOK, "set", "monitoring", "--project", str(pristine),
                       "--file", str(w / "monitoring.yaml")])
        if r["returncode"]:
            sys.exit(r["stderr"])
        (pristine / "monitoring").mkdir(exist_ok=True)
        shutil.copy(w / "reference.json", pristine / "monitoring" / "reference.json")
    return pristine, w / "project"


def _commands(w: Path, fresh: Path) -> dict[str, list[str]]:
    return {"anchor": [*PHASEBOOK, "data", "drift", str(w / "reference.parquet"), str(w / "current.parquet"), "--json"],
            "monitor": [*PHASEBOOK, "--project", str(fresh), "monitor", "--json"]}


def _run_command(mode: str, cmd: list[str], pristine: Path, fresh: Path, cwd: Path,
                 extra: list[str] | None = None) -> dict:
    if mode == "monitor":
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(pristine, fresh)
    r = run_child([cmd[0], *(extra or []), *cmd[1:]], cwd=str(cwd))
    if r["returncode"] not in (0, 3):  # 3: drift found
        sys.exit(f"{mode} command failed ({r['returncode']}): {r['stderr'][-2000:]}")
    return r


def _import_seconds(stderr: str) -> tuple[float, dict[str, float]]:
    """Total import time and each top-level package's own share of it (``-X importtime``: self times summed)."""
    by_root: dict[str, int] = defaultdict(int)
    for line in stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line[len("import time:"):].split("|", 2)
            by_root[name.strip().split(".")[0]] += int(own)
    ranked = sorted(by_root.items(), key=lambda kv: -kv[1])
    return sum(by_root.values()) / 1e6, {k: v / 1e6 for k, v in ranked}


def _keep_best(best: dict[str, dict], mode: str, r: dict) -> None:
    """Best of the runs, figure by figure (the lowest of each: another process's burst inflates a run)."""
    if mode not in best:
        best[mode] = dict(r)
        return
    for key, value in r.items():
        if key.endswith(("_s", "_mb")):
            best[mode][key] = min(best[mode][key], value)
    if r["drifted"] != best[mode]["drifted"]:
        sys.exit(f"{mode}: the verdict changed between runs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp/pb-monitor-bench")
    a = ap.parse_args()
    w = Path(a.workdir) / str(a.rows)
    w.mkdir(parents=True, exist_ok=True)
    if not (w / "reference.json").is_file():
        shutil.rmtree(w / "project.pristine", ignore_errors=True)  # it holds a copy of the statistics
        g = run_child([sys.executable, "-c", GEN, str(w), str(a.rows)])
        if g["returncode"]:
            sys.exit(g["stderr"])
        print(f"reference statistics computed once: {float(g['stdout']):.2f} s, "
              f"{(w / 'reference.json').stat().st_size / 1e6:.1f} MB JSON")
    print(f"load average {os.getloadavg()[0]:.2f}; {a.rows:,} rows per table; best of {a.runs}")
    best: dict[str, dict] = {}
    paired: list[float] = []  # each run's anchor compute over the monitor compute run right after it
    away = w / "reference.parquet.away"
    for _ in range(a.runs):  # side by side, alternating
        pair: dict[str, float] = {}
        for mode in ("anchor", "monitor"):
            if mode == "monitor":
                os.replace(w / "reference.parquet", away)
            try:
                r = run_child([sys.executable, "-c", CHILD, mode, str(w)])
            finally:
                if away.exists():
                    os.replace(away, w / "reference.parquet")
            if r["returncode"]:
                sys.exit(f"{mode} failed: {r['stderr'][-2000:]}")
            r.update(json.loads(r["stdout"]))
            _keep_best(best, mode, r)
            pair[mode] = r["compute_s"]
        paired.append(pair["anchor"] / pair["monitor"])
    for mode, r in best.items():
        print(f"{mode:8s} compute (after imports) {r['compute_s']:.3f} s  process wall {r['process_wall_s']:.3f} s  "
              f"(cpu {r['compute_cpu_s']:.3f} s)  process cpu {r['process_cpu_s']:.3f} s  peak RSS {r['rusage_peak_rss_mb']:.0f} MB  drifted {r['drifted']}")
    print("NumPy imported with NPY_DISABLE_CPU_FEATURES =", repr(best["anchor"].get("npy_disabled")),
          "(phasebook.data.cpu: AVX2 sorts on AMD Zen 4)" if best["anchor"].get("npy_disabled") else "(NumPy's own dispatch)")
    an, mo = best["anchor"], best["monitor"]
    same = an["drifted"] == mo["drifted"]
    ratio_c = an["compute_s"] / mo["compute_s"]
    ratio_cpu = an["compute_cpu_s"] / mo["compute_cpu_s"]

    pristine, fresh = _project(w)
    commands = _commands(w, fresh)
    whole: dict[str, dict] = {}
    imports: dict[str, tuple[float, dict[str, float]]] = {}
    try:
        for i in range(a.runs + 1):  # side by side, alternating; the last round under -X importtime
            for mode, cmd in commands.items():
                if mode == "monitor":
                    os.replace(w / "reference.parquet", away)
                try:
                    if i == a.runs:
                        r = _run_command(mode, cmd, pristine, fresh, w, ["-X", "importtime"])
                        imports[mode] = _import_seconds(r["stderr"])
                        continue
                    r = _run_command(mode, cmd, pristine, fresh, w)
                finally:
                    if away.exists():
                        os.replace(away, w / "reference.parquet")
                r["drifted"] = json.loads(r["stdout"])["drifted_columns"]
                _keep_best(whole, mode, r)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    for mode, r in whole.items():
        total, by_root = imports[mode]
        top = ", ".join(f"{k} {v:.2f}" for k, v in list(by_root.items())[:6])
        name = {"anchor": "phasebook data drift REF CUR --json", "monitor": "phasebook --project P monitor --json"}[mode]
        print(f"{mode:8s} whole command ({name}): wall {r['process_wall_s']:.3f} s  "
              f"cpu {r['process_cpu_s']:.3f} s  peak RSS {r['rusage_peak_rss_mb']:.0f} MB  exit {r['returncode']}; "
              f"imports {total:.2f} s ({top})")
    wa, wm = whole["anchor"], whole["monitor"]
    ratio_w = wa["process_wall_s"] / wm["process_wall_s"]
    ratio_wcpu = wa["process_cpu_s"] / wm["process_cpu_s"]
    same = same and wa["drifted"] == wm["drifted"] == an["drifted"]
    print(f"monitor vs full drift: compute {ratio_c:.2f}x faster (wall), {ratio_cpu:.2f}x less CPU; "
          f"whole command {ratio_w:.2f}x faster (wall), {ratio_wcpu:.2f}x less CPU; "
          f"same verdict: {same}; reference not read (file moved away)")
    paired.sort()
    print(f"paired compute ratios (each anchor run / the monitor run beside it): median {statistics.median(paired):.2f}x, "
          f"range {paired[0]:.2f}-{paired[-1]:.2f}x, {sum(p >= 2 for p in paired)} of {len(paired)} at 2x or more")
    print("goal >= 2x on compute:", "met" if ratio_c >= 2 and same else "NOT met",
          "(best of each side)", "| whole command >= 2x:", "yes" if ratio_w >= 2 else "no")


if __name__ == "__main__":
    main()
