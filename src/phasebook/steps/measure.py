"""What the phase notebooks measure on data: source checks, training data, snapshots, groups.

Everything goes through the data engine (:mod:`phasebook.data`) and the
:class:`~phasebook.Project` facade, which journals: ``data_check`` for each
source checked, ``kpi_measurement`` for a post-deployment group comparison.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.labels import LabelSpec
from ..modeling.groups import compare_groups
from ..core.errors import MissingInputError, UnknownDataSourceError

if TYPE_CHECKING:  # pragma: no cover
    from ..core.sections import DataSource
    from ..project import Project

__all__ = ["check_sources", "load_frame", "training_source", "training_label", "profile_target", "scope_task", "snapshot_reference", "find_group_source", "measure_groups"]


def check_sources(project: "Project") -> pd.DataFrame:
    """Check every data source of the plan (each journaled as ``data_check``)."""
    rows = []
    for source in project.sections.data_sources.items:
        c = project.check_source(source.name)
        rows.append({"source": c.name, "access": source.access_status, "reachable": c.reachable, "rows": c.rows,
                     "columns": len(c.columns), "size_mb": round(c.size_bytes / 1e6, 2) if c.size_bytes else None,
                     "note": c.reason})
    return pd.DataFrame(rows, columns=["source", "access", "reachable", "rows", "columns", "size_mb", "note"])


def load_frame(project: "Project", spec: str, *, columns: list[str] | None = None, sample_rows: int = 0,
               seed: int = 0) -> pd.DataFrame:
    """A data source (or path) as a pandas DataFrame, optionally a seeded sample of ``sample_rows``."""
    from ..data.sources import open_table
    from ..data.table import quote

    with open_table(spec, project) as table:
        select = ", ".join(quote(c) for c in columns) if columns else "*"
        sql = f"SELECT {select} FROM t"
        if sample_rows and table.rows > sample_rows:
            sql += f" USING SAMPLE reservoir({int(sample_rows)} ROWS) REPEATABLE ({int(seed)})"
        return table.con.execute(sql).df()


def training_source(project: "Project", data_source: str = "", label_column: str = "") -> tuple["DataSource", str]:
    """The data source and label to train on: the named one, else the first with a label column.

    Raises:
        BadInputError: no such source, or no source declares a label column.
    """
    sources = project.sections.data_sources.items
    if data_source:
        match = [s for s in sources if s.name == data_source]
        if not match:
            raise UnknownDataSourceError(name=data_source, known=[s.name for s in sources])
        source = match[0]
    else:
        chosen = project.sections.data_sources.training_source()
        if chosen is None:
            raise MissingInputError(what="the label column", where="no data source declares one; set label_column on the training source in "
                "data_sources (1.3), or set the notebook's data_source and label_column parameters")
        source = chosen
    label = label_column or source.label_column or ""
    if not label:
        raise MissingInputError(what=f"the label column of data source {source.name!r}",
            where="set it in data_sources, or set the notebook's label_column parameter")
    return source, label


def scope_task(project: "Project") -> str | None:
    """``classification`` or ``regression`` when the scope's hard metrics say which; None without any."""
    from ..modeling.metrics import METRICS

    tasks = {METRICS[m.name].task for _, m in project.sections.scope.hard_metrics() if m.name in METRICS}
    return "classification" if "classification" in tasks else (tasks.pop() if tasks else None)


def training_label(project: "Project", source: "DataSource", label: str = "", *,
                   two_class: bool | None = None) -> LabelSpec | None:
    """The source's label checked as a two-class label (see :func:`phasebook.data.labels.source_label`)."""
    from ..data.labels import source_label

    return source_label(project, source, label, two_class=two_class)


def profile_target(spec: LabelSpec | None) -> str:
    """The column a profile may take as target: the label when it is a boolean or 0/1 column whose true side is positive.

    A text label (``Churned``/``Stayed``) or one whose positive side is 0 would
    give per-value rates of the wrong class: then none ('').
    """
    if spec is None or isinstance(spec.positive, str) or spec.positive not in (True, 1):
        return ""
    return spec.column


def snapshot_reference(project: "Project", reference: str | None = None) -> Path:
    """Freeze the reference data as ``data/snapshots/<name>-<date>.parquet`` (kept if it exists).

    Drift checks then compare production data with exactly what the model
    was trained on, even after the training table is refreshed.
    """
    reference = reference or project.sections.monitoring.reference_data
    if not reference:
        raise MissingInputError(what="the reference data", where="the monitoring section names none; set monitoring.reference_data (4.1)")
    name = Path(str(reference)).stem.replace("*", "all")
    target = project.root / "data" / "snapshots" / f"{name}-{dt.date.today():%Y%m%d}.parquet"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        frame = load_frame(project, str(reference))
        tmp = target.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(target)
    return target


def find_group_source(project: "Project", groups_source: str = "", group_column: str = "group") -> str | None:
    """The data source holding A/B group outcomes: the named one, else the first with ``group_column``."""
    if groups_source:
        return groups_source
    from ..data.sources import open_table

    for source in project.sections.data_sources.items:
        if not source.uri:
            continue
        try:
            with open_table(source.name, project) as table:
                if group_column in table.columns:
                    return source.name
        except Exception:  # an unreachable source simply holds no groups here
            continue
    return None


def measure_groups(project: "Project", source: str, *, group_column: str = "group", outcome_column: str = "",
                   control: str | None = None) -> pd.DataFrame:
    """Compare the rollout groups on the outcome and journal it as ``kpi_measurement``."""
    sources = {s.name: s for s in project.sections.data_sources.items}
    outcome = outcome_column or (sources[source].label_column if source in sources else "") or ""
    if not outcome:
        raise MissingInputError(what=f"the outcome column of {source!r}", where="set the notebook's outcome_column parameter (or its label_column)")
    frame = load_frame(project, source, columns=[group_column, outcome])
    table = compare_groups(frame, group_column, outcome, control=control)
    rollout = project.sections.deployment.rollout
    data: dict[str, Any] = {
        "kpi": rollout.ab_design.primary_kpi or outcome, "source": source, "group_column": group_column,
        "outcome_column": outcome, "groups": table.astype(object).where(table.notna(), None).to_dict(orient="records"),
    }
    project.record("kpi_measurement", data)
    return table
