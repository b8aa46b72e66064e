"""Dashboards-only authorization for ``phasebook serve``.

:class:`DashboardAuthorizer` is the one place that decides what a viewer may
do through jupyter_server's REST and websocket APIs. Viewers (everyone but
people marked ``admin`` in the users file) may read the dashboards and talk
to *their own* dashboard kernels over the websocket, nothing else: no file
reads or writes through ``/api/contents`` or ``/files``, no starting,
listing, interrupting or deleting kernels through ``/api/kernels``, no
sessions, terminals, JupyterLab or nbconvert.

"Their own" kernels: :class:`DashboardKernelManager` records who each
kernel was started for. Voilà starts a page's kernel in the same task that
ran the prelaunch hook, which sets :data:`PENDING_OWNER`; the kernel manager
takes it when the kernel starts.

Kernels are bounded: :meth:`DashboardKernelManager.admit` refuses a page
over :attr:`~DashboardKernelManager.max_kernels_per_viewer` kernels for that
viewer or :attr:`~DashboardKernelManager.max_kernels` in all (pages being
rendered count too), with a message for the "too many open pages" page.
"""

from __future__ import annotations

import contextvars
from typing import Any

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer, TraitError

__all__ = ["DashboardAuthorizer", "DashboardKernelManager", "PENDING_OWNER", "VIEWER_ALLOWED", "WIDGET_MESSAGES"]

#: The username a kernel about to start belongs to (set by the prelaunch hook).
PENDING_OWNER: contextvars.ContextVar[str | None] = contextvars.ContextVar("phasebook_pending_owner", default=None)

#: (action, resource) pairs every authenticated viewer may use.
VIEWER_ALLOWED = {("read", "kernelspecs"), ("read", "api")}

#: Kernel messages a dashboard page may send: widgets only, never code (``execute_request``).
WIDGET_MESSAGES = ["comm_msg", "comm_open", "comm_close", "comm_info_request", "kernel_info_request"]


class DashboardKernelManager(AsyncMappingKernelManager):
    """A mapping kernel manager that remembers which user each kernel was started for."""

    max_kernels_per_viewer = Integer(8, config=True, help="Dashboard pages (kernels) one viewer may have open at once; "
                                     "one more shows 'too many open pages'. Example: 8.")
    max_kernels = Integer(40, config=True, help="Dashboard pages (kernels) open at once on the whole server; "
                          "one more shows 'too many open pages'. Example: 40 (each kernel takes ~65-150 MB).")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kernel_owners: dict[str, str | None] = {}
        self._rendering: dict[str | None, int] = {}

    def admit(self, owner: str | None) -> str | None:
        """Reserve a page's kernel for ``owner``; the reason for refusing when over a cap, else None."""
        mine = sum(1 for o in self.kernel_owners.values() if o == owner) + self._rendering.get(owner, 0)
        everyone = len(self.kernel_owners) + sum(self._rendering.values())
        if mine >= self.max_kernels_per_viewer:
            return (f"You have {mine} dashboard pages open on this server, the most one person may have. "
                    "Close a tab you no longer need, then reload this page.")
        if everyone >= self.max_kernels:
            return (f"This server has {everyone} dashboard pages open, as many as it serves at once. "
                    "Close a tab you no longer need, or try again in a few minutes.")
        self._rendering[owner] = self._rendering.get(owner, 0) + 1
        return None

    def release(self, owner: str | None) -> None:
        """The page for ``owner`` has finished rendering (its kernel, if any, is now counted as running)."""
        left = self._rendering.get(owner, 0) - 1
        if left > 0:
            self._rendering[owner] = left
        else:
            self._rendering.pop(owner, None)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        owner = PENDING_OWNER.get()
        PENDING_OWNER.set(None)
        kernel_id = await super().start_kernel(*args, **kwargs)
        self.kernel_owners[kernel_id] = owner
        return kernel_id

    def list_kernels(self) -> list[dict[str, Any]]:
        """Kernel models, skipping kernels still starting or just removed (avoids a listing race)."""
        models = []
        for kernel_id in list(self._kernels):
            try:
                models.append(self.kernel_model(kernel_id))
            except (KeyError, TraitError):
                continue
        return models

    def remove_kernel(self, kernel_id: str):  # type: ignore[override]
        self.kernel_owners.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)


class DashboardAuthorizer(Authorizer):
    """Admins may do anything; viewers read dashboards and use their own dashboard kernels."""

    def is_admin(self, user: Any) -> bool:
        checker = getattr(self.identity_provider, "is_admin", None)
        return bool(checker and checker(user))

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if user is None:
            return False
        if self.is_admin(user):
            return True
        if (action, resource) in VIEWER_ALLOWED:
            return True
        if resource == "kernels" and action in ("read", "execute"):
            kernel_id = getattr(handler, "kernel_id", None) or (getattr(handler, "path_kwargs", None) or {}).get("kernel_id")
            owners = getattr(handler.kernel_manager, "kernel_owners", {})
            allowed = kernel_id in owners and owners[kernel_id] == getattr(user, "username", None)
        else:
            allowed = False
        if not allowed:
            self.log.warning("phasebook: refused %s on %s to a viewer (%s %s)", action, resource,
                             handler.request.method, handler.request.path)
        return allowed
