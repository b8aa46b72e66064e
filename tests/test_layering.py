"""Layering: phasebook.core stays free of Jupyter, and the import-linter contracts hold."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("jupyter", "papermill", "tornado", "ipywidgets", "IPython", "nbformat", "nbclient", "ipykernel", "voila", "zmq")

PROBE = """
import json, sys
import phasebook.core
from phasebook.core import default_flow, fold, judge
default_flow()
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_core_pulls_in_no_jupyter_module():
    # When phasebook.core is imported in a fresh interpreter
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    modules = json.loads(out.stdout)
    # Then none of the Jupyter stack is loaded
    heavy = [m for m in modules if m.split(".")[0].startswith(HEAVY)]
    assert heavy == []
    assert "phasebook.core.status" in modules  # the probe really imported core


def test_import_linter_contracts_are_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "core knows nothing of Jupyter, papermill, tornado or ipywidgets KEPT" in result.stdout
    assert "layers: surfaces above the Project facade, stores above core KEPT" in result.stdout
    assert "mlflow is imported by phasebook.tracking.client only (an optional extra) KEPT" in result.stdout
    assert "0 broken" in result.stdout
