"""Stored reference statistics give the numbers of the two-table drift (exact where stored exactly)."""

from __future__ import annotations

import pytest

from phasebook.data.drift import drift
from phasebook.data.reference import GRID, ReferenceStats, compare, summarize


@pytest.mark.parametrize("threads", ["1", "2"])
def test_stored_statistics_match_the_full_drift(pair_files, monkeypatch, threads):
    # serially, and on the thread pool with reused column buffers and the categorical count beside them
    monkeypatch.setenv("PHASEBOOK_THREADS", threads)
    monkeypatch.setenv("PHASEBOOK_PARALLEL_ROWS", "1")
    ref, cur = pair_files["parquet"]
    full = drift(ref, cur)
    stored = ReferenceStats.model_validate_json(summarize(ref).model_dump_json())  # through JSON, as on disk
    quick = compare(stored, cur)
    assert quick.drifted_columns == full.drifted_columns and full.drifted_columns
    for a, b in zip(full.columns, quick.columns):
        assert a.name == b.name and a.drifted == b.drifted
        assert a.psi == b.psi  # PSI bins are stored exactly
        if a.kind == "categorical":
            assert (a.js_distance, a.chi2_pvalue, a.unseen_share) == (b.js_distance, b.chi2_pvalue, b.unseen_share)
        elif "sketch" in b.note:  # KS from the ECDF sketch: a lower bound within 1/GRID
            assert a.ks_statistic - 1 / GRID - 1e-12 <= b.ks_statistic <= a.ks_statistic + 1e-12
        else:
            assert a.ks_statistic == b.ks_statistic and a.ks_pvalue == b.ks_pvalue


def test_a_column_new_in_the_current_table_is_a_schema_finding(pair_files, tmp_path):
    import pandas as pd

    ref, cur = pair_files["parquet"]
    frame = pd.read_parquet(cur)
    frame["brand_new"] = 1.0
    path = tmp_path / "cur.parquet"
    frame.to_parquet(path)
    report = compare(summarize(ref), str(path))
    col = report.column("brand_new")
    assert col.drifted and col.reasons == ["schema"] and "only in the current table" in col.note


@pytest.mark.parametrize("threads", ["1", "2"])
def test_a_numeric_table_is_compared_without_starting_duckdb(small_pair, tmp_path, monkeypatch, threads):
    from phasebook.data import table

    # Given stored statistics of the numeric columns and a current month as one Parquet file
    monkeypatch.setenv("PHASEBOOK_THREADS", threads)
    monkeypatch.setenv("PHASEBOOK_PARALLEL_ROWS", "1")
    ref, cur = (df[[c for c in df.columns if not c.startswith("c")]] for df in small_pair)
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    full = drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    stored = summarize(str(tmp_path / "ref.parquet"))

    # When the check runs with DuckDB unable to start
    def no_duckdb():
        raise AssertionError("a numeric check reads the file with pyarrow alone")

    monkeypatch.setattr(table, "connect", no_duckdb)
    quick = compare(stored, str(tmp_path / "cur.parquet"))
    # Then it gives the full drift's verdict and its exact numbers where they are stored exactly
    assert quick.drifted_columns == full.drifted_columns and full.drifted_columns
    for a, b in zip(full.columns, quick.columns):
        assert (a.name, a.psi, a.drifted) == (b.name, b.psi, b.drifted)
        if "sketch" not in b.note:
            assert (a.ks_statistic, a.ks_pvalue) == (b.ks_statistic, b.ks_pvalue)
