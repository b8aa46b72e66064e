"""The ``phasebook`` click group, its error handling and the helpers every command module uses.

Every command calls :class:`phasebook.Project`. A :class:`PhasebookError`
prints its one-paragraph message and exits with its code (2 bad input, 1
failure); no traceback reaches the terminal unless ``PHASEBOOK_DEBUG=1``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..core.errors import PhasebookError
from .exits import CLI_HINTS, cli_message, exit_code

__all__ = ["main", "cli", "console", "err_console", "open_project", "print_json", "project_folder", "did_you_mean",
           "CLI_HINTS", "cli_message",
           "shown_path"]

#: every top-level command: name → (the module of this package that registers it, its short help). ``--help`` lists
#: them from here and a command's module is imported only when it runs, so ``phasebook --help`` imports no command
#: module (nor rich, pydantic, papermill…). tests/cli/test_lazy_commands.py checks this table against the commands.
COMMANDS: dict[str, tuple[str, str]] = {
    "advance": (".commands", "Move to the next phase (the current gate must be approved and fresh)."),
    "anchor": (".integrity", "Record the journal's head (entry count and hash) in a git commit, where rewriting it shows."),
    "backtrack": (".commands", "Go back to an earlier PHASE (model failure, approach failure, goal change)."),
    "cancel": (".commands", "Cancel the project, recording why."),
    "data": (".data", "Data sources (step 1.3), exploration profiles (2.1) and drift checks (4.1)."),
    "deliver": (".commands", "Mark the solution delivered (step 4.4)."),
    "demo": (".run", "Build the subscription-churn demo project in PATH and run all four phases."),
    "export": (".export", "Write the sign-off record: a self-contained HTML page (or PDF) that verifies without the project."),
    "finding": (".findings", "Findings: what a reviewer wants fixed at a gate (blocking or not), resolved, accepted or "
                "reopened."),
    "flow": (".flow", "The project's flow: phases, steps, gates and each gate's policy (a file a team can change)."),
    "git-setup": (".integrity", "Register the journal merge driver in the repository and route journal.jsonl to it "
                  "(.gitattributes)."),
    "history": (".commands", "Show the journal: who decided what, when."),
    "lab": (".lab", "Open JupyterLab on PROJECT (default: the project of the current folder) at its scoping notebook."),
    "merge-journal": (".integrity", "Merge journals entry by entry (git runs it as `merge-journal BASE OURS THEIRS`; the "
                      "result goes to OURS)."),
    "monitor": (".monitor", "Check the current data for drift against the stored reference statistics; journal it."),
    "new": (".commands", "Create a project in PATH: plan, journal, phase notebooks (files PATH already holds are kept)."),
    "record-plan": (".integrity", "Journal plan changes that have no recorded save (an interrupted save, a hand edit, a "
                    "merge)."),
    "reopen": (".commands", "Start maintenance after delivery."),
    "run": (".run", "Execute a phase notebook (scoping, research, development, deployment) or a notebook path."),
    "serve": (".serve", "Serve the project's dashboards (overview, sign-off, monitoring) to stakeholders."),
    "serve-user": (".serve", "Give NAME a personal token for `phasebook serve --users FILE` (printed once, stored hashed)."),
    "set": (".commands", "Replace SECTION with the content of a YAML file (validated; on error nothing is written)."),
    "show": (".commands", "Print SECTION as YAML (the format `phasebook set` accepts back)."),
    "signoff": (".commands", "Record a sign-off decision on GATE: one of --approve, --request-changes, --reject (`--show` "
                "first to see what you approve)."),
    "status": (".commands", "Show the phase, steps by track, gates and the latest model test."),
    "test-model": (".tracking", "Test a model against the scope's hard metrics and journal it (step 3.3)."),
    "tracking": (".tracking", "MLflow: the registry follows the journal's approvals."),
    "verify": (".integrity", "Check every journal entry (hash, chain, signatures, time), the plan against the journal, "
               "and anchors."),
}


def __getattr__(name: str) -> Any:
    """``console`` and ``err_console`` (rich) are made on first use: ``--help`` does not import rich."""
    if name in ("console", "err_console"):
        from rich.console import Console

        made = {"console": Console(highlight=False, soft_wrap=False, emoji=False),  # text prints as typed
                "err_console": Console(stderr=True, highlight=False, emoji=False)}
        for key, value in made.items():
            globals().setdefault(key, value)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Commands(dict):
    """The root group's commands: looking one up by name (``cli.commands["status"]``) registers it first."""

    def __missing__(self, name: str) -> click.Command:
        if name in COMMANDS:
            importlib.import_module(COMMANDS[name][0], __package__)
            if dict.__contains__(self, name):
                return dict.__getitem__(self, name)
        raise KeyError(name)


