"""The ``phasebook`` command (also ``jupyter phasebook``).

Every command calls :class:`phasebook.Project`. A :class:`PhasebookError`
prints its one-paragraph message and exits with its code (2 bad input, 1
failure); no traceback reaches the terminal unless ``PHASEBOOK_DEBUG=1``.
The group lives in :mod:`.app`, imported on first use of one of its names; a
command's module is imported when the command runs (the table
:data:`.app.COMMANDS` names it and its short help). :func:`main` first asks
:mod:`phasebook.replay` whether the answer is already known (``status`` of a
project nothing changed in), which imports none of it. The console scripts
enter through :func:`script`: ``status``, ``monitor`` and the ``data`` commands
end there without the interpreter's teardown (:data:`QUICK_END`).
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["main", "script", "QUICK_END", "cli", "console", "err_console", "open_project", "print_json",
           "project_folder", "did_you_mean", "shown_path", "CLI_HINTS", "cli_message"]

#: commands that end without the interpreter's teardown (:func:`script`): every file they write (caches, reports,
#: reference statistics, journal entries) is written and closed before they return, through phasebook's own atomic
#: and locked writes, their notifications are delivered (or journaled as failed) before they return, and they start
#: no process or server that outlives them
QUICK_END = frozenset({"status", "data", "monitor"})

_FROM_APP = frozenset({"cli", "console", "err_console", "open_project", "print_json", "project_folder", "did_you_mean",
                       "shown_path", "CLI_HINTS", "cli_message"})


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: the kept answer when it still holds (:mod:`phasebook.replay`), else the command."""
    from .. import replay

    def command() -> None:
        from .app import main as run_cli

        run_cli(argv)

    replay.run(list(sys.argv[1:] if argv is None else argv), command)


def script() -> None:
    """The console scripts' entry point (``phasebook``, ``jupyter-phasebook``, ``python -m phasebook.cli``).

    :func:`main` with the process's arguments. A command of :data:`QUICK_END` (``status``, ``monitor``,
    ``data …``) leaves nothing that needs the interpreter's teardown, which frees every object one by one
    (0.04–0.05 s at the end of a ``status``, ~0.1 s after a ``data drift``), so it ends without it: ``atexit``
    handlers run and both streams are flushed first, exactly as at a normal exit. Where that cannot be done as at
    a normal exit (a thread still runs, a stream does not flush, an exit message that is text) the normal exit
    runs instead.

    Such a command also builds its models without pydantic's plugins, unless ``PYDANTIC_DISABLE_PLUGINS`` is set
    already: finding them scans every installed distribution's entry points (0.03–0.06 s), and they would see only
    phasebook's own models (plan, flow, results); no user code runs in these commands.
    """
    import os

    from .. import replay

    if replay.command_of(sys.argv[1:]) not in QUICK_END:
        main()
        return
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    _end(code)


def _end(code: object) -> None:
    """End the process with ``code`` as a normal exit would, without the teardown (see :func:`script`)."""
    import atexit
    import os
    import threading

    if not isinstance(code, int) or threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()  # what a normal exit runs before the teardown (the registry is emptied: runs once)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream: the normal exit reports it as it always has
        raise SystemExit(code) from None
    os._exit(code & 0xFF)


def __getattr__(name: str) -> Any:
    """The group and its helpers come from :mod:`.app` on first use (``console``/``err_console``: made then too;
    rich is not imported for ``--help``)."""
    if name in _FROM_APP:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
