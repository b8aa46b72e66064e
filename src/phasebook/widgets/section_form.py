"""The form of one plan section: load, edit, save through :class:`Project`.

Save collects the widgets into section data and calls
``project.save_section(name, data, expected_digest=<digest when loaded>)``:

* a :class:`PlanValidationError` puts each message by its field (the
  error's dotted path is walked down the form tree) and nothing is written;
* a :class:`PlanChangedOnDiskError` refuses: the file on disk stays as it
  is, the form keeps the person's edits, and Reload shows the disk version;
* before saving, the form warns when the change will reopen an approved
  gate that covers the section ("this will reopen the scope approval").

The plan's digest covers the whole file, so a save by one form would make
every other open form of the same project refuse. After a save that changed
only its own section, a form hands the new digest to the other open forms
(in this kernel) whose part of the plan did not change; a form showing the
changed part keeps the old digest and is refused, as it must be.
"""

from __future__ import annotations

import datetime as dt
import weakref
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..core.escape import html_text
from ..core.errors import PhasebookError, PlanChangedOnDiskError, PlanValidationError
from ..core.events import Actor
from ..core.sections import SECTION_MODELS
from ..core.gates import reopened_by, section_value
from ..project import Project
from ..project import validate_section
from .fields import error_html
from .model_form import build_form

__all__ = ["SectionForm"]

#: Open forms per project root, so that one form's save can keep the others current.
_OPEN_FORMS: dict[Path, "weakref.WeakSet[SectionForm]"] = {}


