"""Tables: column reads from Arrow memory, and Parquet files described from their footer as DuckDB would."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from phasebook.data import table as table_mod
from phasebook.data.sources import open_table
from phasebook.data.table import _DUCK_NAMES, _fill_ints


def test_integer_reads_drop_exactly_the_nulls_across_blocks_chunks_and_slices(monkeypatch):
    # Given integer chunks with nulls, one of them a slice (an offset into its buffers), over several copy blocks
    monkeypatch.setattr(table_mod, "_BLOCK", 7)
    rng = np.random.default_rng(1)
    values = rng.integers(-50, 50, 200)
    nulls = rng.random(200) < 0.3
    whole = pa.array(values, mask=nulls, type=pa.int64())
    chunks = [whole.slice(0, 45), whole.slice(45, 100), pa.array([], type=pa.int64()), whole.slice(145)]
    # When they are read into a reused buffer
    buffer = np.full(200, -1.0)
    got, missing = _fill_ints(chunks, 200, buffer)
    # Then exactly the non-null values come back, in order, and the nulls are counted
    assert got.tolist() == values[~nulls].tolist() and missing == int(nulls.sum())
    assert np.shares_memory(got, buffer)


def _every_plain_type(tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq

    arrays = {name: pa.array([1, None, 3], type=getattr(pa, name)()) for name in
              ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")}
    arrays |= {"f32": pa.array([1.5, None, 2.5], pa.float32()), "f64": pa.array([1.5, None, 2.5], pa.float64()),
               "flag": pa.array([True, None, False]), "s": pa.array(["a", None, "b"], pa.string()),
               "ls": pa.array(["a", None, "b"], pa.large_string()),
               "cat": pa.array(["x", "y", None]).dictionary_encode()}
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table(arrays), path)
    indexed = tmp_path / "indexed.parquet"  # pandas writes a non-range index as a column of its own
    pd.DataFrame({"v": [1.0, 2.0], "c": pd.Categorical(["a", "b"])}, index=[7, 9]).to_parquet(indexed)
    assert set(_DUCK_NAMES) == {str(a.type) for a in arrays.values() if str(a.type) in _DUCK_NAMES}  # all covered
    return [str(path), str(indexed)]


def test_a_parquet_footer_describes_the_file_as_duckdb_does_and_duckdb_starts_on_the_first_query(tmp_path):
    # Given Parquet files of every type whose DuckDB name the footer gives
    con = duckdb.connect()
    for path in _every_plain_type(tmp_path):
        # When each is opened
        table = open_table(path)
        try:
            # Then no DuckDB connection is open yet, and the columns and rows are DuckDB's own
            assert table.duck._con is None
            described = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()}
            assert table.columns == described
            assert table.rows == con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
            # and the first query creates the view
            assert table.sql(f"SELECT count(*) FROM {table.view}").fetchone()[0] == table.rows
            assert table.duck._con is not None
        finally:
            table.close()


def test_a_parquet_file_of_other_types_is_described_by_duckdb(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "times.parquet"
    pq.write_table(pa.table({"at": pa.array([0, 1], pa.timestamp("us")), "v": [1.0, 2.0]}), path)
    with open_table(str(path)) as table:
        assert table.duck._con is not None and table.columns == {"at": "TIMESTAMP", "v": "DOUBLE"}
