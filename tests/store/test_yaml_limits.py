"""Hostile YAML never runs, hangs or eats memory: each exits 2 fast, naming the file (store/yaml.py)."""

from __future__ import annotations

import os
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
    exe = shutil.which("phasebook") or sys.executable
    argv = [exe, "--project", str(project.root), "status"] if shutil.which("phasebook") else \
        [sys.executable, "-m", "phasebook.cli", "--project", str(project.root), "status"]
    # When `phasebook status` reads it (a child measured by its own rusage)
    start = time.monotonic()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.monotonic() - start
    err = child.stderr.read().decode()
    # Then it exits 2 with a message naming the file, fast and small
    assert os.waitstatus_to_exitcode(status) == 2, err
    assert str(project.plan_path) in err and "Traceback" not in err and "Internal error" not in err
    assert "None" not in err
    assert elapsed < 1.0 + 0.6, f"{kind}: {elapsed:.2f}s"  # 1 s budget plus interpreter start on a loaded machine
    assert usage.ru_maxrss < 200 * 1024, f"{kind}: {usage.ru_maxrss / 1024:.0f} MB"


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