class SectionForm(w.VBox):
    """An ipywidgets form for one plan section (or one part of it, e.g. ``kpi_review.development``).

    Attributes:
        body: the form tree (``body.fields['kpis']`` …).
        save_button, reload_button: the two actions.
        status: the outcome of the last action (saved, refused, errors).
        dirty: the unsaved-changes indicator.
        gate_warning: which approval a save would reopen.
    """

    def __init__(self, project: Project, section: str, *, actor: Actor | None = None) -> None:
        self.project, self.path, self.actor = project, section, actor
        self.name, _, sub = section.partition(".")
        model = SECTION_MODELS.get(self.name)
        if model is None:
            project.section(self.name)  # raises UnknownSectionError with the known names
        self.sub = tuple(p for p in sub.split(".") if p)
        for part in self.sub:
            model = model.model_fields[part].annotation
        try:
            self.title = project.flow.section_title(self.path)
        except PhasebookError:  # a damaged plan: reload() reports it below; the title needs no plan
            from ..core.flow import default_flow

            self.title = default_flow().section_title(self.path)
        self._loading = True
        self.digest: str | None = None
        self.baseline: dict[str, Any] = {}
        self._approved: dict = {}
        self._dump: dict[str, Any] = {}
        self.on_saved: list = []  #: callables run after each successful save
        self.body = build_form(model, self._changed)
        short = self.title.split(" (")[0]
        self.save_button = w.Button(description=f"Save {short}", button_style="primary", icon="save",
                                    tooltip="Validate and save this section to phasebook.yaml",
                                    layout=w.Layout(width="auto"))
        self.reload_button = w.Button(description="Reload from disk", icon="refresh",
                                      tooltip="Show the plan as it is on disk (discards unsaved edits)",
                                      layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _b: self.save())
        self.reload_button.on_click(lambda _b: self.reload())
        self.dirty = w.HTML()
        self.gate_warning = w.HTML()
        self.status = w.HTML()
        heading = w.HTML(f"<h3>{html_text(self.title)}</h3>")
        actions = w.HBox([self.save_button, self.reload_button, self.dirty])
        super().__init__([heading, self.gate_warning, self.body.widget, self.status, actions])
        _OPEN_FORMS.setdefault(project.root, weakref.WeakSet()).add(self)
        self.reload()

    # loading -----------------------------------------------------------------
    def reload(self) -> None:
        """Show the section as it is on disk now; forget unsaved edits."""
        try:
            doc = self.project.plan()
            approved = self._approved_gates()
        except PhasebookError as exc:  # a damaged plan or journal: say so, keep the form, refuse to save
            self.save_button.disabled = True
            self.status.value = error_html(f"Cannot load the plan: {exc.message} Then press “Reload from disk”.")
            return
        self._loading = True
        try:
            self._adopt(doc)
            value: Any = self._loaded
            for part in self.sub:
                value = getattr(value, part)
            self.body.clear_errors()
            self.body.load(value)
            self.baseline = self.body.collect([])
            self._approved = approved
        finally:
            self._loading = False
        self.save_button.disabled = False
        self.reload_button.button_style = ""
        self.status.value = ""
        self._changed()

    def _adopt(self, doc: Any) -> None:
        """Take ``doc`` (a loaded plan) as the version this form's save will expect on disk."""
        self.digest = doc.digest
        self._loaded = doc.sections[self.name]
        self._dump = doc.dump()

    def _follow(self, before: dict[str, Any], doc: Any) -> None:
        """Another form saved its section: move to the new digest if this form's part is unchanged."""
        if section_value(before, self.path) != section_value(doc.dump(), self.path):
            return
        self._adopt(doc)
        self._approved = self._approved_gates()
        self._changed()

    def _approved_gates(self) -> dict[str, Any]:
        """The gates' states, for :func:`~phasebook.core.gates.reopened_by` (which decides)."""
        return self.project.status().gates

    # state -------------------------------------------------------------------
    def collect(self) -> tuple[dict[str, Any], list[tuple[tuple, str]]]:
        """The form's data and its parse problems (``(path, message)``)."""
        errors: list[tuple[tuple, str]] = []
        return self.body.collect(errors), errors

    @property
    def is_dirty(self) -> bool:
        """True when the form differs from what was loaded or last saved."""
        data, errors = self.collect()
        return bool(errors) or data != self.baseline

    def reopens(self) -> list[str]:
        """Titles of the approved gates that saving the current edits would make stale."""
        data, _ = self.collect()
        return [g.title for g in reopened_by(self.project.flow.gates, self._approved, self.path, self.baseline, data)]

    def _changed(self) -> None:
        if self._loading:
            return
        dirty = self.is_dirty
        self.dirty.value = ('<span style="color:var(--jp-warn-color1,#e65100)">● Unsaved changes</span>'
                            if dirty else '<span style="opacity:.7">No unsaved changes</span>')
        reopen = self.reopens() if dirty else []
        if reopen:
            self.gate_warning.value = error_html(
                f"Saving will reopen {' and '.join(reopen)}: it was approved for the current content "
                "and will need a new sign-off."
            )
        elif covering := [g for g in self.project.flow.gates_covering(self.path)
                          if g.name in self._approved and self._approved[g.name].state == "approved"]:
            names = " and ".join(g.title for g in covering)
            self.gate_warning.value = (f'<span style="opacity:.8">Approved in {html_text(names)}; '
                                       "changing it will reopen that approval.</span>")
        else:
            self.gate_warning.value = ""

    # saving ------------------------------------------------------------------
    def _full_data(self, data: dict[str, Any]) -> dict[str, Any]:
        if not self.sub:
            return data
        full = self._loaded.model_dump()
        target = full
        for part in self.sub[:-1]:
            target = target[part]
        target[self.sub[-1]] = data
        return full

    def save(self) -> bool:
        """Validate and save; returns True when the plan now holds the form's content."""
        if self.digest is None:
            self.status.value = error_html("Not saved: the plan could not be loaded. Fix it, then press “Reload from disk”.")
            return False
        self.body.clear_errors()
        data, problems = self.collect()
        if problems:
            others: list[dict[str, str]] = []
            try:
                validate_section(self.name, self._full_data(data))
            except PlanValidationError as exc:
                others = exc.fields["errors"]
            bad = {".".join((self.path, *map(str, p))) for p, _ in problems}
            errors = [{"path": ".".join((self.path, *map(str, p))), "message": m} for p, m in problems]
            errors += [e for e in others if e["path"] not in bad]
            self._show_errors(errors)
            return False
        try:
            doc = self.project.save_section_plan(self.name, self._full_data(data), actor=self.actor,
                                                 expected_digest=self.digest)
        except PlanValidationError as exc:
            self._show_errors(exc.fields["errors"])
            return False
        except PlanChangedOnDiskError as exc:
            self.reload_button.button_style = "warning"
            self.status.value = error_html(
                f"Not saved: {exc.message} Your edits are still in this form; press “Reload from disk” to see "
                "the other version (it replaces your edits), then reapply them."
            )
            return False
        except PhasebookError as exc:
            self.status.value = error_html(f"Not saved: {exc.message}")
            return False
        reopened = self.reopens()
        before, old_digest = self._dump, self.digest
        self._adopt(doc)  # the plan as this save wrote it: no other save can slip in before its digest
        self.baseline = data
        self._approved = self._approved_gates()
        if {k for k, v in self._dump.items() if before.get(k) != v} <= {self.name}:
            for other in list(_OPEN_FORMS.get(self.project.root, ())):
                if other is not self and other.digest == old_digest:
                    other._follow(before, doc)
        when = dt.datetime.now().strftime("%H:%M:%S")
        note = f" {' and '.join(reopened)} is now stale: ask for a new sign-off." if reopened else ""
        self.status.value = (f'<span style="color:var(--jp-success-color1,#2e7d32)">✔ Saved at {when}.'
                             f"{html_text(note)}</span>")
        self._changed()
        for callback in self.on_saved:
            callback(self)
        return True

    def _show_errors(self, errors: list[dict[str, str]]) -> None:
        """Put each error by its field; errors that match no field go to the status line."""
        prefix = (self.name, *self.sub)
        unplaced = []
        for err in errors:
            parts = tuple(err["path"].split("."))
            if parts[: len(prefix)] != prefix:
                unplaced.append(err)
                continue
            node = self.body
            for part in parts[len(prefix):]:
                nxt = node.child(part)
                if nxt is None:
                    break
                node = nxt
            node.show_error(err["message"])
        n = len(errors)
        lines = "".join(f"<li>{html_text(e['path'])}: {html_text(e['message'])}</li>" for e in unplaced)
        self.status.value = error_html(
            f"Not saved: {n} field{'s' if n != 1 else ''} need{'s' if n == 1 else ''} attention "
            "(see the messages by the fields). Nothing was written."
        ) + (f"<ul>{lines}</ul>" if lines else "")
