"""The ``phasebook`` command (also ``jupyter phasebook``).

Every command calls :class:`phasebook.Project`. A :class:`PhasebookError`
prints its one-paragraph message and exits with its code (2 bad input, 1
failure); no traceback reaches the terminal unless ``PHASEBOOK_DEBUG=1``.
The group lives in :mod:`.app`; a command's module is imported when the
command runs (the table :data:`.app.COMMANDS` names it and its short help).
"""

from __future__ import annotations

from typing import Any

from .app import CLI_HINTS, cli, cli_message, did_you_mean, main, open_project, print_json, project_folder, shown_path

__all__ = ["main", "cli", "console", "err_console", "open_project", "print_json", "project_folder", "did_you_mean",
           "shown_path", "CLI_HINTS", "cli_message"]


def __getattr__(name: str) -> Any:
    """``console`` and ``err_console`` come from :mod:`.app`, made on first use (rich is not imported for ``--help``)."""
    if name in ("console", "err_console"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
