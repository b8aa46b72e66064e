"""Fixtures for the data engine: seeded tables with known shifts, written as Parquet, CSV and JSON lines."""

from __future__ import annotations

import pytest

from phasebook.data.synthetic import make_pair

N = 50_000


@pytest.fixture(scope="session")
def shifted_pair():
    """(reference, current) DataFrames of 50,000 rows; the current one shifts SHIFTED_COLUMNS."""
    return make_pair(N, seed=0, shifted=True)


@pytest.fixture(scope="session")
def small_pair():
    """A shifted (reference, current) pair of 8,000 rows, for tests that read it several times."""
    return make_pair(8000, seed=3, shifted=True)


@pytest.fixture(scope="session")
def pair_files(small_pair, tmp_path_factory):
    """``small_pair`` written as Parquet and CSV: {"parquet": (ref, cur), "csv": (ref, cur)}."""
    root = tmp_path_factory.mktemp("pair")
    ref, cur = small_pair
    out = {}
    for fmt in ("parquet", "csv"):
        paths = []
        for role, df in (("reference", ref), ("current", cur)):
            p = root / f"{role}.{fmt}"
            df.to_parquet(p) if fmt == "parquet" else df.to_csv(p, index=False)
            paths.append(str(p))
        out[fmt] = tuple(paths)
    return out
