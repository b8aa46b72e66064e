"""Layout hints for the scope form (1.4): each KPI with its model metrics as table rows.

A KPI card shows the KPI in product terms, then the metrics that measure it
one per row (metric, definition, target, comparator, dataset, hard/soft,
top k), each row saying how it reads ("recall in the top 10%"), and warns
inline about a KPI with no metric, a hard metric with no target — the two
gaps that make a model test meaningless — and a comparator that runs against
its metric's direction (the rule: :mod:`phasebook.core.scopecheck`).
"""

from __future__ import annotations


import ipywidgets as w

from ..core.escape import html_text
from ..core.metrics import metric_label
from ..core.scopecheck import direction_warning
from ..core.sections import ModelMetric, ProductKPI
from .model_form import ModelForm, layout_for

__all__ = ["MetricRow", "KpiCard"]

_COLUMNS = (
    ("name", "11em"),
    ("definition", "16em"),
    ("target", "6em"),
    ("comparator", "7em"),
    ("dataset", "12em"),
    ("hardness", "7em"),
    ("k", "5em"),
)


@layout_for(ModelMetric)
class MetricRow(ModelForm):
    """One model metric as a table row; its messages show under the row."""

    row = True

    @classmethod
    def columns(cls) -> list[tuple[str, str]]:
        """Column titles and widths, for the header line of the table."""
        fields = ModelMetric.model_fields
        return [(fields[name].title or name, width) for name, width in _COLUMNS]

    def layout(self) -> w.Widget:
        cells = []
        for name, width in _COLUMNS:
            field = self.fields[name]
            field.input.layout.width = width
            cells.append(field.input)
        errors = w.VBox([self.error, *(self.fields[name].error for name, _ in _COLUMNS)])
        self.reads = w.HTML()
        return w.VBox([w.HBox(cells), errors, self.reads])

    def typed(self) -> dict:
        """The row's values as typed so far (a box that does not parse reads as empty)."""
        return self.collect([])

    def refresh(self) -> None:
        data = self.typed()
        name = str(data.get("name") or "").strip()
        label = metric_label(name, {"k": data["k"]} if data.get("k") is not None else {})
        self.reads.value = (f'<small style="opacity:.7">reads: {html_text(label)}</small>'
                            if name and label != name else "")

    def direction_message(self) -> str | None:
        """The warning when the row's comparator runs against its metric's direction (None when it does not)."""
        data = self.typed()
        target = data.get("target")
        return direction_warning(str(data.get("name") or "").strip(), str(data.get("comparator") or ">="),
                                 target if isinstance(target, (int, float)) else None,
                                 {"k": data["k"]} if data.get("k") is not None else {})

    def missing_target(self) -> bool:
        """A hard metric whose target box is empty."""
        return self.fields["hardness"].input.value == "hard" and not self.fields["target"].input.value.strip()


@layout_for(ProductKPI)
class KpiCard(ModelForm):
    """A product KPI with its metrics as rows and inline warnings."""

    def layout(self) -> w.Widget:
        self.warnings = w.HTML()
        f = self.fields
        return w.VBox([self.error, f["name"].widget, f["description"].widget, f["metrics"].widget, self.warnings])

    def warning_messages(self) -> list[str]:
        """The current gaps of this KPI (no metric; hard metric without target)."""
        metrics = self.fields["metrics"].cards
        if not metrics:
            return ["This KPI has no model metric yet: add the metric that measures it."]
        out = []
        for i, row in enumerate(metrics):
            if row.missing_target():
                label = row.fields["name"].input.value.strip() or f"metric {i + 1}"
                out.append(f"{label} is a hard metric without a target: give the value the model must reach.")
            if direction := row.direction_message():
                out.append(direction + ".")
        return out

    def refresh(self) -> None:
        msgs = self.warning_messages()
        self.warnings.value = "".join(
            f'<div style="color:var(--jp-warn-color1,#e65100)">⚠ {html_text(m)}</div>' for m in msgs
        )
