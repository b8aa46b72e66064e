"""The statistics behind drift checks, vectorized with NumPy and exact.

A numeric sample is held as a :class:`Dist`: its sorted distinct values and
their counts (a plain sorted array is the special case where every count is
1). From two of them we compute

* the two-sample Kolmogorov–Smirnov statistic, exactly (the same number
  ``scipy.stats.ks_2samp`` returns) with one ``searchsorted`` instead of two,
  and its p-value as SciPy computes it (exact while ``n1·n2 <= 10^7``,
  asymptotic ``kstwo`` above, see :mod:`.pvalues`);
* the population stability index over reference quantile bins.

PSI conventions (they matter for reproducibility): bin edges are the
reference's deciles (NumPy's default linear quantiles), duplicates dropped;
a value ``x`` falls in the first bin whose edge is ``>= x``; missing values
form one more bin; shares are over all rows and floored at :data:`EPS`
before ``sum((c - r) * ln(c / r))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from .pvalues import chi2_sf, kolmogorov_sf, kstwo_sf, norm_sf

__all__ = ["EPS", "Dist", "psi", "psi_pvalue", "ks", "ks_pvalue", "quantiles", "js_distance", "chi2_pvalue",
           "norm_sf", "sorted_unique", "plot_span"]

EPS = 1e-4
EXACT_PAIRS = 10_000_000
TINY_P = 1e-10
PRUNE_ABOVE = 20_000
KS_ONE_BY_ONE = 32  # grid intervals searched one by one before the rest are searched together
SMALL_RANGE = 1 << 20  # integers spanning less than this are counted, not sorted
DECILES = np.linspace(0.1, 0.9, 9)


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``numpy.unique`` of a 1-D array without NaN (usually in ascending order already: then it is not sorted again).

    ``numpy.unique`` always sorts and, in NumPy 2.4, imports ``numpy.ma`` on its first call: 12 ms of every
    drift, profile and monitoring check.
    """
    if len(x) < 2:
        return np.array(x)
    if not np.all(x[1:] >= x[:-1]):
        x = np.sort(x)
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


