"""Exploration profiles (step 2.1): per-column summaries, every column once.

Numeric and date columns are read one at a time (pyarrow for Parquet files
and frames), sorted in place and summarized with NumPy: count, infinite and
distinct values, min / max / mean / standard deviation, exact quantiles, a
histogram and the correlation with a target column. Categorical columns are
summarized by DuckDB in one scan (count, distinct values, min / max), plus
their top values with the target's mean per value (the target rate when it is
0/1). The columns are worked on by a small thread pool within the command's
memory limit (:mod:`.parallel`), with the same numbers as the serial path.

Distinct counts of numeric columns are exact (counted on the sorted values);
those of categorical columns above :data:`EXACT_LIMIT` rows are approximate
(DuckDB's HyperLogLog: expect errors up to about 10%) and the profile says
so per column. NaN counts as missing; infinite values are counted and left
out of the statistics. Means, standard deviations and correlations are
rounded to 12 significant digits, so the same data gives the same profile
from any format (sums differ in the last bits when rows arrive in another
order).
"""

from __future__ import annotations

import bisect
import time
from datetime import datetime, timezone
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from ..core.errors import ColumnTypeError, EmptyTableError, UnknownColumnError
from .parallel import pipeline
from .sources import open_table
from .stats import Dist, quantiles
from .table import Table, quote

__all__ = ["ColumnProfile", "Profile", "profile", "EXACT_LIMIT"]

EXACT_LIMIT = 100_000  # distinct counts of categorical columns above this many rows: HyperLogLog
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
HIST_BINS = 30
TOP = 10
STD_CHUNK = 1 << 20


class ColumnProfile(BaseModel):
    """One column's summary."""

    name: str
    type: str
    kind: str
    count: int
    missing: int
    missing_share: float
    infinite: int = 0
    distinct: int | None = None
    distinct_approximate: bool = False
    min: float | str | None = None
    max: float | str | None = None
    mean: float | None = None
    std: float | None = None
    quantiles: dict[str, float] = Field(default_factory=dict)
    quantiles_approximate: bool = False
    histogram: dict[str, list[float]] | None = None
    top_values: list[dict[str, Any]] = Field(default_factory=list)
    target_correlation: float | None = None
    note: str = ""


class Profile(BaseModel):
    """A table's profile: one :class:`ColumnProfile` per column."""

    source: str
    rows: int
    target: str | None = None
    columns: list[ColumnProfile]
    approximate: bool = False
    seconds: float = 0.0

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)

    def figures(self) -> dict[str, Any]:
        """Column name → plotly figure (histogram or top values)."""
        from .figures import profile_figure

        return {c.name: fig for c in self.columns if (fig := profile_figure(c)) is not None}

    def to_html(self) -> str:
        from .figures import profile_html

        return profile_html(self)


def profile(spec: Any, target: str | None = None, project: Any = None) -> Profile:
    """Profile ``spec`` (anything :func:`~phasebook.data.sources.open_table` accepts).

    Args:
        target: a numeric or 0/1 column (the KPI's label): numeric columns get
            their correlation with it, categorical values the target's mean.

    Raises:
        EmptyTableError, UnknownColumnError, ColumnTypeError.
    """
    t0 = time.perf_counter()
    t = open_table(spec, project)
    try:
        rows = t.rows
        if rows == 0:
            raise EmptyTableError(label=f"the table {t.label}")
        if target is not None:
            if target not in t.columns:
                raise UnknownColumnError(column=target, label=t.label, known=list(t.columns))
            if t.kind(target) != "numeric" and t.columns[target].upper() != "BOOLEAN":
                raise ColumnTypeError(
                    column=target, label=t.label, type=t.columns[target],
                    expected="a target must be numeric or boolean (0/1) to correlate with",
                )
        cols = {n: None for n in t.columns}  # table order
        numeric = [n for n in t.columns if t.kind(n) in ("numeric", "datetime")]
        tgt = t.float_column(target) if target else None
        per_column = 8 * rows * (3 if target else 1) + 2 * rows  # the column (and correlation copies), masks

        def jobs(item: str):
            if item == "":  # every categorical and other column: DuckDB, in one job
                return [lambda: _sql_columns(t, rows, target)]
            return [lambda: _numeric_column(t, item, rows, tgt)]

        def finish(item: str, results: list) -> None:
            if item == "":
                cols.update(results[0])
            else:
                cols[item] = results[0]

        pipeline([""] + numeric, jobs, finish, lambda item: 0 if item == "" else per_column, rows=rows)
        return Profile(
            source=t.label, rows=rows, target=target, columns=[c for c in cols.values() if c is not None],
            approximate=any(c is not None and c.distinct_approximate for c in cols.values()),
            seconds=time.perf_counter() - t0,
        )
    finally:
        if not isinstance(spec, Table):
            t.close()


