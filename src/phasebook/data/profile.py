"""Exploration profiles (step 2.1): per-column summaries in two DuckDB passes.

Pass one computes, for every column at once, the count, missing values,
distinct values, min / max / mean / standard deviation, quantiles and the
correlation with a target column. Pass two computes every numeric
histogram at once; categorical columns then get their top values (with the
target's mean per value: the target rate when the target is 0/1).

Above :data:`EXACT_LIMIT` rows distinct counts are approximate
(HyperLogLog, about 2% error), above :data:`QUANTILE_EXACT_LIMIT` quantiles
too (t-digest); the profile says so per column. NaN counts
as missing; infinite values are counted and left out of the statistics.
Means, standard deviations and correlations are rounded to 12 significant
digits, so the same data gives the same profile from any format (DuckDB's
parallel sums differ in the last bits when rows arrive in another order).
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field

from ..core.errors import ColumnTypeError, EmptyTableError, UnknownColumnError
from .sources import open_table
from .table import Table, quote

__all__ = ["ColumnProfile", "Profile", "profile", "EXACT_LIMIT"]

EXACT_LIMIT = 100_000  # distinct counts above this many rows: HyperLogLog
QUANTILE_EXACT_LIMIT = 2_000_000  # quantiles above this: t-digest (exact ones hold every value in memory)
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
        _histograms(t, cols)
        _top_values(t, cols, target)
        return Profile(
            source=t.label, rows=rows, target=target, columns=list(cols.values()),
            approximate=any(c.distinct_approximate or c.quantiles_approximate for c in cols.values()),
            seconds=time.perf_counter() - t0,
        )
    finally:
        if not isinstance(spec, Table):
            t.close()


def _first_pass(t: Table, rows: int, target: str | None) -> dict[str, ColumnProfile]:
    exact, exact_q = rows <= EXACT_LIMIT, rows <= QUANTILE_EXACT_LIMIT
    tgt = f"CAST({quote(target)} AS DOUBLE)" if target else None
    exprs: list[str] = []
    plan: list[tuple[str, str, int]] = []  # (name, kind, number of expressions)
    qs = "[" + ", ".join(str(q) for q in QUANTILES) + "]"
    for name, typ in t.columns.items():
        kind, q = t.kind(name), quote(name)
        distinct = f"count(DISTINCT {q})" if exact else f"approx_count_distinct({q})"
        if kind in ("numeric", "datetime"):
            x = _value_expr(t, name)
            quant = f"quantile_cont({x}, {qs})" if exact_q else f"approx_quantile({x}, {qs})"
            inf = f"count(*) FILTER (WHERE isinf({q}))" if typ.upper() in ("FLOAT", "DOUBLE", "REAL") else "0"
            corr = f"corr({x}, {tgt})" if tgt and name != target else "NULL"
            items = [f"count({x})", inf, distinct, f"min({x})", f"max({x})", f"avg({x})",
                     f"stddev_samp({x})", quant, corr]
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
            col.min, col.max = v[3], v[4]
        if k > 5:
            col.mean, col.std = _num(v[5]), _num(v[6])
            if v[7] is not None:
                col.quantiles = {f"p{int(q * 100):02d}": float(x) for q, x in zip(QUANTILES, v[7])}
            col.quantiles_approximate = not exact_q
            col.target_correlation = _num(v[8])
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


def _num(x: Any) -> float | None:
    """A float rounded to 12 significant digits: parallel sums differ in the last bits with row order."""
    return None if x is None or x != x else float(f"{float(x):.12g}")


def _histograms(t: Table, cols: dict[str, ColumnProfile]) -> None:
    todo = [c for c in cols.values() if c.kind in ("numeric", "datetime") and c.count]
    exprs = []
    for c in todo:
        lo, hi = float(c.min), float(c.max)
        width = (hi - lo) / HIST_BINS if hi > lo else 1.0
        exprs.append(
            f"histogram(CAST(floor(({_value_expr(t, c.name)} - {lo!r}) / {width!r}) AS INTEGER))"
        )
    if not exprs:
        return
    maps = t.con.execute("SELECT " + ", ".join(exprs) + " FROM t").fetchone()
    for c, m in zip(todo, maps):
        lo, hi = float(c.min), float(c.max)
        width = (hi - lo) / HIST_BINS if hi > lo else 1.0
        counts = [0.0] * HIST_BINS
        for b, n in (m or {}).items():
            if b is not None:
                counts[min(int(b), HIST_BINS - 1)] += n  # the maximum closes the last bin
        c.histogram = {"edges": [lo + width * i for i in range(HIST_BINS + 1)], "counts": counts}


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
