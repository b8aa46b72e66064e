"""The thin handlers behind ``/phasebook/``: each resolves a path and calls Project.

Project paths in URLs are relative to the server root, either as plain
segments (``a/b``) or URL-encoded (``a%2Fb``); ``.`` or ``./`` is the root
itself (the frontend sends ``%2E%2F``: browsers drop a ``%2E`` segment). A path
inside a project (its ``workbooks/`` folder, a notebook) finds the project
above it, but never one above the server root.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .. import __version__
from ..core.attention import attention
from ..core.errors import ProjectNotFoundError
from ..project import Project
from ..project.portfolio import find_projects
from .base import PhasebookHandler, bad_request

__all__ = [
    "API_VERSION",
    "InfoHandler",
    "ProjectsHandler",
    "StatusHandler",
    "SignoffsHandler",
    "RunsHandler",
    "RunHandler",
]

#: bumped when a route or a body changes incompatibly; the frontend checks it
API_VERSION = 1
#: longest project display name accepted
MAX_NAME = 200


class InfoHandler(PhasebookHandler):
    """``GET info``: versions, for the frontend's handshake."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        extensions = self.settings.get("phasebook_extensions", {})
        self.send({"name": "phasebook", "version": __version__, "api_version": API_VERSION,
                   "voila": bool(extensions.get("voila"))})


class ProjectsHandler(PhasebookHandler):
    """``GET projects`` lists the projects under the root; ``POST projects`` creates one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.send({"projects": await self.off_loop(self._list)})

    def _list(self) -> list[dict[str, Any]]:
        found = []
        for folder in find_projects(self.root_dir).projects:  # the one bounded walk (project/portfolio.py)
            plan = folder / "phasebook.yaml"
            entry: dict[str, Any] = {"path": self.relative(plan.parent)}
            try:
                entry["name"] = Project.open(plan.parent).name
            except Exception as exc:  # a damaged project is still listed, with why
                entry["name"] = plan.parent.name
                entry["error"] = self.scrub(getattr(exc, "message", type(exc).__name__))
            found.append(entry)
        return found

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        path, name = body.get("path"), body.get("name")
        if not isinstance(path, str) or not path.strip():
            raise bad_request("Give 'path': the folder (relative to the JupyterLab root) to create the project in.")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise bad_request("'name' must be a non-empty string (the project's display name), or left out.")
        target = self.resolve(path)
        if target == self.root_dir:
            raise bad_request("Create the project in a new folder, not in the JupyterLab root itself.")
        if name is not None and len(name) > MAX_NAME:
            raise bad_request(f"'name' is longer than {MAX_NAME} characters; give a short display name.")
        project = await self.off_loop(lambda: Project.new(target, name=name.strip() if name else None))
        rel = self.relative(project.root)
        self.send({"path": rel, "name": project.name, "scoping_notebook": f"{rel}/workbooks/01_scoping.ipynb"},
                  status=201)


class _ProjectHandler(PhasebookHandler):
    def project(self, path: str) -> Project:
        """Open the project at or above ``path`` (inside the root) or raise 404."""
        target = self.resolve(path)
        root = Project.find(target)
        if root is None or (root != self.root_dir and self.root_dir not in root.parents):
            raise ProjectNotFoundError(path=self.relative(target) or ".")
        return Project.open(root)


class StatusHandler(_ProjectHandler):
    """``GET projects/{path}/status``: the folded status plus the flow, cheap to poll.

    The ETag is built from the size and mtime of the plan and the journal;
    a poll whose ``If-None-Match`` still matches gets a 304 without folding.
    """

    def compute_etag(self) -> str | None:
        return getattr(self, "_pb_etag", None)

    def _roles(self) -> list[str]:
        """The roles the server's identity gives the current person (none when it knows no roles)."""
        role_of = getattr(getattr(self, "identity_provider", None), "role_of", None)
        role = role_of(self.current_user) if callable(role_of) else None
        return [role] if role else []

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        project = await self.off_loop(self.project, path)
        stamp = []
        for f in (project.plan_path, project.journal_path, project.flow_file or project.plan_path):
            st = os.stat(f) if f.exists() else None
            stamp.append(f"{st.st_size}:{st.st_mtime_ns}" if st else "-")
        running = [j.to_dict() for j in self.runs.jobs_for(self.relative(project.root))]
        stamp.append(repr([(j["id"], j["state"], j["done_cells"]) for j in running]))
        stamp.append(str(project.due_times_passed()))  # an approval lapses with time alone (findings)
        roles = self._roles()
        stamp.append(",".join(roles))  # attention depends on who asks
        self._pb_etag = '"' + hashlib.sha1("|".join(stamp).encode()).hexdigest()[:20] + '"'
        self.set_etag_header()
        if self.check_etag_header():
            self.set_status(304)
            self.finish()
            return
        folded = await self.off_loop(project.status)
        status = folded.model_dump(mode="json")
        status["waiting_for_you"] = await self.off_loop(lambda: _waiting_for_you(project, folded, roles))
        flow = project.flow
        for run in status.get("recent_runs", []):  # the journal keeps project-relative output paths
            if run.get("output_path"):
                run["output_path"] = self.relative_or_none(project.root / run["output_path"])
        report = project.integrity()
        status["attention"] = attention(folded, flow, roles)  # what the sidebar badges (core.attention)
        status.update(
            integrity={"ok": report.ok, "check": report.check, "message": "" if report.ok else report.message()},
            path=self.relative(project.root),
            phases=[p.model_dump(mode="json") for p in flow.phases],
            tracks=list(flow.tracks),
            track_titles={t: flow.title_of(t) for t in flow.tracks},
            jobs=running,
        )
        self.send(status)


