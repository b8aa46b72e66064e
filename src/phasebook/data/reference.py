"""Reference statistics computed once, stored as JSON, and compared with new data.

:func:`summarize` reads the reference table once and keeps, per column, what
the drift tests of :mod:`.drift` need of it:

* categorical columns: every category's count and the missing count (the
  categorical tests then run unchanged, so their numbers equal
  :func:`~.drift.drift`'s);
* numeric columns with at most :data:`EXACT_DISTINCT` distinct values: the
  distinct values and their counts (exact: same numbers as ``drift``);
* other numeric columns: the PSI decile edges and the reference's counts per
  bin (exact PSI), the plot bins, and an ECDF sketch — the reference's
  ``count < g`` and ``count <= g`` at :data:`GRID` quantile points ``g``.
  The KS statistic is then evaluated at those points, which is exact for
  both sides there; between two points the reference moves by at most
  ``1/GRID``, so the sketched statistic is below the exact one by at most
  that (recorded as ``ks_error``). Its p-value is the asymptotic one.

:func:`compare` reads only the current table.

On disk (schema version 2) each array is ``{"dtype": "float64" | "int64",
"base64": …}``: its values as little-endian 8-byte numbers, base64-encoded.
That keeps every float exactly, infinities included (a JSON list cannot hold
them: a reference column with an infinite value used to store ``null`` and
every later check failed to read the file), and a check parses the arrays in
one step instead of number by number. Lists of numbers (schema version 1)
are still read.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import threading
import time
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, PlainSerializer, PlainValidator, TypeAdapter

from ..core.errors import EmptyTableError
from ..core.sections import DriftThresholds
from . import stats
from .parallel import pipeline, workers
from .drift import PLOT_BINS, ColumnDrift, DriftReport, _categorical, _kind, _numeric, _side
from .sources import open_table
from .table import Duck

__all__ = ["ColumnReference", "ReferenceStats", "summarize", "compare", "EXACT_DISTINCT", "GRID",
           "REFERENCE_SCHEMA_VERSION"]

EXACT_DISTINCT = 4096
GRID = 4096
REFERENCE_SCHEMA_VERSION = 2

#: the stored arrays' types: name on disk → NumPy type (little-endian, 8 bytes a value)
_PACKED = {"float64": np.dtype("<f8"), "int64": np.dtype("<i8")}
_LISTS = {"float64": TypeAdapter(list[float]), "int64": TypeAdapter(list[int])}


def _packed(dtype: str) -> Any:
    """A NumPy array field stored as ``{"dtype": dtype, "base64": …}`` (a list of numbers is read too)."""
    want = _PACKED[dtype]

    def parse(value: Any) -> np.ndarray:
        if isinstance(value, np.ndarray):
            return value.astype(want, copy=False)
        if isinstance(value, list):  # schema version 1, or written by hand: each number checked as before
            return np.asarray(_LISTS[dtype].validate_python(value), dtype=want)
        if not (isinstance(value, dict) and set(value) == {"dtype", "base64"}):
            raise ValueError(f'expected a list of numbers or {{"dtype": "{dtype}", "base64": …}}')
        if value["dtype"] != dtype:
            raise ValueError(f"expected dtype {dtype!r}, found {value['dtype']!r}")
        if not isinstance(value["base64"], str):
            raise ValueError("base64 must be a string")
        try:
            raw = base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("base64 is not valid base64") from None
        if len(raw) % want.itemsize:
            raise ValueError(f"base64 holds {len(raw)} bytes, not a whole number of {want.itemsize}-byte values")
        return np.frombuffer(raw, dtype=want)

    def dump(value: Any) -> dict[str, str]:
        raw = np.ascontiguousarray(value, dtype=want).tobytes()
        return {"dtype": dtype, "base64": base64.b64encode(raw).decode("ascii")}

    return Annotated[np.ndarray, PlainValidator(parse), PlainSerializer(dump)]


Floats = _packed("float64")
Ints = _packed("int64")


class ColumnReference(BaseModel):
    """One reference column's stored statistics (arrays as NumPy arrays; see the module's note on disk)."""

    name: str
    kind: Literal["numeric", "categorical", "other"]
    duck_type: str = ""
    n: int = 0
    missing: int = 0
    counts: dict[str, int] | None = None
    values: Floats | None = None
    value_counts: Ints | None = None
    psi_edges: Floats | None = None
    psi_counts: Ints | None = None
    grid: Floats | None = None
    grid_lt: Ints | None = None
    grid_le: Ints | None = None
    plot_edges: Floats | None = None
    plot_shares: Floats | None = None


class ReferenceStats(BaseModel):
    """The stored summary of a reference table (``monitoring/reference.json``)."""

    schema_version: int = REFERENCE_SCHEMA_VERSION
    source: str
    label: str
    rows: int
    computed_at: str
    columns: list[ColumnReference]
    seconds: float = 0.0

    def column(self, name: str) -> ColumnReference | None:
        return next((c for c in self.columns if c.name == name), None)


def summarize(reference: Any, columns: list[str] | None = None, project: Any = None) -> ReferenceStats:
    """Read ``reference`` once and return its stored statistics.

    Raises:
        EmptyTableError: the table has no rows.
    """
    t0 = time.perf_counter()
    duck = Duck()
    try:
        ref = open_table(reference, project, duck=duck)
        try:
            if ref.rows == 0:
                raise EmptyTableError(label=f"the reference table {ref.label}")
            names = [c for c in (columns or list(ref.columns)) if c in ref.columns]
            kinds = {n: _kind(ref.kind(n)) for n in names}
            cats = [n for n in names if kinds[n] == "categorical"]
            counted = ref.counts_many(cats) if cats else {}
            out = []
            for n in names:
                col = ColumnReference(name=n, kind=kinds[n], duck_type=str(ref.columns[n]))
                if kinds[n] == "categorical":
                    col.counts, col.missing = dict(counted[n][0]), int(counted[n][1])
                    col.n = sum(col.counts.values())
                elif kinds[n] == "numeric":
                    _numeric_summary(col, _side(ref, n))
                out.append(col)
            return ReferenceStats(
                source=str(reference), label=ref.label, rows=ref.rows, columns=out,
                computed_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                seconds=time.perf_counter() - t0,
            )
        finally:
            ref.close()
    finally:
        duck.close()


def _numeric_summary(col: ColumnReference, d: stats.Dist) -> None:
    col.n, col.missing = d.n, d.missing
    distinct = len(d.values)
    if distinct <= EXACT_DISTINCT:
        col.values = d.values.copy()  # not a view that would keep the whole column alive
        col.value_counts = np.ones(distinct, np.int64) if d.counts is None else d.counts.astype(np.int64)
        return
    edges, rc, _ = stats.psi_bins(d, stats.Dist(np.array([])))
    col.psi_edges, col.psi_counts = edges, rc.astype(np.int64)
    g = stats.sorted_unique(d.order_stat(np.linspace(0, d.n - 1, GRID).astype(np.intp)))
    col.grid = g
    lt, le = d.count_lt_le(g)
    col.grid_lt, col.grid_le = lt.astype(np.int64), le.astype(np.int64)
    lo, hi = stats.plot_span(*stats.quantiles(d, np.array([0.005, 0.995])), d)
    e = np.linspace(lo, hi, PLOT_BINS + 1)
    col.plot_edges, col.plot_shares = e, np.asarray(_shares(d, e))


def _shares(d: stats.Dist, edges: np.ndarray) -> list[float]:
    if d.n == 0:
        return [0.0] * PLOT_BINS
    c = np.diff(d.count_le(edges, "right"))
    c[0] += d.count_le(edges[:1], "right")[0]
    c[-1] += d.n - d.count_le(edges[-1:], "right")[0]
    return (c / d.n).tolist()


def compare(
    ref: ReferenceStats, current: Any, thresholds: DriftThresholds | None = None,
    columns: list[str] | None = None, project: Any = None,
) -> DriftReport:
    """Drift of ``current`` against stored reference statistics; reads only ``current``."""
    t0 = time.perf_counter()
    th = thresholds or DriftThresholds()
    duck = Duck()
    try:
        cur = open_table(current, project, duck=duck)
        try:
            if cur.rows == 0:
                raise EmptyTableError(label=f"the current table {cur.label}")
            stored: dict[str, ColumnReference] = {}
            for c in ref.columns:  # one lookup per column, not a scan of them all (tables of thousands of columns)
                stored.setdefault(c.name, c)
            names = list(columns or [c.name for c in ref.columns])
            names += [] if columns else [c for c in cur.columns if c not in stored]
            skipped: list[dict[str, str]] = []
            done: dict[str, ColumnDrift] = {}
            numeric, cats = [], []
            for n in names:
                entry = _one(n, stored.get(n), cur, th, skipped)
                if isinstance(entry, ColumnDrift):
                    done[n] = entry
                elif entry is not None:
                    (numeric if entry == "numeric" else cats).append(n)
            # one pool for every column: each text column is counted on its own (pyarrow, dictionary codes), the
            # other categorical ones in one DuckDB scan, the numeric ones read and sorted into reused buffers.
            # The longest jobs start first, so the last one ends close to the others (the report keeps the
            # columns' order whatever the order of the work).
            buffers = _Buffers(cur.rows)
            text = [n for n in cats if cur.counted_apart(n)]
            items = [("text", [n]) for n in text] + ([("duck", [n for n in cats if n not in text])]
                                                     if len(text) < len(cats) else [])
            items += [("numeric", [n]) for n in numeric]
            items.sort(key=lambda it: -_work(it, stored, cur))

            def jobs(item):
                kind, which = item
                if kind == "numeric":
                    return [lambda: buffers.side(cur, which[0])]
                return [lambda: cur.counts_many(which)]

            def finish(item, results: list) -> dict[str, ColumnDrift]:
                kind, which = item
                if kind != "numeric":
                    return {n: _categorical(n, stored[n].counts or {}, stored[n].missing, *results[0][n], th)
                            for n in which}
                side, buf = results[0]
                try:
                    return {which[0]: _numeric_vs(which[0], stored[which[0]], side, th)}
                finally:
                    buffers.give(buf)

            for part in pipeline(items, jobs, finish, lambda it: 8 * cur.rows if it[0] == "numeric" else 0,
                                 rows=cur.rows, reserve=cur.rows * workers()):
                done.update(part)
            out = [done[n] for n in names if n in done]
        finally:
            cur.close()
    finally:
        duck.close()
    flagged = [c.name for c in out if c.drifted]
    share = len(flagged) / len(out) if out else 0.0
    return DriftReport(
        reference=f"{ref.label} (stored statistics of {ref.computed_at})", current=cur.label,
        rows_reference=ref.rows, rows_current=cur.rows, thresholds=th, columns=out, drifted_columns=flagged,
        skipped=skipped, drift_share=share, drifted=bool(flagged) and share >= th.dataset_share,
        seconds=time.perf_counter() - t0,
    )


def _work(item: tuple[str, list[str]], stored: dict[str, ColumnReference], cur: Any) -> float:
    """A job's expected work, in units of one column read and counted: a numeric column read as floats is also
    sorted (2), an integer one compared with stored distinct values is only counted (1), one of wide-range
    integers converted and sorted (2.5); a text column is counted from its dictionary codes (1); the DuckDB scan
    of the other categorical columns costs about 1.5 a column. Only the order of the work depends on it."""
    kind, which = item
    if kind == "text":
        return 1.0
    if kind == "duck":
        return 1.5 * len(which)
    if not cur.is_integer(which[0]):
        return 2.0
    return 1.0 if stored[which[0]].values is not None else 2.5


def _one(name, r: ColumnReference | None, cur, th, skipped) -> ColumnDrift | str | None:
    """A finished entry (schema problems), ``"numeric"`` / ``"categorical"`` to compare, or None (skipped)."""
    if r is None or name not in cur.columns:
        present, absent = ("current", "reference") if r is None else ("reference", "current")
        kind = _kind(cur.kind(name)) if r is None else r.kind
        if kind == "other":
            skipped.append({"name": name, "reason": f"only in the {present} table"})
            return None
        return ColumnDrift(name=name, kind=kind, drifted=True, reasons=["schema"],
                           note=f"only in the {present} table: the {absent} table has no column {name!r}")
    kc = _kind(cur.kind(name))
    if "other" in (r.kind, kc):
        skipped.append({"name": name, "reason": f"type {r.duck_type} / {cur.columns[name]} is not compared"})
        return None
    if r.kind != kc:
        return ColumnDrift(
            name=name, kind=r.kind, drifted=True, reasons=["schema"],
            note=f"type changed: reference {r.duck_type} ({r.kind}), current {cur.columns[name]} ({kc}); "
            "not compared — fix the pipeline or cast the column",
        )
    return r.kind


class _Buffers:
    """Column buffers reused from one numeric column to the next: a check reads one table column after
    column, and fresh 8-bytes-a-row arrays each time cost as much in page faults as the sort."""

    def __init__(self, rows: int) -> None:
        self.rows, self.free, self.lock = rows, [], threading.Lock()

    def side(self, t: Any, name: str) -> tuple[stats.Dist, np.ndarray]:
        with self.lock:
            buf = self.free.pop() if self.free else np.empty(self.rows, dtype=np.float64)
        if t.is_integer(name):
            return stats.Dist.from_values(*t.int_column(name, buffer=buf)), buf
        return stats.Dist.from_floats(t.float_column(name, buffer=buf)), buf

    def give(self, buf: np.ndarray) -> None:
        with self.lock:
            self.free.append(buf)


def _numeric_vs(name: str, r: ColumnReference, side: stats.Dist, th: DriftThresholds) -> ColumnDrift:
    if r.values is not None:
        d = stats.Dist(np.asarray(r.values, np.float64), np.asarray(r.value_counts, np.int64), r.missing)
        if len(d.values) == 0:
            d = stats.Dist(np.array([], np.float64), None, r.missing)
        return _numeric(name, d, side, th)
    return _sketched(name, r, side, th)


def _sketched(name: str, r: ColumnReference, cur: stats.Dist, th: DriftThresholds) -> ColumnDrift:
    """PSI exact over the stored bins; KS at the stored grid points (within ``1/GRID`` of exact)."""
    col = ColumnDrift(name=name, kind="numeric", missing_reference=r.missing / (r.n + r.missing),
                      missing_current=cur.missing / (cur.n + cur.missing))
    edges = np.asarray(r.psi_edges, np.float64)
    rc = np.asarray(r.psi_counts, np.int64)
    le = cur.count_le(edges, "right") if len(edges) else np.array([], np.int64)
    cc = np.diff(np.concatenate(([0], le, [cur.n], [cur.n + cur.missing])))
    col.psi = stats.psi(rc, cc)
    col.psi_pvalue = stats.psi_pvalue(col.psi, rc, cc)
    if cur.n:
        g = np.asarray(r.grid, np.float64)
        f1l, f1r = np.asarray(r.grid_lt) / r.n, np.asarray(r.grid_le) / r.n
        lt, le = cur.count_lt_le(g)
        f2l, f2r = lt / cur.n, le / cur.n
        col.ks_statistic = float(max(np.max(np.abs(f1l - f2l)), np.max(np.abs(f1r - f2r))))
        col.ks_pvalue = stats.ks_pvalue(col.ks_statistic, r.n, cur.n)
        col.note = f"KS from the stored ECDF sketch (within {1 / GRID:.5f} of exact)"
    else:
        col.note = "every value is missing in the current table"
        col.reasons.append("missing")
    if col.psi > th.psi and col.psi_pvalue < th.ks_pvalue:
        col.reasons.append("psi")
    if col.ks_statistic is not None and col.ks_statistic > th.ks_statistic and col.ks_pvalue < th.ks_pvalue:
        col.reasons.append("ks")
    col.drifted = bool(col.reasons)
    e = np.asarray(r.plot_edges, np.float64)
    col.plot = {"edges": e.tolist(), "reference": np.asarray(r.plot_shares).tolist(), "current": _shares(cur, e)}
    return col