def _sql_columns(t: Table, rows: int, target: str | None) -> dict[str, ColumnProfile]:
    """Counts, distinct counts, min / max and top values of every categorical and other column (DuckDB)."""
    exact = rows <= EXACT_LIMIT
    exprs: list[str] = []
    plan: list[tuple[str, str]] = []
    for name in t.columns:
        kind, q = t.kind(name), quote(name)
        if kind == "categorical":
            distinct = f"count(DISTINCT {q})" if exact else f"approx_count_distinct({q})"
            exprs += [f"count({q})", distinct, f"min(CAST({q} AS VARCHAR))", f"max(CAST({q} AS VARCHAR))"]
        elif kind == "other":
            exprs.append(f"count({q})")
        else:
            continue
        plan.append((name, kind))
    if not plan:
        return {}
    values = t.sql(f"SELECT {', '.join(exprs)} FROM {t.view}").fetchone()
    out: dict[str, ColumnProfile] = {}
    i = 0
    for name, kind in plan:
        count = int(values[i])
        col = ColumnProfile(name=name, type=t.columns[name], kind=kind, count=count, missing=rows - count,
                            missing_share=(rows - count) / rows)
        if kind == "categorical":
            col.distinct, col.distinct_approximate = int(values[i + 1]), not exact
            col.min, col.max = values[i + 2], values[i + 3]
            i += 4
            if count:
                col.top_values = _top_values(t, name, rows, target)
        else:
            i += 1
            col.note = f"type {t.columns[name]} is only counted"
        if count == 0:
            col.note = "; ".join(filter(None, ["every value is missing", col.note]))
        out[name] = col
    return out


def _numeric_column(t: Table, name: str, rows: int, target: np.ndarray | None) -> ColumnProfile:
    """Read, sort in place and summarize one numeric or date column."""
    x = t.float_column(name)
    corr = _correlation(x, target) if target is not None else None
    x.sort()  # -inf, finite values, +inf, NaN
    end = len(x)
    if end and x[-1] != x[-1]:
        end = int(np.searchsorted(x, np.nan, side="left"))
    lo = int(np.searchsorted(x[:end], -np.inf, side="right"))
    hi = int(np.searchsorted(x[:end], np.inf, side="left"))
    v = x[lo:hi]
    count, infinite = len(v), lo + end - hi
    col = ColumnProfile(
        name=name, type=t.columns[name], kind=t.kind(name), count=count, infinite=infinite,
        missing=rows - count - infinite, missing_share=(rows - count - infinite) / rows,
        distinct=int(np.count_nonzero(v[1:] != v[:-1])) + 1 if count else 0,
    )
    notes = []
    if count == 0:
        notes.append("every value is missing")
    if infinite:
        notes.append(f"{infinite} infinite values left out of the statistics")
    if count:
        _summarize(col, v)
        col.target_correlation = corr if count > 1 else None
        if col.kind == "datetime":  # statistics in epoch seconds; the range as readable timestamps
            col.min, col.max = (datetime.fromtimestamp(val, tz=timezone.utc).isoformat() for val in (col.min, col.max))
            notes.append("mean, std, quantiles and histogram in seconds since 1970 (UTC)")
    col.note = "; ".join(notes)
    return col


def _correlation(x: np.ndarray, target: np.ndarray) -> float | None:
    """Pearson correlation over the rows where both are finite (None when either is constant)."""
    both = np.isfinite(x) & np.isfinite(target)
    xs, ts = x[both], target[both]
    if len(xs) > 1 and xs.std() > 0 and ts.std() > 0:
        return _num(np.corrcoef(xs, ts)[0, 1])
    return None


def _summarize(c: ColumnProfile, v: np.ndarray) -> None:
    """Statistics of the sorted finite values ``v``."""
    lo, hi = float(v[0]), float(v[-1])
    c.min, c.max = lo, hi
    mean = v.mean()
    c.mean = _num(mean)
    if len(v) > 1:  # two passes, in chunks: no temporary the size of the column
        ss = sum(float(np.dot(d, d)) for d in (v[i:i + STD_CHUNK] - mean for i in range(0, len(v), STD_CHUNK)))
        c.std = _num(np.sqrt(ss / (len(v) - 1)))
    width = (hi - lo) / HIST_BINS if hi > lo else 1.0

    def bin_of(x: float) -> int:  # as ``((v - lo) / width).astype(int)``; the maximum closes the last bin
        return min(int((x - lo) / width), HIST_BINS - 1)

    starts = [0] + [bisect.bisect_left(v, b, key=bin_of) for b in range(1, HIST_BINS)] + [len(v)]
    c.histogram = {
        "edges": [lo + width * i for i in range(HIST_BINS + 1)],
        "counts": [float(b - a) for a, b in zip(starts[:-1], starts[1:])],
    }
    q = quantiles(Dist(v), np.array(QUANTILES))
    c.quantiles = {f"p{int(p * 100):02d}": float(val) for p, val in zip(QUANTILES, q)}


def _num(x: Any) -> float | None:
    """A float rounded to 12 significant digits: sums differ in the last bits with row order."""
    return None if x is None or x != x else float(f"{float(x):.12g}")


def _top_values(t: Table, name: str, rows: int, target: str | None) -> list[dict[str, Any]]:
    q = quote(name)
    tm = f", avg(CAST({quote(target)} AS DOUBLE))" if target and target != name else ", NULL"
    got = t.sql(
        f"SELECT CAST({q} AS VARCHAR) AS v, count(*) AS n{tm} FROM {t.view} WHERE {q} IS NOT NULL "
        f"GROUP BY 1 ORDER BY n DESC, v LIMIT {TOP}"
    ).fetchall()
    return [
        {"value": v, "count": int(n), "share": n / rows, **({"target_mean": _num(m)} if target else {})}
        for v, n, m in got
    ]
