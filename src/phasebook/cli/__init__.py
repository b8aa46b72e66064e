"""The ``phasebook`` command (also ``jupyter phasebook``).

Every command calls :class:`phasebook.Project`. A :class:`PhasebookError`
prints its one-paragraph message and exits with its code (2 bad input, 1
failure); no traceback reaches the terminal unless ``PHASEBOOK_DEBUG=1``.
The group lives in :mod:`.app`, imported on first use of one of its names; a
command's module is imported when the command runs (the table
:data:`.app.COMMANDS` names it and its short help). :func:`main` first asks
:mod:`phasebook.replay` whether the answer is already known (``status`` of a
project nothing changed in), which imports none of it.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["main", "cli", "console", "err_console", "open_project", "print_json", "project_folder", "did_you_mean",
           "shown_path", "CLI_HINTS", "cli_message"]

_FROM_APP = frozenset({"cli", "console", "err_console", "open_project", "print_json", "project_folder", "did_you_mean",
                       "shown_path", "CLI_HINTS", "cli_message"})


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: the kept answer when it still holds (:mod:`phasebook.replay`), else the command."""
    from .. import replay

    def command() -> None:
        from .app import main as run_cli

        run_cli(argv)

    replay.run(list(sys.argv[1:] if argv is None else argv), command)


def __getattr__(name: str) -> Any:
    """The group and its helpers come from :mod:`.app` on first use (``console``/``err_console``: made then too;
    rich is not imported for ``--help``)."""
    if name in _FROM_APP:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
