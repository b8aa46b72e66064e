"""Stored reference statistics give the numbers of the two-table drift (exact where stored exactly)."""

from __future__ import annotations

import pytest

from phasebook.data.drift import drift
from phasebook.data.reference import GRID, ReferenceStats, compare, summarize


@pytest.mark.parametrize("threads", ["1", "2"])
def test_stored_statistics_match_the_full_drift(pair_files, monkeypatch, threads):
    # serially, and on the thread pool with reused column buffers, each text column counted as one job of it
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


@pytest.mark.parametrize("threads", ["1", "2"])
def test_text_and_duckdb_counted_columns_share_the_pool_with_the_same_numbers(small_pair, tmp_path, monkeypatch, threads):
    # Given a table whose categorical columns are counted both ways: text by pyarrow, booleans by one DuckDB scan
    monkeypatch.setenv("PHASEBOOK_THREADS", threads)
    monkeypatch.setenv("PHASEBOOK_PARALLEL_ROWS", "1")
    ref, cur = (df.copy() for df in small_pair)
    for i, df in enumerate((ref, cur)):
        df["flag"] = (df["f00_normal"] > (0.0 if i == 0 else 1.0)).astype(bool)  # shifted in the current month
        df["active"] = df["f03_uniform"] > 0.5
        df.to_parquet(tmp_path / f"{i}.parquet")
    full = drift(str(tmp_path / "0.parquet"), str(tmp_path / "1.parquet"))
    quick = compare(summarize(str(tmp_path / "0.parquet")), str(tmp_path / "1.parquet"))

    # Then every categorical column has the full drift's numbers, in the table's order
    assert [c.name for c in quick.columns] == [c.name for c in full.columns]
    cats = [(a, b) for a, b in zip(full.columns, quick.columns) if a.kind == "categorical"]
    assert {a.name for a, _ in cats} >= {"flag", "active", "c16_plan"}
    for a, b in cats:
        assert (a.psi, a.js_distance, a.chi2_pvalue, a.unseen_share, a.drifted) == \
            (b.psi, b.js_distance, b.chi2_pvalue, b.unseen_share, b.drifted), a.name
    assert quick.column("flag").drifted and not quick.column("active").drifted
    assert quick.drifted_columns == full.drifted_columns


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


def test_the_check_starts_its_longest_columns_first_and_reports_in_the_table_order(pair_files, monkeypatch):
    from phasebook.data import table

    # Given stored statistics of a table with sorted columns (floats, wide-range integers), counted ones (small
    # integers compared with their stored values) and text columns
    monkeypatch.setenv("PHASEBOOK_THREADS", "1")  # serially: the work runs in the order it is planned
    ref, cur = pair_files["parquet"]
    stored = summarize(ref)
    started: list[str] = []
    for name in ("float_column", "int_column", "counts_many"):
        real = getattr(table.Table, name)

        def record(self, column, *a, _real=real, **k):
            started.extend(column if isinstance(column, list) else [column])
            return _real(self, column, *a, **k)

        monkeypatch.setattr(table.Table, name, record)
    report = compare(stored, cur)

    # Then the wide-range integers start first, the floats next, the counted integers and text columns last
    assert started[0] == "i15_customer_id"
    floats = [started.index(c.name) for c in stored.columns if c.name.startswith("f")]
    counted = [started.index(c.name) for c in stored.columns if c.name[0] in "ic" and c.name != "i15_customer_id"]
    assert max(floats) < min(counted)
    # and the report keeps the table's column order, with the numbers of the same check run in that order
    assert [c.name for c in report.columns] == [c.name for c in stored.columns]
    monkeypatch.undo()
    again = compare(stored, cur)
    assert [c.model_dump() for c in again.columns] == [c.model_dump() for c in report.columns]


