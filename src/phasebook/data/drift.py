"""Covariate shift: compare a current table with a reference table, column by column.

Numeric columns (integers, floats, dates): PSI over the reference's decile
bins plus a missing bin, and the exact two-sample Kolmogorov–Smirnov test.
Categorical columns: PSI and Jensen–Shannon distance over the reference's 20
most frequent categories plus "other", "unseen" and "missing" bins, a
chi-square test, and the share of current rows whose category the reference
never saw.

At large n every p-value is tiny, and at small n every effect size is
noisy, so a test flags a column only when both its effect size passes the
threshold *and* its p-value is below ``ks_pvalue``: two samples of one
distribution are not flagged at any size. The unseen share is judged against
the Good–Turing estimate of how much unseen mass the reference itself
implies (its share of categories seen once), so a long tail of rare
categories is not drift but many new ones are.

Columns found in one table only, or whose type changed, are flagged with a
note; a column missing everywhere gets a note and no statistics, never a
NaN that silently passes.

Both tables share one DuckDB connection, so the command keeps one memory
limit; numeric columns are read and sorted on a thread pool (the reference
and the current side of a column at once) within that limit, and finished
in column order on the calling thread, so the parallel path gives the very
numbers of the serial one (:mod:`.parallel`).
"""

from __future__ import annotations

import heapq
import time
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from ..core.errors import EmptyTableError, UnknownColumnError
from ..core.sections import DriftThresholds
from . import stats
from .parallel import pipeline, workers
from .sources import open_table
from .table import Duck, Table

__all__ = ["ColumnDrift", "DriftReport", "drift", "TOP_CATEGORIES", "LABEL_REASON", "ID_REASON"]

TOP_CATEGORIES = 20
PLOT_BINS = 40


class ColumnDrift(BaseModel):
    """One column's drift statistics and verdict."""

    name: str
    kind: Literal["numeric", "categorical"]
    psi: float | None = None
    psi_pvalue: float | None = None
    ks_statistic: float | None = None
    ks_pvalue: float | None = None
    js_distance: float | None = None
    chi2_pvalue: float | None = None
    unseen_share: float | None = None
    unseen_expected: float | None = None
    missing_reference: float | None = None
    missing_current: float | None = None
    drifted: bool = False
    reasons: list[str] = Field(default_factory=list)
    note: str = ""
    plot: dict[str, Any] | None = Field(None, description="Bins and shares for the overlay figure.")


class DriftReport(BaseModel):
    """Reference vs current: per-column results and the dataset verdict."""

    reference: str
    current: str
    rows_reference: int
    rows_current: int
    thresholds: DriftThresholds
    columns: list[ColumnDrift]
    drifted_columns: list[str]
    skipped: list[dict[str, str]] = Field(default_factory=list)
    drift_share: float
    drifted: bool
    seconds: float = 0.0
    #: columns in both tables, and in either (a schema mismatch is one headline, not N drifted columns)
    shared_columns: int | None = None
    total_columns: int | None = None

    @property
    def schema_mismatch(self) -> bool:
        """Fewer than half of the compared columns are in both tables: a different table, not drift."""
        return bool(self.total_columns) and (self.shared_columns or 0) * 2 < (self.total_columns or 0)

    @property
    def summary(self) -> str:
        if self.schema_mismatch:
            return (f"schema mismatch: the tables share {self.shared_columns} of {self.total_columns} columns "
                    "(compare the same table at two times)")
        verdict = "drift" if self.drifted else "no dataset drift"
        return (
            f"{verdict}: {len(self.drifted_columns)} of {len(self.columns)} columns drifted "
            f"({', '.join(self.drifted_columns) or 'none'})"
        )

    def column(self, name: str) -> ColumnDrift:
        return next(c for c in self.columns if c.name == name)

    def event_data(self) -> dict[str, Any]:
        """The JSON journaled as ``drift_check`` (without the figure data)."""
        return {**self.model_dump(mode="json", exclude={"columns": {"__all__": {"plot"}}}), "summary": self.summary}

    def figures(self) -> dict[str, Any]:
        """Column name → plotly overlay figure (reference vs current)."""
        from .figures import drift_figure

        return {c.name: drift_figure(c) for c in self.columns if c.plot}

    def to_html(self) -> str:
        from .figures import drift_html

        return drift_html(self)


