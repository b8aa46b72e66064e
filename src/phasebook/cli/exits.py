"""The command line's edge of the error tree: exit codes by category, hints by field and code.

Errors are surface-neutral (:mod:`phasebook.core.errors`): they carry a
``category`` and fields such as ``needs="comment"``. This module is the one
place that turns them into what a terminal user needs — the exit code of
each category, and the flag or command that does what the message asks.
"""

from __future__ import annotations

from ..core.errors import PhasebookError

__all__ = ["EXIT_CODES", "CLI_HINTS", "CLI_NEXT", "exit_code", "cli_message"]

#: category → exit code (bad input 2, as users' scripts rely on; refusals and failures 1)
EXIT_CODES: dict[str, int] = {
    "bad_input": 2,
    "not_found": 2,
    "conflict": 1,
    "integrity": 1,
    "failed": 1,
    "refused": 1,
}

#: how to give, on the command line, what an error says is missing (its ``needs`` field)
CLI_HINTS: dict[str, str] = {
    "comment": " (say it with -m TEXT)",
    "acknowledgement": " (--acknowledge -m TEXT)",
    "name": " (--as NAME)",
}

#: the commands that do what an error suggests, by error code (formatted with the error's fields)
CLI_NEXT: dict[str, str] = {
    "gate_not_satisfied": " On the command line: `phasebook signoff {gate} --as NAME --role ROLE --approve`, "
                          "or `phasebook advance --override REASON`.",
    "stale_approval": " On the command line: `phasebook signoff {gate} --as NAME --role ROLE --approve`.",
    "project_not_found": " On the command line: `phasebook new PATH`, or pass --project PATH.",
    "journal_torn": " On the command line: `phasebook verify --repair`.",
    "journal_conflict": " On the command line: `phasebook git-setup` (registers the driver), then "
                        "`phasebook merge-journal --resolve`.",
    "plan_journal_mismatch": " On the command line: `phasebook record-plan`.",
    "grid_rows_failed": " (--fail-fast stops at the first failure.)",
    "users_file_missing": " Create it with `phasebook serve-user NAME --role ROLE --users {file}`.",
    "running_as_root": " On the command line: add --allow-root.",
    "content_changed": " On the command line: `phasebook signoff {gate} --show` shows the current content.",
}


def exit_code(exc: PhasebookError) -> int:
    """The exit code of an error's category (1 for a category this table does not know)."""
    return EXIT_CODES.get(exc.category, 1)


def cli_message(exc: PhasebookError) -> str:
    """The error's message plus the command-line way to do what it asks."""
    extra = CLI_HINTS.get(str(exc.fields.get("needs", "")), "")
    nxt = CLI_NEXT.get(exc.code, "")
    try:
        nxt = nxt.format(**exc.fields)
    except (KeyError, IndexError):
        nxt = ""
    return exc.message + extra + nxt
