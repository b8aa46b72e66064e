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
    global _BUILT
    if _BUILT is None:
        root = tmp_path_factory.mktemp("demo") / "subscription-churn"
        start = time.perf_counter()
        proc = run_cli("demo", root, timeout=600)
        _BUILT = DemoBuild(root, proc.stdout, proc.stderr, proc.returncode, time.perf_counter() - start)
    if _BUILT.returncode != 0:
        pytest.fail(f"`phasebook demo` failed ({_BUILT.returncode}):\n{_BUILT.stdout}\n{_BUILT.stderr}")
    return _BUILT


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> DemoBuild:
    """The session's demo build (made once, whichever conftest imports this)."""
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
