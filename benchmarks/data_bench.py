"""Benchmark the data engine against the tools users would otherwise pick.

Run from the repository root::

    python benchmarks/data_bench.py [--runs 2] [--big-rows 10000000] [--skip-others]

A separate process generates (once, cached in ``--workdir``) a seeded
1M × 20 reference table and a current table with known shifts in 5 columns
(``phasebook.data.synthetic``), a 100k pair, and a 10M-row pair written in
1M-row chunks as Parquet and as CSV; this process never holds the data, so
the children's figures are their own. Each tool runs in its own child
process; for each we print the compute time (read + compute, after imports)
and its CPU time, the whole process's wall and CPU time, and the child's peak
RSS from ``os.wait4`` (its own ``VmHWM`` beside it). On a shared machine the
CPU-time ratios are the steadier figure; the load average is printed.

* drift: phasebook vs Evidently's ``DataDriftPreset`` vs reading both Parquet
  files with pyarrow (the floor). Evidently 0.7 silently skips pandas
  nullable ``Int64`` columns, so they are cast to float64 for it: it tests
  the same 20 columns (the script prints how many it tested);
* profile: phasebook vs polars ``read_parquet().describe()`` vs
  ydata-profiling ``minimal=True`` (``get_description()``);
* a mild shift: the same 1M-row drift against the current month unshifted and
  with every float column shifted by 0.004 σ (KS p-values in the band
  2.2 <= n·d² < 370, which used to import SciPy); the ratio of the two;
* ``phasebook data drift`` on 100k rows as a whole command (imports included);
* 10M rows: phasebook drift from Parquet and from CSV, and profile, with the
  default memory limit.

Evidently, ydata-profiling and polars run from their own virtual
environments (Evidently and ydata need pandas < 3); missing ones are created::

    python -m venv /tmp/evidently-venv && /tmp/evidently-venv/bin/pip install -r benchmarks/requirements-evidently.txt
    python -m venv /tmp/ydata-venv && /tmp/ydata-venv/bin/pip install -r benchmarks/requirements-ydata.txt
    python -m venv /tmp/polars-venv && /tmp/polars-venv/bin/pip install -r benchmarks/requirements-polars.txt

Goals (issue 21): drift ≥ 60× faster than Evidently per whole process (wall
and CPU) and ≤ 1.5× the pyarrow read floor; profile ≤ 1.0× polars
``describe()`` compute and ≥ 15× faster than ydata; ``data drift`` on 100k
rows ≤ 1.0 s per whole process; 10M rows peak RSS ≤ 1 GB from Parquet and
from CSV (and, with ``--baseline-10m SECONDS``, ≤ 0.6× that wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import HWM_SNIPPET, run_child  # noqa: E402

MEASURE = HWM_SNIPPET + r"""
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
      "hwm_mb": _hwm(), "extra": extra}}))
"""

EVIDENTLY_CAST = (
    "def same_columns(df):\n"
    "    # Evidently 0.7 skips nullable Int64 columns: cast them so it tests all 20\n"
    "    return df.astype({c: 'float64' for c, t in df.dtypes.items() if str(t) == 'Int64'})\n"
)

TASKS = {
    "floor": (
        "import pyarrow.parquet as pq",
        "a = pq.read_table(sys.argv[1]); b = pq.read_table(sys.argv[2]); extra = {'rows': a.num_rows + b.num_rows}",
    ),
    "phasebook_drift": (
        "from phasebook.data.cpu import prefer_avx2_sort; prefer_avx2_sort()  # as the command does\n"
        "from phasebook.data.drift import drift",
        "r = drift(sys.argv[1], sys.argv[2]); en = r.rows_reference * r.rows_current / (r.rows_reference + r.rows_current)\n"
        "extra = {'drifted': r.drifted_columns, 'tested': len(r.columns), 'scipy': 'scipy' in sys.modules, "
        "'mild': sum(1 for c in r.columns if c.ks_statistic is not None and 2.2 <= en * c.ks_statistic ** 2 < 370)}",
    ),
    "phasebook_profile": (
        "from phasebook.data.cpu import prefer_avx2_sort; prefer_avx2_sort()  # as the command does\n"
        "from phasebook.data.profile import profile",
        "p = profile(sys.argv[1]); extra = {'columns': len(p.columns), 'approximate': p.approximate}",
    ),
    "evidently_drift": (
        "import pandas as pd\nfrom evidently import Report\nfrom evidently.presets import DataDriftPreset\n" + EVIDENTLY_CAST,
        "ref = same_columns(pd.read_parquet(sys.argv[1])); cur = same_columns(pd.read_parquet(sys.argv[2]))\n"
        "snap = Report([DataDriftPreset()]).run(cur, ref)\n"
        "ms = [m for m in snap.dict()['metrics'] if m['config'].get('column') and isinstance(m['value'], float)]\n"
        "extra = {'drifted': [m['config']['column'] for m in ms if m['value'] >= m['config']['threshold']], "
        "'tested': len(ms)}",
    ),
    "polars_describe": (
        "import polars as pl",
        "d = pl.read_parquet(sys.argv[1]).describe(); extra = {'columns': d.width - 1}",
    ),
    "ydata_profile": (
        "import pandas as pd\nfrom ydata_profiling import ProfileReport",
        "df = pd.read_parquet(sys.argv[1])\n"
        "d = ProfileReport(df, minimal=True, progress_bar=False).get_description(); extra = {'columns': len(df.columns)}",
    ),
}

ENV = dict(os.environ, DO_NOT_TRACK="1", YDATA_PROFILING_NO_ANALYTICS="True", PYTHONWARNINGS="ignore")


def measure(task: str, python: str, *paths: str) -> dict:
    """Run one task in a child of ``python``; its own figures plus the kernel's (wait4)."""
    setup, body = TASKS[task]
    r = run_child([python, "-c", MEASURE.format(setup=setup, body=body), *paths], env=ENV)
    line = next((ln for ln in r["stdout"].splitlines() if ln.startswith("@@RESULT@@")), None)
    if r["returncode"] != 0 or line is None:
        tail = (r["stderr"] or r["stdout"]).strip().splitlines()[-5:]
        return {"error": " | ".join(tail)}
    return {**json.loads(line[len("@@RESULT@@"):]), **{k: v for k, v in r.items() if k not in ("stdout", "stderr")}}