@dataclass
class Dist:
    """A numeric sample: sorted values, optional counts (None: each value once) and missing rows."""

    values: np.ndarray
    counts: np.ndarray | None = None
    missing: int = 0

    @classmethod
    def from_values(cls, values: np.ndarray, missing: int = 0, *, small_range: int = SMALL_RANGE) -> "Dist":
        """Build from unsorted non-missing values, in place: sorted (wide-range 64-bit integers converted to
        floats where they lie first), or, for integers with a small range, counted.
        """
        if values.dtype.kind in "iub" and len(values):
            lo, hi = int(values.min()), int(values.max())
            if hi - lo < small_range:
                if 0 <= lo < small_range and (values.dtype.kind == "i" or values.dtype.itemsize < 8):
                    c = np.bincount(values, minlength=hi + 1)[lo:]  # no shifted copy of the values
                else:
                    c = np.bincount((values - lo).astype(np.intp, copy=False), minlength=hi - lo + 1)
                nz = np.flatnonzero(c)
                return cls((nz + lo).astype(np.float64), c[nz].astype(np.int64), missing)
        if values.dtype.itemsize == 8 and values.dtype.kind in "iu" and values.flags.writeable:
            v = values.view(np.float64)  # convert in place, a block at a time: no second array
            for i in range(0, len(values), 1 << 16):
                v[i:i + (1 << 16)] = values[i:i + (1 << 16)]
        else:
            v = values.astype(np.float64, copy=False)
            if not v.flags.writeable:  # a zero-copy view of Arrow memory
                v = v.copy()
        v.sort()
        return cls(v, None, missing)

    @classmethod
    def from_floats(cls, values: np.ndarray, missing: int = 0) -> "Dist":
        """Build from a writable float64 array holding NaN where values are missing (sorted in place).

        NaN sorts last, so the values are a view of the array's start: no copy.
        """
        values.sort()
        k = len(values)
        if k and values[-1] != values[-1]:  # NaN at the end: find where it starts
            k = int(np.searchsorted(values, np.nan, side="left"))
        return cls(values[:k], None, missing + len(values) - k)

    @property
    def n(self) -> int:
        return int(len(self.values) if self.counts is None else self.counts.sum())

    def count_le(self, x: np.ndarray, side: str = "right") -> np.ndarray:
        """How many values are <= x (``side='right'``) or < x (``'left'``)."""
        pos = np.searchsorted(self.values, x, side=side)
        if self.counts is None:
            return pos
        cum = np.concatenate(([0], np.cumsum(self.counts)))
        return cum[pos]

    def count_lt_le(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(count_le(x, 'left'), count_le(x, 'right'))`` for an array ``x``, with one binary search per point:
        the two differ only where some value equals the point, and only those points are searched again."""
        right = np.searchsorted(self.values, x, side="right")
        left = right.copy()
        if len(self.values):
            tie = (right > 0) & (self.values[np.maximum(right - 1, 0)] == x)
            if tie.any():
                left[tie] = np.searchsorted(self.values, x[tie], side="left")
        if self.counts is None:
            return left, right
        cum = np.concatenate(([0], np.cumsum(self.counts)))
        return cum[left], cum[right]

    def order_stat(self, k: np.ndarray) -> np.ndarray:
        """The k-th smallest values (0-based)."""
        if self.counts is None:
            return self.values[k]
        cum = np.cumsum(self.counts)
        return self.values[np.searchsorted(cum, k, side="right")]


def quantiles(d: Dist, q: np.ndarray) -> np.ndarray:
    """Linear-interpolated quantiles, bit-for-bit as ``numpy.quantile(values, q)`` where both neighbours are finite.

    Beside an infinite value it is the interpolation's limit (NumPy gives NaN there, even between two equal
    infinities, or at a quantile that falls exactly on a finite value next to one): the neighbour itself
    where ``t`` is 0 or both are equal, the infinity otherwise, NaN only between -inf and +inf.
    """
    n = d.n
    h = (n - 1) * np.asarray(q, dtype=np.float64)
    lo = np.floor(h)
    t = h - lo
    lo = lo.astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    a, b = d.order_stat(lo), d.order_stat(hi)
    with np.errstate(invalid="ignore"):
        diff = b - a
        out = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
        wild = ~np.isfinite(diff)
        if wild.any():
            limit = np.where(np.isneginf(a), np.where(np.isposinf(b), np.nan, a), np.where(np.isposinf(b), b, np.nan))
            limit = np.where((t == 0) | (a == b), a, limit)
            out = np.where(wild, limit, out)
    return out


def plot_span(lo: float, hi: float, *ds: Dist) -> tuple[float, float]:
    """A chart's range: ``(lo, hi)`` with an infinite or undefined end moved to the samples' finite extreme.

    A chart cannot span an infinity (its bins would be NaN); an empty range is widened by 0.5 each way.
    """
    ends: list[float] = []
    for d in ds:
        i, j = np.searchsorted(d.values, -np.inf, "right"), np.searchsorted(d.values, np.inf, "left")
        if j > i:
            ends += [float(d.values[i]), float(d.values[j - 1])]
    if ends:
        lo = lo if np.isfinite(lo) else min(ends)
        hi = hi if np.isfinite(hi) else max(ends)
    if not (np.isfinite(lo) and np.isfinite(hi)):  # every value is infinite
        lo = hi = 0.0
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    return float(lo), float(hi)


def psi_bins(ref: Dist, cur: Dist) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reference decile edges and the row counts of both samples per bin (missing bin last)."""
    edges = sorted_unique(quantiles(ref, DECILES)) if ref.n else np.array([])

    def counts(d: Dist) -> np.ndarray:
        le = d.count_le(edges, "right") if len(edges) else np.array([], dtype=np.int64)
        return np.diff(np.concatenate(([0], le, [d.n], [d.n + d.missing])))

    return edges, counts(ref), counts(cur)