#: Why a label column is not compared in production drift.
LABEL_REASON = "the label: production data does not know it yet"
#: Why a declared id column is not compared.
ID_REASON = "an id column: it identifies rows, its distribution says nothing about drift"


def drift(
    reference: Any,
    current: Any,
    thresholds: DriftThresholds | None = None,
    columns: list[str] | None = None,
    project: Any = None,
    exclude: list[str] | dict[str, str] | None = None,
) -> DriftReport:
    """Compare ``current`` with ``reference`` (each anything :func:`open_table` accepts).

    Args:
        exclude: columns left out (with the reason in ``skipped``) unless named
            in ``columns``: a label not yet known in production data (a list), or
            ``{column: reason}`` (a declared id column: unique per row, not a feature).

    Raises:
        EmptyTableError: either table has no rows.
        UnknownColumnError: a requested column is in neither table.
    """
    t0 = time.perf_counter()
    th = thresholds or DriftThresholds()
    duck = Duck()  # one connection, one memory limit, for both tables
    ref = cur = None
    try:
        ref = open_table(reference, project, duck=duck)
        cur = open_table(current, project, duck=duck)
        for role, t in (("reference", ref), ("current", cur)):
            if t.rows == 0:
                raise EmptyTableError(label=f"the {role} table {t.label}")
        names = _column_names(ref, cur, columns)
        out: dict[str, ColumnDrift] = {}
        skipped: list[dict[str, str]] = []
        if exclude and not columns:
            why = exclude if isinstance(exclude, dict) else dict.fromkeys(exclude, LABEL_REASON)
            left = [n for n in names if n in why]
            skipped += [{"name": n, "reason": why[n]} for n in left]
            names = [n for n in names if n not in set(left)]
        shared = sum(1 for n in names if n in ref.columns and n in cur.columns)
        numeric: list[str] = []
        categorical: list[str] = []
        for name in names:
            entry = _schema_entry(name, ref, cur, skipped)
            if entry is not None:
                out[name] = entry
            elif name not in {s["name"] for s in skipped}:
                (numeric if _kind(ref.kind(name)) == "numeric" else categorical).append(name)
        if categorical:
            rc, cc = ref.counts_many(categorical), cur.counts_many(categorical)
            for name in categorical:
                out[name] = _categorical(name, *rc[name], *cc[name], th)
        out.update(_numeric_all(numeric, ref, cur, th))
        cols = [out[n] for n in names if n in out]
        flagged = [c.name for c in cols if c.drifted]
        share = len(flagged) / len(cols) if cols else 0.0
        return DriftReport(
            reference=ref.label, current=cur.label, rows_reference=ref.rows, rows_current=cur.rows,
            thresholds=th, columns=cols, drifted_columns=flagged, skipped=skipped, drift_share=share,
            drifted=bool(flagged) and share >= th.dataset_share, seconds=time.perf_counter() - t0,
            shared_columns=shared, total_columns=len(names),
        )
    finally:
        for spec, t in ((reference, ref), (current, cur)):
            if t is not None and not isinstance(spec, Table):
                t.close()
        duck.close()


def _kind(k: str) -> str:
    return "numeric" if k in ("numeric", "datetime") else k


def _column_names(ref: Table, cur: Table, columns: list[str] | None) -> list[str]:
    if columns:
        for c in columns:
            if c not in ref.columns and c not in cur.columns:
                raise UnknownColumnError(
                    column=c, label=f"the reference ({ref.label}) nor the current table ({cur.label})",
                    known=sorted(set(ref.columns) | set(cur.columns)),
                )
        return list(dict.fromkeys(columns))
    return list(ref.columns) + [c for c in cur.columns if c not in ref.columns]


def _schema_entry(name: str, ref: Table, cur: Table, skipped: list) -> ColumnDrift | None:
    """A flagged entry for schema problems, a skip for unsupported types, else None."""
    if name not in cur.columns or name not in ref.columns:
        present, absent, t = ("reference", "current", ref) if name in ref.columns else ("current", "reference", cur)
        kind = _kind(t.kind(name))
        if kind == "other":
            skipped.append({"name": name, "reason": f"only in the {present} table, type {t.columns[name]}"})
            return None
        return ColumnDrift(
            name=name, kind=kind, drifted=True, reasons=["schema"],
            note=f"only in the {present} table: the {absent} table has no column {name!r}",
        )
    kr, kc = _kind(ref.kind(name)), _kind(cur.kind(name))
    if "other" in (kr, kc):
        skipped.append({"name": name, "reason": f"type {ref.columns[name]} / {cur.columns[name]} is not compared"})
        return None
    if kr != kc:
        return ColumnDrift(
            name=name, kind=kr, drifted=True, reasons=["schema"],
            note=f"type changed: reference {ref.columns[name]} ({kr}), current {cur.columns[name]} ({kc}); "
            "not compared — fix the pipeline or cast the column",
        )
    return None


