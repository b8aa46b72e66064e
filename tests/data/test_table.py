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


def _texts_everywhere(tmp_path):
    """The same text column (nulls, empty strings, non-ASCII, 3,000 distinct values) in every shape pyarrow
    hands it over: Parquet dictionary-encoded over several row groups, plain-encoded, large_string; an Arrow
    table and a slice of it (an offset into the buffers); dictionaries with int8 codes and a null inside the
    dictionary itself; a pandas frame."""
    import pandas as pd
    import pyarrow.parquet as pq

    rng = np.random.default_rng(7)
    vocabulary = np.array(["a", "", "b", "ü", "x y", "None"] + [f"k{i}" for i in range(3000)], dtype=object)
    text = vocabulary[rng.integers(0, len(vocabulary), 50_000)]
    text[rng.random(50_000) < 0.05] = None
    flags = pa.array(rng.random(50_000) < 0.5)
    arrow = pa.table({"s": pa.array(text, pa.string()), "flag": flags, "v": rng.random(50_000)})
    sources = {"arrow": arrow, "arrow slice": arrow.slice(12_345, 20_000),
               "pandas": pd.DataFrame({"s": text, "flag": flags.to_pylist(), "v": 1.0})}
    for label, kwargs, table in (("parquet dictionary", {"row_group_size": 7_000}, arrow),
                                 ("parquet plain", {"use_dictionary": False, "row_group_size": 20_000}, arrow),
                                 ("parquet large_string", {}, arrow.cast(pa.schema(
                                     [("s", pa.large_string()), ("flag", pa.bool_()), ("v", pa.float64())])))):
        path = tmp_path / f"{label.replace(' ', '_')}.parquet"
        pq.write_table(table, path, **kwargs)
        sources[label] = str(path)
    codes = [pa.DictionaryArray.from_arrays(pa.array(c, pa.int8()), pa.array(d)) for c, d in
             (([0, None, 1, 0], ["a", "b"]), ([0, 1, None, 1], ["a", None]), ([], ["z"]))]
    sources["dictionary codes"] = pa.table({"s": pa.chunked_array(codes), "flag": [True] * 8, "v": [1.0] * 8})
    return sources


def test_text_counts_from_arrow_equal_duckdbs_group_by_in_every_shape(tmp_path):
    # Given one text column in every shape pyarrow holds it, beside a boolean column (which DuckDB counts)
    for label, source in _texts_everywhere(tmp_path).items():
        with open_table(source) as table:
            # When both are counted together
            got = table.counts_many(["s", "flag"])
            # Then the text column was pyarrow's to count, and every count and missing count is DuckDB's own
            assert table._text("s") and not table._text("flag"), label
            assert got == table._duck_counts(["s", "flag"]), label
            assert list(got) == ["s", "flag"]
            found, missing = got["s"]
            assert sum(found.values()) + missing == table.rows, label


def test_a_drift_and_a_check_of_parquet_files_with_text_columns_never_start_duckdb(tmp_path, monkeypatch):
    from phasebook.data.drift import drift
    from phasebook.data.reference import compare, summarize
    import pyarrow.parquet as pq

    # Given a reference and a current Parquet file with text and numeric columns (plain types only)
    rng = np.random.default_rng(3)
    for name, shift, p in (("reference", 0.0, [0.6, 0.3, 0.1]), ("current", 0.5, [0.3, 0.3, 0.4])):
        pq.write_table(pa.table({"plan": pa.array(rng.choice(["free", "pro", "team"], 20_000, p=p)),
                                 "spend": rng.normal(shift, 1, 20_000)}), tmp_path / f"{name}.parquet")
    ref, cur = str(tmp_path / "reference.parquet"), str(tmp_path / "current.parquet")
    with open_table(cur) as table:  # (DuckDB's own counts, for the comparison below)
        duck_counts = table._duck_counts(["plan"])["plan"]

    # When DuckDB cannot be started at all
    def no_duckdb():
        raise AssertionError("DuckDB was started")

    monkeypatch.setattr(table_mod, "connect", no_duckdb)
    # Then the drift, the stored statistics and a check against them run, find both shifts, and count the
    # text column as DuckDB does
    report = drift(ref, cur)
    checked = compare(summarize(ref), cur)
    assert report.drifted_columns == checked.drifted_columns == ["plan", "spend"]
    with open_table(cur) as table:
        assert table.counts_many(["plan"])["plan"] == duck_counts
    plan = {c.name: c for c in report.columns}["plan"]
    assert plan.psi == {c.name: c for c in checked.columns}["plan"].psi > 0.1


def test_a_wide_parquet_file_is_opened_once_a_thread_not_once_a_column(tmp_path, monkeypatch):
    import pandas as pd
    import pyarrow.parquet as pq

    from phasebook.data.drift import drift
    from phasebook.data.reference import compare, summarize

    # Given two 300-column Parquet files (numeric and text columns) and a count of the readers opened on them
    rng = np.random.default_rng(4)
    frames = [pd.DataFrame({**{f"x{i}": rng.normal(size=300) for i in range(200)},
                            **{f"t{i}": rng.choice(["a", "b", "c"], 300) for i in range(100)}}) for _ in range(2)]
    for i, frame in enumerate(frames):
        frame.to_parquet(tmp_path / f"{i}.parquet")
    opened: list = []
    real = pq.ParquetFile

    class Counted(real):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            opened.append(self)

    monkeypatch.setattr(table_mod.pq, "ParquetFile", Counted)
    monkeypatch.setenv("PHASEBOOK_PARALLEL_ROWS", "1")  # on the thread pool
    # When a drift, a summary and a check read every column
    report = drift(str(tmp_path / "0.parquet"), str(tmp_path / "1.parquet"))
    stored = summarize(str(tmp_path / "0.parquet"))
    quick = compare(stored, str(tmp_path / "1.parquet"))
    # Then each table opened a reader per thread and kind of read (plain, dictionary), not one per column
    assert len(report.columns) == len(quick.columns) == 300
    from phasebook.data.parallel import workers

    tables, threads = 4, workers() + 1  # drift: two tables, then the summary's and the check's; pool and caller
    assert 0 < len(opened) <= tables * (2 * threads + 1), len(opened)  # (+1: the footer read on opening)
    # and every reader was closed with its table
    assert all(pf.closed for pf in opened)
