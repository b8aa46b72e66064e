"""A folder of projects: find them (a bounded walk) and build the portfolio rows.

The walk stays inside the folder: it never follows a symbolic link (a linked
folder is skipped, so nothing outside the folder is read), skips hidden and
bulky folders, stops at :data:`MAX_DEPTH` levels below the folder and after
:data:`MAX_PROJECTS` projects (``truncated`` says so), and does not look for
projects inside a project. The order of the rows is
:func:`phasebook.core.portfolio.portfolio_rows`' (one rule, one place).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core.errors import PhasebookError
from ..core.events import clock
from ..core.named_errors import NotAFolderError
from ..core.portfolio import PortfolioRow, portfolio_row, portfolio_rows, unreadable_row

__all__ = ["MAX_DEPTH", "MAX_PROJECTS", "SKIP_DIRS", "Found", "find_projects", "Portfolio", "portfolio"]

#: how many folder levels below the portfolio folder are searched
MAX_DEPTH = 4
#: at most this many projects are listed (a folder of thousands is a mistake, not a portfolio)
MAX_PROJECTS = 200
#: folders never searched (besides hidden ones)
SKIP_DIRS = frozenset({"node_modules", "runs", "__pycache__", "site-packages", "workbooks"})
PLAN_FILE = "phasebook.yaml"


@dataclass
class Found:
    """The project folders found under ``root`` and whether the walk stopped early."""

    root: Path
    projects: list[Path] = field(default_factory=list)
    truncated: bool = False


def find_projects(root: str | os.PathLike, *, max_depth: int = MAX_DEPTH, max_projects: int = MAX_PROJECTS) -> Found:
    """Every folder holding ``phasebook.yaml`` at or below ``root`` (see the module docstring for the limits).

    Raises:
        BadInputError: ``root`` is not a folder.
    """
    base = Path(root).expanduser()
    if not base.is_dir():
        raise NotAFolderError(path=str(root))
    base = base.resolve()
    found = Found(root=base)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        here = Path(dirpath)
        depth = len(here.relative_to(base).parts)
        if PLAN_FILE in filenames and not (here / PLAN_FILE).is_symlink():
            if len(found.projects) >= max_projects:
                found.truncated = True
                break
            found.projects.append(here)
            dirnames[:] = []  # no projects inside projects
            continue
        keep = []
        for d in sorted(dirnames):
            if d.startswith(".") or d in SKIP_DIRS or (here / d).is_symlink():
                continue
            keep.append(d)
        dirnames[:] = keep if depth < max_depth else []
    return found


@dataclass
class Portfolio:
    """The rows of a folder of projects, in the order of attention."""

    root: Path
    rows: list[PortfolioRow]
    truncated: bool = False
    at: str = ""

    def to_json(self) -> dict[str, Any]:
        """The portfolio as JSON (``status --all --json``, the server's ``portfolio`` route)."""
        return {"root": str(self.root), "at": self.at, "truncated": self.truncated,
                "projects": [r.model_dump(mode="json") for r in self.rows]}


def portfolio(root: str | os.PathLike, *, now: dt.datetime | None = None,
              opener: Callable[[Path], Any] | None = None) -> Portfolio:
    """Open every project under ``root`` and return its row, most in need of attention first.

    ``opener`` (default :meth:`Project.open`) may wrap each project, e.g. in a
    viewer kernel's read-only view; only reads are used (``status``,
    ``events``, ``section``, ``flow``). A project that cannot be read becomes
    an ``unreadable`` row carrying its error message.
    """
    from . import Project

    found = find_projects(root)
    now = now or clock()
    open_one = opener or Project.open
    rows = []
    for folder in found.projects:
        rel = folder.relative_to(found.root).as_posix() or "."
        try:
            project = open_one(folder)
            st = project.status()
            scope = project.section("scope").model_dump(mode="json")
            rows.append(portfolio_row(rel, project.flow, st, scope, project.events(), now))
        except PhasebookError as exc:
            rows.append(unreadable_row(rel, str(exc)))
    return Portfolio(root=found.root, rows=portfolio_rows(rows), truncated=found.truncated,
                     at=now.isoformat(timespec="seconds"))
