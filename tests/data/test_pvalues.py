"""The p-values computed without SciPy agree with SciPy's own."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from phasebook.data.pvalues import SMIRNOV_MAX_N, chi2_sf, kolmogorov_sf, kstwo_sf, norm_sf, smirnov_sf
from phasebook.data.stats import chi2_pvalue


@pytest.mark.parametrize("dof", [1, 2, 3, 5, 9, 22, 40, 150])
def test_chi2_sf_matches_scipy(dof):
    for x in np.concatenate([np.linspace(0, 6 * dof + 60, 300), [1e-9, 1e-3, 1e3, 1e4]]):
        expected = stats.chi2.sf(x, dof)
        assert chi2_sf(x, dof) == pytest.approx(expected, rel=1e-11, abs=1e-300)


def test_chi2_contingency_matches_scipy():
    rng = np.random.default_rng(0)
    for _ in range(50):
        table = rng.integers(0, 500, size=(2, rng.integers(2, 25))).astype(float) + 1
        expected = stats.chi2_contingency(table, correction=False).pvalue
        assert chi2_pvalue(table) == pytest.approx(expected, rel=1e-10, abs=1e-300)
    assert chi2_pvalue(np.array([[5.0], [7.0]])) == 1.0  # one category: nothing to test


def test_norm_and_kolmogorov_tails_match_scipy():
    for z in np.linspace(-8, 30, 400):
        assert norm_sf(z) == pytest.approx(stats.norm.sf(z), rel=1e-11, abs=1e-300)
    for y in np.linspace(0.02, 9, 900):
        assert kolmogorov_sf(y) == pytest.approx(special.kolmogorov(y), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("n", [20, 141, 999, 50_000, 100_001, 2_000_000])
def test_kstwo_sf_matches_scipy(n):
    for d in np.concatenate([np.geomspace(1e-7, 0.999, 40), [0.4 / n, 0.5 / n, 0.8 / n, 1 / n, 1 - 1 / n]]):
        assert kstwo_sf(d, n) == pytest.approx(stats.kstwo.sf(d, n), rel=1e-11, abs=1e-15), d


@pytest.mark.parametrize("n", [2, 7, 141, 1012, 1013, 20_000, 333_333, SMIRNOV_MAX_N, SMIRNOV_MAX_N + 1, 4_000_000])
def test_smirnov_sf_matches_scipy(n):
    """The one-sided tail that a mild shift in a large sample needs (2.2 <= n·d² < 370), without SciPy."""
    # SciPy's reference sums every term in Python floats: about 1 s a point at n = 1,000,000, 0.4 s at 333,333
    band = np.geomspace(np.sqrt(2.2 / n), np.sqrt(370 / n), 5 if n >= 300_000 else 30)
    for e in np.concatenate([band[band < 1], np.linspace(0.01, 0.999, 12), [0.0, 1.0, 0.5 / n, 1 - 1 / n]]):
        assert smirnov_sf(n, e) == pytest.approx(special.smirnov(n, e), rel=1e-11, abs=1e-300), (n, e)
    assert np.isnan(smirnov_sf(n, 1.5)) and np.isnan(smirnov_sf(0, 0.5))
