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
    """Tabs holding one phase's forms, built when their tab is first opened.

    A tab's title carries ✓ once its step is done; the first step still to do
    is selected when the tabs open. ``forms`` maps section path →
    :class:`SectionForm` (building any form not opened yet).
    """

    def __init__(self, project: Project, sections: list[str], steps: list, *, actor: Actor | None = None) -> None:
        super().__init__(children=[w.HTML("<i>Loading the form…</i>") for _ in sections])
        self.project, self.sections, self.steps, self.actor = project, sections, steps, actor
        self._built: dict[int, SectionForm] = {}
        done = self.refresh_titles()
        self.observe(lambda change: self._build(change["new"]), names="selected_index")
        self.selected_index = next((i for i, d in enumerate(done) if not d), 0)
        self._build(self.selected_index)

    def _build(self, index: int | None) -> SectionForm | None:
        if index is None:
            return None
        if index not in self._built:
            f = form(self.project, self.sections[index], actor=self.actor)
            f.on_saved.append(lambda _form: self.refresh_titles())
            self._built[index] = f
            children = list(self.children)
            children[index] = f
            self.children = children
        return self._built[index]

    @property
    def forms(self) -> dict[str, SectionForm]:
        """Every form of the phase by section path, in step order."""
        return {section: self._build(i) for i, section in enumerate(self.sections)}

    def refresh_titles(self) -> list[bool]:
        """Mark the done steps with ✓; returns which tabs are done."""
        status = {s.id: s.status for s in self.project.status().steps}
        done = [status.get(step.id) == "done" for step in self.steps]
        self.titles = [f"{step.id} {step.title}" + (" ✓" if d else "") for step, d in zip(self.steps, done)]
        return done


def phase_forms(project: Project, phase: str, *, actor: Actor | None = None) -> w.Widget:
    """That phase's forms in step order (per the project's flow), as tabs.

    Raises:
        UnknownPhaseError: ``phase`` is not a phase of the flow.
    """
    project.flow.phase(phase)
    sections, steps = [], []
    for step in project.flow.steps_of(phase):
        if step.kind not in ("form", "gate"):
            continue
        for section in step.sections:
            sections.append(section)
            steps.append(step)
    if not sections:
        return w.HTML(f"<p>The {phase} phase has no forms to fill.</p>")
    return PhaseForms(project, sections, steps, actor=actor)
