"""The handler base class: path confinement, JSON bodies and the one error mapping.

Every phasebook handler derives from :class:`PhasebookHandler`. Errors reach
the client as ``{"code", "message"}`` JSON bodies and never as tracebacks:

* a :class:`~phasebook.core.errors.PhasebookError` uses its own
  ``http_status`` and ``to_dict()`` (bad input 400, not found 404,
  conflict 409, damaged file 500);
* a :class:`tornado.web.HTTPError` keeps its status (403 for a path
  outside the root, 400 for a bad body, 405 …);
* anything else is a 500 with a generic message; the traceback goes to
  the server log only.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..core.errors import PhasebookError

__all__ = ["PhasebookHandler", "bad_request"]


def bad_request(message: str) -> web.HTTPError:
    """A 400 whose message says what was wrong with the request and what to send."""
    return web.HTTPError(400, reason="bad request", log_message=message)


class PhasebookHandler(APIHandler):
    """Base of the phasebook handlers (see the module docstring for the error contract).

    Every verb is ``@web.authenticated`` and ``@authorized`` on the resource
    ``phasebook`` (GET reads, POST writes), so a server's Authorizer (a
    JupyterHub's, ``phasebook serve``'s) can refuse it.
    """

    auth_resource = "phasebook"

    @property
    def root_dir(self) -> Path:
        """The server's root directory, resolved (every path is confined to it)."""
        return Path(self.settings["phasebook_root_dir"])

    @property
    def runs(self):
        """The :class:`~phasebook.server.runs.RunManager` stored in the web app's settings."""
        return self.settings["phasebook_runs"]

    # paths -------------------------------------------------------------------
    def resolve(self, rel: str) -> Path:
        """Resolve a path given relative to the server root; refuse anything outside it.

        Raises:
            tornado.web.HTTPError: 403 when the path (``..``, an absolute
            path, a symlink) leads outside the root directory.
        """
        rel = (rel or "").strip()
        target = (self.root_dir / rel).resolve()
        if target != self.root_dir and self.root_dir not in target.parents:
            raise web.HTTPError(
                403, reason="forbidden",
                log_message=f"The path {rel!r} is outside the server's root directory; "
                "give a path relative to the folder JupyterLab serves.",
            )
        return target

    def relative(self, path: Path) -> str:
        """``path`` relative to the server root, with ``/`` separators ('' for the root)."""
        rel = Path(path).resolve().relative_to(self.root_dir).as_posix()
        return "" if rel == "." else rel

    def relative_or_none(self, path: Path) -> str | None:
        """Like :meth:`relative`, but None for a path outside the root (never leak it)."""
        try:
            return self.relative(path)
        except ValueError:
            return None

    # bodies ------------------------------------------------------------------
    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object (400 with a message otherwise)."""
        raw = self.request.body or b"{}"
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"The request body is not valid JSON ({exc}); send a JSON object.") from None
        if not isinstance(data, dict):
            raise bad_request(f"The request body must be a JSON object, not {type(data).__name__}.")
        return data

    def send(self, data: Any, status: int = 200) -> None:
        """Finish with a JSON body."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    # the one error mapping -----------------------------------------------------
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Turn any exception into ``{code, message}``; never send a traceback."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, PhasebookError):
            status_code = exc.http_status
            body = exc.to_dict()
        elif isinstance(exc, web.HTTPError):
            status_code = exc.status_code
            code = (exc.reason or HTTPStatus(status_code).phrase).lower().replace(" ", "_")
            message = exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message
            body = {"code": code, "message": message or HTTPStatus(status_code).phrase}
        else:
            status_code = 500
            body = {
                "code": "internal_error",
                "message": "phasebook hit an internal error; the details are in the Jupyter server's log.",
            }
        self.clear()
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def log_exception(self, typ, value, tb) -> None:  # domain errors are expected: no traceback in the log
        if isinstance(value, PhasebookError):
            self.log.info("phasebook: %s %s -> %s: %s", self.request.method, self.request.path, value.code, value)
            return
        super().log_exception(typ, value, tb)
