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

A kernel whose context the server set is a *viewer kernel*: :func:`set_context`
locks the store to sign-offs (:mod:`phasebook.store.guard`), and
:func:`open_dashboard_project` hands out a :class:`ViewerProject` — the read
methods of :class:`~phasebook.Project` plus ``sign_off`` as the viewer
(never as the server's OS user).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from ..core.errors import ProjectNotFoundError, ViewerWriteRefusedError
from ..core.events import Actor
from ..project import Project
from ..project import lock_to_signoffs, locked
from ..core.named_errors import OutsideServedFolderError

__all__ = ["Viewer", "ViewerProject", "set_context", "viewer", "server_root", "query_params", "open_dashboard_project",
           "READ_METHODS"]

#: what a viewer kernel may use of a Project (everything else is refused)
READ_METHODS = frozenset({"root", "name", "flow", "plan", "plan_path", "journal_path", "section", "events", "verify",
                          "status", "phase", "gate_content", "approved_content", "data_source", "integrity",
                          "require_intact", "scope_feasibility", "feasibility_record", "approval_event",
                          "active_delegation", "flow_file", "sections",
                          "findings", "due_times_passed", "review_items", "review_state", "waiting_for"})
#: the findings steps a viewer may take on the sign-off page, as themselves (issue 17)
FINDING_METHODS = frozenset({"raise_finding", "resolve_finding", "accept_finding", "reopen_finding"})


@dataclass(frozen=True)
class Viewer:
    """The person looking at the page, as the server knows them."""

    name: str | None  # None: the server knows no person (shared token)
    role: str | None = None
    verified: bool = False
    #: False when the server knows people personally and the operator did not allow the shared link to sign
    shared_can_sign: bool = True


_CONTEXT: dict = {}


def set_context(payload: str) -> None:
    """Record the server-side context (a JSON string written by the prelaunch hook). First call wins."""
    if _CONTEXT:
        return
    data = json.loads(payload)
    _CONTEXT.update(data)
    lock_to_signoffs()  # from here on this kernel writes nothing but the viewer's sign-offs


def viewer() -> Viewer:
    """The authenticated viewer (unverified and nameless when the server vouches for nobody)."""
    v = _CONTEXT.get("viewer") or {}
    if v.get("verified") and v.get("name"):
        return Viewer(name=str(v["name"]), role=v.get("role") or None, verified=True)
    return Viewer(name=None, role=None, verified=False, shared_can_sign=bool(_CONTEXT.get("shared_can_sign", True)))


def server_root() -> Path | None:
    """The server's root folder (only known when the hook ran)."""
    root = _CONTEXT.get("root_dir")
    return Path(root).resolve() if root else None


def query_params() -> dict[str, str]:
    """``project``, ``gate`` and ``sample`` from the page's query string (other keys, like ``token``, are ignored)."""
    parsed = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {k: parsed[k][0] for k in ("project", "gate", "sample") if parsed.get(k)}


class ViewerProject:
    """A viewer's view of a :class:`~phasebook.Project`: its read methods, and ``sign_off`` as that viewer.

    A verified viewer signs only as themselves (name, verified); a viewer the
    server does not know signs unverified, under the name they type. Any
    other attribute (``save_section``, ``decide``, ``check_source``, ``record``…)
    raises :class:`~phasebook.core.errors.ViewerWriteRefusedError`.
    """

    __slots__ = ("_project", "_viewer")

    def __init__(self, project: Project, who: "Viewer") -> None:
        object.__setattr__(self, "_project", project)
        object.__setattr__(self, "_viewer", who)

    def __getattr__(self, name: str) -> Any:
        if name in READ_METHODS:
            return getattr(self._project, name)
        if name in FINDING_METHODS:
            method = getattr(self._project, name)

            def as_viewer(*args: Any, actor: Actor | None = None, **kwargs: Any) -> Any:
                if actor is None:
                    raise ViewerWriteRefusedError(what=f"{name.replace('_', ' ')} without saying who")
                self._check_actor(actor)
                return method(*args, actor=actor, **kwargs)

            return as_viewer
        raise ViewerWriteRefusedError(what=f"{name.replace('_', ' ')}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise ViewerWriteRefusedError(what=f"changing {name}")

    def sign_off(self, gate: str, actor: Actor, decision: str, comment: str = "", **kwargs: Any):
        """Record the viewer's decision; an actor that is not this viewer is refused."""
        self._check_actor(actor)
        return self._project.sign_off(gate, actor, decision, comment, **kwargs)

    def _check_actor(self, actor: Actor, *, doing: str = "signing", record: str = "sign-off") -> None:
        """Refuse an actor that is not this viewer (a verified viewer acts only as themselves)."""
        who = self._viewer
        if who.verified and (actor.name != who.name or not actor.verified or (who.role and actor.role != who.role)):
            raise ViewerWriteRefusedError(what=f"{doing} as anyone but {who.name}")
        if not who.verified and actor.verified:
            raise ViewerWriteRefusedError(what=f"a verified {record} from a page the server does not vouch for")

    def judge(self, sample_id: str, item: str, metric: str, answer: str, note: str = "", *, actor: Actor):
        """Record the viewer's judgement of a sampled output (review page); the same identity rule as ``sign_off``."""
        self._check_actor(actor, doing="judging", record="judgement")
        return self._project.judge(sample_id, item, metric, answer, note, actor=actor)


def open_dashboard_project(project_dir: str = "", *, cwd: str | os.PathLike = ".") -> Project:
    """Open the project of the page.

    ``?project=`` (a path relative to the server's root folder, confined to
    it) wins; else ``project_dir`` from the notebook's parameters cell (set
    by its author, trusted); else the project around ``cwd``.

    Raises:
        BadInputError: ``?project=`` leaves the server's root folder.
        ProjectNotFoundError: no project there.
    """
    project = _open(project_dir, cwd)
    return ViewerProject(project, viewer()) if locked() else project  # type: ignore[return-value]


def _open(project_dir: str, cwd: str | os.PathLike) -> Project:
    asked = query_params().get("project")
    if not asked:
        return Project.open(project_dir or cwd)
    root = server_root() or Path(cwd).resolve()
    candidate = (root / asked).resolve()
    if candidate != root and root not in candidate.parents:
        raise OutsideServedFolderError(path=asked)
    if not (candidate / "phasebook.yaml").is_file():
        raise ProjectNotFoundError(path=asked)
    return Project.open(candidate)