def psi(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    """Population stability index of two count vectors over the same bins."""
    r = np.maximum(ref_counts / ref_counts.sum(), EPS)
    c = np.maximum(cur_counts / cur_counts.sum(), EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def psi_pvalue(value: float, ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    """P-value of a PSI under "same distribution": ``PSI·n1·n2/(n1+n2)`` is about chi-square(bins − 1).

    Lets small samples (where PSI is noisy) not be flagged on PSI alone.
    """
    n1, n2 = float(ref_counts.sum()), float(cur_counts.sum())
    dof = int(np.count_nonzero((ref_counts + cur_counts) > 0)) - 1
    if dof < 1:
        return 1.0
    return chi2_sf(value * n1 * n2 / (n1 + n2), dof)


def chi2_pvalue(table: np.ndarray) -> float:
    """P-value of Pearson's chi-square test of independence on a contingency table, without continuity correction.

    The number ``scipy.stats.chi2_contingency(table, correction=False).pvalue`` returns.
    """
    table = np.asarray(table, dtype=np.float64)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    dof = expected.size - sum(expected.shape) + expected.ndim - 1
    if dof == 0:
        return 1.0
    stat = float(np.sum((table - expected) ** 2 / expected))
    return chi2_sf(stat, dof)


def ks(ref: Dist, cur: Dist) -> float:
    """Exact two-sample KS statistic ``max |F_ref - F_cur|`` — the number ``scipy.stats.ks_2samp`` returns.

    Large plain samples go through :func:`ks_pruned` (a grid of reference
    quantiles bounds every interval; only intervals that could hold the
    maximum are searched value by value); others through :func:`ks_full`.
    """
    if ref.counts is None and cur.counts is None and min(len(ref.values), len(cur.values)) > PRUNE_ABOVE:
        return ks_pruned(ref.values, cur.values)
    return ks_full(ref, cur)


def _ks_points(a: np.ndarray, x: np.ndarray, lo: int, hi: int, j0: int, n1: int, n2: int) -> float:
    """Max of ``F_cur - F_ref`` at, and ``F_ref - F_cur`` just before, the sorted current values ``x``.

    ``x`` are the current values with global indices ``j0, j0+1, …``; every
    reference value below ``x[0]`` is before ``a[lo]`` and every one above
    ``x[-1]`` from ``a[hi]`` on. Evaluating at every value (not only at ends
    of runs of ties) is still exact: inside a run the values only fall short.
    """
    seg = a[lo:hi]
    right = np.searchsorted(seg, x, side="right") + lo
    left = np.searchsorted(seg, x, side="left") + lo
    j = np.arange(j0, j0 + len(x))
    return float(max(np.max((j + 1) / n2 - right / n1), np.max(left / n1 - j / n2)))


def ks_pruned(a: np.ndarray, b: np.ndarray, grid: int = 8192) -> float:
    """Exact KS of two sorted arrays, searching only the intervals of a reference grid that can hold the maximum.

    Between grid points ``g_{k-1} <= x < g_k`` both ECDFs move by at most the
    share of values in the interval, so ``F_cur - F_ref`` there is at most
    ``Be/n2 - As/n1`` and ``F_ref - F_cur`` at most ``Ae/n1 - Bs/n2`` (s, e:
    the interval's first and past-last positions). Intervals whose bound
    cannot beat the best value found so far are skipped.
    """
    n1, n2 = len(a), len(b)
    g = sorted_unique(a[np.linspace(0, n1 - 1, grid).astype(np.intp)])
    a_lt, b_lt = np.searchsorted(a, g, "left"), np.searchsorted(b, g, "left")
    a_le, b_le = np.searchsorted(a, g, "right"), np.searchsorted(b, g, "right")
    best = float(max(np.max(np.abs(a_lt / n1 - b_lt / n2)), np.max(np.abs(a_le / n1 - b_le / n2))))
    a_s, a_e = np.concatenate(([0], a_lt)), np.concatenate((a_lt, [n1]))
    b_s, b_e = np.concatenate(([0], b_lt)), np.concatenate((b_lt, [n2]))
    bound = np.maximum(b_e / n2 - a_s / n1, a_e / n1 - b_s / n2)
    order = np.argsort(-bound)
    for i, k in enumerate(order):
        if bound[k] <= best:
            break
        if i == KS_ONE_BY_ONE:  # many intervals may still hold it (near-identical samples): search them together
            rest = order[i:]
            rest = np.sort(rest[bound[rest] > best])
            return max(best, _ks_intervals(a, b, b_s[rest], b_e[rest], n1, n2))
        if b_e[k] > b_s[k]:
            best = max(best, _ks_points(a, b[b_s[k]:b_e[k]], a_s[k], a_e[k], int(b_s[k]), n1, n2))
    return best


def _ks_intervals(a: np.ndarray, b: np.ndarray, starts: np.ndarray, ends: np.ndarray, n1: int, n2: int,
                  chunk: int = 1 << 20) -> float:
    """:func:`_ks_points` over the current values of several intervals ``b[starts[i]:ends[i]]`` (in order) at
    once, a few million values per search, instead of one Python call per interval."""
    best, i, m = 0.0, 0, len(starts)
    lengths = ends - starts
    while i < m:
        k, total = i, 0
        while k < m and (total == 0 or total + lengths[k] <= chunk):
            total += int(lengths[k])
            k += 1
        if total:
            s, e = starts[i:k], ends[i:k]
            # the positions of every value of these intervals: runs s..e-1, concatenated
            offsets = np.repeat(s - np.concatenate(([0], np.cumsum(e - s)[:-1])), e - s)
            j = np.arange(total) + offsets
            x = b[j]
            right, left = np.searchsorted(a, x, side="right"), np.searchsorted(a, x, side="left")
            best = max(best, float(np.max((j + 1) / n2 - right / n1)), float(np.max(left / n1 - j / n2)))
        i = k
    return best


def ks_full(ref: Dist, cur: Dist, chunk: int = 1 << 20) -> float:
    """Exact KS statistic by one search of every current value into the reference.

    On each interval ``[b_j, b_{j+1})`` between distinct current values
    ``F_cur`` is constant, so ``F_cur - F_ref`` peaks at ``b_j`` and
    ``F_ref - F_cur`` just before ``b_{j+1}``. Works through the current
    values ``chunk`` at a time so temporaries stay small on large columns.
    """
    n1, n2 = ref.n, cur.n
    b = cur.values
    if cur.counts is not None:
        bj, cum2 = b, np.cumsum(cur.counts)
    elif len(b) > 1 and bool(np.any(b[1:] == b[:-1])):  # keep the last of each run of equal values
        ends = np.flatnonzero(np.append(b[1:] != b[:-1], True))
        bj, cum2 = b[ends], ends + 1
    else:
        bj, cum2 = b, None  # distinct values: F_cur(b_j) = (j + 1) / n2
    best, prev_f2 = 0.0, 0.0
    for start in range(0, len(bj), chunk):
        x = bj[start:start + chunk]
        f2 = (np.arange(start + 1, start + len(x) + 1) if cum2 is None else cum2[start:start + len(x)]) / n2
        left, right = ref.count_lt_le(x)
        best = max(best, float(np.max(f2 - right / n1)))  # F_cur - F_ref at b_j
        before = np.concatenate(([prev_f2], f2[:-1]))  # F_cur just before b_j
        best = max(best, float(np.max(left / n1 - before)))  # F_ref - F_cur just before b_j
        prev_f2 = float(f2[-1])
    return best


def ks_pvalue(stat: float, n1: int, n2: int, ref: Dist | None = None, cur: Dist | None = None) -> float:
    """P-value of the KS statistic as ``scipy.stats.ks_2samp`` computes it.

    SciPy's exact method when ``n1 * n2 <= EXACT_PAIRS`` (its cost grows with
    that product), the asymptotic ``kstwo`` distribution above — except
    below :data:`TINY_P`, where the Kolmogorov limit is returned (it agrees
    to better than 1e-11 there, and SciPy's finite-n tail is slow).
    """
    if n1 * n2 <= EXACT_PAIRS and ref is not None and cur is not None:
        from scipy import stats  # 0.5 s to import: only small samples need it

        a = ref.values if ref.counts is None else np.repeat(ref.values, ref.counts)
        b = cur.values if cur.counts is None else np.repeat(cur.values, cur.counts)
        return float(stats.ks_2samp(a, b, method="exact").pvalue)
    en = np.round(n1 * n2 / (n1 + n2))
    tail = kolmogorov_sf(float(np.sqrt(en) * stat))
    if tail < TINY_P:  # SciPy's finite-n tail takes ~1 s out here; the limit differs by < 1e-11
        return tail
    return kstwo_sf(stat, int(en))


def js_distance(p_counts: np.ndarray, q_counts: np.ndarray) -> float:
    """Jensen–Shannon distance (base 2, in [0, 1]) between two count vectors."""
    p = p_counts / p_counts.sum()
    q = q_counts / q_counts.sum()
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kp = np.where(p > 0, p * np.log2(p / m), 0.0)
        kq = np.where(q > 0, q * np.log2(q / m), 0.0)
    return float(np.sqrt(max(0.5 * kp.sum() + 0.5 * kq.sum(), 0.0)))
