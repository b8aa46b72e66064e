"""Editable lists of structured items: cards (or table rows) with add, remove, move up/down.

A :class:`CardList` holds one item form per entry of a ``list[Model]``
field (KPIs, metrics, ideas, data sources, literature entries, cost items,
A/B groups, soft reviews). Item forms whose class sets ``row = True`` are
shown as table rows under one header line; the others as bordered cards.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w

from ..core.escape import html_text
from .fields import ErrorSlot, FieldSpec, error_html

__all__ = ["CardList", "NOUNS"]

#: What the "Add …" button says for each item model.
NOUNS = {
    "ProductKPI": "KPI",
    "ModelMetric": "metric",
    "Idea": "idea",
    "DataSource": "data source",
    "LiteratureEntry": "entry",
    "CostItem": "cost item",
    "SoftReview": "review",
    "ABGroup": "group",
}


class CardList(ErrorSlot):
    """An editable list of item forms.

    Args:
        spec: the list field's title and help.
        item_model: the pydantic model of one item.
        item_form: the form class for one item (a :class:`ModelForm` subclass).
        notify: called after any change, including add / remove / move.
    """

    def __init__(self, spec: FieldSpec, item_model: type, item_form: type, notify: Callable[[], None]) -> None:
        self.spec, self.item_model, self.item_form, self.notify = spec, item_model, item_form, notify
        self.noun = NOUNS.get(item_model.__name__, item_model.__name__.lower())
        self.cards: list[Any] = []
        self.error = w.HTML(layout=w.Layout(display="none"))
        self.error_text = ""
        self.add_button = w.Button(description=f"Add {self.noun}", icon="plus", tooltip=f"Add a {self.noun}")
        self.add_button.on_click(lambda _b: self.add())
        self.box = w.VBox()
        heading = f"<b>{html_text(spec.title)}</b>"
        if spec.help:
            heading += f' <small style="opacity:.7">{html_text(spec.help)}</small>'
        parts: list[w.Widget] = [w.HTML(heading), self.error]
        if getattr(item_form, "row", False):
            parts.append(w.HBox([
                w.HTML(f'<b style="white-space:nowrap">{html_text(t)}</b>',
                       layout=w.Layout(width=width, margin="0 2px", overflow="hidden"))
                for t, width in item_form.columns()
            ]))
        self.widget = w.VBox([*parts, self.box, self.add_button], layout=w.Layout(margin="6px 0"))

    # editing -----------------------------------------------------------------
    def add(self, value: Any = None, *, notify: bool = True):
        """Append an item (``value`` a model instance, or None for a blank one); returns its form."""
        card = self.item_form(self.item_model, self._changed)
        card.load(value)
        compact = bool(card.row)  # table rows get icon buttons (named by their tooltips)

        def button(text: str, icon: str, tip: str) -> w.Button:
            return w.Button(description="" if compact else text, icon=icon, tooltip=tip,
                            layout=w.Layout(width="2.6em" if compact else "auto", flex="0 0 auto"))

        up = button("Up", "arrow-up", f"Move this {self.noun} up")
        down = button("Down", "arrow-down", f"Move this {self.noun} down")
        remove = button("Remove", "trash", f"Remove this {self.noun}")
        up.on_click(lambda _b: self.move(card, -1))
        down.on_click(lambda _b: self.move(card, +1))
        remove.on_click(lambda _b: self.remove(card))
        card.buttons = (up, down, remove)
        if card.row:
            card.header = None
            card.frame = w.HBox([card.widget, up, down, remove])
        else:
            card.header = w.HTML()
            card.frame = w.VBox([w.HBox([card.header, up, down, remove]), card.widget],
                                layout=w.Layout(border="1px solid var(--jp-border-color2,#ccc)",
                                                padding="4px 8px", margin="4px 0"))
        self.cards.append(card)
        self._render()
        if notify:
            self.notify()
        return card

    def remove(self, card: Any) -> None:
        """Remove one item."""
        self.cards.remove(card)
        self._render()
        self.notify()

    def move(self, card: Any, delta: int) -> None:
        """Move one item up (``-1``) or down (``+1``); no-op at either end."""
        i = self.cards.index(card)
        j = i + delta
        if 0 <= j < len(self.cards):
            self.cards[i], self.cards[j] = self.cards[j], self.cards[i]
            self._render()
            self.notify()

    def _changed(self) -> None:
        self._titles()
        self.notify()

    def _render(self) -> None:
        self.box.children = [c.frame for c in self.cards]
        for i, card in enumerate(self.cards):
            up, down, _ = card.buttons
            up.disabled, down.disabled = i == 0, i == len(self.cards) - 1
        self._titles()

    def _titles(self) -> None:
        for i, card in enumerate(self.cards):
            if card.header is not None:
                label = f"{self.noun[:1].upper()}{self.noun[1:]} {i + 1}: {card.card_title()}"
                card.header.value = f"<b>{html_text(label)}</b>"

    # value -------------------------------------------------------------------
    def load(self, values: list | None) -> None:
        """Replace every item with ``values`` (model instances)."""
        self.cards = []
        for value in values or []:
            self.add(value, notify=False)
        self._render()

    def collect(self, errors: list, path: tuple) -> list[dict[str, Any]]:
        return [card.collect(errors, (*path, i)) for i, card in enumerate(self.cards)]

    # errors ------------------------------------------------------------------
    def child(self, part: str):
        try:
            return self.cards[int(part)]
        except (ValueError, IndexError):
            return None

    def children_with_errors(self):
        return self.cards