def _numeric_all(names: list[str], ref: Table, cur: Table, th: DriftThresholds) -> dict[str, ColumnDrift]:
    """Read and sort each column's two sides on the thread pool; compare them in column order here."""
    rows = max(ref.rows, cur.rows)
    # a column holds both sorted sides until it is compared; a running read holds one row group besides
    per_column = 8 * (ref.rows + cur.rows)
    transient = rows * workers()

    def jobs(name: str):
        return [lambda: _side(ref, name), lambda: _side(cur, name)]

    def finish(name: str, sides: list[stats.Dist]) -> ColumnDrift:
        return _numeric(name, *sides, th)

    results = pipeline(names, jobs, finish, lambda _: per_column, rows=rows, reserve=transient)
    return dict(zip(names, results))


def _side(t: Table, name: str) -> stats.Dist:
    """One table's values of a numeric column, sorted (integers with a small range counted instead)."""
    if t.is_integer(name):
        return stats.Dist.from_values(*t.int_column(name))
    return stats.Dist.from_floats(t.float_column(name))


def _numeric(name: str, ref: stats.Dist, cur: stats.Dist, th: DriftThresholds) -> ColumnDrift:
    rm, cm = ref.missing, cur.missing
    col = ColumnDrift(
        name=name, kind="numeric",
        missing_reference=rm / (ref.n + rm), missing_current=cm / (cur.n + cm),
    )
    if ref.n == 0 and cur.n == 0:
        col.note = "every value is missing in both tables; nothing to compare"
        return col
    _, rc, cc = stats.psi_bins(ref, cur)
    col.psi = stats.psi(rc, cc)
    col.psi_pvalue = stats.psi_pvalue(col.psi, rc, cc)
    if ref.n and cur.n:
        col.ks_statistic = stats.ks(ref, cur)
        col.ks_pvalue = stats.ks_pvalue(col.ks_statistic, ref.n, cur.n, ref, cur)
    else:
        col.note = f"every value is missing in the {'reference' if ref.n == 0 else 'current'} table"
    if col.psi > th.psi and col.psi_pvalue < th.ks_pvalue:
        col.reasons.append("psi")
    if col.ks_statistic is not None and col.ks_statistic > th.ks_statistic and col.ks_pvalue < th.ks_pvalue:
        col.reasons.append("ks")
    if ref.n == 0 or cur.n == 0:
        col.reasons.append("missing")
    col.drifted = bool(col.reasons)
    col.plot = _numeric_plot(ref, cur)
    return col


def _numeric_plot(ref: stats.Dist, cur: stats.Dist) -> dict[str, Any]:
    ends = [stats.quantiles(d, np.array([0.0, 1.0])) for d in (ref, cur) if d.n]  # the whole range of both
    lo, hi = stats.plot_span(min(float(e[0]) for e in ends), max(float(e[1]) for e in ends), ref, cur)
    edges = np.linspace(lo, hi, PLOT_BINS + 1)

    def shares(d: stats.Dist) -> list[float]:
        if d.n == 0:
            return [0.0] * PLOT_BINS
        c = np.diff(d.count_le(edges, "right"))
        c[0] += d.count_le(edges[:1], "right")[0]  # fold the tails into the end bins
        c[-1] += d.n - d.count_le(edges[-1:], "right")[0]
        return (c / d.n).tolist()

    return {"edges": edges.tolist(), "reference": shares(ref), "current": shares(cur)}


