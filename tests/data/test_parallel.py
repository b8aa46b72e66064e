"""The parallel path gives the serial path's numbers, from every input format, within one memory limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

from phasebook.core.errors import BadInputError
from phasebook.data import parallel
from phasebook.data.drift import drift
from phasebook.data.profile import profile
from phasebook.data.sources import open_table
from phasebook.data.synthetic import make_pair
from phasebook.data.table import Duck, Table


def _strip(report) -> dict:
    data = report.model_dump(mode="json")
    for key in ("reference", "current", "source", "seconds"):
        data.pop(key, None)
    return data


@pytest.fixture
def pool_threads(monkeypatch):
    """Record the names of the threads that read columns (proves the pool engaged)."""
    names: set[str] = set()
    original = Table.float_column

    def spy(self, name, **kwargs):
        names.add(threading.current_thread().name)
        return original(self, name, **kwargs)

    monkeypatch.setattr(Table, "float_column", spy)
    return names


def _mode(monkeypatch, threads: int, parallel_rows: int = 1000) -> None:
    monkeypatch.setenv("PHASEBOOK_THREADS", str(threads))
    monkeypatch.setenv("PHASEBOOK_PARALLEL_ROWS", str(parallel_rows))


def _assert_close(a, b, path="") -> None:
    """Equal structures; floats equal to 1e-9 (in fact the paths agree exactly)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-9, rel=1e-9), path
    else:
        assert a == b, path


def test_drift_is_the_same_serial_and_parallel_from_parquet_csv_and_frames(
    small_pair, pair_files, monkeypatch, pool_threads
):
    _mode(monkeypatch, threads=1)
    serial = _strip(drift(*small_pair))
    assert serial["drifted_columns"] and not any(n.startswith("phasebook-data") for n in pool_threads)
    _mode(monkeypatch, threads=2)
    parallel_runs = {
        "frames": _strip(drift(*small_pair)),
        "parquet": _strip(drift(*pair_files["parquet"])),
        "csv": _strip(drift(*pair_files["csv"])),
        "mixed": _strip(drift(pair_files["csv"][0], small_pair[1])),
    }
    assert any(n.startswith("phasebook-data") for n in pool_threads)  # the pool did the reading
    for fmt, got in parallel_runs.items():
        _assert_close(got, serial, fmt)
        assert got == serial, fmt  # not just close: the same numbers


def test_drift_in_a_tight_budget_is_the_same(small_pair, monkeypatch):
    """A budget of one column at a time changes the schedule, not the numbers."""
    _mode(monkeypatch, threads=1)
    serial = _strip(drift(*small_pair))
    _mode(monkeypatch, threads=2)
    monkeypatch.setattr(parallel, "ARRAY_SHARE", 1e-6)
    assert _strip(drift(*small_pair)) == serial


@pytest.mark.parametrize("infinite", [False, True])
def test_profile_is_the_same_serial_and_parallel_from_parquet_csv_and_frames(tmp_path, monkeypatch, pool_threads,
                                                                             infinite):
    ref, _ = make_pair(6000, seed=5)
    ref["churned"] = (ref["f00_normal"].fillna(0) > 0.5).astype(int)
    specs = [ref, tmp_path / "t.parquet"]
    if infinite:  # pandas writes "inf" to CSV, which DuckDB reads as text: frames and Parquet only
        ref.loc[::97, "f02_exponential"] = np.inf
    else:
        ref.to_csv(tmp_path / "t.csv", index=False)
        specs.append(str(tmp_path / "t.csv"))
    ref.to_parquet(tmp_path / "t.parquet")
    _mode(monkeypatch, threads=1)
    serial = _strip(profile(ref, target="churned"))
    assert (serial["columns"][2]["infinite"] > 0) == infinite
    _mode(monkeypatch, threads=2)
    for spec in specs:
        got = _strip(profile(spec, target="churned"))
        _assert_close(got, serial, str(spec)[-12:])
        assert got == serial
    assert any(n.startswith("phasebook-data") for n in pool_threads)


def test_at_the_default_threshold_the_pool_engages_and_agrees(monkeypatch, pool_threads):
    monkeypatch.delenv("PHASEBOOK_PARALLEL_ROWS", raising=False)
    ref, cur = make_pair(parallel.PARALLEL_ROWS, seed=7)
    monkeypatch.setenv("PHASEBOOK_THREADS", "1")
    serial = _strip(drift(ref, cur))
    monkeypatch.setenv("PHASEBOOK_THREADS", "2")
    assert _strip(drift(ref, cur)) == serial
    assert any(n.startswith("phasebook-data") for n in pool_threads)


