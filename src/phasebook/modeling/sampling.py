"""Drawing a review sample of real outputs: seeded, optionally stratified, only the columns a person needs.

:func:`draw` picks ``size`` rows of a frame of model outputs (proportional
allocation over ``strata`` with largest remainders, a seeded shuffle in each
stratum) and returns the items reviewers will see: an id, the declared input
columns only (never the whole row unless asked), and the model's output.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..core.hashing import jsonable
from ..core.named_errors import DuplicateIdsError, InvalidValueError, NoModelFittedError
from ..core.errors import EmptyTableError, UnknownColumnError

__all__ = ["draw", "allocate", "id_column_of", "best_of", "top_outputs"]


def id_column_of(frame: pd.DataFrame) -> str | None:
    """The frame's identifier column (``id`` or the first ``*_id``), None to use the row index."""
    for col in frame.columns:
        if str(col).lower() == "id" or str(col).lower().endswith("_id"):
            return str(col)
    return None


def allocate(counts: dict[Any, int], size: int) -> dict[Any, int]:
    """Proportional allocation of ``size`` over strata of ``counts`` rows (largest remainders, capped per stratum)."""
    total = sum(counts.values())
    size = min(size, total)
    exact = {k: size * n / total for k, n in counts.items()}
    out = {k: min(counts[k], math.floor(v)) for k, v in exact.items()}
    order = sorted(counts, key=lambda k: (-(exact[k] - math.floor(exact[k])), str(k)))
    while sum(out.values()) < size:
        for k in order:
            if sum(out.values()) >= size:
                break
            if out[k] < counts[k]:
                out[k] += 1
    return out


def _missing(frame: pd.DataFrame, names: Sequence[str], what: str) -> None:
    gone = [c for c in names if c not in frame.columns]
    if gone:
        raise UnknownColumnError(column=", ".join(map(str, gone)), label=f"the items (the {what})", known=list(frame.columns))


def draw(frame: pd.DataFrame, size: int, *, columns: Sequence[str] = (), output: str | Sequence[str] = "score",
         strata: str | Sequence[str] | None = None, seed: int = 0, id_column: str | None = None) -> list[dict[str, Any]]:
    """The sampled items: ``{"id", "fields": {column: value}, "output": {column: value}}``, in a seeded order.

    Raises:
        BadInputError: an empty frame, a size below 1, or a named column that is not in the frame.
    """
    if len(frame) == 0:
        raise EmptyTableError(label="The items frame", purpose="sample", fix="There are no outputs to sample.")
    if size < 1:
        raise InvalidValueError(what="A review sample's size", value=size, expected="at least one item")
    outputs = [output] if isinstance(output, str) else list(output)
    strata_cols = [] if strata is None else ([strata] if isinstance(strata, str) else list(strata))
    _missing(frame, list(columns), "column")
    _missing(frame, outputs, "output column")
    _missing(frame, strata_cols, "stratum column")
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)
    id_column = id_column or id_column_of(frame)
    if id_column is not None:
        _missing(frame, [id_column], "id column")
    ids = frame[id_column].astype(str) if id_column else pd.Series(frame.index.astype(str), index=frame.index)
    if ids.duplicated().any():
        raise DuplicateIdsError(id_column=id_column)
    rng = np.random.default_rng(seed)
    if strata_cols:
        groups = {k: g.index for k, g in frame.groupby(strata_cols, sort=True, dropna=False)}
        quota = allocate({k: len(v) for k, v in groups.items()}, size)
        picked = [idx for k, v in groups.items() for idx in rng.permutation(np.asarray(v))[:quota[k]]]
        picked = list(np.asarray(picked, dtype=object)[rng.permutation(len(picked))])
    else:
        picked = list(rng.permutation(np.asarray(frame.index, dtype=object))[:size])
    return [
        {"id": str(ids.loc[i]),
         "fields": {str(c): jsonable(frame.at[i, c]) for c in columns},
         "output": {str(c): jsonable(frame.at[i, c]) for c in outputs}}
        for i in picked
    ]


def best_of(models: Sequence[Any], tests: Sequence[Any]) -> Any:
    """The model whose test passes the most hard metrics (ties: the better first hard metric, then the later model).

    ``models`` and ``tests`` are parallel (fitted models and their :class:`~phasebook.core.kpis.ModelTestResult`).
    """
    def key(i: int):
        t = tests[i]
        hard = [r for r in t.results if r.hardness == "hard"]
        first = hard[0] if hard else None
        lead = 0.0 if first is None or first.value is None else (first.value if first.comparator == ">=" else -first.value)
        return (t.passed, sum(r.outcome == "passed" for r in hard), lead, i)

    if not models:
        raise NoModelFittedError(purpose="review")
    return models[max(range(len(models)), key=key)]


def top_outputs(frame: pd.DataFrame, X_test: pd.DataFrame, score: Any, *, share: float = 0.1,
                output: str = "score") -> pd.DataFrame:
    """The holdout rows of ``frame`` (all its columns) with the model's ``score``, the top ``share`` by score.

    The review looks at the customers the model would act on (e.g. the top decile of churn risk).
    """
    if not 0 < share <= 1:
        raise InvalidValueError(what="share", value=share, expected="between 0 and 1 (0.1 is the top decile)")
    rows = frame.loc[X_test.index].copy()
    rows[output] = np.round(np.asarray(score, dtype=float), 4)
    k = max(1, math.ceil(len(rows) * share))
    return rows.sort_values(output, ascending=False, kind="stable").head(k)
