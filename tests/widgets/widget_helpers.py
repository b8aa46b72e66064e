"""Helpers for form tests: drive the widgets the way a person does (``.value``, ``.click()``)."""

from __future__ import annotations

import datetime as dt
import html
import re

from phasebook.widgets.cards import CardList
from phasebook.widgets.fields import ChoiceField, DateField, NumberField, StringListField, format_number
from phasebook.widgets.model_form import ModelForm


def fill(node, value) -> None:
    """Type ``value`` (plain section data) into a form node through its widgets only."""
    if isinstance(node, ModelForm):
        for name, sub in value.items():
            fill(node.fields[name], sub)
    elif isinstance(node, CardList):
        while node.cards:
            node.cards[-1].buttons[2].click()
        for item in value:
            node.add_button.click()
            fill(node.cards[-1], item)
    elif isinstance(node, StringListField):
        node.input.value = "\n".join(value)
    elif isinstance(node, NumberField):
        node.input.value = format_number(value)
    elif isinstance(node, DateField):
        node.input.value = dt.date.fromisoformat(value) if isinstance(value, str) else value
    elif isinstance(node, ChoiceField):
        node.input.value = value
    else:
        node.input.value = "" if value is None else value




def text(widget) -> str:
    """The visible text of an HTML widget (tags stripped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))
