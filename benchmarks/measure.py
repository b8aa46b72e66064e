"""Measure a child process by itself: wall time, CPU time and peak RSS from ``os.wait4``.

A child started while its parent is large reports the parent's peak in its
own ``ru_maxrss`` (fork copies the parent's resident set before the exec),
so the benchmarks keep their parents small — they generate data in a
separate process — and take the child's figures from the kernel
(``wait4``), plus the child's own ``VmHWM`` (the high-water mark of the
address space it has after the exec) when it prints one.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time

__all__ = ["run_child", "HWM_SNIPPET"]

# a child prints this last: its own peak RSS since the exec, in MB
HWM_SNIPPET = (
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            return int(line.split()[1]) / 1024\n"
    "    return None\n"
)


def run_child(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> dict:
    """Run ``cmd``; return its stdout, stderr, exit code, wall time, CPU time (user + system) and peak RSS."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "stdout": out.read(), "stderr": err.read(), "returncode": proc.returncode,
            "process_wall_s": wall, "process_cpu_s": usage.ru_utime + usage.ru_stime,
            "rusage_peak_rss_mb": usage.ru_maxrss / 1024,
        }
