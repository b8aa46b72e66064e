"""Shared fixtures: project factories and a real system Chromium.

Browser tests launch Debian's ``/usr/bin/chromium`` through Playwright's
``executable_path`` (never ``playwright install``); ``.ci/run`` installs it.
Screenshots and other evidence go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from phasebook.core.events import Actor

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("PHASEBOOK_TEST_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = os.environ.get("PHASEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]

PRODUCT_OWNER = Actor(name="product owner", role="product")
DATA_SCIENTIST = Actor(name="data scientist", role="data_science")
CUSTOMER_SUCCESS = Actor(name="customer success lead", role="customer_success")


@pytest.fixture(autouse=True, scope="session")
def _signing_key_dir(tmp_path_factory):
    """The serving side's signing key lives in a per-session folder, never in the tester's home."""
    if not os.environ.get("PHASEBOOK_KEY_DIR"):
        os.environ["PHASEBOOK_KEY_DIR"] = str(tmp_path_factory.mktemp("signing-key"))
    yield


@pytest.fixture(autouse=True, scope="session")
def _answers_dir(tmp_path_factory):
    """Replayed answers (phasebook.replay) are kept in a per-session folder, never in the tester's home."""
    if not os.environ.get("PHASEBOOK_CACHE_DIR"):
        os.environ["PHASEBOOK_CACHE_DIR"] = str(tmp_path_factory.mktemp("phasebook-cache"))
    yield


@pytest.fixture
def make_project(tmp_path):
    """Factory: ``make_project(name="churn")`` creates a fresh project under tmp_path."""
    from phasebook.project import Project

    def make(name: str = "churn-risk", **kwargs) -> Project:
        return Project.new(tmp_path / name, name=name, **kwargs)

    return make


@pytest.fixture
def project(make_project):
    """A fresh, empty project."""
    return make_project()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where browser tests save screenshots (kept by CI as evidence)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def chromium():
    """A headless system Chromium driven by Playwright, one per test module.

    Not session-wide: Playwright's sync API keeps an event loop running on the
    main thread while it is open, which would break pytest-jupyter's async
    fixtures in the modules that follow.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's chromium (apt-get install -y chromium); "
            ".ci/run installs it."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, request, artifacts_dir):
    """A fresh browser page; on failure a screenshot is saved under test-artifacts/."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        try:
            pg.screenshot(path=str(artifacts_dir / f"FAILED-{request.node.name}.png"), full_page=True)
        except Exception:  # the page may already be gone
            pass
    context.close()


#: Test folders whose files share one expensive session fixture (kept on one xdist worker).
SHARED_SESSION_FOLDERS = ("tests/binder",)


def pytest_xdist_make_scheduler(config, log):
    """Under ``pytest -n 2`` (pytest-xdist), keep each test file on one worker.

    Module-scoped servers and browsers then start once, as they do without
    xdist; a folder whose conftest builds a session fixture for several files
    (tests/binder: the fresh venv) is one unit, so that fixture is built once.
    Units are handed out in collection order (``--no-loadscope-reorder``), so
    the longest one, tests/binder, starts first. (xdist's own ``loadgroup``
    does not group under pytest 9.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return next((f for f in SHARED_SESSION_FOLDERS if path.startswith(f + "/")), path)

    return FileScheduling(config, log)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def copy_tree(src: Path, dst: Path) -> Path:
    """Copy a folder (a helper for tests that need a private copy of a project)."""
    shutil.copytree(src, dst)
    return dst
