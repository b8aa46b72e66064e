"""Leaf fields of a form: one ipywidget per scalar field of a section model.

Every field shares one small interface so that the forms can treat them
alike: ``load(value)`` shows a model value, ``collect(errors, path)``
returns what the person typed (or :data:`MISSING` to leave the key out, so
pydantic applies its own "required" rule), ``show_error`` / ``clear_errors``
put a message by the field. Numbers are typed into text boxes and parsed
here, so "abc" in a number field is an error by the field, never a silent 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import ipywidgets as w

from ..core.escape import html_text, markdown_html

__all__ = [
    "MISSING",
    "FieldSpec",
    "Field",
    "TextField",
    "LongTextField",
    "NumberField",
    "ChoiceField",
    "DateField",
    "BoolField",
    "StringListField",
    "error_html",
]

#: Returned by ``collect`` when a key should be left out of the section data.
MISSING = object()
LABEL_WIDTH = "16em"
Notify = Callable[[], None]


def error_html(message: str) -> str:
    """A message in the form's error style (escaped)."""
    return f'<span style="color:var(--jp-error-color1,#c62828)">⚠ {html_text(message)}</span>'


class ErrorSlot:
    """A container's own error line (a rule about the whole list or form), beside its children's."""

    error: w.HTML
    error_text: str

    def show_error(self, message: str) -> None:
        """Show a message that concerns the whole container."""
        self.error_text = message
        self.error.value = error_html(message)
        self.error.layout.display = None

    def clear_errors(self) -> None:
        """Hide this container's message and every child's."""
        self.error_text = ""
        self.error.value = ""
        self.error.layout.display = "none"
        for child in self.children_with_errors():
            child.clear_errors()

    def children_with_errors(self):  # pragma: no cover - overridden
        return ()


class FieldSpec:
    """What a widget needs to know about one model field."""

    def __init__(self, name: str, title: str, help: str = "", *, required: bool = False, nullable: bool = False,
                 long: bool = False, choices: tuple = (), kind: type | None = None) -> None:
        self.name, self.title, self.help = name, title, help
        self.required, self.nullable, self.long = required, nullable, long
        self.choices, self.kind = choices, kind


class Field:
    """Base of the leaf fields: a label (the widget's description), the input, help and an error line.

    Args:
        spec: the field's title, help text and type facts.
        notify: called whenever the person changes the value.
        compact: a table cell (placeholder instead of label, help as tooltip).
    """

    def __init__(self, spec: FieldSpec, notify: Notify, *, compact: bool = False) -> None:
        self.spec, self.notify, self.compact = spec, notify, compact
        if compact:
            common = {"tooltip": spec.help or spec.title}
        else:  # label and style at construction: each widget created costs a comm
            common = {"description": spec.title, "style": {"description_width": LABEL_WIDTH}, "tooltip": spec.help or None}
        self.input = self._make_input(common)
        # one line under the input: the error (if any) above the help text
        margin = "0" if compact else f"0 0 0 calc({LABEL_WIDTH} + 8px)"
        self.error = w.HTML(layout=w.Layout(margin=margin))
        self._render_note()
        self.widget = self.input if compact else w.VBox([self.input, self.error])
        self.input.observe(self._changed, names="value")

    def _make_input(self, common: dict) -> w.Widget:
        if self.compact:
            common["placeholder"] = self.spec.title
        return w.Text(layout=w.Layout(width="100%"), continuous_update=True, **common)

    error_text = ""  #: the message shown by the field ('' when none)

    def _changed(self, _change: Any) -> None:
        if self.error_text:
            self.clear_errors()
        self.notify()

    # value -------------------------------------------------------------------
    def load(self, value: Any) -> None:
        """Show ``value`` (a model value) in the widget."""
        self.input.value = "" if value is None else str(value)

    def collect(self, errors: list, path: tuple) -> Any:
        """The typed value, ``MISSING`` to leave the key out; parse problems go to ``errors``."""
        text = self.input.value.strip()
        if not text:
            if self.spec.nullable:
                return None
            if self.spec.required:
                return MISSING
        return text

    # errors ------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """Put ``message`` by the field."""
        self.error_text = message
        self._render_note()

    def clear_errors(self) -> None:
        """Remove the message by the field."""
        self.error_text = ""
        self._render_note()

    def _render_note(self) -> None:
        parts = []
        if self.error_text:
            parts.append(error_html((f"{self.spec.title}: " if self.compact else "") + self.error_text))
        if self.spec.help and not self.compact:
            parts.append(f'<small style="opacity:.7">{html_text(self.spec.help)}</small>')
        self.error.value = "<br>".join(parts)
        self.error.layout.display = None if parts else "none"

    def child(self, part: str) -> None:
        return None


class TextField(Field):
    """One line of text."""


