"""The configuration behind ``phasebook serve``: a dashboards-only jupyter_server with Voilà.

Why a jupyter_server with Voilà as an extension rather than standalone
``voila``: the server's ``IdentityProvider`` and ``Authorizer`` then guard
every route (``/api/contents``, ``/api/kernels``, ``/files``…), per-person
credentials and proxy headers reach ``req.current_user`` in Voilà's
``prelaunch_hook``, and ``MappingKernelManager`` culls idle kernels. The
price: Voilà's preheated kernels exist only in standalone mode (and never
with a ``prelaunch_hook``), so every page starts a fresh kernel.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from traitlets.config import Config

from ..project import Project, workbook_templates
from .authz import WIDGET_MESSAGES, DashboardAuthorizer, DashboardKernelManager
from .hooks import prelaunch_hook
from .identity import PhasebookIdentityProvider, load_users
from ..core.named_errors import InvalidValueError
from ..core.errors import MissingInputError

__all__ = ["ServeOptions", "serve_config", "kernel_transport", "ensure_dashboards", "DASHBOARDS", "overview_path", "dashboard_templates",
           "portfolio_path", "ensure_portfolio"]

#: largest request body the dashboards server accepts (widget messages travel over the websocket)
MAX_BODY = 1024 * 1024
DASHBOARDS = ("overview.ipynb", "signoff.ipynb", "monitoring.ipynb", "review.ipynb")
#: longest Unix socket path (``sun_path`` is 108 bytes on Linux, 104 on macOS, with its NUL)
SOCKET_PATH_MAX = 103
#: what a kernel's IPC socket adds to the runtime folder: ``/kernel-<uuid>-ipc-<n>`` with n up to 5 digits
IPC_SUFFIX = len("/kernel-") + 36 + len("-ipc-") + 5
#: Extensions a dashboards-only server must not load (editing UIs, terminals, the lab API).
DISABLED_EXTENSIONS = ("jupyterlab", "notebook", "notebook_shim", "jupyter_server_terminals", "jupyter_lsp",
                       "jupyterlab_git", "phasebook")


@dataclass
class ServeOptions:
    """What ``phasebook serve`` was asked for."""

    root: Path
    port: int = 8866
    ip: str = "127.0.0.1"
    token: str = ""
    users_file: str = ""
    trusted_header: str = ""
    shared_can_sign: bool = False
    trusted_header_secret: str = ""
    trusted_proxies: tuple[str, ...] = ()
    max_pages_per_viewer: int = 8
    max_pages: int = 40
    cull_idle_timeout: int = 600
    cull_interval: int = 60
    allow_root: bool = False
    #: the root is a folder of projects: its portfolio page is the landing page
    portfolio: bool = False
    extra: dict = field(default_factory=dict)


def overview_path() -> str:
    """The overview dashboard's URL path below the base URL."""
    return "voila/render/workbooks/dashboards/overview.ipynb"


def portfolio_path() -> str:
    """The portfolio page's URL path below the base URL (``phasebook serve DIR`` of a folder of projects)."""
    from .serverext import PORTFOLIO_PAGE

    return f"voila/render/{PORTFOLIO_PAGE}"


def ensure_portfolio(root: Path) -> bool:
    """Copy the portfolio page into ``root/workbooks/dashboards/`` unless the folder has its own; True if copied."""
    from .serverext import PORTFOLIO_PAGE

    target = Path(root) / PORTFOLIO_PAGE
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(Path(__file__).with_name("templates") / "portfolio.ipynb", target)
    return True


def dashboard_templates() -> Path | None:
    """The folder of the dashboard notebooks shipped with phasebook (None if absent)."""
    found = workbook_templates()
    here = Path(__file__).resolve().parents[1]
    for candidate in ([found / "dashboards"] if found else []) + [here / "workbooks" / "dashboards",
                                                                   here.parents[1] / "workbooks" / "dashboards"]:
        if (candidate / "overview.ipynb").exists():
            return candidate
    return None


def ensure_dashboards(project: Project) -> list[str]:
    """Copy missing dashboard notebooks into the project (never overwrite the team's copies)."""
    templates = dashboard_templates()
    copied: list[str] = []
    if templates is None:
        return copied
    target = project.root / "workbooks" / "dashboards"
    target.mkdir(parents=True, exist_ok=True)
    for name in DASHBOARDS:
        if not (target / name).exists() and (templates / name).exists():
            shutil.copy2(templates / name, target / name)
            copied.append(name)
    return copied


