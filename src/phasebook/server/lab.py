"""Handlers the JupyterLab sidebar polls besides the status: new journal events and the portfolio.

* ``GET projects/{path}/events?after=SEQ`` — the events after seq ``SEQ``
  that JupyterLab toasts (:func:`phasebook.core.lab_events.lab_events`),
  and the journal's last seq, which the browser keeps per project;
* ``GET portfolio`` — every project under the server root, most in need of
  attention first (:func:`phasebook.project.portfolio.portfolio`), for the
  sidebar's project picker.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.lab_events import lab_events
from ..project.portfolio import portfolio
from .base import bad_request
from .handlers import _ProjectHandler

__all__ = ["EventsHandler", "PortfolioHandler", "MAX_SEQ"]

#: largest ``after`` accepted (a journal of a billion lines is not a real project)
MAX_SEQ = 10**9


class EventsHandler(_ProjectHandler):
    """``GET projects/{path}/events?after=SEQ``: the toasts after ``SEQ`` (default: none, only the last seq)."""

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        raw = self.get_query_argument("after", "")
        if raw and (not raw.isdigit() or int(raw) > MAX_SEQ):
            raise bad_request(f"'after' must be a journal seq (a whole number from 0 to {MAX_SEQ}), not {raw[:20]!r}.")
        project = await self.off_loop(self.project, path)
        events = await self.off_loop(project.events)
        after = int(raw) if raw else max((e.seq for e in events), default=0)
        self.send(self.scrub({"path": self.relative(project.root), **lab_events(events, after)}))


class PortfolioHandler(_ProjectHandler):
    """``GET portfolio``: the projects under the root, with their attention level, most urgent first."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        pf = await self.off_loop(portfolio, self.root_dir)
        body = pf.to_json()
        body["root"] = ""
        for row in body["projects"]:
            row["path"] = "" if row["path"] == "." else row["path"]
        self.send(self.scrub(body))