def test_pipeline_keeps_order_and_the_budget(monkeypatch):
    monkeypatch.setenv("PHASEBOOK_THREADS", "2")
    submitted: list = []
    original_submit = parallel.ThreadPoolExecutor.submit

    def counting_submit(self, fn, *a, **k):
        submitted.append(fn)
        return original_submit(self, fn, *a, **k)

    monkeypatch.setattr(parallel.ThreadPoolExecutor, "submit", counting_submit)

    def jobs(i):
        def job():
            time.sleep(0.002 * (5 - i % 5))  # later items finish first unless order is kept
            return i * 10
        return [job, job]

    in_flight = []

    def finish(i, results):
        assert results == [i * 10, i * 10]
        in_flight.append(len(submitted) // 2 - i)  # items started and not finished, this one included
        return i

    out = parallel.pipeline(list(range(12)), jobs, finish, lambda i: 100, rows=10**9, budget=250)
    assert out == list(range(12))
    assert max(in_flight) == 2  # budget // cost items at once, no more


def test_one_item_runs_even_when_it_exceeds_the_budget(monkeypatch):
    monkeypatch.setenv("PHASEBOOK_THREADS", "2")
    out = parallel.pipeline([1, 2], lambda i: [lambda: i], lambda i, r: r[0], lambda i: 10**12, rows=10**9, budget=1)
    assert out == [1, 2]


def test_a_failing_job_raises_instead_of_hanging(monkeypatch):
    monkeypatch.setenv("PHASEBOOK_THREADS", "2")

    def jobs(i):
        def job():
            if i == 3:
                raise ValueError("column 3 is broken")
            return i
        return [job]

    with pytest.raises(ValueError, match="column 3"):
        parallel.pipeline(list(range(20)), jobs, lambda i, r: r[0], lambda i: 1, rows=10**9, budget=4)


@pytest.mark.parametrize("text,expected", [("1GB", 10**9), ("512MB", 512 * 10**6), ("2GiB", 2 << 30),
                                           ("1.5 gb", 1_500_000_000), ("", 10**9)])
def test_memory_limit_is_parsed(monkeypatch, text, expected):
    monkeypatch.setenv("PHASEBOOK_MEMORY_LIMIT", text)
    assert parallel.memory_limit() == expected
    assert parallel.array_budget() == int(expected * parallel.ARRAY_SHARE)


@pytest.mark.parametrize("variable,text", [("PHASEBOOK_MEMORY_LIMIT", "lots"), ("PHASEBOOK_MEMORY_LIMIT", "-1GB"),
                                           ("PHASEBOOK_MEMORY_LIMIT", "1 parsec"), ("PHASEBOOK_THREADS", "two"),
                                           ("PHASEBOOK_THREADS", "0")])
def test_bad_settings_say_what_to_give(monkeypatch, variable, text):
    monkeypatch.setenv(variable, text)
    with pytest.raises(BadInputError, match=variable):
        parallel.memory_limit() if variable == "PHASEBOOK_MEMORY_LIMIT" else parallel.workers()


def test_the_tables_of_a_drift_share_one_connection_with_one_limit(pair_files, small_pair, monkeypatch):
    monkeypatch.setenv("PHASEBOOK_MEMORY_LIMIT", "800MB")
    duck = Duck()
    try:
        a = open_table(pair_files["parquet"][0], duck=duck)
        b = open_table(small_pair[1], duck=duck)
        assert a.con is b.con and (a.view, b.view) == ("t", "t2")
        limit = duck.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert limit == f"{int(800e6 * parallel.DUCKDB_SHARE) >> 20}.0 MiB"  # DuckDB's share of the one limit
        assert a.rows == b.rows == len(small_pair[0])
        a.close()
        assert b.rows == len(small_pair[1]) and b.float_column("f00_normal").shape == (len(small_pair[1]),)
    finally:
        duck.close()


def test_csv_is_parsed_once_into_a_temporary_file_that_is_removed(pair_files, tmp_path, monkeypatch):
    monkeypatch.setenv("PHASEBOOK_SPILL_DIR", str(tmp_path))
    table = open_table(pair_files["csv"][0])
    temp = list(tmp_path.glob("phasebook-*.parquet"))
    assert len(temp) == 1 and table.paths == [pair_files["csv"][0]]  # the source is still the CSV
    assert table.float_column("f00_normal").shape == (table.rows,)
    table.close()
    assert not temp[0].exists()
    drift(*pair_files["csv"])
    assert not list(tmp_path.glob("phasebook-*.parquet"))


@pytest.mark.parametrize("check", ["drift", "stored"])
def test_a_drift_from_files_imports_neither_scipy_stats_nor_pandas(pair_files, check):
    """The fixed cost of a command: at 8,000 rows per table every KS p-value is asymptotic (n1·n2 > 10^7);
    nor ``numpy.ma`` (12 ms: ``numpy.unique`` imports it), for the two-table drift or the monitoring check."""
    ref, cur = pair_files["parquet"]
    run = f"drift({ref!r}, {cur!r})" if check == "drift" else f"compare(summarize({ref!r}), {cur!r})"
    code = (
        "import sys\nfrom phasebook.data.drift import drift\nfrom phasebook.data.reference import compare, summarize\n"
        f"r = {run}\n"
        "assert r.drifted_columns\n"
        "print(sorted(m for m in ('scipy.stats', 'pandas', 'scipy.special', 'numpy.ma') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_mild_shift_in_a_large_sample_needs_no_scipy(tmp_path):
    """n·d² between 2.2 and 370 (a real month against its reference, shifted a little) used to import SciPy
    (0.7 s) and spend ~0.5 s a column in its one-sided Smirnov sum; now it does neither, and the p-value is
    SciPy's."""
    import numpy as np
    import pandas as pd
    from scipy import stats as sps

    rng = np.random.default_rng(7)
    ref, cur = rng.normal(size=20_000), rng.normal(0.06, 1.0, size=20_000)
    pd.DataFrame({"x": ref}).to_parquet(tmp_path / "ref.parquet")
    pd.DataFrame({"x": cur}).to_parquet(tmp_path / "cur.parquet")
    code = ("import json, sys\nfrom phasebook.data.drift import drift\n"
            f"r = drift({str(tmp_path / 'ref.parquet')!r}, {str(tmp_path / 'cur.parquet')!r})\n"
            "c = r.columns[0]\n"
            "print(json.dumps([c.ks_statistic, c.ks_pvalue, 'scipy' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), check=True)
    d, p, imported = json.loads(out.stdout)
    en = round(20_000 * 20_000 / 40_000)
    assert 2.2 <= en * d * d < 370, en * d * d  # the band this is about
    expected = sps.ks_2samp(ref, cur, method="asymp")
    assert d == pytest.approx(expected.statistic, abs=1e-15)
    assert p == pytest.approx(expected.pvalue, rel=1e-10) and not imported
