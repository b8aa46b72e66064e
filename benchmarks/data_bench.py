"""Benchmark the data engine against the tools users would otherwise pick.

Run from the repository root::

    python benchmarks/data_bench.py

It generates (once, cached in ``--workdir``) a seeded 1M × 20 reference table
and a current table with known shifts in 5 columns (``phasebook.data.synthetic``),
plus a 10M-row pair written in 1M-row chunks, and measures each tool in its
own subprocess (wall time and CPU time of read + compute, peak RSS of the process; on
a shared machine the CPU-time ratios are the steadier figure):

* drift: phasebook vs Evidently's ``DataDriftPreset`` vs reading both Parquet
  files with pyarrow (the floor);
* profile: phasebook vs ydata-profiling ``minimal=True`` (``get_description()``);
* 10M rows: phasebook drift and profile peak RSS.

Evidently and ydata-profiling need pandas < 3, so they run from their own
virtual environments (``--evidently-python``, ``--ydata-python``). If those
are missing, the script creates them with::

    python -m venv /tmp/evidently-venv && /tmp/evidently-venv/bin/pip install -r benchmarks/requirements-evidently.txt
    python -m venv /tmp/ydata-venv && /tmp/ydata-venv/bin/pip install -r benchmarks/requirements-ydata.txt

Goals (issue 3): drift ≥ 40× faster than Evidently with ≤ half its peak
memory and ≤ 2.5× the pyarrow read floor; profile ≥ 6× faster than ydata;
10M rows drift and profile ≤ 1.5 GB peak RSS. The machine's load average is
printed: other work on the same cores makes every figure noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

MEASURE = r"""
import json, resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t0 = time.perf_counter()
{setup}
t1, c1 = time.perf_counter(), cpu()
{body}
t2, c2 = time.perf_counter(), cpu()
print("@@RESULT@@" + json.dumps({{"import_s": t1 - t0, "seconds": t2 - t1, "cpu_s": c2 - c1,
      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "extra": extra}}))