def _categorical(
    name: str, rcounts: dict[str, int], rmiss: int, ccounts: dict[str, int], cmiss: int, th: DriftThresholds
) -> ColumnDrift:
    n_ref, n_cur = sum(rcounts.values()), sum(ccounts.values())
    col = ColumnDrift(
        name=name, kind="categorical",
        missing_reference=rmiss / (n_ref + rmiss), missing_current=cmiss / (n_cur + cmiss),
    )
    if n_ref == 0 and n_cur == 0:
        col.note = "every value is missing in both tables; nothing to compare"
        return col
    top = sorted(rcounts, key=lambda k: (-rcounts[k], k))[:TOP_CATEGORIES]
    unseen = sum(v for k, v in ccounts.items() if k not in rcounts)
    # Good–Turing: the reference's categories seen once estimate the mass it has not seen
    other = n_ref - sum(rcounts[k] for k in top)
    expected_unseen = min(sum(1 for k, v in rcounts.items() if v == 1 and k not in top), other)
    r = np.array([rcounts[k] for k in top] + [other - expected_unseen, expected_unseen, rmiss], dtype=np.float64)
    c_top = [ccounts.get(k, 0) for k in top]
    c = np.array(c_top + [n_cur - sum(c_top) - unseen, unseen, cmiss], dtype=np.float64)
    col.psi = stats.psi(r, c)
    col.psi_pvalue = stats.psi_pvalue(col.psi, r, c)
    col.js_distance = stats.js_distance(r, c)
    keep = (r + c) > 0
    if keep.sum() >= 2:
        col.chi2_pvalue = stats.chi2_pvalue(np.vstack([r[keep], c[keep]]))
    else:
        col.chi2_pvalue = 1.0
    if n_cur:
        col.unseen_share = unseen / n_cur
        col.unseen_expected = g = expected_unseen / n_ref if n_ref else 1.0
        # Esty's variance of the Good–Turing estimate, plus the binomial variance of the current share
        doubletons = sum(1 for k, v in rcounts.items() if v == 2 and k not in top)
        var = (g * (1 - g) + 2 * doubletons / max(n_ref, 1)) / max(n_ref, 1)
        p0 = min(max(g, 1.0 / (n_ref + 1)), 1.0)
        # new categories arrive in clumps (one category, several rows): inflate by the mean clump size
        levels = sum(1 for k in ccounts if k not in rcounts)
        var += p0 * (1 - p0) / n_cur * max(1.0, unseen / max(levels, 1))
        p_unseen = stats.norm_sf((col.unseen_share - g) / np.sqrt(var))
        if col.unseen_share - col.unseen_expected > th.unseen_share and p_unseen < th.ks_pvalue:
            col.reasons.append("unseen")
    if col.psi > th.psi and col.psi_pvalue < th.ks_pvalue:
        col.reasons.append("psi")
    if col.js_distance > th.js_distance and col.chi2_pvalue < th.ks_pvalue:
        col.reasons.append("js")
    if n_ref == 0 or n_cur == 0:
        col.note = f"every value is missing in the {'reference' if n_ref == 0 else 'current'} table"
        col.reasons.append("missing")
    col.drifted = bool(col.reasons)
    col.plot = _categorical_plot(top, r, c, rcounts, ccounts)
    return col


def _categorical_plot(top: list[str], r: np.ndarray, c: np.ndarray, rcounts: dict[str, int],
                      ccounts: dict[str, int]) -> dict[str, Any]:
    """Shares per category for the overlay: new categories by name, empty (other)/(missing) bars left out."""
    rs, cs = r / max(r.sum(), 1), c / max(c.sum(), 1)
    n_cur = max(c.sum(), 1)
    # the most frequent new categories only (sorted(...)[:TOP_CATEGORIES]; a drifted month may bring thousands)
    new = (k for k in ccounts if k not in rcounts)
    shown_new = heapq.nsmallest(TOP_CATEGORIES, new, key=lambda k: (-ccounts[k], k))
    labels = list(top)
    ref_s, cur_s = list(rs[:len(top)]), list(cs[:len(top)])
    for k in shown_new:
        labels.append(f"{k} (new)")
        ref_s.append(0.0)
        cur_s.append(ccounts[k] / n_cur)
    rest_new = cs[len(top) + 1] - sum(ccounts[k] for k in shown_new) / n_cur
    for label, rv, cv in (("(other)", rs[len(top)] + rs[len(top) + 1], cs[len(top)] + max(rest_new, 0.0)),
                          ("(missing)", rs[len(top) + 2], cs[len(top) + 2])):
        if rv > 0 or cv > 0:
            labels.append(label)
            ref_s.append(float(rv))
            cur_s.append(float(cv))
    return {"categories": labels, "reference": [float(v) for v in ref_s], "current": [float(v) for v in cur_s]}
