"""The demo's story: the decisions a team would have taken by the time development is under way.

After each phase's notebooks ran, :func:`after_phase` records what people
decided, through the same :class:`~phasebook.Project` calls the pages and
the CLI make:

* scoping — the product owner approves the scope; the team advances;
* research — the product owner validates the solution; the team advances;
* development — the survival model does not beat the classifier baseline:
  the data scientist backtracks to research, the product owner validates the
  classifier again, the team advances once more; customer success approves
  the KPI check, which now waits for the product owner only.

So the demo leaves scope approved, research validated, development in
progress with a backtrack in its history, and one gate waiting for product.
The deployment notebook still runs (a dry run of the monitoring checks on
this month's data), but its phase is not reached and its gate waits for
nobody yet.
"""

from __future__ import annotations

from typing import Callable

from ..core.events import Actor
from .plan import DATA_SCIENTIST, PRODUCT_OWNER

__all__ = ["CUSTOMER_SUCCESS", "after_phase", "WAITING_GATE"]

CUSTOMER_SUCCESS = Actor(name="customer success lead", role="customer_success")
#: the gate the demo leaves waiting for the product owner
WAITING_GATE = "kpi_check"


def _gate(project, phase: str) -> str:
    return project.flow.phase(phase).gate


def after_phase(project, phase: str, say: Callable[[str], None]) -> None:
    """Record the team's decisions once ``phase``'s notebooks ran (nothing after the phase the story stops in)."""
    work = project.flow.work_phases
    scoping, research, development = work[0], work[1], work[2]
    if phase == scoping:
        project.sign_off(_gate(project, scoping), PRODUCT_OWNER, "approve",
                         "KPIs agreed with customer success: the top-20% call list is what they can work through.")
        project.advance(actor=DATA_SCIENTIST)
        say(f"signed {_gate(project, scoping)} (product owner) and advanced to {research}")
    elif phase == research:
        project.sign_off(_gate(project, research), PRODUCT_OWNER, "approve",
                         "The classifier on billing, usage and support is the way; the survival model is worth a try.")
        project.advance(actor=DATA_SCIENTIST)
        say(f"signed {_gate(project, research)} (product owner) and advanced to {development}")
    elif phase == development:
        project.backtrack(research, "approach_failure",
                          "The time-to-cancel model did not beat the classifier baseline on the holdout; "
                          "back to research to settle the approach on the classifier alone.", actor=DATA_SCIENTIST)
        project.sign_off(_gate(project, research), PRODUCT_OWNER, "approve",
                         "Classifier only, as research showed; no survival model in this iteration.")
        project.advance(actor=DATA_SCIENTIST)
        kpi = _gate(project, development)
        met = all(c.met for c in project.status().gates[kpi].conditions)
        project.sign_off(kpi, CUSTOMER_SUCCESS, "approve",
                         "The at-risk list reads right: these are the accounts we would call."
                         + ("" if met else " Approved although no model passes every hard metric yet: the list is "
                                           "already worth a pilot."), acknowledge=not met)
        say(f"backtracked to {research} (approach failure), validated again, advanced to {development}; "
            f"customer success signed {kpi}, which waits for the product owner")
