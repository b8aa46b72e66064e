"""PSI, KS and Jensen–Shannon agree with straightforward NumPy / SciPy computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from phasebook.data.drift import drift
from phasebook.data.stats import EPS, EXACT_PAIRS, Dist, js_distance, ks, ks_pvalue, plot_span, quantiles, sorted_unique


def reference_psi(ref: np.ndarray, cur: np.ndarray) -> float:
    """PSI as documented: reference deciles, right-closed bins, a missing bin, shares floored at EPS."""
    r_ok, c_ok = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    edges = np.unique(np.quantile(r_ok, np.linspace(0.1, 0.9, 9)))

    def shares(x, ok):
        counts = np.bincount(np.searchsorted(edges, ok, side="left"), minlength=len(edges) + 1)
        return np.append(counts, len(x) - len(ok)) / len(x)

    r, c = np.maximum(shares(ref, r_ok), EPS), np.maximum(shares(cur, c_ok), EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def samples(kind: str, n1: int, n2: int, seed: int):
    rng = np.random.default_rng(seed)
    if kind == "continuous":
        return rng.normal(size=n1), rng.normal(0.1, 1.2, size=n2)
    if kind == "ties":
        return np.round(rng.normal(size=n1), 1), np.round(rng.normal(0.2, 1, size=n2), 1)
    return rng.poisson(3, n1), rng.poisson(3.3, n2)


@pytest.mark.parametrize("kind", ["continuous", "ties", "integers"])
@pytest.mark.parametrize("n1,n2", [(1, 1), (7, 300), (2000, 1500), (5000, 4000), (12_000, 15_000)])
def test_ks_statistic_and_pvalue_match_scipy(kind, n1, n2):
    a, b = samples(kind, n1, n2, seed=n1 + n2)
    mine_a, mine_b = Dist.from_values(a.copy()), Dist.from_values(b.copy())
    expected = stats.ks_2samp(a, b, method="exact" if n1 * n2 <= EXACT_PAIRS else "asymp")
    d = ks(mine_a, mine_b)
    assert d == pytest.approx(expected.statistic, abs=1e-9)
    assert ks_pvalue(d, n1, n2, mine_a, mine_b) == pytest.approx(expected.pvalue, abs=1e-9)


@pytest.mark.parametrize("d", [0.0005, 0.004, 0.01, 0.05])
def test_large_sample_pvalues_match_scipy_also_in_the_far_tail(d):
    n1, n2 = 300_000, 200_000
    en = np.round(n1 * n2 / (n1 + n2))
    assert ks_pvalue(d, n1, n2) == pytest.approx(stats.kstwo.sf(d, en), abs=1e-9)


def test_integer_columns_take_the_counting_path_and_stay_exact():
    a, b = samples("integers", 5000, 4000, seed=3)
    da = Dist.from_values(a.copy())
    assert da.counts is not None  # counted, not sorted
    assert ks(da, Dist.from_values(b.copy())) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)


@pytest.mark.parametrize("kind", ["continuous", "ties", "integers"])
def test_quantiles_are_numpy_quantiles(kind):
    a, _ = samples(kind, 999, 1, seed=5)
    q = np.array([0.0, 0.005, 0.1, 0.25, 0.5, 0.9, 0.995, 1.0])
    np.testing.assert_array_equal(quantiles(Dist.from_values(a.copy()), q), np.quantile(a.astype(float), q))


def test_sorted_unique_is_numpy_unique():
    rng = np.random.default_rng(2)
    cases = [np.array([]), np.array([1.5]), np.array([-0.0, 0.0, 0.0]), np.array([-np.inf, -np.inf, 1.0, np.inf, np.inf])]
    cases += [np.sort(np.round(rng.normal(size=rng.integers(2, 300)), 1)) for _ in range(50)]
    cases += [np.round(rng.normal(size=40), 1)]  # not sorted: sorted first
    for x in cases:
        np.testing.assert_array_equal(sorted_unique(x), np.unique(x))


def test_quantiles_beside_an_infinity_are_the_interpolations_limit():
    inf = np.inf
    q = np.array([0.0, 0.3, 0.5, 0.6, 0.9, 1.0])
    # NumPy gives NaN for every one of these that touches an infinity
    np.testing.assert_array_equal(quantiles(Dist(np.array([1.0, 2.0, inf, inf])), q), [1.0, 1.9, inf, inf, inf, inf])
    got = quantiles(Dist(np.array([-inf, -inf, 1.0, 2.0])), q)
    np.testing.assert_array_equal(got[[0, 1, 2, 3, 5]], [-inf, -inf, -inf, -inf, 2.0])
    assert got[4] == np.quantile([0.0, 0.0, 1.0, 2.0], 0.9)  # between two finite values: as NumPy
    assert np.isnan(quantiles(Dist(np.array([-inf, inf])), np.array([0.5])))[0]
    assert plot_span(-inf, inf, Dist(np.array([-inf, 3.0, 7.0, inf]))) == (3.0, 7.0)
    assert plot_span(float("nan"), inf, Dist(np.array([-inf, inf]))) == (-0.5, 0.5)


def test_a_drift_chart_of_a_column_with_infinities_spans_its_finite_values(tmp_path):
    rng = np.random.default_rng(4)
    ref, cur = rng.normal(size=5000), rng.normal(0.5, 1, size=5000)
    ref[:10], cur[:600] = -np.inf, np.inf
    report = drift(pd.DataFrame({"x": ref}), pd.DataFrame({"x": cur}))
    edges = report.column("x").plot["edges"]
    assert np.isfinite(edges).all() and edges[0] == np.min(ref[10:]) and edges[-1] == np.max(cur[600:])
    assert report.column("x").drifted


def test_psi_and_ks_of_a_drift_report_match_the_reference_computation():
    rng = np.random.default_rng(11)
    ref = rng.gamma(2.0, 1.0, 3000)
    cur = rng.gamma(2.3, 1.0, 2500)
    ref[rng.random(3000) < 0.03] = np.nan
    cur[rng.random(2500) < 0.08] = np.nan
    report = drift(pd.DataFrame({"x": ref}), pd.DataFrame({"x": cur}))
    col = report.column("x")
    assert col.psi == pytest.approx(reference_psi(ref, cur), abs=1e-9)
    expected = stats.ks_2samp(ref[~np.isnan(ref)], cur[~np.isnan(cur)])
    assert col.ks_statistic == pytest.approx(expected.statistic, abs=1e-9)
    assert col.ks_pvalue == pytest.approx(expected.pvalue, abs=1e-9)
    assert col.missing_reference == pytest.approx(np.isnan(ref).mean())


def test_js_distance_matches_scipy_base_2():
    p, q = np.array([10.0, 0, 5, 3]), np.array([2.0, 7, 5, 0])
    assert js_distance(p, q) == pytest.approx(jensenshannon(p, q, base=2), abs=1e-12)


@pytest.mark.parametrize("values", [
    np.array([5, 3, 3, 9, 5, 5], dtype=np.int64), np.array([-4, 2, -4, 0, 7], dtype=np.int64),
    np.array([1, 200, 1, 7], dtype=np.uint8), np.array([-3, 3, -3], dtype=np.int8),
    np.array([True, False, True, True]), np.array([2**40, 2**40 + 3, 2**40], dtype=np.int64),
])
def test_integer_samples_are_counted_exactly(values):
    d = Dist.from_values(values.copy())
    expected, counts = np.unique(values.astype(np.float64), return_counts=True)
    np.testing.assert_array_equal(d.values, expected)
    np.testing.assert_array_equal(d.counts, counts)


def test_float_samples_sort_in_place_and_count_nan_as_missing():
    x = np.array([3.0, np.nan, -1.0, np.inf, np.nan, 2.0])
    d = Dist.from_floats(x, missing=1)
    np.testing.assert_array_equal(d.values, [-1.0, 2.0, 3.0, np.inf])
    assert d.missing == 3 and d.values.base is x  # a view of the array, not a copy


@pytest.mark.parametrize("case", ["identical", "a copy with one value moved", "same distribution", "rounded ties"])
def test_the_pruned_ks_of_near_identical_samples_is_exact_and_searches_intervals_together(case, monkeypatch):
    """Near-identical samples leave nearly every grid interval able to hold the maximum: past the first
    few, they are searched in one pass (one call per interval cost ~40 µs each: 0.3 s a 1M-row column)."""
    from phasebook.data import stats as st

    rng = np.random.default_rng(11)
    a = rng.normal(size=60_000)
    b = {"identical": a.copy(), "a copy with one value moved": np.append(a[1:], 9.0),
         "same distribution": rng.normal(size=50_000), "rounded ties": None}[case]
    if case == "rounded ties":
        a, b = np.round(a, 2), np.round(rng.normal(size=55_000), 2)
    calls = []
    real = st._ks_intervals
    monkeypatch.setattr(st, "_ks_intervals", lambda *x, **k: calls.append(len(x[2])) or real(*x, **k))
    x, y = np.sort(a), np.sort(b)
    d = st.ks_pruned(x, y)
    assert d == stats.ks_2samp(a, b).statistic  # exact, not approximately
    if case == "same distribution":  # independent samples: the bound prunes before the batch is needed
        assert not calls
    else:  # the batched search ran, over many intervals
        assert calls and calls[0] > st.KS_ONE_BY_ONE, calls
    # and a chunk smaller than one interval still gives the same number
    assert st._ks_intervals(x, y, np.array([0, 10, 500]), np.array([10, 400, len(y)]), len(x), len(y), chunk=7) == \
        pytest.approx(max(st._ks_points(x, y[s:e], 0, len(x), s, len(x), len(y)) for s, e in
                          ((0, 10), (10, 400), (500, len(y)))), abs=0)


@pytest.mark.parametrize("compressed", [False, True])
def test_counts_below_and_up_to_points_equal_both_binary_searches(compressed):
    rng = np.random.default_rng(3)
    raw = np.concatenate([rng.integers(0, 50, 5_000).astype(np.float64), rng.normal(size=5_000)])
    if compressed:  # a small-range integer column: distinct values with their counts
        values, counts = np.unique(rng.integers(0, 50, 5_000), return_counts=True)
        d = Dist(values.astype(np.float64), counts.astype(np.int64))
    else:
        d = Dist(np.sort(raw))
    # points on values (ties), between them, below and above every value, repeated, and unordered
    x = np.concatenate([np.arange(-2, 53, 0.5), np.quantile(raw, np.linspace(0, 1, 101)), [7.0, 7.0, -1e9, 1e9]])
    lt, le = d.count_lt_le(x)
    assert np.array_equal(lt, d.count_le(x, "left")) and np.array_equal(le, d.count_le(x, "right"))
    assert (le > lt).any() and (le == lt).any()
    empty = Dist(np.array([], np.float64))
    assert [a.tolist() for a in empty.count_lt_le(np.array([0.0, 1.0]))] == [[0, 0], [0, 0]]
