"""The ``phasebook`` command (also ``jupyter phasebook``).

Every command calls :class:`phasebook.Project`. A :class:`PhasebookError`
prints its one-paragraph message and exits with its code (2 bad input, 1
failure); no traceback reaches the terminal unless ``PHASEBOOK_DEBUG=1``.
The group lives in :mod:`.app`; importing this package registers every
command module.
"""

from __future__ import annotations

from .app import (CLI_HINTS, cli, cli_message, console, did_you_mean, err_console, main, open_project, print_json,
                  project_folder, shown_path)

__all__ = ["main", "cli", "console", "err_console", "open_project", "print_json", "project_folder", "did_you_mean",
           "shown_path", "CLI_HINTS", "cli_message"]

from . import commands  # noqa: E402,F401  (registers the commands)
from . import run  # noqa: E402,F401
from . import serve  # noqa: E402,F401
from . import data  # noqa: E402,F401
from . import flow  # noqa: E402,F401
from . import tracking  # noqa: E402,F401
from . import integrity  # noqa: E402,F401
from . import lab  # noqa: E402,F401
