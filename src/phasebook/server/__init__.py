"""phasebook's jupyter_server extension: the ``/phasebook/`` REST routes.

The handlers are thin: they resolve a path inside the server's root
directory, call :class:`phasebook.Project` (or the runner, for phase runs
started from the sidebar) and return JSON. The route table is in
:mod:`phasebook.server.routes`; errors become HTTP codes in one place,
:meth:`phasebook.server.base.PhasebookHandler.write_error`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NAMESPACE", "load_jupyter_server_extension", "_load_jupyter_server_extension", "_unload_jupyter_server_extension"]

from .namespace import NAMESPACE


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the routes and the run manager on the server's web application."""
    from .routes import setup_handlers

    setup_handlers(server_app.web_app, root_dir=server_app.root_dir,
                   extensions=dict(getattr(server_app, "jpserver_extensions", None) or {}))
    server_app.log.info("phasebook: routes registered under /%s/", NAMESPACE)


def _unload_jupyter_server_extension(server_app: Any) -> None:
    """Stop queued runs when the server stops (a run already executing finishes; the journal records it)."""
    runs = server_app.web_app.settings.get("phasebook_runs")
    if runs is not None:
        runs.shutdown()


#: the name older jupyter_server/notebook releases look up
load_jupyter_server_extension = _load_jupyter_server_extension
