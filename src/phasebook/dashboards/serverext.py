"""A jupyter_server extension for ``phasebook serve``: Voilà behind an allowlist.

Viewers may render the project's dashboard notebooks and nothing else:

* ``/voila/render/<path>`` renders only a dashboard (:func:`is_dashboard`:
  ``<project>/workbooks/dashboards/*.ipynb`` under the server root, symlinks
  resolved, and the portfolio page of a served folder of projects) — any other notebook, a phase notebook included, is 403, for
  every user (an admin edits in JupyterLab, not here);
* Voilà's tree, contents listing, files and execution routes are 403;
* JupyterLab, the classic tree and terminals answer 403 to viewers and 404
  to admins, with where to go instead;
* a page's kernel counts against a cap per viewer and overall
  (:class:`~phasebook.dashboards.authz.DashboardKernelManager`); over the cap
  the viewer gets a "too many open pages" page (429) and no kernel starts;
* the page sets the ``_xsrf`` cookie, so its close beacon reaches
  ``/voila/api/shutdown/<id>`` and frees the kernel at once; that route is
  limited to the viewer's own kernel.

The gates replace Voilà's handler classes in the server's routing table, so
they hold whatever order the extensions load in: ``phasebook serve`` loads
Voilà from here (:func:`_load_jupyter_server_extension`), and the start hook
gates a Voilà loaded separately.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ..core.escape import html_text

__all__ = ["PORTFOLIO_PAGE", "NotServedHandler", "OwnKernelShutdownHandler", "GatedVoilaHandler", "ForbiddenHandler", "BLOCKED_PREFIXES",
           "is_dashboard", "gate_voila"]

#: the portfolio page of a served folder of projects, relative to the server root
PORTFOLIO_PAGE = "workbooks/dashboards/portfolio.ipynb"
BLOCKED_PREFIXES = ("lab", "tree", "notebooks", "edit", "terminals", "doc")


def is_dashboard(root: str | Path, rel: str) -> bool:
    """True when ``rel`` (relative to the server root, already URL-decoded once, exactly as Voilà gets it)
    is a project's dashboard notebook, or the root's portfolio page when the root is a folder of projects
    (:data:`PORTFOLIO_PAGE`; a project's own folder has none)."""
    root_path = Path(root).expanduser().resolve()
    rel = rel or ""
    if not rel or "\x00" in rel or len(rel) > 1024:
        return False
    try:
        target = (root_path / rel).resolve()
    except (OSError, ValueError):
        return False
    if root_path not in target.parents or target.suffix != ".ipynb" or not target.is_file():
        return False
    folder = target.parent
    if target == root_path / PORTFOLIO_PAGE and not (root_path / "phasebook.yaml").exists():
        return True  # the portfolio page of a folder of projects (phasebook serve DIR)
    return (folder.name == "dashboards" and folder.parent.name == "workbooks"
            and (folder.parent.parent / "phasebook.yaml").is_file()
            and (folder.parent.parent == root_path or root_path in folder.parent.parent.parents))


def _page(title: str, message: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html_text(title)}</title></head>"
            f"<body style='font-family:system-ui,sans-serif;max-width:40em;margin:3em auto'>"
            f"<h1>{html_text(title)}</h1><p role='alert'>{html_text(message)}</p></body></html>")


class NotServedHandler(JupyterHandler):
    """Refuse the editing UIs on a dashboards-only server."""

    auth_resource = "lab"

    @web.authenticated
    def get(self, *args: str) -> None:
        if not self.authorizer.is_authorized(self, self.current_user, "read", "lab"):
            raise web.HTTPError(403, "This server serves phasebook dashboards only; viewers cannot open JupyterLab.")
        raise web.HTTPError(404, "JupyterLab is not served here: run `jupyter lab` in the project to edit it.")


