"""The ``phasebook`` command (also ``jupyter phasebook``).

Every command calls :class:`phasebook.Project`. A :class:`PhasebookError`
prints its one-paragraph message and exits with its code (2 bad input, 1
failure); no traceback reaches the terminal unless ``PHASEBOOK_DEBUG=1``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from ..core.errors import PhasebookError

__all__ = ["main", "cli", "console", "err_console", "open_project", "print_json"]

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


class PhasebookCommand(click.Command):
    """A command that remembers whether it was asked for ``--json`` (so errors come out as JSON too)."""

    def invoke(self, ctx: click.Context) -> Any:
        ctx.meta["phasebook.as_json"] = bool(ctx.params.get("as_json"))
        return super().invoke(ctx)


class PhasebookGroup(click.Group):
    """A click group that turns phasebook errors into one clear message and an exit code."""

    command_class = PhasebookCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PhasebookError as exc:
            _fail(exc.message, exc.exit_code, exc)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            _fail("Interrupted.", 130, None)
        except Exception as exc:  # an internal error: still no traceback by default
            if os.environ.get("PHASEBOOK_DEBUG"):
                traceback.print_exc()
            _fail(
                f"Internal error: {type(exc).__name__}: {exc}. Re-run with PHASEBOOK_DEBUG=1 for details "
                "and report it.", 1, exc,
            )


def _fail(message: str, code: int, exc: Exception | None) -> None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and _wants_json(ctx) and isinstance(exc, PhasebookError):
        click.echo(json.dumps({"error": exc.to_dict()}, indent=2), err=True)
    else:
        from rich.markup import escape  # a message's own brackets ("phasebook[mlflow]") are text, not markup

        err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)
    sys.exit(code)


def _wants_json(ctx: click.Context) -> bool:
    if ctx.meta.get("phasebook.as_json"):  # set by the subcommand, whose context is gone by now
        return True
    while ctx is not None:
        if ctx.params.get("as_json"):
            return True
        ctx = ctx.parent
    return False


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout (for scripts)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def open_project(ctx: click.Context):
    """The project named by ``--project`` (or found upward from the cwd)."""
    from ..project import Project

    root = ctx.find_root().obj.get("project")
    if root is not None and not Path(root).is_dir():  # a typo must not open the project above it
        from ..core.errors import ProjectNotFoundError

        raise ProjectNotFoundError(path=str(root))
    return Project.open(root or ".")


@click.group(cls=PhasebookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The project folder (default: search upward from the current folder for phasebook.yaml).",
)
@click.version_option(package_name="phasebook", prog_name="phasebook")
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """phasebook: a data-science project from product need to monitored model.

    Phases: scoping → research → development → deployment, each closed by a
    sign-off gate. Start with `phasebook new PATH` or `phasebook demo PATH`.
    """
    ctx.ensure_object(dict)
    ctx.obj["project"] = project


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="phasebook")


from . import commands  # noqa: E402,F401  (registers the commands)
from . import run  # noqa: E402,F401
from . import serve  # noqa: E402,F401
from . import data  # noqa: E402,F401
from . import tracking  # noqa: E402,F401
from . import integrity  # noqa: E402,F401
from . import findings  # noqa: E402,F401
from . import export  # noqa: E402,F401