_PROJECT_HELP = "The project folder (default: search upward from the current folder for phasebook.yaml)."
_PROJECT_DEST = "project_option"


def _set_project(ctx: click.Context, value: Path | None) -> None:
    """Record ``--project`` given after the subcommand; refuse two different folders."""
    if value is None:
        return
    obj = ctx.find_root().ensure_object(dict)
    before = obj.get("project")
    if before is not None and Path(before).resolve() != Path(value).resolve():
        raise click.UsageError(f"--project is given twice ({before} and {value}); give it once.")
    obj["project"] = value


class PhasebookCommand(click.Command):
    """A command that takes ``--project`` after its name too, and remembers ``--json`` (errors come out as JSON too).

    ``phasebook --project P status`` and ``phasebook status --project P`` are the
    same. Commands whose argument *is* the project folder (``new``, ``demo``)
    pass ``project_option=False``.
    """

    def __init__(self, *args: Any, project_option: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if project_option:
            self.params.append(click.Option(
                ["--project", _PROJECT_DEST], type=click.Path(file_okay=False, path_type=Path), default=None,
                help=_PROJECT_HELP, expose_value=True))

    def invoke(self, ctx: click.Context) -> Any:
        _set_project(ctx, ctx.params.pop(_PROJECT_DEST, None))
        ctx.meta["phasebook.as_json"] = bool(ctx.params.get("as_json"))
        return super().invoke(ctx)


class PhasebookGroup(click.Group):
    """A click group that turns phasebook errors into one clear message and an exit code."""

    command_class = PhasebookCommand
    #: commands registered on first use (:data:`COMMANDS`; only the root group has any)
    lazy: dict[str, tuple[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name][0], __package__)  # its decorators register it
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, short helps from :data:`COMMANDS` for commands not imported yet."""
        names = [n for n in self.list_commands(ctx) if not (n in self.commands and self.commands[n].hidden)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            text = cmd.get_short_help_str(limit) if cmd is not None else click.utils.make_default_short_help(
                self.lazy[name][1], limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PhasebookError as exc:
            _fail(cli_message(exc), exit_code(exc), exc)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            _fail("Interrupted.", 130, None)
        except Exception as exc:  # an internal error: still no traceback by default
            if os.environ.get("PHASEBOOK_DEBUG"):
                import traceback

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
        hint = did_you_mean(exc) if isinstance(exc, PhasebookError) else None
        text = f"{message} Did you mean {hint!r}?" if hint else message
        from rich.text import Text

        __getattr__("err_console").print(Text.assemble(("error:", "bold red"), " ", text), highlight=False,
                                         soft_wrap=True)
    sys.exit(code)


#: Errors about a mistyped name: the error's field listing what exists.
_NAME_CHOICES = {
    "unknown_section": ("known",), "unknown_gate": ("known",), "unknown_role": ("known",),
    "unknown_phase": ("known",), "unknown_workbook": ("phases", "notebooks"), "unknown_data_source": ("known",),
}


def did_you_mean(exc: PhasebookError) -> str | None:
    """The closest existing name to the one a mistyped-name error reports (None if nothing is close)."""
    fields = _NAME_CHOICES.get(exc.code)
    name = exc.fields.get("name")
    if not fields or not isinstance(name, str):
        return None
    known = [str(k) for f in fields for k in (exc.fields.get(f) or [])]
    import difflib

    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return match[0] if match and match[0] != name else None


def shown_path(path: Path) -> str:
    """``path`` as a user types it from the current folder: relative below it, else absolute; shell-quoted."""
    import shlex

    try:
        path = Path(path).relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return shlex.quote(str(path))


def project_folder(ctx: click.Context, positional: Path | None) -> Path:
    """The project of a command taking ``[PROJECT]`` as an argument, or ``--project``, or the current folder."""
    given = ctx.find_root().obj.get("project") if ctx.find_root().obj else None
    if positional is not None and given is not None and Path(positional).resolve() != Path(given).resolve():
        raise click.UsageError(f"Two project folders given ({positional} and --project {given}); give one.")
    chosen = positional or given
    if chosen is not None and not Path(chosen).is_dir():  # a typo must not open the project above it
        from ..core.errors import ProjectNotFoundError

        raise ProjectNotFoundError(path=str(chosen))
    return Path(chosen or ".")


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
    "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None, help=_PROJECT_HELP,
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


cli.commands = _Commands(cli.commands)
cli.lazy = COMMANDS


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="phasebook")
