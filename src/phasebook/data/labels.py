"""A data source's label read from its data: the distinct values, checked by :mod:`phasebook.core.labels`.

Research, development and the scope's feasibility check all ask the same
question — which value is the positive class, and how often does it occur —
and get the answer from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.labels import LabelSpec, resolve_label
from ..core.errors import MissingInputError, UnknownColumnError

if TYPE_CHECKING:  # pragma: no cover
    from ..core.sections import DataSource

__all__ = ["source_label", "training_source_of"]


def source_label(project: Any, source: "DataSource", label: str = "", *, two_class: bool | None = None) -> LabelSpec | None:
    """The source's label checked as a two-class label, with its declared (or yes/no) positive value.

    Args:
        project: the :class:`~phasebook.Project` whose plan names the source.
        source: the data source (its ``positive_label`` is read).
        label: the label column (default: the source's ``label_column``).
        two_class: True when a two-class metric needs it (then more than two
            values stop); None to accept a many-valued numeric label as a
            regression target (then None is returned).

    Raises:
        BadInputError: naming ``label_column`` or ``positive_label`` when the
            label is missing, constant, has more than two values, or its
            positive class is not declared.
    """
    from .sources import open_table
    from .table import quote

    label = label or source.label_column or ""
    if not label:
        raise MissingInputError(what=f"the label column of data source {source.name!r}", where="set label_column in data_sources")
    with open_table(source.name, project) as table:
        if label not in table.columns:
            raise UnknownColumnError(column=label, label=f"the data of data source {source.name!r} (its label_column)",
                known=list(table.columns), fix="Fix label_column in data_sources.")
        numeric = table.kind(label) == "numeric"
        counts = dict(table.sql(f"SELECT {quote(label)}, count(*) FROM {table.view} WHERE {quote(label)} IS NOT NULL "
                                "GROUP BY 1 LIMIT 1001").fetchall())
    if two_class is None and numeric and len(counts) > 2:
        return None
    return resolve_label(source.name, label, counts, source.positive_label)


def training_source_of(sources: Any) -> "DataSource | None":
    """The source a model trains on by default: the first available one with a label column, else the first labelled."""
    return sources.training_source()