"""

TASKS = {
    "floor": (
        "import pyarrow.parquet as pq",
        "a = pq.read_table(sys.argv[1]); b = pq.read_table(sys.argv[2]); extra = {'rows': a.num_rows + b.num_rows}",
    ),
    "phasebook_drift": (
        "from phasebook.data.drift import drift",
        "r = drift(sys.argv[1], sys.argv[2]); extra = {'drifted': r.drifted_columns}",
    ),
    "phasebook_profile": (
        "from phasebook.data.profile import profile",
        "p = profile(sys.argv[1]); extra = {'columns': len(p.columns), 'approximate': p.approximate}",
    ),
    "evidently_drift": (
        "import pandas as pd\nfrom evidently import Report\nfrom evidently.presets import DataDriftPreset",
        "ref = pd.read_parquet(sys.argv[1]); cur = pd.read_parquet(sys.argv[2])\n"
        "snap = Report([DataDriftPreset()]).run(cur, ref)\n"
        "extra = {'drifted': [m['config']['column'] for m in snap.dict()['metrics'] "
        "if m['config'].get('column') and isinstance(m['value'], float) and m['value'] >= m['config']['threshold']]}",
    ),
    "ydata_profile": (
        "import pandas as pd\nfrom ydata_profiling import ProfileReport",
        "df = pd.read_parquet(sys.argv[1])\n"
        "d = ProfileReport(df, minimal=True, progress_bar=False).get_description(); extra = {'columns': len(df.columns)}",
    ),
}


def measure(task: str, python: str, *paths: str) -> dict:
    setup, body = TASKS[task]
    code = MEASURE.format(setup=setup, body=body)
    env = dict(os.environ, DO_NOT_TRACK="1", YDATA_PROFILING_NO_ANALYTICS="True", PYTHONWARNINGS="ignore")
    t = time.perf_counter()
    proc = subprocess.run([python, "-c", code, *paths], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@")), None)
    if proc.returncode != 0 or line is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"error": " | ".join(tail), "wall_s": wall}
    out = json.loads(line[len("@@RESULT@@"):])
    out["wall_s"] = wall
    return out


def ensure_venv(path: Path, requirements: Path) -> str | None:
    python = path / "bin" / "python"
    if python.exists():
        return str(python)
    print(f"creating {path} from {requirements.name} (once; this takes a few minutes)…", flush=True)
    t = time.perf_counter()
    ok = subprocess.run([sys.executable, "-m", "venv", str(path)]).returncode == 0 and subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)]
    ).returncode == 0
    print(f"  {'done' if ok else 'FAILED'} in {time.perf_counter() - t:.0f} s", flush=True)
    return str(python) if ok else None


def generate(workdir: Path, rows: int, big_rows: int) -> dict[str, str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from phasebook.data.synthetic import make_current, make_reference

    workdir.mkdir(parents=True, exist_ok=True)
    files = {
        "ref": workdir / f"reference_{rows}.parquet", "cur": workdir / f"current_{rows}.parquet",
        "ref_big": workdir / f"reference_{big_rows}.parquet", "cur_big": workdir / f"current_{big_rows}.parquet",
    }
    if not files["ref"].exists():
        make_reference(rows, seed=0).to_parquet(files["ref"])
        make_current(rows, seed=1).to_parquet(files["cur"])
    chunk = min(rows, 1_000_000)
    for key, maker in (("ref_big", make_reference), ("cur_big", make_current)):
        if big_rows and not files[key].exists():
            tmp = files[key].with_suffix(".partial")
            writer = None
            for i in range(big_rows // chunk):
                table = pa.Table.from_pandas(maker(chunk, seed=100 + 2 * i + (key == "cur_big")), preserve_index=False)
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
            writer.close()
            tmp.rename(files[key])
    return {k: str(v) for k, v in files.items()}


def show(label: str, r: dict) -> None:
    if "error" in r:
        print(f"  {label:<28} FAILED: {r['error']}")
        return
    print(f"  {label:<28} {r['seconds']:8.2f} s  cpu {r['cpu_s']:7.2f} s   peak RSS {r['peak_rss_mb']:7.0f} MB   "
          f"(imports {r['import_s']:.1f} s, process {r['wall_s']:.1f} s)")


def ratio(label: str, value: float, goal: str, ok: bool, cpu: float | None = None) -> None:
    extra = f"   (by CPU time: {cpu:.2f})" if cpu is not None else ""
    print(f"  {label:<52} {value:8.2f}   goal {goal:<8} {'PASS' if ok else 'MISS'}{extra}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--big-rows", type=int, default=10_000_000, help="0 skips the 10M-row run")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/phasebook-bench"))
    ap.add_argument("--evidently-python", default=None, help="default: /tmp/evidently-venv (created if missing)")
    ap.add_argument("--ydata-python", default=None, help="default: /tmp/ydata-venv (created if missing)")
    ap.add_argument("--skip-others", action="store_true", help="measure phasebook and the floor only")
    args = ap.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})", flush=True)
    t = time.perf_counter()
    f = generate(args.workdir, args.rows, args.big_rows)
    print(f"data ready in {time.perf_counter() - t:.0f} s: {args.rows:,} rows × 20 columns, 5 shifted", flush=True)
    ev_py = ydata_py = None
    if not args.skip_others:
        ev_py = args.evidently_python or ensure_venv(Path("/tmp/evidently-venv"), HERE / "requirements-evidently.txt")
        ydata_py = args.ydata_python or ensure_venv(Path("/tmp/ydata-venv"), HERE / "requirements-ydata.txt")

    me = sys.executable
    res = {"floor": measure("floor", me, f["ref"], f["cur"]), "drift": measure("phasebook_drift", me, f["ref"], f["cur"])}
    res["profile"] = measure("phasebook_profile", me, f["ref"])
    if ev_py:
        res["evidently"] = measure("evidently_drift", ev_py, f["ref"], f["cur"])
    if ydata_py:
        res["ydata"] = measure("ydata_profile", ydata_py, f["ref"])
    if args.big_rows:
        res["drift_big"] = measure("phasebook_drift", me, f["ref_big"], f["cur_big"])
        res["profile_big"] = measure("phasebook_profile", me, f["ref_big"])

    print(f"\n{args.rows:,} rows × 20 columns (read + compute; peak RSS of the whole process)")
    show("pyarrow read both (floor)", res["floor"])
    show("phasebook drift", res["drift"])
    show("evidently DataDriftPreset", res.get("evidently", {"error": "not run"}))
    show("phasebook profile", res["profile"])
    show("ydata-profiling minimal", res.get("ydata", {"error": "not run"}))
    if args.big_rows:
        print(f"\n{args.big_rows:,} rows × 20 columns")
        show("phasebook drift", res["drift_big"])
        show("phasebook profile", res["profile_big"])

    print("\nratios")
    d, fl = res["drift"], res["floor"]
    if "error" not in d and "error" not in fl:
        ratio("drift time / pyarrow read floor", d["seconds"] / fl["seconds"], "<= 2.5", d["seconds"] / fl["seconds"] <= 2.5,
              d["cpu_s"] / fl["cpu_s"])
    ev = res.get("evidently", {})
    if "error" not in ev and ev and "error" not in d:
        ratio("evidently time / phasebook drift time", ev["seconds"] / d["seconds"], ">= 40", ev["seconds"] / d["seconds"] >= 40,
              ev["cpu_s"] / d["cpu_s"])
        ratio("phasebook drift peak RSS / evidently peak RSS", d["peak_rss_mb"] / ev["peak_rss_mb"], "<= 0.5",
              d["peak_rss_mb"] / ev["peak_rss_mb"] <= 0.5)
    yd, pr = res.get("ydata", {}), res["profile"]
    if "error" not in yd and yd and "error" not in pr:
        ratio("ydata time / phasebook profile time", yd["seconds"] / pr["seconds"], ">= 6", yd["seconds"] / pr["seconds"] >= 6,
              yd["cpu_s"] / pr["cpu_s"])
    for key in ("drift_big", "profile_big"):
        r = res.get(key)
        if r and "error" not in r:
            ratio(f"{key.replace('_big', '')} {args.big_rows:,} rows peak RSS (GB)", r["peak_rss_mb"] / 1024, "<= 1.5",
                  r["peak_rss_mb"] / 1024 <= 1.5)

    print("\ncolumns flagged (shifted: f00_normal, f01_lognormal, i12_poisson, c16_plan, c19_city)")
    for key in ("drift", "evidently", "drift_big"):
        r = res.get(key)
        if r and "error" not in r:
            print(f"  {key:<10} {', '.join(sorted(r['extra']['drifted']))}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
