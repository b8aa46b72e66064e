"""The handler base class: path confinement, JSON bodies and the one error mapping.

Every phasebook handler derives from :class:`PhasebookHandler`. Errors reach
the client as ``{"code", "message"}`` JSON bodies and never as tracebacks:

* a :class:`~phasebook.core.errors.PhasebookError` gets the status of its
  ``category`` from :data:`HTTP_STATUS` (bad input 400, not found 404,
  conflict 409, refused 403, damaged file or a failed run 500) and its
  ``to_dict()`` body;
* a :class:`tornado.web.HTTPError` keeps its status (403 for a path
  outside the root, 400 for a bad body, 405 …);
* anything else is a 500 with a generic message; the traceback goes to
  the server log only.

Input is bounded before it costs anything: a body over :data:`MAX_BODY`
is refused with 413 as soon as its headers arrive (bodies are streamed, so
a 200 MB upload is never buffered); a path argument that is too long or
holds control characters, and JSON that is not an object or is nested too
deep, are 400. No response carries an absolute server path: messages are
scrubbed to paths relative to the root. Handlers do their file and plan
work in a thread (:meth:`PhasebookHandler.off_loop`), so a big plan never
stalls the server's event loop.
"""

from __future__ import annotations

import asyncio
import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..core.errors import PhasebookError

__all__ = ["PhasebookHandler", "bad_request", "MAX_BODY", "MAX_PATH", "MAX_JSON_DEPTH", "HTTP_STATUS", "http_status"]

#: largest request body accepted (bytes); larger ones are 413 before they are read
MAX_BODY = 1024 * 1024
#: longest path argument accepted (characters)
MAX_PATH = 1024
#: deepest JSON nesting accepted in a body
MAX_JSON_DEPTH = 32
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ABSOLUTE = re.compile(r"(?<![\w:/.~-])/(?:[\w.@%+~-]+/)*[\w.@%+~-]+")


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of decoded JSON, stopping early past ``limit``."""
    stack, deepest = [(value, 1)], 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def bad_request(message: str) -> web.HTTPError:
    """A 400 whose message says what was wrong with the request and what to send."""
    return web.HTTPError(400, reason="bad request", log_message=message)


#: error category → HTTP status: the server's one mapping of the error tree
HTTP_STATUS: dict[str, int] = {
    "bad_input": 400,
    "not_found": 404,
    "conflict": 409,
    "refused": 403,
    "integrity": 500,
    "failed": 500,
}


def http_status(exc: PhasebookError) -> int:
    """The HTTP status of an error's category (500 for a category this table does not know)."""
    return HTTP_STATUS.get(exc.category, 500)


@web.stream_request_body
class PhasebookHandler(APIHandler):
    """Base of the phasebook handlers (see the module docstring for the error contract).

    Every verb is ``@web.authenticated`` and ``@authorized`` on the resource
    ``phasebook`` (GET reads, POST writes), so a server's Authorizer (a
    JupyterHub's, ``phasebook serve``'s) can refuse it.
    """

    auth_resource = "phasebook"

    # bounded input ---------------------------------------------------------------
    async def prepare(self) -> None:  # type: ignore[override]
        """Authenticate, then refuse an oversized body from its headers alone (413)."""
        self._pb_body = bytearray()
        self._pb_too_large = False
        await super().prepare()
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            self._pb_too_large = True
            raise web.HTTPError(413, reason="body too large",
                                log_message=f"The request body is larger than {MAX_BODY // 1024} KiB; send less.")

    def data_received(self, chunk: bytes) -> None:
        """Collect a streamed body up to :data:`MAX_BODY` (a chunked body past it is refused)."""
        if self._pb_too_large or len(self._pb_body) + len(chunk) > MAX_BODY:
            self._pb_too_large = True
            self._pb_body.clear()
            return
        self._pb_body.extend(chunk)

    def path_kwargs_ok(self) -> None:
        """400 for path arguments that no file can have (too long, control characters)."""
        for value in list(self.path_args) + list(self.path_kwargs.values()):
            if value and (len(value) > MAX_PATH or _CONTROL.search(value)):
                raise bad_request(f"A path in the URL is longer than {MAX_PATH} characters or holds control "
                                  "characters; give a project folder relative to the server root.")

    async def off_loop(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in a worker thread: plan and journal work never blocks the event loop."""
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

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
        if len(rel) > MAX_PATH or _CONTROL.search(rel):
            raise bad_request(f"The path is longer than {MAX_PATH} characters or holds control characters; "
                              "give a folder relative to the server root.")
        try:
            target = (self.root_dir / rel).resolve()
        except (OSError, ValueError):
            raise bad_request("The path cannot name a file on this server; give a folder relative to the root.") from None
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
        if getattr(self, "_pb_too_large", False):
            raise web.HTTPError(413, reason="body too large",
                                log_message=f"The request body is larger than {MAX_BODY // 1024} KiB; send less.")
        raw = bytes(getattr(self, "_pb_body", b"")) or self.request.body or b"{}"
        try:
            data = json.loads(raw)
        except RecursionError:
            raise bad_request(f"The request body is nested too deeply; send a JSON object at most "
                              f"{MAX_JSON_DEPTH} levels deep.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"The request body is not valid JSON ({str(exc)[:120]}); send a JSON object.") from None
        if not isinstance(data, dict):
            raise bad_request(f"The request body must be a JSON object, not {type(data).__name__}.")
        if _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise bad_request(f"The request body is nested more than {MAX_JSON_DEPTH} levels deep; flatten it.")
        return data

    def scrub(self, value: Any) -> Any:
        """``value`` with absolute server paths made relative to the root (or hidden when outside it)."""
        if isinstance(value, str):
            root = str(self.root_dir).rstrip("/")
            value = value.replace(root + "/", "").replace(root, ".")
            return _ABSOLUTE.sub("<server path>", value)
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value

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
            status_code = http_status(exc)
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
        try:
            body = self.scrub(body)
        except KeyError:  # the settings are not there (a refusal before the extension was set up)
            pass
        self.clear()
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        if status_code == 413:
            self.set_header("Connection", "close")
        self.finish(json.dumps(body))

    def log_exception(self, typ, value, tb) -> None:  # domain errors are expected: no traceback in the log
        if isinstance(value, PhasebookError):
            self.log.info("phasebook: %s %s -> %s: %s", self.request.method, self.request.path, value.code, value)
            return
        super().log_exception(typ, value, tb)
