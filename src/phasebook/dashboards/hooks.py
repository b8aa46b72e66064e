"""Voilà's ``prelaunch_hook``: hand the authenticated viewer to the dashboard kernel.

Runs in the server before the kernel starts, with the tornado handler of the
page request. It reads ``req.current_user`` (set by the server's identity
provider: ours, JupyterHub's, or the shared-token anonymous user) and
injects a first cell that records the viewer in
:mod:`phasebook.dashboards.context`. The payload is a Python string literal
made with ``repr`` of JSON, so no name can break out of it. Nothing the
browser sends (query string, form fields) reaches the identity.

It also remembers, for the kernel manager, which user the kernel about to
start belongs to (see :mod:`phasebook.dashboards.authz`).
"""

from __future__ import annotations

import json
from typing import Any

import nbformat

from .authz import PENDING_OWNER
from .identity import PhasebookIdentityProvider, is_personal

__all__ = ["prelaunch_hook", "viewer_payload"]

MARKER = "phasebook-viewer"


def viewer_payload(req: Any) -> dict[str, Any]:
    """The context the kernel gets: ``{"viewer": {name, role, verified}, "root_dir": …}``."""
    user = req.current_user
    provider = getattr(req, "identity_provider", None)
    viewer: dict[str, Any] = {"name": None, "role": None, "verified": False}
    if is_personal(user, provider):
        name = user.name or user.display_name or user.username
        if isinstance(provider, PhasebookIdentityProvider):
            name = user.name
            viewer["role"] = provider.role_of(user)
        viewer.update(name=name, verified=True)
    root = req.settings.get("server_root_dir") or req.settings.get("root_dir") or ""
    shared_can_sign = provider.shared_may_sign() if isinstance(provider, PhasebookIdentityProvider) else True
    return {"viewer": viewer, "root_dir": str(root), "shared_can_sign": shared_can_sign}


def prelaunch_hook(req: Any, notebook: Any, cwd: str) -> Any:
    """Insert the viewer cell at the top of ``notebook`` (Voilà strips its source from the page)."""
    payload = json.dumps(viewer_payload(req))
    source = f"import phasebook.dashboards.context as _pb_context\n_pb_context.set_context({payload!r})\ndel _pb_context"
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [MARKER]})
    notebook.cells = [c for c in notebook.cells if MARKER not in c.get("metadata", {}).get("tags", [])]
    notebook.cells.insert(0, cell)
    PENDING_OWNER.set(getattr(req.current_user, "username", None))
    return notebook