class ForbiddenHandler(JupyterHandler):
    """Voilà's tree, contents, files and execution routes: never served by ``phasebook serve``."""

    def initialize(self, **_kwargs: Any) -> None:
        """Accept (and ignore) the arguments Voilà registered its own handler with."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise web.HTTPError(403, "This server serves the project's dashboards only.")

    get = post = put = delete = patch = head = _refuse


class OwnKernelShutdownHandler(APIHandler):
    """Voilà's shutdown-on-page-close, limited to the viewer's own kernel (the authorizer decides)."""

    auth_resource = "kernels"

    def initialize(self, **_kwargs: Any) -> None:
        """Accept the arguments of the handler it replaces."""

    @web.authenticated
    async def post(self, kernel_id: str) -> None:
        self.kernel_id = kernel_id
        if not self.authorizer.is_authorized(self, self.current_user, "execute", "kernels"):
            raise web.HTTPError(403, "A viewer can only close their own dashboard's kernel.")
        if kernel_id in self.kernel_manager:
            await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
        self.set_status(204)
        self.finish()


def _gated_class():
    from voila.tornado.handler import TornadoVoilaHandler

    class GatedVoilaHandler(TornadoVoilaHandler):
        """Voilà's page handler, for dashboards only, within the kernel caps."""

        _pb_owner: str | None = None

        async def prepare(self) -> None:  # type: ignore[override]
            await super().prepare()
            if self.current_user is None:
                return  # get() is @authenticated: it redirects or refuses
            path = self.path_args[0] if self.path_args else ""
            root = self.settings.get("server_root_dir") or self.settings.get("root_dir") or "."
            if not is_dashboard(root, path):
                raise web.HTTPError(403, "Only the project's dashboards are served here.")
            manager = self.kernel_manager
            owner = getattr(self.current_user, "username", None)
            refusal = manager.admit(owner) if hasattr(manager, "admit") else None
            if refusal:
                self.set_status(429)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Retry-After", "30")
                self.finish(_page("Too many open pages", refusal))
                return
            self._pb_owner = owner
            self.xsrf_token  # noqa: B018 - sets the _xsrf cookie the page's close beacon sends

        def _release(self) -> None:
            if self._pb_owner is not None and hasattr(self.kernel_manager, "release"):
                self.kernel_manager.release(self._pb_owner)
                self._pb_owner = None

        def on_finish(self) -> None:
            self._release()
            super().on_finish()

        def on_connection_close(self) -> None:  # the tab closed before the page finished: on_finish never runs
            self._release()
            super().on_connection_close()

    return GatedVoilaHandler


def __getattr__(name: str) -> Any:  # GatedVoilaHandler is built lazily: importing Voilà is not free
    if name == "GatedVoilaHandler":
        return _gated_class()
    raise AttributeError(name)


def gate_voila(web_app: Any) -> int:
    """Replace Voilà's handler classes in ``web_app``'s routing table with the gated ones; returns how many."""
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.static_file_handler import AllowListFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.execution_request_handler import ExecutionRequestHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    gated = web_app.settings.setdefault("phasebook_gated_voila", _gated_class())
    swaps = {TornadoVoilaHandler: gated, VoilaShutdownKernelHandler: OwnKernelShutdownHandler}
    swaps.update({cls: ForbiddenHandler for cls in (TornadoVoilaTreeHandler, VoilaContentsHandler,
                                                    AllowListFileHandler, ExecutionRequestHandler)})
    count = 0
    for host_rule in web_app.default_router.rules:
        for rule in getattr(host_rule.target, "rules", []):
            if rule.target in swaps:
                rule.target = swaps[rule.target]
                count += 1
    return count


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "phasebook.dashboards.serverext"}]


def _load_jupyter_server_extension(serverapp) -> None:
    web_app = serverapp.web_app
    base = web_app.settings["base_url"]
    handlers = [(url_path_join(base, prefix) + r"(/.*)?", NotServedHandler) for prefix in BLOCKED_PREFIXES]
    web_app.add_handlers(".*$", handlers)
    if not (serverapp.jpserver_extensions or {}).get("voila.server_extension"):
        from voila.server_extension import _load_jupyter_server_extension as load_voila

        load_voila(serverapp)
    gate_voila(web_app)


async def _start_jupyter_server_extension(serverapp) -> None:
    """Gate a Voilà that loaded after this extension (another host's configuration)."""
    gate_voila(serverapp.web_app)
