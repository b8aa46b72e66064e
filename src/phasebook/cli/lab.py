"""``phasebook lab``: JupyterLab on a project, the way the Project flow sidebar needs it.

``jupyter lab workbooks/01_scoping.ipynb`` roots the server at ``workbooks/``,
where the sidebar finds no project. ``phasebook lab [PROJECT]`` roots it at the
project folder and opens the scoping notebook; as root (containers, Binder,
CI) it passes JupyterLab's ``--allow-root`` itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import cli, console, project_folder

#: The notebook ``phasebook lab`` opens (the scoping forms, step 1.1 onwards).
FIRST_NOTEBOOK = "workbooks/01_scoping.ipynb"


def lab_argv(root: Path, *, notebook: str, port: int | None, ip: str, no_browser: bool,
             extra: tuple[str, ...] = ()) -> list[str]:
    """JupyterLab's command-line arguments for a server rooted at ``root`` that opens ``notebook``."""
    argv = [f"--ServerApp.root_dir={root}", f"--LabApp.default_url=/lab/tree/{notebook}", f"--ServerApp.ip={ip}"]
    if port is not None:
        argv += [f"--ServerApp.port={port}"]
    if no_browser:
        argv.append("--no-browser")
    if running_as_root():
        argv.append("--allow-root")
    return argv + list(extra)


def running_as_root() -> bool:
    """True when this process runs as root (Jupyter refuses to start then unless told)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[PROJECT] [--Jupyter.option=VALUE]...")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: JupyterLab's, 8888 or the next free one).")
@click.option("--ip", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the link.")
@click.pass_context
def lab(ctx: click.Context, args: tuple[str, ...], port: int | None, ip: str, no_browser: bool) -> None:
    """Open JupyterLab on PROJECT (default: the project of the current folder) at its scoping notebook.

    The server's root is the project folder, so the Project flow sidebar (the
    icon in the left bar) shows it. Other JupyterLab options pass through as
    --Name=value (e.g. --ServerApp.token=SECRET).
    """
    from ..project import Project

    jupyter = tuple(a for a in args if a.startswith("-"))
    folders = [a for a in args if not a.startswith("-")]
    if len(folders) > 1 or any("=" not in a for a in jupyter):
        raise click.UsageError("Give at most one PROJECT folder, and JupyterLab's own options as --Name=value "
                               "(e.g. --ServerApp.token=SECRET).")
    proj = Project.open(project_folder(ctx, Path(folders[0]) if folders else None))
    notebook = FIRST_NOTEBOOK if (proj.root / FIRST_NOTEBOOK).is_file() else ""
    try:
        from jupyterlab.labapp import LabApp
    except ImportError:
        raise click.ClickException("JupyterLab is not installed in this Python environment: "
                                   "pip install phasebook (it depends on jupyterlab), then try again.") from None
    argv = lab_argv(proj.root, notebook=notebook, port=port, ip=ip, no_browser=no_browser, extra=jupyter)
    console.print(f"JupyterLab on project {proj.name} ({proj.root})"
                  + (f", opening {notebook}" if notebook else "")
                  + ("; running as root, so --allow-root is passed" if running_as_root() else "")
                  + ". The Project flow sidebar is the icon in the left bar.", markup=False, soft_wrap=True)
    LabApp.launch_instance(argv=argv)
