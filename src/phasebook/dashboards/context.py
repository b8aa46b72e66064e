"""What a dashboard kernel knows about its page: the viewer and the parameters.

The *viewer* is set only by the server: Voilà's ``prelaunch_hook`` (see
:mod:`phasebook.dashboards.hooks`) injects a first cell calling
:func:`set_context` with the identity the server authenticated, before the
kernel runs anything else. Viewers cannot run code in a dashboard kernel
(the server admits only widget messages), so nothing the browser sends can
change it. Without the hook (a notebook opened elsewhere) there is no
verified viewer and the sign-off widget asks for a name, recorded unverified.

Parameters (``?project=…&gate=…``) come from the query string Voilà puts in
the kernel's ``QUERY_STRING``; only those two keys are read, never echoed
raw (the query string can hold the server token).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from ..core.errors import BadInputError, ProjectNotFoundError
from ..project import Project

__all__ = ["Viewer", "set_context", "viewer", "server_root", "query_params", "open_dashboard_project"]


@dataclass(frozen=True)
class Viewer:
    """The person looking at the page, as the server knows them."""

    name: str | None  # None: the server knows no person (shared token)
    role: str | None = None
    verified: bool = False


_CONTEXT: dict = {}


def set_context(payload: str) -> None:
    """Record the server-side context (a JSON string written by the prelaunch hook). First call wins."""
    if _CONTEXT:
        return
    data = json.loads(payload)
    _CONTEXT.update(data)


def viewer() -> Viewer:
    """The authenticated viewer (unverified and nameless when the server vouches for nobody)."""
    v = _CONTEXT.get("viewer") or {}
    if v.get("verified") and v.get("name"):
        return Viewer(name=str(v["name"]), role=v.get("role") or None, verified=True)
    return Viewer(name=None, role=None, verified=False)


def server_root() -> Path | None:
    """The server's root folder (only known when the hook ran)."""
    root = _CONTEXT.get("root_dir")
    return Path(root).resolve() if root else None


def query_params() -> dict[str, str]:
    """``project``, ``gate`` and ``sample`` from the page's query string (other keys, like ``token``, are ignored)."""
    parsed = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {k: parsed[k][0] for k in ("project", "gate", "sample") if parsed.get(k)}


def open_dashboard_project(project_dir: str = "", *, cwd: str | os.PathLike = ".") -> Project:
    """Open the project of the page.

    ``?project=`` (a path relative to the server's root folder, confined to
    it) wins; else ``project_dir`` from the notebook's parameters cell (set
    by its author, trusted); else the project around ``cwd``.

    Raises:
        BadInputError: ``?project=`` leaves the server's root folder.
        ProjectNotFoundError: no project there.
    """
    asked = query_params().get("project")
    if not asked:
        return Project.open(project_dir or cwd)
    root = server_root() or Path(cwd).resolve()
    candidate = (root / asked).resolve()
    if candidate != root and root not in candidate.parents:
        raise BadInputError(message=f"The project {asked!r} is outside the served folder; use a path inside it.")
    if not (candidate / "phasebook.yaml").is_file():
        raise ProjectNotFoundError(path=asked)
    return Project.open(candidate)
