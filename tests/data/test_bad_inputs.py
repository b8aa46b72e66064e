"""Every bad input gives a clear message or a per-column note — never a traceback or a NaN that passes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from phasebook.cli.exits import exit_code
from phasebook.core.errors import (
    BadInputError,
    ColumnTypeError,
    DataNotFoundError,
    EmptyTableError,
    UnknownColumnError,
    UnreadableDataError,
)
from phasebook.data.drift import drift
from phasebook.data.profile import profile

FRAME = pd.DataFrame({"x": np.arange(100.0), "k": ["a", "b"] * 50})


def test_missing_file(tmp_path):
    with pytest.raises(DataNotFoundError) as err:
        drift(tmp_path / "nope.parquet", FRAME)
    assert "nope.parquet: the file does not exist" in err.value.message
    assert "Check the path" in err.value.message
    assert exit_code(err.value) == 2  # the CLI edge: not found exits 2


def test_glob_matching_nothing(tmp_path):
    with pytest.raises(DataNotFoundError, match="no file matches"):
        profile(str(tmp_path / "exports" / "*.csv"))


def test_unreadable_file(tmp_path):
    bad = tmp_path / "broken.parquet"
    bad.write_text("this is not parquet")
    with pytest.raises(UnreadableDataError) as err:
        profile(bad)
    assert f"{bad} cannot be read as parquet" in err.value.message
    assert "check the file is complete" in err.value.message


def test_unknown_format(tmp_path):
    odd = tmp_path / "table.xlsx"
    odd.write_bytes(b"PK")
    with pytest.raises(UnreadableDataError, match=r"unknown file extension '\.xlsx'.*Use Parquet"):
        profile(odd)


def test_not_a_table():
    with pytest.raises(BadInputError, match="Cannot read a int as a table"):
        profile(42)


def test_empty_table(tmp_path):
    empty = tmp_path / "empty.parquet"
    FRAME.iloc[:0].to_parquet(empty)
    with pytest.raises(EmptyTableError) as err:
        drift(FRAME, empty)
    assert err.value.message.startswith(f"the current table {empty} has no rows")
    with pytest.raises(EmptyTableError, match="has no rows"):
        profile(empty)


def test_type_mismatch_between_reference_and_current_is_flagged_with_a_note():
    cur = FRAME.assign(x=FRAME["x"].astype(str))
    col = drift(FRAME, cur).column("x")
    assert col.drifted and col.reasons == ["schema"]
    assert "type changed: reference DOUBLE (numeric), current VARCHAR (categorical)" in col.note
    assert col.psi is None


def test_column_only_in_one_table_is_flagged_with_a_note():
    report = drift(FRAME, FRAME.drop(columns=["k"]).assign(extra=1.0))
    assert report.column("k").note == "only in the reference table: the current table has no column 'k'"
    assert report.column("extra").note == "only in the current table: the reference table has no column 'extra'"
    assert set(report.drifted_columns) == {"k", "extra"}
    assert not report.column("x").drifted


def test_all_null_column():
    ref = FRAME.assign(gone=np.nan, empty_text=pd.Series([None] * 100, dtype="string"))
    cur = FRAME.assign(gone=np.nan, empty_text=pd.Series([None] * 100, dtype="string"))
    cur.loc[:, "x"] = np.nan
    report = drift(ref, cur)
    for name in ("gone", "empty_text"):
        col = report.column(name)
        assert col.note == "every value is missing in both tables; nothing to compare"
        assert not col.drifted and col.psi is None
    x = report.column("x")  # all missing on one side only: flagged, never a NaN that passes
    assert x.drifted and "missing" in x.reasons and x.note == "every value is missing in the current table"
    assert x.psi is not None and np.isfinite(x.psi) and x.ks_statistic is None
    prof = profile(ref)
    assert prof.column("gone").note == "every value is missing" and prof.column("gone").missing == 100


def test_unknown_column():
    with pytest.raises(UnknownColumnError, match="Column 'nope' is not in"):
        drift(FRAME, FRAME, columns=["nope"])
    with pytest.raises(UnknownColumnError, match="Its columns: x, k"):
        profile(FRAME, target="nope")


def test_target_that_is_text():
    with pytest.raises(ColumnTypeError, match="'k' .* is VARCHAR; a target must be numeric or boolean"):
        profile(FRAME, target="k")


def test_nan_and_null_both_count_as_missing():
    x = pd.Series([1.0, np.nan, None, 4.0] * 25)
    prof = profile(pd.DataFrame({"x": x}))
    assert prof.column("x").missing == 50 and prof.column("x").mean == pytest.approx(2.5)
    col = drift(pd.DataFrame({"x": x}), pd.DataFrame({"x": x})).column("x")
    assert col.missing_reference == 0.5 and col.psi == pytest.approx(0.0) and not col.drifted
