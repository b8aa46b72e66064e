"""The demo's project moves between machines, and its output is only what the user needs."""

from __future__ import annotations

import json
import re


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_no_journal_entry_holds_an_absolute_path(demo_build):
    # Given the journal `phasebook demo` wrote (runs, model tests, data checks, the drift check)
    lines = (demo_build.root / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    kinds = {json.loads(line)["kind"] for line in lines}
    assert {"run", "grid_run", "drift_check", "data_check", "model_test"} <= kinds
    # Then no value anywhere in it is an absolute path (nor names the machine's folder)
    absolute = [(json.loads(line)["kind"], s) for line in lines for s in _strings(json.loads(line))
                if s.startswith("/") or str(demo_build.root) in s]
    assert absolute == []
    drift = [json.loads(line) for line in lines if json.loads(line)["kind"] == "drift_check"][-1]
    assert drift["data"]["reference"].startswith("data/snapshots/")


def test_the_demo_prints_no_kernel_noise_and_phasebook_lab_as_the_way_in(demo_build):
    assert "IPKernelApp" not in demo_build.stderr + demo_build.stdout
    assert "running over TCP" not in demo_build.stderr
    out = demo_build.stdout
    assert re.search(r"^\s+phasebook lab\b", out, re.M), out
    assert "jupyter lab" not in out
    assert "every command runs from the project folder" in out
