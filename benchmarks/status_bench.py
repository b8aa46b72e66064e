"""Benchmark: `phasebook status` at 33, 10,000 and 50,000 journal entries (cold, warm, after an append), and `--help`.

    python benchmarks/status_bench.py [--sizes 33,10000,50000] [--runs 2]

Each project is written by a separate process (``journal_bench.build``: model
tests, decisions and every 100th entry a signed sign-off), so the parent
stays small and every child's figures are its own: wall time, CPU time (user
+ system) and peak RSS from ``os.wait4`` (:mod:`measure`). Per size:

* **cold**: no ``.phasebook/status.json`` — the journal is parsed and folded
  whole, and the result cached (the parsed plan, ``.phasebook/plan.json``, is
  kept, as after any earlier command);
* **warm**: the cache matches — goal ≤ 0.3 s and ≤ 100 MB at 50,000 entries;
* **append**: one entry appended by another process since — the journal only
  grew, so the cached fold state is resumed: the new line is parsed and added
  (store/statuscache.py), the same goal;
* **replayed**: nothing changed since a status whose files had settled
  (``phasebook/replay.py``): the kept answer is printed, nothing else is
  imported. The first of these runs waits ``replay.SETTLE_S`` and keeps the
  answer, untimed.

cold, warm and append run with ``PHASEBOOK_NO_REPLAY=1``, so each measures
what it names (a replay would otherwise answer some warm runs).

``phasebook --help`` is timed against ``python -c pass`` (the anchor: the
interpreter's own start) — goal ≤ 0.15 s. What ``status`` pays at 33 entries
is its fixed cost (imports: click, pydantic, rich and phasebook's models).

The children run without ``PYTHONDONTWRITEBYTECODE`` (with it, every import
compiles from source: +0.1 s a process), and each command runs once, untimed,
before it is timed, so writing the ``.pyc`` files is never measured. The
children inherit ``PYTHONPATH``: point it at the tree you measure. Timings on
a shared machine are noisy: read the ratios, and run it twice.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_child  # noqa: E402

from phasebook.replay import SETTLE_S  # noqa: E402

BUILD = ("import sys; sys.path.insert(0, sys.argv[3]); from pathlib import Path; from journal_bench import build; "
         "build(Path(sys.argv[1]), int(sys.argv[2]), 100)")
APPEND = ("import sys; from phasebook.project import Project; "
          "Project(sys.argv[1]).record('data_check', {'source': 's', 'reachable': True})")


def _row(label: str, runs: list[dict]) -> str:
    wall = statistics.median(r["process_wall_s"] for r in runs)
    cpu = statistics.median(r["process_cpu_s"] for r in runs)
    rss = max(r["rusage_peak_rss_mb"] for r in runs)
    each = ", ".join(f"{r['process_wall_s']:.3f}" for r in runs)
    return f"  {label:<8} wall {wall:6.3f} s (runs {each})  cpu {cpu:6.3f} s  peak RSS {rss:6.1f} MB"


def _check(result: dict) -> dict:
    if result["returncode"] != 0:
        raise SystemExit(f"child failed ({result['returncode']}): {result['stderr'][-2000:]}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="33,10000,50000")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    exe = shutil.which("phasebook") or sys.exit("the phasebook command is not on PATH (pip install -e .)")
    here = str(Path(__file__).resolve().parent)
    with tempfile.TemporaryDirectory() as tmp:
        replaying = {**os.environ, "PHASEBOOK_KEY_DIR": str(Path(tmp) / "keys"), "COLUMNS": "100",
                     "PHASEBOOK_CACHE_DIR": str(Path(tmp) / "cache")}
        replaying.pop("PYTHONDONTWRITEBYTECODE", None)  # else every import compiles from source
        replaying.pop("PHASEBOOK_NO_REPLAY", None)
        env = {**replaying, "PHASEBOOK_NO_REPLAY": "1"}
        _check(run_child([exe, "--help"], env=env))  # warm-up, untimed: the .pyc files are written
        where = _check(run_child([sys.executable, "-c", "import phasebook; print(phasebook.__file__)"], env=env))
        print(f"children import {where['stdout'].strip()}")
        anchor = [_check(run_child([sys.executable, "-c", "pass"], env=env)) for _ in range(args.runs)]
        helps = [_check(run_child([exe, "--help"], env=env)) for _ in range(args.runs)]
        a = statistics.median(r["process_wall_s"] for r in anchor)
        h = statistics.median(r["process_wall_s"] for r in helps)
        print("phasebook --help (goal <= 0.15 s)")
        print(_row("anchor", anchor) + "   (python -c pass)")
        print(_row("--help", helps) + f"   x{h / a:.1f} the anchor")
        for size in (int(s) for s in args.sizes.split(",")):
            root = Path(tmp) / f"p{size}"
            _check(run_child([sys.executable, "-c", BUILD, str(root), str(size), here], env=env))
            _check(run_child([exe, "verify"], cwd=root, env=env))  # the verify cache, as after any earlier command
            cache = root / ".phasebook" / "status.json"
            _check(run_child([exe, "status"], cwd=root, env=env))  # warm-up, untimed
            cold, warm, appended = [], [], []
            for _ in range(args.runs):
                cache.unlink(missing_ok=True)
                cold.append(_check(run_child([exe, "status"], cwd=root, env=env)))
                warm.append(_check(run_child([exe, "status"], cwd=root, env=env)))
                _check(run_child([sys.executable, "-c", APPEND, str(root)], env=env))
                appended.append(_check(run_child([exe, "status"], cwd=root, env=env)))
            time.sleep(SETTLE_S + 0.2)
            kept = _check(run_child([exe, "status"], cwd=root, env=replaying))  # keeps the answer, untimed
            replayed = [_check(run_child([exe, "status"], cwd=root, env=replaying)) for _ in range(args.runs)]
            if not list((Path(tmp) / "cache" / "answers").glob("*.json")):
                raise SystemExit("no answer was kept: the replayed row would measure full runs")
            if any(r["stdout"] != kept["stdout"] for r in replayed):
                raise SystemExit("a replayed status differs from the status it replays")
            size_mb = (root / "journal.jsonl").stat().st_size / 1e6
            print(f"phasebook status, {size} entries ({size_mb:.1f} MB journal; goal at 50,000: <= 0.3 s, <= 100 MB "
                  "warm and after an append)")
            for label, runs in (("cold", cold), ("warm", warm), ("append", appended), ("replayed", replayed)):
                print(_row(label, runs))


if __name__ == "__main__":
    main()