def measure_cli(ref: str, cur: str) -> dict:
    """``phasebook data drift REF CUR --json`` as a user runs it: the whole process."""
    exe = Path(sys.executable).with_name("phasebook")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from phasebook.cli import script; script()"]
    r = run_child([*cmd, "data", "drift", ref, cur, "--json"], env=ENV)
    if r["returncode"] != 0:
        return {"error": r["stderr"].strip().splitlines()[-1:]}
    return {k: v for k, v in r.items() if k not in ("stdout", "stderr")}


def ensure_venv(path: Path, requirements: Path) -> str | None:
    python = path / "bin" / "python"
    if python.exists():
        return str(python)
    print(f"creating {path} from {requirements.name} (once; this takes a few minutes)…", flush=True)
    t = time.perf_counter()
    ok = run_child([sys.executable, "-m", "venv", str(path)])["returncode"] == 0 and run_child(
        [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)]
    )["returncode"] == 0
    print(f"  {'done' if ok else 'FAILED'} in {time.perf_counter() - t:.0f} s", flush=True)
    return str(python) if ok else None


GENERATE = r"""
import sys
from pathlib import Path
import duckdb, pyarrow as pa, pyarrow.parquet as pq
from phasebook.data.synthetic import make_current, make_reference
workdir, small, rows, big = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for n in (small, rows, big):
    if not n:
        continue
    chunk = min(n, 1_000_000)
    for role, maker, seed in (("reference", make_reference, 0), ("current", make_current, 1)):
        path = workdir / f"{role}_{n}.parquet"
        if not path.exists():
            tmp, writer = path.with_suffix(".partial"), None
            for i in range(n // chunk):
                frame = maker(chunk, seed=seed if n == chunk else 100 + 2 * i + seed)
                table = pa.Table.from_pandas(frame, preserve_index=False)
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
            writer.close()
            tmp.rename(path)
        csv = path.with_suffix(".csv")
        if n == rows and role == "current":  # the same month unshifted, and shifted a little (a mild shift: 2.2 <= n·d² < 370)
            for name, step in (("none", 0.0), ("mild", 0.004)):
                extra = workdir / f"current_{name}_{n}.parquet"
                if not extra.exists():
                    frame = make_current(n, seed=seed, shifted=False)
                    for c in [c for c in frame.columns if c.startswith("f")]:
                        frame[c] = frame[c] + step * float(frame[c].std())
                    frame.to_parquet(extra.with_suffix(".partial"), index=False)
                    extra.with_suffix(".partial").rename(extra)
        if n == big and not csv.exists():
            part = csv.with_suffix(".partial")
            duckdb.sql(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{part}' (HEADER, FORMAT csv)")
            part.rename(csv)
"""


