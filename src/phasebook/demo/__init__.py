"""``phasebook demo``: a subscription-churn project in development, with its decisions so far.

:func:`build_demo` creates the project, writes the seeded data
(:mod:`.data`), fills the plan as the team would (:mod:`.plan`), and runs
the four phase notebooks headless through the runner: the scoping checks,
the research profiles, a model per region (a grid over the regions, see
:mod:`.regions`), the baseline models with their model tests, and the
deployment's drift check and group comparison are journaled.

Between the phases it records what the team decided (:mod:`.story`): scope
approved, research validated, development in progress with a backtrack in
its history, and the KPI check waiting for the product owner. The deployment
notebook runs too (a dry run of the monitoring checks; notebooks do not need
the project to be in their phase), though the project has not reached it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable
from ..core.named_errors import FolderNotEmptyError

__all__ = ["build_demo", "DEMO_NAME"]

DEMO_NAME = "subscription-churn"
#: The development run draws a review sample of the best model's top decile with the columns a
#: customer-success person needs to judge a call (3.4), stratified by plan.
REVIEW_COLUMNS = ["plan", "contract", "tenure_months", "monthly_charges", "usage_hours", "support_tickets_90d",
                  "payment_failures"]
PHASE_PARAMETERS = {"development": {"review_columns": REVIEW_COLUMNS, "review_top_share": 0.1, "review_strata": "plan"}}


def build_demo(path: str | os.PathLike, *, echo: Callable[[str], None] | None = None, progress_bar: bool = False):
    """Build the demo project in ``path``, run all four phases and tell the story; return the :class:`~phasebook.Project`.

    Raises:
        ProjectExistsError: ``path`` already holds a project.
        WorkbookExecutionError: a phase notebook failed (its output notebook is kept).
    """
    from ..project import Project
    from ..runner import run_notebook
    from .data import write_demo_data
    from ..core.wording import duration
    from .plan import DATA_SCIENTIST, SECTIONS
    from .story import after_phase

    say = echo or (lambda _msg: None)
    _refuse_a_folder_in_use(Path(path))
    project = Project.new(path, name=DEMO_NAME, actor=DATA_SCIENTIST)
    paths = write_demo_data(project.root / "data")
    say(f"wrote {', '.join(p.name for p in paths.values())} into {project.root / 'data'}")
    for section, content, actor in SECTIONS:
        project.save_section(section, content, actor=actor)
    say(f"filled the plan: {', '.join(s for s, _, _ in SECTIONS)}")
    for phase in project.flow.work_phases:
        if any(s.done_when == "model_test" for s in project.flow.steps_of(phase)):
            # where models are tested: a model per region first, so the pooled baselines stay the latest test
            _run_region_grid(project, say, progress_bar)
        result = run_notebook(project, phase, PHASE_PARAMETERS.get(phase), progress_bar=progress_bar,
                              actor=DATA_SCIENTIST)
        say(f"ran {phase}: {result.status} in {duration(result.duration_s)} → "
            f"{Path(result.output_path).relative_to(project.root)}")
        after_phase(project, phase, say)  # what the team decided once it had the phase's results (.story)
    return project


def _refuse_a_folder_in_use(root: Path) -> None:
    """The demo writes data, notebooks and a plan: only into a new or empty folder (never over a user's files)."""
    from ..store.plan import PLAN_FILE

    if not root.is_dir() or (root / PLAN_FILE).exists():  # a project there: Project.new says so
        return
    held = sorted(p.name + ("/" if p.is_dir() else "") for p in root.iterdir())
    if held:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise FolderNotEmptyError(path=str(root.resolve()), shown=shown,
            purpose="the demo writes its data, notebooks and plan only into a new or empty folder")


def _run_region_grid(project, say: Callable[[str], None], progress_bar: bool) -> None:
    """Fan the per-region notebook out over the demo's regions (:mod:`.regions`) on a local pool."""
    from ..core.errors import GridRowsFailedError
    from ..runner.fanout import run_grid
    from .data import REGIONS
    from .plan import DATA_SCIENTIST
    from .regions import install_region_grid

    notebook, grid = install_region_grid(project, [name for name, _ in REGIONS])
    result = run_grid(project, notebook, grid, progress_bar=progress_bar, actor=DATA_SCIENTIST)
    if not result.ok:
        raise GridRowsFailedError(grid_run_id=result.grid_run_id, failed=[r.key for r in result.failed], cancelled=[])
    status = project.status()
    say(f"ran a model per region ({len(result.rows)} grid rows on {result.executor}) in {result.duration_s:.1f} s: "
        f"{status.segments_passed} of {status.segments_total} regions meet every hard metric")
