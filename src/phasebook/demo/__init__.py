"""``phasebook demo``: a subscription-churn project with every phase run.

:func:`build_demo` creates the project, writes the seeded data
(:mod:`.data`), fills the plan as the team would (:mod:`.plan`), and runs
the four phase notebooks headless through the runner: the scoping checks,
the research profiles, the baseline models with their model tests, and the
deployment's drift check and group comparison are journaled.

It records no sign-off and does not advance: the project stays in scoping
with all four gates pending, so the people who own them can review and sign
(the notebooks do not need the project to be in their phase to run).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

__all__ = ["build_demo", "DEMO_NAME"]

DEMO_NAME = "subscription-churn"


def build_demo(path: str | os.PathLike, *, echo: Callable[[str], None] | None = None, progress_bar: bool = False):
    """Build the demo project in ``path`` and run all four phases; return the :class:`~phasebook.Project`.

    Raises:
        ProjectExistsError: ``path`` already holds a project.
        WorkbookExecutionError: a phase notebook failed (its output notebook is kept).
    """
    from ..core.flow import WORK_PHASES
    from ..project import Project
    from ..runner import run_notebook
    from .data import write_demo_data
    from .plan import DATA_SCIENTIST, SECTIONS

    say = echo or (lambda _msg: None)
    project = Project.new(path, name=DEMO_NAME, actor=DATA_SCIENTIST)
    paths = write_demo_data(project.root / "data")
    say(f"wrote {', '.join(p.name for p in paths.values())} into {project.root / 'data'}")
    for section, content, actor in SECTIONS:
        project.save_section(section, content, actor=actor)
    say(f"filled the plan: {', '.join(s for s, _, _ in SECTIONS)}")
    for phase in WORK_PHASES:
        result = run_notebook(project, phase, progress_bar=progress_bar, actor=DATA_SCIENTIST)
        say(f"ran {phase}: {result.status} in {result.duration_s:.1f} s → {Path(result.output_path).relative_to(project.root)}")
    return project