def generate(workdir: Path, small: int, rows: int, big: int) -> dict[str, str]:
    """Write the tables in a separate process (this one stays small, so children's figures are their own)."""
    workdir.mkdir(parents=True, exist_ok=True)
    r = run_child([sys.executable, "-c", GENERATE, str(workdir), str(small), str(rows), str(big)], env=ENV)
    if r["returncode"] != 0:
        sys.exit(f"generating the data failed: {r['stderr'].strip().splitlines()[-1:]}")
    f = {}
    for key, n in (("small", small), ("", rows), ("big", big)):
        for role in ("reference", "current"):
            f[f"{role}{'_' + key if key else ''}"] = str(workdir / f"{role}_{n}.parquet")
    for name in ("none", "mild"):
        f[f"current_{name}"] = str(workdir / f"current_{name}_{rows}.parquet")
    f["reference_big_csv"], f["current_big_csv"] = (str(Path(f[k]).with_suffix(".csv")) for k in ("reference_big", "current_big"))
    return f


def show(label: str, runs: list[dict]) -> None:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        print(f"  {label:<30} {'FAILED: ' + runs[0].get('error', '') if runs else 'not run'}")
        return
    for r in ok:
        compute = f"{r['seconds']:7.2f} s  cpu {r['cpu_s']:6.2f} s" if "seconds" in r else " " * 25
        hwm = f" (VmHWM {r['hwm_mb']:5.0f})" if r.get("hwm_mb") else ""
        print(f"  {label:<30} {compute}   process {r['process_wall_s']:6.2f} s  cpu {r['process_cpu_s']:6.2f} s   "
              f"peak RSS {r['rusage_peak_rss_mb']:6.0f} MB{hwm}")


def best(runs: list[dict], key: str) -> float | None:
    vals = [r[key] for r in runs if "error" not in r and key in r]
    return statistics.median(vals) if vals else None


