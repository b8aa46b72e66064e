"""Three projects in one folder, each needing a different kind of attention (portfolio tests).

* ``late-research`` — in research, its timebox ended three days ago (overrun);
* ``scope-ready`` — scoping done, the scope approval waits for the product role;
* ``live-model`` — delivered, its latest monitoring check alerting.

Built with the real facade (sections saved, transitions journaled); only the
monitoring check is journaled directly, as ``phasebook monitor`` would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from phasebook.core.events import Actor
from phasebook.demo.plan import SECTIONS
from phasebook.project import Project

SCIENTIST = Actor(name="data scientist", role="data_science")
#: the portfolio's rows in their order of attention
EXPECTED_ORDER = ["Late research", "Scope ready", "Live model"]


def _scoping_done(project: Project, **scope_changes) -> None:
    for name, content, actor in SECTIONS[:4]:
        project.save_section(name, {**content, **(scope_changes if name == "scope" else {})}, actor=actor)


def build_portfolio(root: Path) -> Path:
    """Create the three projects under ``root`` (one of them a level deeper); returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    ended = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    live = Project.new(root / "live-model", "Live model")
    for _ in range(4):
        live.advance(override="test: delivered long ago", actor=SCIENTIST)
    live.record("monitoring_check", {"alerting": True, "outcome": "alerting", "drifted_columns": ["device"],
                                     "finding": "covariate shift in device since 2026-11-30 (17% unseen)"})
    ready = Project.new(root / "scope-ready", "Scope ready")
    _scoping_done(ready)
    late = Project.new(root / "team" / "late-research", "Late research")
    _scoping_done(late, timebox_end=ended, timebox_weeks=None)
    late.advance(override="test: research started", actor=SCIENTIST)
    return root
