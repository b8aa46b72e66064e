"""The installed package ships and enables both halves (what `pip install .` must give a user)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import phasebook
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def listings() -> dict[str, str]:
    """``jupyter server extension list`` and ``jupyter labextension list``, run side by side."""
    commands = {"server": ["server", "extension", "list"], "lab": ["labextension", "list"]}
    procs = {k: subprocess.Popen([sys.executable, "-m", "jupyter", *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for k, args in commands.items()}
    return {k: re.sub(r"\x1b\[[0-9;]*m", "", p.communicate(timeout=120)[0]) for k, p in procs.items()}


def test_python_and_labextension_versions_agree():
    package = json.loads((ROOT / "extension" / "package.json").read_text())
    assert package["version"] == phasebook.__version__
    assert package["jupyterlab"]["outputDir"] == "../src/phasebook/labextension"


def test_extension_points_name_the_server_module_and_the_built_labextension():
    assert phasebook._jupyter_server_extension_points() == [{"module": "phasebook.server"}]
    assert phasebook._jupyter_labextension_paths() == [{"src": "labextension", "dest": "phasebook"}]


def test_jupyter_lists_the_server_extension_enabled(listings):
    out = listings["server"]
    assert re.search(r"phasebook\s+enabled", out), out
    assert re.search(r"phasebook\s+\S*\s*OK", out), out


def test_jupyter_lists_the_labextension_enabled(listings):
    out = listings["lab"]
    assert re.search(r"phasebook v[0-9.]+\s+enabled\s+OK", out), out
