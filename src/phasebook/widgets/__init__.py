"""ipywidgets forms for every plan section; views only, they save through :class:`Project`.

Use ``phasebook.widgets.form(project, "scope")`` for one section and
``phasebook.widgets.phase_forms(project, "scoping")`` for a phase's forms in
step order. Modules: ``fields`` (leaf widgets), ``model_form`` (a form from a
pydantic model), ``cards`` (editable lists), ``scope`` and ``literature``
(layout hints), ``section_form`` (save / reload / warnings), ``phases``.
"""

from . import literature, scope  # noqa: F401  (register the layout hints)
from .phases import PhaseForms, form, phase_forms
from .section_form import SectionForm

__all__ = ["form", "phase_forms", "SectionForm", "PhaseForms"]
