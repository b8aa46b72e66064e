"""The route table: every phasebook URL, under ``{base_url}phasebook/``.

Tests import :data:`ROUTES` and :data:`NAMESPACE` to build their URLs, so a
route that forgets the base URL fails its test (pytest-jupyter serves under
``/a%40b/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join

from .namespace import NAMESPACE
from .handlers import InfoHandler, ProjectsHandler, RunHandler, RunsHandler, SignoffsHandler, StatusHandler
from .lab import EventsHandler, PortfolioHandler
from .runs import RunManager

__all__ = ["NAMESPACE", "ROUTES", "setup_handlers"]

#: a project path relative to the root: plain segments (a/b) or one encoded one (a%2Fb); %2E%2F (./) is the root
_PATH = r"(?P<path>.+?)"

#: (pattern relative to /phasebook/, handler)
ROUTES: list[tuple[str, type]] = [
    (r"info", InfoHandler),
    (r"projects", ProjectsHandler),
    (r"portfolio", PortfolioHandler),
    (rf"projects/{_PATH}/status", StatusHandler),
    (rf"projects/{_PATH}/signoffs", SignoffsHandler),
    (rf"projects/{_PATH}/events", EventsHandler),
    (rf"projects/{_PATH}/runs", RunsHandler),
    (rf"projects/{_PATH}/runs/(?P<job_id>[0-9a-f]{{6,32}})", RunHandler),
]


def setup_handlers(web_app: Any, root_dir: str | Path, runs: RunManager | None = None,
                   extensions: dict[str, bool] | None = None) -> None:
    """Register :data:`ROUTES` on ``web_app`` and store the shared services in its settings."""
    root = Path(root_dir).expanduser().resolve()
    web_app.settings["phasebook_root_dir"] = root
    web_app.settings["phasebook_runs"] = runs or RunManager(root)
    web_app.settings["phasebook_extensions"] = dict(extensions or {})
    base_url = web_app.settings.get("base_url", "/")
    handlers = [(url_path_join(base_url, NAMESPACE, pattern) + "/?$", handler) for pattern, handler in ROUTES]
    web_app.add_handlers(".*$", handlers)
