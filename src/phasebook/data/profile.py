"""Exploration profiles (step 2.1): per-column summaries in two passes.

One DuckDB scan counts every column's values and distinct values (and a
categorical's min / max). Numeric columns are then read in batches of about
:data:`BATCH_BYTES` (pyarrow for Parquet files and frames) and summarized
with NumPy: min / max / mean / standard deviation, exact quantiles, a
histogram and the correlation with a target column. Categorical columns get
their top values, with the target's mean per value (the target rate when it
is 0/1).

Above :data:`EXACT_LIMIT` rows distinct counts are approximate (DuckDB's
HyperLogLog: expect errors up to about 10%) and the profile says so per column. NaN counts as missing;
infinite values are counted and left out of the statistics. Means, standard
deviations and correlations are rounded to 12 significant digits, so the
same data gives the same profile from any format (sums differ in the last
bits when rows arrive in another order).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from ..core.errors import ColumnTypeError, EmptyTableError, UnknownColumnError
from .sources import open_table
from .table import Table, quote

__all__ = ["ColumnProfile", "Profile", "profile", "EXACT_LIMIT"]

EXACT_LIMIT = 100_000  # distinct counts above this many rows: HyperLogLog
BATCH_BYTES = 128 << 20
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
HIST_BINS = 30
TOP = 10


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


def _value_expr(t: Table, name: str) -> str:
    q, typ = quote(name), t.columns[name].upper()
    if t.kind(name) == "datetime":
        return f"CAST(epoch({q}) AS DOUBLE)"
    if typ in ("FLOAT", "DOUBLE", "REAL"):
        return f"(CASE WHEN isfinite({q}) THEN {q} END)"
    return f"CAST({q} AS DOUBLE)"


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
        cols = _first_pass(t, rows, target)
        _numeric_pass(t, cols, target)
        _top_values(t, cols, target)
        return Profile(
            source=t.label, rows=rows, target=target, columns=list(cols.values()),
            approximate=any(c.distinct_approximate for c in cols.values()),
            seconds=time.perf_counter() - t0,
        )
    finally:
        if not isinstance(spec, Table):
            t.close()


def _first_pass(t: Table, rows: int, target: str | None) -> dict[str, ColumnProfile]:
    """Counts and distinct counts of every column in one scan; min / max of categoricals."""
    exact = rows <= EXACT_LIMIT
    exprs: list[str] = []
    plan: list[tuple[str, str, int]] = []  # (name, kind, number of expressions)
    for name, typ in t.columns.items():
        kind, q = t.kind(name), quote(name)
        distinct = f"count(DISTINCT {q})" if exact else f"approx_count_distinct({q})"
        if kind in ("numeric", "datetime"):
            x = _value_expr(t, name)
            inf = f"count(*) FILTER (WHERE isinf({q}))" if typ.upper() in ("FLOAT", "DOUBLE", "REAL") else "0"
            items = [f"count({x})", inf, distinct.replace(q, x)]
        elif kind == "categorical":
            items = [f"count({q})", "0", distinct, f"min(CAST({q} AS VARCHAR))", f"max(CAST({q} AS VARCHAR))"]
        else:
            items = [f"count({q})", "0"]
        exprs += items
        plan.append((name, kind, len(items)))
    values = t.con.execute("SELECT " + ", ".join(exprs) + " FROM t").fetchone()
    out: dict[str, ColumnProfile] = {}
    i = 0
    for name, kind, k in plan:
        v = values[i:i + k]
        i += k
        count, infinite = int(v[0]), int(v[1] or 0)
        col = ColumnProfile(
            name=name, type=t.columns[name], kind=kind, count=count, infinite=infinite,
            missing=rows - count - infinite, missing_share=(rows - count - infinite) / rows,
        )
        if k > 2:
            col.distinct, col.distinct_approximate = int(v[2]), not exact
        if k > 3:
            col.min, col.max = v[3], v[4]
        notes = []
        if count == 0:
            notes.append("every value is missing")
        if infinite:
            notes.append(f"{infinite} infinite values left out of the statistics")
        if kind == "other":
            notes.append(f"type {t.columns[name]} is only counted")
        col.note = "; ".join(notes)
        out[name] = col
    return out


def _numeric_pass(t: Table, cols: dict[str, ColumnProfile], target: str | None) -> None:
    """Min, max, mean, std, exact quantiles, histogram and target correlation of numeric columns (NumPy)."""
    todo = [c for c in cols.values() if c.kind in ("numeric", "datetime") and c.count]
    per_batch = max(1, BATCH_BYTES // (8 * max(t.rows, 1)))
    tgt = t.full_numeric([target])[target] if target else None
    for start in range(0, len(todo), per_batch):
        batch = todo[start:start + per_batch]
        arrays = t.full_numeric([c.name for c in batch])
        for c in batch:
            _summarize(c, arrays.pop(c.name), tgt)
            if c.kind == "datetime":  # statistics in epoch seconds; the range as readable timestamps
                c.min, c.max = (datetime.fromtimestamp(v, tz=timezone.utc).isoformat() for v in (c.min, c.max))
                c.note = "; ".join(filter(None, [c.note, "mean, std, quantiles and histogram in seconds since 1970 (UTC)"]))


def _summarize(c: ColumnProfile, x: np.ndarray, target: np.ndarray | None) -> None:
    ok = np.isfinite(x)
    v = x[ok]
    lo, hi = float(v.min()), float(v.max())
    c.min, c.max = lo, hi
    c.mean = _num(v.mean())
    c.std = _num(v.std(ddof=1)) if len(v) > 1 else None
    if target is not None and len(v) > 1:
        both = ok & np.isfinite(target)
        xs, ts = x[both], target[both]
        if len(xs) > 1 and xs.std() > 0 and ts.std() > 0:
            c.target_correlation = _num(np.corrcoef(xs, ts)[0, 1])
    width = (hi - lo) / HIST_BINS if hi > lo else 1.0
    idx = np.minimum(((v - lo) / width).astype(np.intp), HIST_BINS - 1)  # the maximum closes the last bin
    c.histogram = {
        "edges": [lo + width * i for i in range(HIST_BINS + 1)],
        "counts": np.bincount(idx, minlength=HIST_BINS).astype(float).tolist(),
    }
    del idx
    q = np.quantile(v, QUANTILES, overwrite_input=True)
    c.quantiles = {f"p{int(p * 100):02d}": float(val) for p, val in zip(QUANTILES, q)}


def _num(x: Any) -> float | None:
    """A float rounded to 12 significant digits: sums differ in the last bits with row order."""
    return None if x is None or x != x else float(f"{float(x):.12g}")


def _top_values(t: Table, cols: dict[str, ColumnProfile], target: str | None) -> None:
    rows = t.rows
    for c in cols.values():
        if c.kind != "categorical" or not c.count:
            continue
        q = quote(c.name)
        tm = f", avg(CAST({quote(target)} AS DOUBLE))" if target and target != c.name else ", NULL"
        got = t.con.execute(
            f"SELECT CAST({q} AS VARCHAR) AS v, count(*) AS n{tm} FROM t WHERE {q} IS NOT NULL "
            f"GROUP BY 1 ORDER BY n DESC, v LIMIT {TOP}"
        ).fetchall()
        c.top_values = [
            {"value": v, "count": int(n), "share": n / rows, **({"target_mean": _num(m)} if target else {})}
            for v, n, m in got
        ]
