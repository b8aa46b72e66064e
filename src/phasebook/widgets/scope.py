"""Layout hints for the scope form (1.4): each KPI with its model metrics as table rows.

A KPI card shows the KPI in product terms, then the metrics that measure it
one per row (metric, definition, target, comparator, dataset, hard/soft),
and warns inline about a KPI with no metric or a hard metric with no target
— the two gaps that make a model test meaningless.
"""

from __future__ import annotations


import ipywidgets as w

from ..core.escape import html_text
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
        return w.VBox([w.HBox(cells), errors])

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
        return out

    def refresh(self) -> None:
        msgs = self.warning_messages()
        self.warnings.value = "".join(
            f'<div style="color:var(--jp-warn-color1,#e65100)">⚠ {html_text(m)}</div>' for m in msgs
        )
