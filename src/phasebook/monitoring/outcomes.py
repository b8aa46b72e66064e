"""The live KPI: the scope's hard metrics measured on labelled production outcomes.

When the plan's monitoring section names ``outcomes`` (a data source, path or
glob of production rows whose outcome is now known: the model's score column
and the label), each check also measures every hard metric of the scope on
them — through the one metric catalogue (:mod:`phasebook.core.metrics`,
implemented in :mod:`phasebook.modeling.metrics`), with the parameters the
scope gives each metric (its ``k``) — and judges them against their targets
(:func:`phasebook.core.kpis.judge`). A hard metric below its target makes the
check alert, like drift does.

Classification metrics that need a score are measured on the score column;
regression metrics take the score column as the estimate. Metrics that need
predicted classes (a decision threshold the plan does not state) are
reported as not measured and do not alert.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import BadInputError
from ..core.kpis import judge
from ..core.labels import resolve_label
from ..core.metrics import metric_spec

__all__ = ["measure_outcomes"]


def _columns(project: Any, mon: Any) -> tuple[str, str, Any]:
    """(score column, label column, positive label) from the monitoring section and the training source."""
    source = project.section("data_sources").training_source()
    label = mon.outcome_label_column.strip() or (source.label_column if source is not None else "") or ""
    if not label:
        raise BadInputError(message="Name the label column of the labelled outcomes (monitoring: Outcome label "
                            "column), or set label_column on the training data source.")
    return mon.score_column.strip(), label, (source.positive_label if source is not None else None)


def measure_outcomes(project: Any, *, duck: Any = None) -> dict[str, Any] | None:
    """Measure the scope's hard metrics on ``monitoring.outcomes``; None when the plan names none.

    Returns:
        ``{"outcomes", "rows", "values", "results", "failed", "not_measured", "passed"}`` for the
        ``monitoring_check`` entry (``failed``: the hard metrics below their targets).

    Raises:
        BadInputError: the outcomes lack the score or label column, or the label is not two-class.
    """
    from ..data.sources import open_table
    from ..data.table import quote
    from ..modeling.metrics import compute_metrics, metric_parameters

    mon = project.section("monitoring")
    spec = mon.outcomes.strip()
    if not spec:
        return None
    score_col, label_col, positive = _columns(project, mon)
    with open_table(spec, project, duck=duck) as t:
        for col, field in ((score_col, "Score column"), (label_col, "Outcome label column")):
            if col not in t.columns:
                raise BadInputError(message=f"The labelled outcomes ({t.label}) have no column {col!r} "
                                    f"(columns: {', '.join(list(t.columns)[:20])}). Fix monitoring: {field}.")
        got = t.sql(f"SELECT {quote(label_col)} AS y, CAST({quote(score_col)} AS DOUBLE) AS s FROM {t.view} "
                    f"WHERE {quote(label_col)} IS NOT NULL AND {quote(score_col)} IS NOT NULL").fetchnumpy()
        label_source = t.label
    y, score = np.asarray(got["y"]), np.asarray(got["s"], dtype=np.float64)
    scope = project.section("scope")
    hard = [m for _, m in scope.hard_metrics()]
    params = metric_parameters(scope)
    values: dict[str, float] = {}
    not_measured: list[str] = []
    if len(y):
        classification = any((s := metric_spec(m.name)) is not None and s.task == "classification" for m in hard)
        if classification:
            values_, counts = np.unique(y, return_counts=True)
            spec_ = resolve_label(label_source, label_col, dict(zip(values_.tolist(), counts.tolist())), positive)
            truth = (y == spec_.positive).astype(np.int64)
        else:
            truth = y.astype(np.float64)
        for m in hard:
            s = metric_spec(m.name)
            needs = s.needs if s is not None else None
            if needs not in ("score", "value"):
                not_measured.append(m.name)
                continue
            given = {"score": score} if needs == "score" else {"value": score}
            values.update(compute_metrics([m.name], truth, **given, **params.get(m.name, {})))
    result = judge(scope, values, model="live")
    failed = [r.metric for r in result.results if r.outcome == "failed"]
    return {
        "outcomes": label_source, "rows": int(len(y)), "values": values,
        "results": [{"metric": r.metric, "comparator": r.comparator, "target": r.target, "value": r.value,
                     "outcome": r.outcome} for r in result.results if r.hardness == "hard"],
        "failed": failed, "not_measured": sorted(set(not_measured)), "passed": not failed,
    }
