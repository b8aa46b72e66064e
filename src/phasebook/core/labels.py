"""Which value of a two-class label is the positive class: declared, checked, never guessed silently.

A data source declares its ``label_column`` and, for a two-class metric,
its ``positive_label`` (``Churned``, ``Yes``, ``true``, ``1``…). The data
engine may hand the values back as booleans (DuckDB reads a ``Yes``/``No``
CSV column as BOOLEAN), integers, floats or text: :func:`resolve_label`
matches the declared value against whichever form they took. Without a
declaration only an unambiguous convention is accepted (a boolean, 0/1,
yes/no, true/false label, where the "true" side is positive); anything else
stops with a message naming the field to set. Plain Python: no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .named_errors import LabelColumnError, PositiveLabelError

__all__ = ["LabelSpec", "resolve_label", "TRUE_WORDS", "FALSE_WORDS"]

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})


@dataclass(frozen=True)
class LabelSpec:
    """A checked two-class label: the column, the positive and negative values, and their counts."""

    source: str
    column: str
    positive: Any
    negative: Any
    positives: int
    rows: int
    declared: bool

    @property
    def base_rate(self) -> float:
        """Share of labelled rows in the positive class."""
        return self.positives / self.rows if self.rows else float("nan")

    def describe(self) -> str:
        """One sentence a person reads before trusting a metric: which class counts as positive."""
        how = "declared positive_label" if self.declared else "conventional reading (declare positive_label to change it)"
        return (f"Label `{self.column}` of {self.source}: positive class {_show(self.positive)!s} "
                f"({self.positives:,} of {self.rows:,} labelled rows, {self.base_rate:.1%}); "
                f"negative class {_show(self.negative)!s}; {how}.")


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lower()


def _truth(value: Any) -> bool | None:
    word = _norm(value)
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def resolve_label(source: str, column: str, counts: Mapping[Any, int], positive_label: Any = None) -> LabelSpec:
    """Check a two-class label and name its positive value.

    Args:
        source: the data source's name (for messages).
        column: the label column.
        counts: distinct label value → row count (missing values already left out).
        positive_label: the source's declared positive value, or None.

    Raises:
        BadInputError: the label has no values, one value, more than two, or the
            declared positive value is not among them; or, undeclared, its values
            are not a yes/no pair. The message names the field to set.
    """
    values = [v for v in counts if v is not None and v == v]
    where = f"the label column {column!r} of data source {source!r}"
    if not values:
        raise LabelColumnError(where=where, found="has no values (every row is missing)", required="a two-class metric needs both classes",
            fix="Check label_column in data_sources")
    if len(values) == 1:
        raise LabelColumnError(where=where, found=f"is constant ({_show(values[0])} in every labelled row)",
            required="a two-class metric needs both classes", fix="Check label_column in data_sources, or the data's filter")
    if len(values) > 2:
        shown = ", ".join(_show(v) for v in sorted(values, key=str)[:10]) + (", …" if len(values) > 10 else "")
        raise LabelColumnError(where=where, found=f"has {len(values)} distinct values ({shown})", required="a two-class metric needs exactly two",
            fix="Pick another label_column in data_sources, or derive a two-valued one")
    if positive_label is not None and str(positive_label).strip() != "":
        wanted = positive_label
        match = [v for v in values if str(v) == str(wanted)] or [v for v in values if _norm(v) == _norm(wanted)]
        if not match and _truth(wanted) is not None:
            match = [v for v in values if _truth(v) is _truth(wanted)]
        if len(match) != 1:
            raise PositiveLabelError(source=source, column=column, value=_show(wanted), where=where,
                allowed=[_show(v) for v in sorted(values, key=str)])
        positive, declared = match[0], True
    else:
        truths = [_truth(v) for v in values]
        if sorted(t for t in truths if t is not None) != [False, True]:
            raise PositiveLabelError(source=source, column=column, value=None, where=where,
                allowed=[_show(v) for v in sorted(values, key=str)])
        positive, declared = values[truths.index(True)], False
    negative = next(v for v in values if v is not positive and v != positive)
    total = sum(int(counts[v]) for v in values)
    return LabelSpec(source=source, column=column, positive=positive, negative=negative,
                     positives=int(counts[positive]), rows=total, declared=declared)