def kernel_transport(runtime_dir: str | None = None) -> str:
    """How the dashboards server talks to its kernels: ``"ipc"`` (Unix sockets in the runtime folder) where
    the sockets' paths fit, else ``"tcp"``.

    Over TCP the server picks five free ports, releases them, and the kernel binds them a second or two
    later: any other process on the machine may take one in between (a known race of jupyter_client, seen
    by papermill #511 and kernel_gateway #131), and that page's kernel then never answers. Unix sockets have
    no such window, and no other local user can reach them (the runtime folder is private).
    """
    if os.name != "posix":
        return "tcp"
    if runtime_dir is None:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime_dir = jupyter_runtime_dir()
    return "ipc" if len(os.fsencode(os.path.abspath(runtime_dir))) + IPC_SUFFIX <= SOCKET_PATH_MAX else "tcp"


def serve_config(opts: ServeOptions) -> Config:
    """The traitlets configuration of the dashboards-only server."""
    if opts.cull_idle_timeout < 1 or opts.cull_interval < 1:
        raise InvalidValueError(what="Kernel culling times", value=min(opts.cull_idle_timeout, opts.cull_interval),
            expected="at least 1 second")
    if opts.max_pages_per_viewer < 1 or opts.max_pages < opts.max_pages_per_viewer:
        raise InvalidValueError(what="Page caps", value=(opts.max_pages_per_viewer, opts.max_pages),
            expected="at least 1, and the server's cap at least the per-viewer one")
    if opts.trusted_header and not (opts.trusted_header_secret or opts.trusted_proxies):
        raise MissingInputError(what=f"a second proof that a request came through your proxy (--trusted-header {opts.trusted_header})",
            where="--trusted-header-secret (the proxy adds it in the X-Phasebook-Proxy-Secret header) or --trusted-proxy ADDRESS")
    load_users(opts.users_file or None)  # a bad users file fails here, with what to do
    c = Config()
    c.ServerApp.root_dir = str(opts.root)
    c.ServerApp.ip = opts.ip
    c.ServerApp.port = opts.port
    c.ServerApp.port_retries = 0
    c.ServerApp.open_browser = False
    c.ServerApp.allow_root = opts.allow_root
    c.ServerApp.terminals_enabled = False
    c.ServerApp.default_url = "/" + (portfolio_path() if opts.portfolio else overview_path())
    c.ServerApp.max_body_size = MAX_BODY  # tornado refuses bigger bodies from their headers
    c.ServerApp.max_buffer_size = MAX_BODY
    # Voilà is loaded by phasebook's extension, which puts its gates in place (see serverext)
    c.ServerApp.jpserver_extensions = {"voila.server_extension": False, "phasebook.dashboards.serverext": True,
                                       **{name: False for name in DISABLED_EXTENSIONS}}
    c.ServerApp.authorizer_class = DashboardAuthorizer
    c.ServerApp.identity_provider_class = PhasebookIdentityProvider
    c.ServerApp.kernel_manager_class = DashboardKernelManager
    c.IdentityProvider.token = opts.token
    c.PhasebookIdentityProvider.users_file = opts.users_file
    c.PhasebookIdentityProvider.trusted_header = opts.trusted_header
    c.PhasebookIdentityProvider.shared_can_sign = opts.shared_can_sign
    c.PhasebookIdentityProvider.trusted_header_secret = opts.trusted_header_secret
    c.PhasebookIdentityProvider.trusted_proxies = list(opts.trusted_proxies)
    c.DashboardKernelManager.max_kernels_per_viewer = opts.max_pages_per_viewer
    c.DashboardKernelManager.max_kernels = opts.max_pages
    c.MappingKernelManager.cull_idle_timeout = opts.cull_idle_timeout
    c.MappingKernelManager.cull_interval = opts.cull_interval
    c.MappingKernelManager.cull_connected = False
    c.MappingKernelManager.allowed_message_types = list(WIDGET_MESSAGES)
    if kernel_transport() == "ipc":
        c.KernelManager.transport = "ipc"
    c.VoilaConfiguration.prelaunch_hook = prelaunch_hook
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.show_tracebacks = False
    for section, values in opts.extra.items():
        for key, value in values.items():
            c[section][key] = value
    return c
