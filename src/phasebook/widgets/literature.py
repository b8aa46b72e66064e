"""Layout hints for the literature and solutions review (2.2).

Research must produce a landscape, not one direction. The form shows the
chosen direction first (a live summary of the chosen entries with their
justification), then the landscape summary, then every examined entry as a
card whose header carries its verdict, with verdict and justification side
by side. "Put chosen first" reorders the entries (chosen, alternative,
undecided, rejected) when the person asks for it; loading never reorders,
so opening and saving a form cannot change the plan by itself.
"""

from __future__ import annotations


import ipywidgets as w

from ..core.escape import html_text
from ..core.sections import VERDICT_ORDER, Literature, LiteratureEntry
from .model_form import ModelForm, layout_for

__all__ = ["LiteratureForm", "LiteratureEntryCard", "VERDICT_ORDER"]

_BADGES = {"chosen": "✔ chosen", "alternative": "◐ alternative", "undecided": "? undecided", "rejected": "✘ rejected"}


@layout_for(LiteratureEntry)
class LiteratureEntryCard(ModelForm):
    """One examined solution: title and verdict first, then the details."""

    def layout(self) -> w.Widget:
        f = self.fields
        order = ["title", "kind", "link", "verdict", "justification", "depth", "summary", "upsides", "downsides", "fit"]
        return w.VBox([self.error, *(f[name].widget for name in order)])

    def card_title(self) -> str:
        verdict = self.fields["verdict"].input.value
        return f"{super().card_title()} — {_BADGES.get(verdict, verdict)}"


@layout_for(Literature)
class LiteratureForm(ModelForm):
    """The review: chosen direction, landscape, then the entries."""

    def layout(self) -> w.Widget:
        self.chosen_summary = w.HTML()
        self.sort_button = w.Button(description="Put chosen first", icon="sort",
                                    tooltip="Order the entries: chosen, alternative, undecided, rejected",
                                    layout=w.Layout(width="auto"))
        self.sort_button.on_click(lambda _b: self.sort_by_verdict())
        f = self.fields
        return w.VBox([
            self.error, self.chosen_summary, f["landscape"].widget, f["depth_rationale"].widget,
            f["entries"].widget, self.sort_button,
        ])

    def sort_by_verdict(self) -> None:
        """Reorder the entries by verdict (stable: the order within a verdict is kept)."""
        entries = self.fields["entries"]
        entries.cards.sort(key=lambda c: VERDICT_ORDER.index(c.fields["verdict"].input.value))
        entries._render()
        entries.notify()

    def refresh(self) -> None:
        chosen = [c for c in self.fields["entries"].cards if c.fields["verdict"].input.value == "chosen"]
        if not chosen:
            self.chosen_summary.value = ("<b>Chosen direction</b>: none yet. Mark the entry you pick as "
                                         "<i>chosen</i> and say why; keep the others as alternatives or rejected.")
            return
        items = "".join(
            f"<li><b>{html_text(c.fields['title'].input.value.strip() or '(untitled)')}</b>"
            f" ({html_text(c.fields['kind'].input.value)}): "
            f"{html_text(c.fields['justification'].input.value.strip() or 'no justification yet')}</li>"
            for c in chosen
        )
        self.chosen_summary.value = f"<b>Chosen direction</b><ul>{items}</ul>"
