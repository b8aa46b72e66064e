"""``phasebook serve``: the stakeholders' dashboards server; ``phasebook serve-user``: personal links."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from ..core.escape import rich_text
from .app import cli, console, project_folder
from ..core.named_errors import RunningAsRootError

#: Where ``phasebook serve`` listens by default (its --ip and --port defaults).
DEFAULT_SERVER_URL = "http://127.0.0.1:8866/"


@cli.command()
@click.argument("project", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--ip", default="127.0.0.1", show_default=True, help="Address to listen on (keep 127.0.0.1 behind a proxy).")
@click.option("--token", default=None, help="The shared viewer token (default: a random one). It identifies nobody: "
              "sign-offs made with it are recorded as unverified.")
@click.option("--no-shared-token", is_flag=True, help="Refuse anonymous viewers: only personal tokens or the proxy header.")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Users file of personal tokens (see `phasebook serve-user`); their sign-offs are verified.")
@click.option("--trusted-header", default="", help="Header naming the person, set by a trusted reverse proxy "
              "(e.g. X-Forwarded-User); sign-offs are verified.")
@click.option("--shared-can-sign", is_flag=True, help="With --users or --trusted-header, still let the shared link "
              "sign (recorded unverified). Off by default: the shared link reads but cannot sign.")
@click.option("--trusted-header-secret", default="", envvar="PHASEBOOK_PROXY_SECRET", show_envvar=True,
              help="A secret your proxy sends in the X-Phasebook-Proxy-Secret header; the trusted header counts only with it.")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True,
              help="Address of the reverse proxy whose trusted header counts (repeatable), e.g. 127.0.0.1.")
@click.option("--max-pages-per-viewer", default=8, show_default=True, type=int,
              help="Dashboard pages one viewer may have open at once (each holds a kernel).")
@click.option("--max-pages", default=40, show_default=True, type=int, help="Dashboard pages open at once on the server.")
@click.option("--cull-idle-timeout", default=600, show_default=True, type=int,
              help="Seconds after which a dashboard kernel nobody is connected to is shut down.")
@click.option("--cull-interval", default=60, show_default=True, type=int, help="Seconds between culling passes.")
@click.option("--allow-root", is_flag=True, help="Allow running as root (containers): the dashboards' kernels then run as root too.")
@click.pass_context
def serve(ctx: click.Context, project: Path | None, port: int, ip: str, token: str | None, no_shared_token: bool,
          users_file: Path | None, trusted_header: str, shared_can_sign: bool, trusted_header_secret: str,
          trusted_proxies: tuple[str, ...], max_pages_per_viewer: int, max_pages: int, cull_idle_timeout: int,
          cull_interval: int, allow_root: bool) -> None:
    """Serve the project's dashboards (overview, sign-off, monitoring) to stakeholders.

    Given a folder of projects (PROJECT holds no phasebook.yaml, projects
    below it do), serves them all, with a portfolio page listing them by
    what needs attention as the landing page.

    Dashboards only: viewers can read pages and sign gates, nothing more
    (no file edits, no kernels of their own, no JupyterLab). Prints the
    overview URL with its token.
    """
    from jupyter_server.serverapp import ServerApp

    from ..dashboards.authz import DashboardAuthorizer
    from ..dashboards.identity import PhasebookIdentityProvider
    from ..dashboards.serving import (ServeOptions, ensure_dashboards, ensure_portfolio, overview_path, portfolio_path,
                                      serve_config)
    from ..project import Project

    from .lab import running_as_root

    folder = project_folder(ctx, project)
    found = _portfolio(folder)
    proj = None if found else Project.open(folder)
    shared = "" if no_shared_token else (token or secrets.token_hex(24))
    opts = ServeOptions(root=found.root if found else proj.root, portfolio=bool(found), port=port, ip=ip, token=shared,
                        users_file=str(users_file.resolve()) if users_file else "", trusted_header=trusted_header,
                        shared_can_sign=shared_can_sign, trusted_header_secret=trusted_header_secret, trusted_proxies=tuple(trusted_proxies),
                        max_pages_per_viewer=max_pages_per_viewer, max_pages=max_pages,
                        cull_idle_timeout=cull_idle_timeout, cull_interval=cull_interval, allow_root=allow_root)
    config = serve_config(opts)  # a bad users file or culling setting fails here, before anything is printed
    if running_as_root() and not allow_root:  # before anything is printed or written: Jupyter would refuse later
        raise RunningAsRootError(server="phasebook serve")
    for each in [Project.open(p) for p in found.projects] if found else [proj]:
        each.ensure_signing_key()  # the serving side's Ed25519 key (outside the project), public half recorded in it
        copied = ensure_dashboards(each)
        if copied:
            console.print(f"Added missing dashboards to {rich_text(each.root)}/workbooks/dashboards: {', '.join(copied)}")
    if found and ensure_portfolio(found.root):
        console.print(f"Added the portfolio page: {rich_text(found.root)}/workbooks/dashboards/portfolio.ipynb")
    app = ServerApp.instance(config=config)
    app.initialize(argv=[])
    if not isinstance(app.authorizer, DashboardAuthorizer) or not isinstance(app.identity_provider, PhasebookIdentityProvider):
        raise click.ClickException("A Jupyter config file overrides the authorizer or identity provider; "
                                   "phasebook serve will not start without its own. Remove that setting.")
    url = f"http://{ip}:{port}{app.base_url}{portfolio_path() if found else overview_path()}"
    if found:
        console.print(f"Serving the portfolio of {len(found.projects)} projects in {rich_text(found.root)}")
    else:
        console.print(f"Serving the dashboards of [bold]{rich_text(proj.name)}[/] ({rich_text(proj.root)})")
    if shared:
        page = "Portfolio" if found else "Overview"
        console.print(f"{page} (shared link, unverified sign-offs): {url}?token={shared}", soft_wrap=True)
    if users_file:
        console.print(f"People open {url}?token=<their personal token> (verified sign-offs).", soft_wrap=True)
    if trusted_header:
        console.print(f"Behind the proxy, {url} identifies people by the {trusted_header} header.", soft_wrap=True)
    if "transport" not in config.KernelManager:
        from jupyter_core.paths import jupyter_runtime_dir

        console.print(f"Kernels use TCP ports: the runtime folder {rich_text(jupyter_runtime_dir())} is too deep for "
                      "Unix sockets; set JUPYTER_RUNTIME_DIR to a shorter private folder to use them.", soft_wrap=True)
    app.start()


def _portfolio(folder: Path):
    """The projects below ``folder`` when it is a folder of projects (no ``phasebook.yaml`` of its own), else None."""
    from ..project.portfolio import find_projects

    if not folder.is_dir() or (folder / "phasebook.yaml").exists():
        return None
    found = find_projects(folder)
    return found if found.projects else None


@cli.command(name="serve-user")
@click.argument("name")
@click.option("--role", default=None, help="The role this person signs in (fixed on their sign-offs); one of the "
              "roles of the project's flow (`phasebook flow show`). Without a role they can read but not sign.")
@click.option("--admin", is_flag=True, help="May use the whole server API (operators, not stakeholders).")
@click.option("--users", "users_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The users file to create or update.")
@click.option("--url", "server_url", default=DEFAULT_SERVER_URL, show_default=True, metavar="URL",
              help="Where people reach `phasebook serve` (its --ip and --port, or the proxy's address), "
                   "to print their link.")
def serve_user(name: str, role: str | None, admin: bool, users_file: Path, server_url: str) -> None:
    """Give NAME a personal token for `phasebook serve --users FILE` (printed once, stored hashed)."""
    from ..dashboards.identity import add_user
    from ..project import Project

    root = Project.find(".")
    if role and root is not None:
        Project.open(root).flow.check_role(role)

    from ..dashboards.serving import overview_path

    if not server_url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{server_url!r} is not an http:// or https:// address.", param_hint="--url")
    token = add_user(users_file, name, role, admin=admin)
    link = f"{server_url.rstrip('/')}/{overview_path()}?token={token}"
    console.print(f"Personal token for {name}: {token}", markup=False, soft_wrap=True)
    console.print(f"Their link (once `phasebook serve --users {users_file}` runs at {server_url}): {link}",
                  markup=False, soft_wrap=True)
    console.print("Send it privately; the token is stored only as a hash. Served at another address? "
                  "Give it with --url, or put it before the /voila/… part.", markup=False, soft_wrap=True)
