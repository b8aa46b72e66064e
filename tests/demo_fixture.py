"""The demo project, built once per test session, for every test folder that needs it.

Use it from a test folder's ``conftest.py``::

    from tests.demo_fixture import demo_copy, demo_project  # noqa: F401

(``python -m pytest`` puts the repository root on ``sys.path``; the import
in the conftests of tests/runner, tests/workbooks and tests/demo also works
under plain ``pytest``.) ``demo_project`` is shared and must not be
changed: tests that write (run notebooks, save sections, sign) take
``demo_copy``, a private copy of the whole folder (runs and journal too, so
cached runs stay cached). ``demo_build`` also gives the CLI's output and
timing.

The project is made by the real command, ``phasebook demo PATH``, in a
subprocess: the generator, the plan, the four phase notebooks run headless.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["DemoBuild", "demo_build", "demo_project", "demo_copy", "run_cli", "CLI"]

#: How to call the ``phasebook`` command from tests (no reliance on PATH).
CLI = [sys.executable, "-c", "import sys; from phasebook.cli import main; main(sys.argv[1:])"]


def run_cli(*args: str, cwd: str | Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``phasebook ARGS...`` in a subprocess; text output captured."""
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@dataclass
class DemoBuild:
    """The demo project folder and what ``phasebook demo`` printed."""

    root: Path
    stdout: str
    stderr: str
    returncode: int
    seconds: float

    def project(self):
        from phasebook.project import Project

        return Project.open(self.root)


_BUILT: DemoBuild | None = None


def _build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """Build the demo once per test run: under ``pytest -n 2`` the first worker to ask builds it in the run's shared
    temporary folder, and the other waits for it (a file lock) instead of building its own on the same two cores."""
    global _BUILT
    if _BUILT is None:
        from filelock import FileLock

        base = tmp_path_factory.getbasetemp()
        shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # popen-gwN's parent: the run's
        folder = shared / "demo-shared"
        root, record = folder / "subscription-churn", folder / "build.json"
        with FileLock(str(shared / "demo-shared.lock")):
            if not record.is_file():
                shutil.rmtree(folder, ignore_errors=True)  # a build interrupted earlier in this run
                folder.mkdir()
                start = time.perf_counter()
                proc = run_cli("demo", root, timeout=600)
                record.write_text(json.dumps({"stdout": proc.stdout, "stderr": proc.stderr, "returncode": proc.returncode,
                                              "seconds": time.perf_counter() - start}), encoding="utf-8")
            built = json.loads(record.read_text(encoding="utf-8"))
        _BUILT = DemoBuild(root, built["stdout"], built["stderr"], built["returncode"], built["seconds"])
    if _BUILT.returncode != 0:
        pytest.fail(f"`phasebook demo` failed ({_BUILT.returncode}):\n{_BUILT.stdout}\n{_BUILT.stderr}")
    return _BUILT


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> DemoBuild:
    """The run's demo build (made once, whichever conftest imports this, whichever worker asks first)."""
    return _build(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_project(demo_build):
    """The shared demo :class:`~phasebook.Project` (read-only: copy it to change anything)."""
    return demo_build.project()


@pytest.fixture
def demo_copy(demo_build, tmp_path):
    """A private copy of the demo project (plan, journal, data, runs)."""
    from phasebook.project import Project

    target = tmp_path / "subscription-churn"
    shutil.copytree(demo_build.root, target, symlinks=True)
    return Project.open(target)
