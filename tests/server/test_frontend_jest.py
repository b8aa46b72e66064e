"""The frontend's jest tests (API and model layers, request function mocked), run from pytest.

So the README's single ``python -m pytest`` covers them. ``pip install -e .``
installs the extension's node dependencies (the build hook runs ``jlpm
install``); without them this test says what to run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

EXTENSION = Path(__file__).resolve().parents[2] / "extension"


def test_jest_suite_passes():
    jlpm = shutil.which("jlpm")
    assert jlpm, "jlpm is missing: pip install jupyter-builder (it ships jlpm)"
    assert (EXTENSION / "node_modules" / "jest").is_dir(), (
        "extension/node_modules is missing: run `pip install -e .` (its build hook runs jlpm install) "
        "or `cd extension && jlpm install`"
    )
    proc = subprocess.run([jlpm, "jest", "--ci", "--silent"], cwd=EXTENSION, capture_output=True, text=True,
                          timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "Tests:" in output and "failed" not in output.split("Tests:")[-1].splitlines()[0], output[-2000:]
