"""A tiny jupyter_server extension for ``phasebook serve``: dashboards only.

JupyterLab, the classic tree and terminals are not loaded by ``phasebook
serve``; their URLs answer 403 to viewers (the :class:`DashboardAuthorizer`
decides) and 404 to admins, with a message saying where to go instead. The
server's landing page is the overview dashboard. Voilà's shutdown-on-close
route is taken over so that a viewer can close only their own kernel.
"""

from __future__ import annotations

from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

__all__ = ["NotServedHandler", "OwnKernelShutdownHandler", "BLOCKED_PREFIXES"]

BLOCKED_PREFIXES = ("lab", "tree", "notebooks", "edit", "terminals", "doc")


class NotServedHandler(JupyterHandler):
    """Refuse the editing UIs on a dashboards-only server."""

    auth_resource = "lab"

    @web.authenticated
    def get(self, *args: str) -> None:
        if not self.authorizer.is_authorized(self, self.current_user, "read", "lab"):
            raise web.HTTPError(403, "This server serves phasebook dashboards only; viewers cannot open JupyterLab.")
        raise web.HTTPError(404, "JupyterLab is not served here: run `jupyter lab` in the project to edit it.")


class OwnKernelShutdownHandler(APIHandler):
    """Voilà's shutdown-on-page-close, limited to the viewer's own kernel (the authorizer decides)."""

    auth_resource = "kernels"

    @web.authenticated
    async def post(self, kernel_id: str) -> None:
        self.kernel_id = kernel_id
        if not self.authorizer.is_authorized(self, self.current_user, "execute", "kernels"):
            raise web.HTTPError(403, "A viewer can only close their own dashboard's kernel.")
        if kernel_id in self.kernel_manager:
            await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
        self.set_status(204)
        self.finish()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "phasebook.dashboards.serverext"}]


def _load_jupyter_server_extension(serverapp) -> None:
    base = serverapp.web_app.settings["base_url"]
    handlers = [(url_path_join(base, prefix) + r"(/.*)?", NotServedHandler) for prefix in BLOCKED_PREFIXES]
    handlers.append((url_path_join(base, r"/voila/api/shutdown/(.*)"), OwnKernelShutdownHandler))
    serverapp.web_app.add_handlers(".*$", handlers)