class LongTextField(Field):
    """A text area with a Write / Preview switch that renders the markdown."""

    def __init__(self, spec: FieldSpec, notify: Notify, *, compact: bool = False) -> None:
        super().__init__(spec, notify, compact=compact)
        self.preview = w.Output(layout=w.Layout(display="none", border="1px solid var(--jp-border-color2,#ddd)",
                                                padding="0 8px", margin=f"0 0 0 calc({LABEL_WIDTH} + 8px)"))
        self.mode = w.ToggleButtons(options=["Write", "Preview"], value="Write",
                                    tooltips=["Edit the text (markdown)", "See it rendered"],
                                    style={"button_width": "6em"},
                                    layout=w.Layout(margin=f"0 0 0 calc({LABEL_WIDTH} + 8px)"))
        self.mode.observe(self._switch, names="value")
        if not compact:
            self.widget.children = (self.mode, self.input, self.preview, self.error)

    def _make_input(self, common: dict) -> w.Widget:
        return w.Textarea(layout=w.Layout(width="100%", height="5em"), continuous_update=True, **common)

    def render_preview(self) -> None:
        """Render the current text as markdown in the preview area, sanitized here (JupyterLab trusts it)."""
        text = self.input.value or "*(empty)*"
        self.preview.outputs = ({"output_type": "display_data", "metadata": {},
                                 "data": {"text/html": markdown_html(text), "text/plain": text}},)

    def _switch(self, change: Any) -> None:
        previewing = change["new"] == "Preview"
        if previewing:
            self.render_preview()
        self.input.layout.display = "none" if previewing else None
        self.preview.layout.display = None if previewing else "none"


def format_number(value: float | int | None) -> str:
    """A number as a person would type it (``0.8``, ``100``, ``1e-05``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class NumberField(Field):
    """A number typed as text and parsed here (int or float per the model)."""

    def _make_input(self, common: dict) -> w.Widget:
        if self.compact:
            common["placeholder"] = self.spec.title
        return w.Text(layout=w.Layout(width="100%" if self.compact else "24em"), continuous_update=True, **common)

    def _changed(self, change: Any) -> None:
        probe: list = []
        self.collect(probe, ())
        if probe:
            self.show_error(probe[0][1])
        elif self.error_text:
            self.clear_errors()
        self.notify()

    def load(self, value: Any) -> None:
        self.input.value = format_number(value)

    def collect(self, errors: list, path: tuple) -> Any:
        text = self.input.value.strip().replace("_", "")
        if not text:
            if self.spec.nullable:
                return None
            if self.spec.required:
                return MISSING
            errors.append((path, "enter a number"))
            return MISSING
        try:
            if self.spec.kind is int:
                return int(text)
            number = float(text)
        except ValueError:
            what = "a whole number, e.g. 3" if self.spec.kind is int else "a number, e.g. 0.8"
            errors.append((path, f"“{self.input.value.strip()}” is not {what}"))
            return MISSING
        if number != number or number in (float("inf"), float("-inf")):
            errors.append((path, f"“{text}” is not a finite number"))
            return MISSING
        return number


class ChoiceField(Field):
    """A dropdown of a ``Literal``'s values (plus "—" when the field may be empty)."""

    def _make_input(self, common: dict) -> w.Widget:
        options = [("—", None)] if self.spec.nullable else []
        options += [(str(c).replace("_", " "), c) for c in self.spec.choices]
        return w.Dropdown(options=options, layout=w.Layout(width="100%" if self.compact else "24em"), **common)

    def load(self, value: Any) -> None:
        self.input.value = value

    def collect(self, errors: list, path: tuple) -> Any:
        return self.input.value


class DateField(Field):
    """A date picker."""

    def _make_input(self, common: dict) -> w.Widget:
        return w.DatePicker(layout=w.Layout(width="24em"), **common)

    def load(self, value: Any) -> None:
        self.input.value = dt.date.fromisoformat(value) if isinstance(value, str) else value

    def collect(self, errors: list, path: tuple) -> Any:
        value = self.input.value
        if value is None and not self.spec.nullable:
            return MISSING
        return value


class BoolField(Field):
    """A checkbox."""

    def _make_input(self, common: dict) -> w.Widget:
        return w.Checkbox(indent=False, **common)

    def load(self, value: Any) -> None:
        self.input.value = bool(value)

    def collect(self, errors: list, path: tuple) -> Any:
        return self.input.value


class StringListField(Field):
    """A list of short texts, one per line."""

    def _make_input(self, common: dict) -> w.Widget:
        return w.Textarea(layout=w.Layout(width="100%", height="4.5em"), placeholder="one per line",
                          continuous_update=True, **common)

    def load(self, value: Any) -> None:
        self.input.value = "\n".join(value or [])

    def collect(self, errors: list, path: tuple) -> Any:
        return [line.strip() for line in self.input.value.splitlines() if line.strip()]