def _waiting_for_you(project: Project, folded: Any, roles: list[str]) -> dict:
    """What waits for the person the sidebar shows (:func:`phasebook.core.attention.waiting_for`).

    The person is the local user (``$PHASEBOOK_USER`` or the login name) in ``$PHASEBOOK_ROLE``, else in the
    role the server's identity gives them (no role: only their own stale approvals, delegations and findings).
    """
    from ..project.base import default_actor

    me = default_actor(os.environ.get("PHASEBOOK_ROLE") or (roles[0] if roles else None))
    return {"name": me.name, "role": me.role,
            "items": [i.model_dump(mode="json") for i in project.waiting_for(me.name, me.role, folded)]}


class SignoffsHandler(_ProjectHandler):
    """``GET projects/{path}/signoffs``: each gate's state and who signed."""

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        status = await self.off_loop(lambda: self.project(path).status())
        self.send({"gates": {name: g.model_dump(mode="json") for name, g in status.gates.items()}})


class RunsHandler(_ProjectHandler):
    """``POST projects/{path}/runs`` starts a phase run; ``GET`` lists this server's jobs."""

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        project = await self.off_loop(self.project, path)
        self.send({"runs": [j.to_dict() for j in self.runs.jobs_for(self.relative(project.root))]})

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        body = self.json_body()
        project = await self.off_loop(self.project, path)
        phase = body.get("phase")
        runnable = [p.name for p in project.flow.phases if p.notebook]
        if phase not in runnable:
            raise bad_request(f"'phase' must name a phase with a notebook: one of {', '.join(runnable)}.")
        parameters = body.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise bad_request("'parameters' must be a JSON object of notebook parameters (name: value).")
        force = body.get("force", False)
        if not isinstance(force, bool):
            raise bad_request("'force' must be true or false.")
        job = self.runs.start(project.root, phase, parameters, force)
        self.set_header("Location", self.request.path.rstrip("/") + "/" + job.id)
        self.send(job.to_dict(), status=202)


class RunHandler(_ProjectHandler):
    """``GET projects/{path}/runs/{id}``: a job's progress, then its result or error."""

    @web.authenticated
    @authorized
    async def get(self, path: str, job_id: str) -> None:
        project = await self.off_loop(self.project, path)
        job = self.runs.get(job_id)
        if job is None or job.project_path != self.relative(project.root):
            raise web.HTTPError(404, reason="run_not_found",
                                log_message=f"No run {job_id!r} for this project on this server "
                                "(runs are kept until the server restarts; the journal keeps them all).")
        self.send(job.to_dict())


