"""Entry points the notebooks call: one section's form, or a phase's forms in step order.

``phase_forms(project, "scoping")`` shows the forms of steps 1.1–1.4 as
tabs; a gate step that names plan sections (3.4 and 4.3: the people's KPI
reviews) gets the form of its part of ``kpi_review``.
"""

from __future__ import annotations

import ipywidgets as w

from ..core.events import Actor
from ..project import Project
from .section_form import SectionForm

__all__ = ["form", "phase_forms", "PhaseForms"]


def form(project: Project, section: str, *, actor: Actor | None = None) -> SectionForm:
    """The form of one plan section (``"scope"``) or part of one (``"kpi_review.development"``).

    Args:
        project: the open project.
        section: the section key or a dotted part of it.
        actor: who saves (default: the local user, unverified).

    Raises:
        UnknownSectionError: ``section`` is not a plan section.
    """
    return SectionForm(project, section, actor=actor)


class PhaseForms(w.Tab):
    """Tabs holding one phase's forms; ``forms`` maps section path → :class:`SectionForm`.

    A tab's title carries ✓ once its step is done; the first step still to do
    is selected when the tabs open.
    """

    def __init__(self, project: Project, forms: dict[str, SectionForm], steps: list) -> None:
        super().__init__(children=list(forms.values()))
        self.project, self.forms, self.steps = project, forms, steps
        for f in forms.values():
            f.on_saved.append(lambda _form: self.refresh_titles())
        done = self.refresh_titles()
        self.selected_index = next((i for i, d in enumerate(done) if not d), 0)

    def refresh_titles(self) -> list[bool]:
        """Mark the done steps with ✓; returns which tabs are done."""
        status = {s.id: s.status for s in self.project.status().steps}
        done = [status.get(step.id) == "done" for step in self.steps]
        self.titles = [f"{step.id} {step.title}" + (" ✓" if d else "") for step, d in zip(self.steps, done)]
        return done


def phase_forms(project: Project, phase: str, *, actor: Actor | None = None) -> w.Widget:
    """That phase's forms in step order (per the project's flow).

    Raises:
        UnknownPhaseError: ``phase`` is not a phase of the flow.
    """
    project.flow.phase(phase)
    forms: dict[str, SectionForm] = {}
    steps = []
    for step in project.flow.steps_of(phase):
        if step.kind not in ("form", "gate"):
            continue
        for section in step.sections:
            forms[section] = form(project, section, actor=actor)
            steps.append(step)
    if not forms:
        return w.HTML(f"<p>The {phase} phase has no forms to fill.</p>")
    return PhaseForms(project, forms, steps)
