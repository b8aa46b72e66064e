"""``phasebook lab``: JupyterLab on a project, the way the Project flow sidebar needs it.

``jupyter lab workbooks/01_scoping.ipynb`` roots the server at ``workbooks/``,
where the sidebar finds no project. ``phasebook lab [PROJECT]`` roots it at the
project folder and opens the scoping notebook with the sidebar open (a
per-project JupyterLab workspace in ``.phasebook/workspaces``); as root (containers, Binder,
CI) it passes JupyterLab's ``--allow-root`` itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .app import cli, console, project_folder

#: The notebook ``phasebook lab`` opens (the scoping forms, step 1.1 onwards).
FIRST_NOTEBOOK = "workbooks/01_scoping.ipynb"
#: JupyterLab's saved layouts for this project (git-ignored with the rest of .phasebook/).
WORKSPACES = ".phasebook/workspaces"
#: The Project flow sidebar's id (extension/src/sidebar.ts), as the layout restorer knows it.
SIDEBAR_ID = "phasebook-project-flow"


def seed_workspace(root: Path) -> Path:
    """The project's workspaces folder; on first use, a default layout with the Project flow sidebar open.

    Later layouts (whatever the user leaves open) are JupyterLab's to save
    there; an existing workspace is never replaced.
    """
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    folder = root / WORKSPACES
    if not any(folder.glob("*.jupyterlab-workspace")):
        layout = {"left": {"collapsed": False, "visible": True, "current": SIDEBAR_ID}}
        raw = json.dumps({"data": {"layout-restorer:data": layout}, "metadata": {"id": "default"}})
        WorkspacesManager(str(folder)).save("default", raw)
    return folder


def lab_argv(root: Path, *, notebook: str, port: int | None, ip: str, no_browser: bool,
             extra: tuple[str, ...] = (), workspaces: Path | None = None) -> list[str]:
    """JupyterLab's command-line arguments for a server rooted at ``root`` that opens ``notebook``."""
    argv = [f"--ServerApp.root_dir={root}", f"--LabApp.default_url=/lab/tree/{notebook}", f"--ServerApp.ip={ip}"]
    if workspaces is not None:
        argv.append(f"--LabApp.workspaces_dir={workspaces}")
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

    The server's root is the project folder, so the Project flow sidebar shows
    it; the sidebar is open the first time (JupyterLab then keeps the layout
    you leave, per project, in .phasebook/workspaces). Other JupyterLab options pass through as
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
    argv = lab_argv(proj.root, notebook=notebook, port=port, ip=ip, no_browser=no_browser, extra=jupyter,
                    workspaces=seed_workspace(proj.root))
    console.print(f"JupyterLab on project {proj.name} ({proj.root})"
                  + (f", opening {notebook}" if notebook else "")
                  + ("; running as root, so --allow-root is passed" if running_as_root() else "")
                  + ". The Project flow sidebar is in the left bar.", markup=False, soft_wrap=True)
    LabApp.launch_instance(argv=argv)
