"""Hostile YAML never runs, hangs or eats memory: each exits 2 fast, naming the file (store/yaml.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest

from phasebook.core.errors import PlanSyntaxError, PlanValidationError
from phasebook.project import Project
from phasebook.store.yaml import MAX_DEPTH, load_yaml


def billion_laughs(base: str) -> str:
    lines = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"  {name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    bomb = "schema_version: 1\nx_bomb:\n" + "\n".join(lines)
    return base.replace("schema_version: 1", bomb, 1).replace("timebox_weeks:\n", "timebox_weeks: *i\n", 1)


def hostile_plans(base: str) -> dict[str, bytes]:
    return {
        "billion laughs": billion_laughs(base).encode(),
        "non-UTF-8": base.encode() + b"\nnotes: \xff\xfe\n",
        "100k-deep": (base + "\ndeep: " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
        "100,000-digit integer": base.replace("timebox_weeks:\n", "timebox_weeks: " + "9" * 100_000 + "\n", 1).encode(),
        "NUL byte": base.replace("name: ", "name: \x00", 1).encode(),
        "oversized": (base + "# " + "x" * (17 * 2**20) + "\n").encode(),
    }


@pytest.fixture
def plan_text(project: Project) -> str:
    text = project.plan_path.read_text()
    assert "timebox_weeks:\n" in text and "schema_version: 1" in text
    return text


@pytest.mark.parametrize("kind", ["billion laughs", "non-UTF-8", "100k-deep", "100,000-digit integer", "NUL byte",
                                  "oversized"])
def test_a_hostile_plan_exits_2_within_1s_and_200mb_naming_the_file(project, plan_text, kind):
    # Given a plan file made hostile
    project.plan_path.write_bytes(hostile_plans(plan_text)[kind])
    # When `phasebook status` reads it (a child measured by its own rusage), next to the same
    # command on an empty folder (the anchor: interpreter start and imports under today's load)
    anchor, _, _, _ = _run([str(project.root.parent / "no-project")])
    elapsed, code, err, peak_kb = _run(["--project", str(project.root)])
    print(f"[figures] {kind}: exit {code}, {elapsed:.2f} s (anchor {anchor:.2f} s), peak RSS {peak_kb / 1024:.0f} MB")
    # Then it exits 2 with a message naming the file, within 1 s of the anchor and under 200 MB
    assert code == 2, err
    assert str(project.plan_path) in err and "Traceback" not in err and "Internal error" not in err
    assert "None" not in err
    assert elapsed - anchor < 1.0, f"{kind}: {elapsed:.2f}s against an anchor of {anchor:.2f}s"
    assert peak_kb < 200 * 1024, f"{kind}: {peak_kb / 1024:.0f} MB"


#: A small launcher starts the command and reports its rusage: a child forked straight from this
#: (large) test process would report the test process's RSS as its own peak.
LAUNCHER = """
import json, os, subprocess, sys, time
start = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = child.stderr.read().decode()
_, status, usage = os.wait4(child.pid, 0)
print(json.dumps([time.monotonic() - start, os.waitstatus_to_exitcode(status), err, usage.ru_maxrss]))
"""


def _run(args: list[str]) -> tuple[float, int, str, int]:
    """Run ``phasebook ARGS status``; (seconds, exit code, stderr, peak RSS in KB of that process alone)."""
    exe = shutil.which("phasebook")
    argv = ([exe] if exe else [sys.executable, "-m", "phasebook.cli"]) + ["--project", args[-1], "status"]
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True, check=True).stdout
    elapsed, code, err, peak_kb = json.loads(out)
    return elapsed, code, err, peak_kb


def test_limits_name_what_to_fix_and_never_expand_an_alias(plan_text):
    with pytest.raises(PlanSyntaxError, match="aliases"):
        load_yaml(billion_laughs(plan_text), file="phasebook.yaml")
    with pytest.raises(PlanSyntaxError, match=f"more than {MAX_DEPTH} levels"):
        load_yaml("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), file="x.yaml")
    with pytest.raises(PlanSyntaxError, match="line 2, column 4"):
        load_yaml("a: 1\nb: \x00", file="x.yaml")
    # brackets inside quotes and comments are text, not nesting
    assert load_yaml('a: "' + "[" * 200 + '"  # ' + "{" * 200, file="x.yaml")["a"] == "[" * 200


def test_a_bad_value_is_shown_as_a_bounded_excerpt(project, plan_text):
    project.plan_path.write_text(plan_text.replace("timebox_weeks:\n", "timebox_weeks: '" + "x" * 100_000 + "'\n", 1))
    with pytest.raises(PlanValidationError) as info:
        project.status()
    message = str(info.value)
    assert "scope.timebox_weeks" in message and "100,000 characters" in message
    assert len(message) < 2_000