def ratio(label: str, num: float | None, den: float | None, goal: str, ok) -> None:
    if num is None or den is None or den == 0:
        print(f"  {label:<58} n/a")
        return
    value = num / den
    print(f"  {label:<58} {value:8.2f}   goal {goal:<7} {'PASS' if ok(value) else 'MISS'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--small-rows", type=int, default=100_000, help="rows of the whole-command `data drift` run")
    ap.add_argument("--big-rows", type=int, default=10_000_000, help="0 skips the 10M-row runs")
    ap.add_argument("--runs", type=int, default=2, help="runs of each measurement (median in the ratios)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/phasebook-bench"))
    ap.add_argument("--evidently-python", default=None, help="default: /tmp/evidently-venv (created if missing)")
    ap.add_argument("--ydata-python", default=None, help="default: /tmp/ydata-venv (created if missing)")
    ap.add_argument("--polars-python", default=None, help="default: /tmp/polars-venv (created if missing)")
    ap.add_argument("--skip-others", action="store_true", help="measure phasebook and the floor only")
    ap.add_argument("--baseline-10m", type=float, default=None, help="an earlier 10M Parquet drift wall time (s)")
    ap.add_argument("--only", default="", metavar="KEYS",
                    help="measure only these, comma-separated (floor, drift, none, mild, profile, cli, polars, evidently, ydata, "
                         "drift_big, drift_big_csv, profile_big); the others show as not run")
    args = ap.parse_args()
    only = {k.strip() for k in args.only.split(",") if k.strip()}

    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})", flush=True)
    t = time.perf_counter()
    f = generate(args.workdir, args.small_rows, args.rows, args.big_rows)
    print(f"data ready in {time.perf_counter() - t:.0f} s: {args.rows:,} rows × 20 columns, 5 shifted", flush=True)
    others = {}
    if not args.skip_others:
        for name, given in (("evidently", args.evidently_python), ("ydata", args.ydata_python),
                            ("polars", args.polars_python)):
            if only and name not in only:
                continue
            others[name] = given or ensure_venv(Path(f"/tmp/{name}-venv"), HERE / f"requirements-{name}.txt")

    me, n = sys.executable, args.runs
    res: dict[str, list[dict]] = {}

    def run(key: str, fn, *a) -> None:
        if only and key not in only:
            return
        res[key] = [fn(*a) for _ in range(n)]
        print(f"  measured {key} (load {os.getloadavg()[0]:.2f})", flush=True)

    run("floor", measure, "floor", me, f["reference"], f["current"])
    run("drift", measure, "phasebook_drift", me, f["reference"], f["current"])
    run("profile", measure, "phasebook_profile", me, f["reference"])
    run("cli", measure_cli, f["reference_small"], f["current_small"])
    run("none", measure, "phasebook_drift", me, f["reference"], f["current_none"])
    run("mild", measure, "phasebook_drift", me, f["reference"], f["current_mild"])
    if others.get("polars"):
        run("polars", measure, "polars_describe", others["polars"], f["reference"])
    if others.get("evidently"):
        run("evidently", measure, "evidently_drift", others["evidently"], f["reference"], f["current"])
    if others.get("ydata"):
        run("ydata", measure, "ydata_profile", others["ydata"], f["reference"])
    if args.big_rows:
        run("drift_big", measure, "phasebook_drift", me, f["reference_big"], f["current_big"])
        run("drift_big_csv", measure, "phasebook_drift", me, f["reference_big_csv"], f["current_big_csv"])
        run("profile_big", measure, "phasebook_profile", me, f["reference_big"])

    print(f"\n{args.rows:,} rows × 20 columns (compute = read + compute after imports)")
    show("pyarrow read both (floor)", res.get("floor", []))
    show("phasebook drift", res.get("drift", []))
    show("evidently DataDriftPreset", res.get("evidently", []))
    show("phasebook profile", res.get("profile", []))
    show("polars describe()", res.get("polars", []))
    show("ydata-profiling minimal", res.get("ydata", []))
    print(f"\n{args.rows:,} rows, the current month unshifted, and with every float column shifted by 0.004 σ")
    show("phasebook drift, unshifted", res.get("none", []))
    show("phasebook drift, mild shift", res.get("mild", []))
    for key in ("none", "mild"):
        ok = [r for r in res.get(key, []) if "error" not in r]
        if ok:
            extra = ok[0]["extra"]
            print(f"  {key:<5} {extra['mild']} columns with 2.2 <= n·d² < 370; SciPy imported: {extra['scipy']}")
    print(f"\n`phasebook data drift --json`, {args.small_rows:,} rows, whole process")
    show("phasebook data drift", res.get("cli", []))
    if args.big_rows:
        print(f"\n{args.big_rows:,} rows × 20 columns, default memory limit")
        show("phasebook drift (Parquet)", res.get("drift_big", []))
        show("phasebook drift (CSV)", res.get("drift_big_csv", []))
        show("phasebook profile (Parquet)", res.get("profile_big", []))

    d, fl, ev = res.get("drift", []), res.get("floor", []), res.get("evidently", [])
    pr, pl, yd = res.get("profile", []), res.get("polars", []), res.get("ydata", [])
    print(f"\nratios (medians of {n} runs)")
    ratio("drift compute / pyarrow read floor", best(d, "seconds"), best(fl, "seconds"), "<= 1.5", lambda v: v <= 1.5)
    ratio("  by CPU time", best(d, "cpu_s"), best(fl, "cpu_s"), "<= 1.5", lambda v: v <= 1.5)
    ratio("evidently / phasebook drift, whole process wall", best(ev, "process_wall_s"), best(d, "process_wall_s"),
          ">= 60", lambda v: v >= 60)
    ratio("evidently / phasebook drift, whole process CPU", best(ev, "process_cpu_s"), best(d, "process_cpu_s"),
          ">= 60", lambda v: v >= 60)
    ratio("phasebook drift peak RSS / evidently peak RSS", best(d, "rusage_peak_rss_mb"),
          best(ev, "rusage_peak_rss_mb"), "<= 0.5", lambda v: v <= 0.5)
    ratio("profile compute / polars describe() compute", best(pr, "seconds"), best(pl, "seconds"), "<= 1.0",
          lambda v: v <= 1.0)
    ratio("  by CPU time", best(pr, "cpu_s"), best(pl, "cpu_s"), "<= 1.0", lambda v: v <= 1.0)
    ratio("ydata / phasebook profile, compute", best(yd, "seconds"), best(pr, "seconds"), ">= 15", lambda v: v >= 15)
    ratio("  by CPU time", best(yd, "cpu_s"), best(pr, "cpu_s"), ">= 15", lambda v: v >= 15)
    ratio("mild shift / unshifted drift, whole process wall", best(res.get("mild", []), "process_wall_s"),
          best(res.get("none", []), "process_wall_s"), "<= 1.5", lambda v: v <= 1.5)  # SciPy's path: ~2.5
    ratio(f"`data drift` {args.small_rows:,} rows, whole process wall (s)", best(res.get("cli", []), "process_wall_s"), 1.0,
          "<= 1.0", lambda v: v <= 1.0)
    if args.big_rows:
        for key in ("drift_big", "drift_big_csv", "profile_big"):
            ratio(f"{key} peak RSS (GB)", best(res.get(key, []), "rusage_peak_rss_mb"), 1024, "<= 1.0", lambda v: v <= 1.0)
        if args.baseline_10m:
            ratio("drift 10M Parquet wall / baseline", best(res.get("drift_big", []), "process_wall_s"), args.baseline_10m,
                  "<= 0.6", lambda v: v <= 0.6)

    print("\ncolumns flagged (shifted: f00_normal, f01_lognormal, i12_poisson, c16_plan, c19_city)")
    for key in ("drift", "evidently", "drift_big", "drift_big_csv"):
        ok = [r for r in res.get(key, []) if "error" not in r]
        if ok:
            extra = ok[0]["extra"]
            print(f"  {key:<14} {extra.get('tested')} columns tested; flagged {', '.join(sorted(extra['drifted']))}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