def _as_lists(doc):
    """A stored document with every packed array written as a list of numbers (schema version 1)."""
    import base64

    import numpy as np

    if isinstance(doc, dict) and set(doc) == {"dtype", "base64"}:
        return np.frombuffer(base64.b64decode(doc["base64"]), dtype="<" + {"float64": "f8", "int64": "i8"}[doc["dtype"]]).tolist()
    if isinstance(doc, dict):
        return {k: _as_lists(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_as_lists(v) for v in doc]
    return doc


def test_infinite_reference_values_survive_the_stored_file(tmp_path):
    import numpy as np
    import pandas as pd

    # Given a reference column with infinite values (a ratio divided by zero) in its top decile and at its ends
    rng = np.random.default_rng(5)
    ratio = rng.normal(size=30_000)
    ratio[:4000], ratio[4000:4100] = np.inf, -np.inf
    pd.DataFrame({"ratio": ratio, "steady": rng.normal(size=30_000)}).to_parquet(tmp_path / "ref.parquet")
    cur = ratio.copy()
    cur[:9000] = np.inf  # more of them this month
    pd.DataFrame({"ratio": cur, "steady": rng.normal(size=30_000)}).to_parquet(tmp_path / "cur.parquet")
    stats = summarize(str(tmp_path / "ref.parquet"))
    assert np.isinf(stats.column("ratio").grid).any() and np.isinf(stats.column("ratio").psi_edges).any()

    # When the statistics go through the file (as every later check reads them)
    text = stats.model_dump_json()
    assert "null" not in text.split('"counts"')[0]
    stored = ReferenceStats.model_validate_json(text)

    # Then every number is as computed, and the check gives what it gives from the statistics in memory
    for name in ("ratio", "steady"):
        a, b = stats.column(name), stored.column(name)
        for field in ("psi_edges", "psi_counts", "grid", "grid_lt", "grid_le", "plot_edges", "plot_shares"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert compare(stored, str(tmp_path / "cur.parquet")).model_dump(exclude={"seconds"}) == \
        compare(stats, str(tmp_path / "cur.parquet")).model_dump(exclude={"seconds"})
    assert compare(stored, str(tmp_path / "cur.parquet")).column("ratio").drifted


def test_statistics_stored_as_lists_are_still_read(pair_files):
    import json

    # Given statistics written by an earlier version: every array a list of numbers
    ref, cur = pair_files["parquet"]
    packed = summarize(ref).model_dump_json()
    old = json.loads(packed)
    old["schema_version"] = 1
    old = _as_lists(old)
    assert '"base64"' in packed and '"base64"' not in json.dumps(old)

    # Then they give the check exactly the numbers the packed file gives
    a = compare(ReferenceStats.model_validate_json(json.dumps(old)), cur)
    b = compare(ReferenceStats.model_validate_json(packed), cur)
    assert a.model_dump(exclude={"seconds"}) == b.model_dump(exclude={"seconds"})


@pytest.mark.parametrize("bad, says", [
    ({"dtype": "float32", "base64": "AAAAAAAA8D8="}, "expected dtype 'float64'"),
    ({"dtype": "float64", "base64": "not base64!"}, "not valid base64"),
    ({"dtype": "float64", "base64": "AAAAAAAA8A=="}, "not a whole number of 8-byte values"),
    ({"dtype": "float64", "base64": "AAAAAAAA8D8=", "extra": 1}, "expected a list of numbers"),
    ({"dtype": "float64", "base64": 7}, "base64 must be a string"),
    ([1.0, None, 2.0], "valid number"),
    ("1,2,3", "expected a list of numbers"),
])
def test_a_damaged_stored_array_is_refused_with_what_is_wrong(pair_files, tmp_path, bad, says):
    import json
    from types import SimpleNamespace

    from phasebook.core.named_errors import StoredStatisticsError
    from phasebook.monitoring.check import load_reference

    ref, _ = pair_files["parquet"]
    doc = json.loads(summarize(ref).model_dump_json())
    sketched = next(c for c in doc["columns"] if c["grid"] is not None)
    sketched["grid"] = bad
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "reference.json").write_text(json.dumps(doc))
    with pytest.raises(StoredStatisticsError) as err:
        load_reference(SimpleNamespace(root=tmp_path))
    assert says in err.value.message and "monitor with the refresh option" in err.value.message


def test_an_oversized_stored_file_is_not_parsed(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from phasebook.core.named_errors import StoredStatisticsError
    from phasebook.monitoring import check

    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "reference.json").write_bytes(b" " * 2048)
    monkeypatch.setattr(check, "MAX_REFERENCE_BYTES", 1024)
    monkeypatch.setattr(ReferenceStats, "model_validate_json", lambda *a: pytest.fail("parsed an oversized file"))
    with pytest.raises(StoredStatisticsError, match="2,048 bytes, more than the 1,024"):
        check.load_reference(SimpleNamespace(root=tmp_path))
