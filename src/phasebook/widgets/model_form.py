"""A form generated from a pydantic section model.

:func:`build_field` maps a model field's type to a widget (``str`` → text,
long text → text area with preview, ``int``/``float`` → parsed number,
``Literal`` → dropdown, ``date`` → date picker, ``list[str]`` → one per
line, nested model → sub-form, ``list[Model]`` → editable cards). Field
titles and descriptions become labels and help text. Layout hints are
subclasses of :class:`ModelForm` registered with :func:`layout_for`.

Forms form a tree: ``child(part)`` walks it along an error's dotted path
(``kpis.0.metrics.1.target``) to the widget that shows the message.
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
from typing import Any, Callable, Literal, Union, get_args, get_origin

import ipywidgets as w
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..core.escape import html_text
from .cards import CardList
from .fields import (
    MISSING,
    BoolField,
    ChoiceField,
    DateField,
    FieldSpec,
    LongTextField,
    NumberField,
    StringListField,
    TextField,
    ErrorSlot,
)

__all__ = ["ModelForm", "build_field", "build_form", "layout_for", "form_class"]

_LAYOUTS: dict[type[BaseModel], type["ModelForm"]] = {}
Notify = Callable[[], None]


def layout_for(model: type[BaseModel]):
    """Class decorator: use this :class:`ModelForm` subclass wherever ``model`` appears."""

    def register(cls: type["ModelForm"]) -> type["ModelForm"]:
        _LAYOUTS[model] = cls
        return cls

    return register


def form_class(model: type[BaseModel]) -> type["ModelForm"]:
    """The form class used for ``model`` (a registered layout or the generic form)."""
    return _LAYOUTS.get(model, ModelForm)


def build_form(model: type[BaseModel], notify: Notify, *, spec: FieldSpec | None = None) -> "ModelForm":
    """A form for ``model`` (its registered layout if any)."""
    return form_class(model)(model, notify, spec=spec)


def _spec(name: str, info: FieldInfo) -> tuple[FieldSpec, Any]:
    ann, nullable = info.annotation, False
    if get_origin(ann) in (Union, types.UnionType):
        args = [a for a in get_args(ann) if a is not type(None)]
        nullable = len(args) < len(get_args(ann))
        ann = args[0] if len(args) == 1 else str
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    spec = FieldSpec(
        name, info.title or name.replace("_", " ").capitalize(), info.description or "",
        required=info.is_required(), nullable=nullable, long=bool(extra.get("long")),
    )
    return spec, ann


def build_field(name: str, info: FieldInfo, notify: Notify, *, compact: bool = False):
    """The widget for one model field, chosen from its type."""
    spec, ann = _spec(name, info)
    origin = get_origin(ann)
    if origin is Literal:
        spec.choices = get_args(ann)
        return ChoiceField(spec, notify, compact=compact)
    if origin is list:
        (item,) = get_args(ann)
        if inspect.isclass(item) and issubclass(item, BaseModel):
            return CardList(spec, item, form_class(item), notify)
        return StringListField(spec, notify, compact=compact)
    if inspect.isclass(ann) and issubclass(ann, BaseModel):
        return build_form(ann, notify, spec=spec)
    if ann is bool:
        return BoolField(spec, notify, compact=compact)
    if ann in (int, float):
        spec.kind = ann
        return NumberField(spec, notify, compact=compact)
    if ann is dt.date:
        return DateField(spec, notify, compact=compact)
    if spec.long and not compact:
        return LongTextField(spec, notify)
    return TextField(spec, notify, compact=compact)


def _default(info: FieldInfo) -> Any:
    return None if info.is_required() else info.get_default(call_default_factory=True)


class ModelForm(ErrorSlot):
    """The generic form of one pydantic model: its fields top to bottom.

    Subclasses (layout hints) override :meth:`layout` to arrange
    ``self.fields`` differently and :meth:`refresh` to update live hints.

    Args:
        model: the pydantic model class.
        notify: called after any change inside the form.
        spec: set when the form is a nested field (gives it a heading).
    """

    #: True for forms shown as one row of a table (see :class:`CardList`).
    row = False
    #: Field names shown in a card's header, first non-empty wins.
    title_fields = ("name", "title", "item", "metric")

    def __init__(self, model: type[BaseModel], notify: Notify, *, spec: FieldSpec | None = None) -> None:
        self.model, self.notify, self.spec = model, notify, spec
        self.error = w.HTML(layout=w.Layout(display="none"))
        self.error_text = ""
        self.fields = {
            name: build_field(name, info, self._child_changed, compact=self.row)
            for name, info in model.model_fields.items()
        }
        self.widget = self.layout()

    def layout(self) -> w.Widget:
        """Arrange the fields (override for a layout hint)."""
        parts: list[w.Widget] = []
        if self.spec is not None:
            parts.append(w.HTML(f"<b>{html_text(self.spec.title)}</b>"
                                + (f' <small style="opacity:.7">{html_text(self.spec.help)}</small>'
                                   if self.spec.help else "")))
        parts += [self.error, *(f.widget for f in self.fields.values())]
        layout = w.Layout(border="1px solid var(--jp-border-color2,#ddd)", padding="4px 8px", margin="4px 0")
        return w.VBox(parts, layout=layout if self.spec is not None else w.Layout())

    def _child_changed(self) -> None:
        self.refresh()
        self.notify()

    def refresh(self) -> None:
        """Update live hints after a change (override)."""

    # value -------------------------------------------------------------------
    def load(self, value: BaseModel | None) -> None:
        """Show a model instance (``None``: the field defaults, for a new item)."""
        for name, field in self.fields.items():
            info = self.model.model_fields[name]
            field.load(getattr(value, name) if value is not None else _default(info))
        self.refresh()

    def collect(self, errors: list, path: tuple = ()) -> dict[str, Any]:
        """The section data as typed; parse problems go to ``errors`` as ``(path, message)``."""
        data = {}
        for name, field in self.fields.items():
            value = field.collect(errors, (*path, name))
            if value is not MISSING:
                data[name] = value
        return data

    def card_title(self) -> str:
        """A short text naming this item in a card header."""
        for name in self.title_fields:
            field = self.fields.get(name)
            if field is not None and hasattr(field, "input") and str(field.input.value or "").strip():
                return str(field.input.value).strip()
        return "(new)"

    # errors ------------------------------------------------------------------
    def child(self, part: str):
        return self.fields.get(part)

    def children_with_errors(self):
        return self.fields.values()
