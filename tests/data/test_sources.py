"""Data sources: files, globs, folders, JSON lines and SQLite; checks journaled for `phasebook status`."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from phasebook.core.errors import UnknownDataSourceError
from phasebook.data.profile import profile
from phasebook.data.sources import open_table

FRAME = pd.DataFrame({"customer": ["a", "b", "c", "d"], "spend": [1.5, 2.5, None, 4.0], "churned": [0, 1, 0, 1]})


def add_sources(project, *sources):
    project.save_section("data_sources", {"items": [dict(s) for s in sources]})


def test_check_a_parquet_source_is_journaled_and_shown_in_status(project):
    (project.root / "data").mkdir(exist_ok=True)
    FRAME.to_parquet(project.root / "data" / "customers.parquet")
    add_sources(project, {"name": "customers", "uri": "data/customers.parquet", "label_column": "churned"})
    result = project.check_source("customers")
    assert result.reachable and result.rows == 4 and result.reason == ""
    assert result.columns == [{"name": "customer", "type": "VARCHAR"}, {"name": "spend", "type": "DOUBLE"},
                              {"name": "churned", "type": "BIGINT"}]
    assert result.size_bytes == (project.root / "data" / "customers.parquet").stat().st_size
    assert result.last_modified.startswith("20")
    event = project.events()[-1]
    assert event.kind == "data_check" and event.data["source"] == "customers" and event.data["rows"] == 4
    shown = project.status().data_checks["customers"]
    assert shown["reachable"] is True and shown["rows"] == 4


def test_unreachable_sources_say_why(project):
    add_sources(project, {"name": "events", "uri": "data/events/*.parquet"}, {"name": "crm", "kind": "external"})
    missing = project.check_source("events")
    assert not missing.reachable and "no file matches" in missing.reason
    no_uri = project.check_source("crm")
    assert not no_uri.reachable and no_uri.reason.startswith("no URI given")
    assert project.status().data_checks["events"]["reachable"] is False


def test_unknown_source_name_lists_the_known_ones(project):
    add_sources(project, {"name": "customers", "uri": "data/c.parquet"})
    with pytest.raises(UnknownDataSourceError, match="'custmers' is neither a data source.*customers"):
        project.profile("custmers")
    with pytest.raises(UnknownDataSourceError):
        project.check_source("custmers")


def test_globs_folders_and_json_lines(tmp_path):
    parts = tmp_path / "exports"
    parts.mkdir()
    FRAME.iloc[:2].to_csv(parts / "part-1.csv", index=False)
    FRAME.iloc[2:].to_csv(parts / "part-2.csv", index=False)
    with open_table(str(parts / "*.csv")) as t:
        assert t.rows == 4 and len(t.paths) == 2
    with open_table(parts) as t:  # a folder: every data file in it
        assert t.rows == 4
    FRAME.to_json(tmp_path / "c.jsonl", orient="records", lines=True)
    with open_table(tmp_path / "c.jsonl") as t:
        assert t.rows == 4 and t.columns["spend"] == "DOUBLE"


def test_nan_stored_in_parquet_counts_as_missing(tmp_path):
    values = np.array([1.0, np.nan, 3.0, np.inf])
    pq.write_table(pa.table({"x": pa.array(values, from_pandas=False)}), tmp_path / "nan.parquet")
    col = profile(tmp_path / "nan.parquet").column("x")
    assert (col.missing, col.infinite, col.count, col.mean) == (1, 1, 2, 2.0)
    assert "1 infinite values left out" in col.note


def test_sqlite_source_relative_to_the_project(project):
    (project.root / "data").mkdir(exist_ok=True)
    with sqlite3.connect(project.root / "data" / "app.db") as con:
        FRAME.to_sql("customers", con, index=False)
    add_sources(project,
                {"name": "crm", "uri": "sqlite:///data/app.db#customers", "kind": "database", "label_column": "churned"},
                {"name": "gone", "uri": "sqlite:///data/missing.db#customers", "kind": "database"})
    ok = project.check_source("crm")
    assert ok.reachable and ok.rows == 4 and {"name": "spend", "type": "DOUBLE"} in ok.columns
    prof = project.profile("crm")  # the label column is the default target
    assert prof.target == "churned" and prof.column("spend").count == 3
    gone = project.check_source("gone")
    assert not gone.reachable and "database file does not exist" in gone.reason
    assert not (project.root / "data" / "missing.db").exists()  # SQLite was not allowed to create it


def test_check_drift_uses_the_monitoring_section_and_journals(project, small_pair):
    ref, cur = small_pair
    (project.root / "data").mkdir(exist_ok=True)
    ref.to_parquet(project.root / "data" / "train.parquet")
    cur.to_parquet(project.root / "data" / "live.parquet")
    add_sources(project, {"name": "train", "uri": "data/train.parquet"})
    project.save_section("monitoring", {
        "reference_data": "train", "current_data": "data/live.parquet", "columns": ["f00_normal", "f03_uniform"],
        "drift_thresholds": {"ks_statistic": 0.5, "psi": 0.5},
    })
    report = project.check_drift()
    assert [c.name for c in report.columns] == ["f00_normal", "f03_uniform"]
    assert report.drifted_columns == []  # the plan's looser thresholds apply
    assert report.thresholds.ks_statistic == 0.5
    latest = project.status().latest_drift_check
    assert latest["drifted_columns"] == [] and latest["columns"][0]["name"] == "f00_normal"
    assert project.check_drift("train", "data/live.parquet", columns=["f00_normal"]).columns[0].ks_statistic > 0.1


def _customers_db(project, rows: int = 100):
    db = project.root / "data" / "shop.db"
    db.parent.mkdir(exist_ok=True)
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE customers (id INTEGER)")
        con.executemany("INSERT INTO customers VALUES (?)", [(i,) for i in range(rows)])
    return db


def _count(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM customers").fetchone()[0]


@pytest.mark.parametrize("query", [
    "WITH x AS (SELECT 1) DELETE FROM customers",
    "DELETE FROM customers",
    "SELECT 1; DELETE FROM customers",
    "SELECT * INTO copy FROM customers",
    "customers; DROP TABLE customers",
])
def test_a_sql_source_that_writes_is_refused_naming_it_and_changes_nothing(project, query):
    from phasebook.core.errors import BadInputError
    from phasebook.data.sources import open_table

    db = _customers_db(project)
    project.save_section("data_sources", {"items": [{"name": "shop", "uri": f"sqlite:///data/shop.db#{query}",
                                                       "kind": "database"}]})
    with pytest.raises(BadInputError, match=r"shop: the query is refused .*one SELECT only"):
        open_table("shop", project)
    assert _count(db) == 100


def test_the_connection_itself_is_read_only_when_the_statement_check_is_bypassed(project, monkeypatch):
    # Given the statement check switched off (the second line of defence alone)
    from phasebook.core.errors import UnreadableDataError
    from phasebook.data import sql
    from phasebook.data.sources import open_table

    monkeypatch.setattr(sql, "check_select", lambda query, label: query)
    db = _customers_db(project)
    project.save_section("data_sources", {"items": [{
        "name": "shop", "uri": "sqlite:///data/shop.db#WITH x AS (SELECT 1) DELETE FROM customers RETURNING id",
        "kind": "database"}]})
    # When it is read, the read-only connection refuses the write and nothing changes
    with pytest.raises(UnreadableDataError):
        open_table("shop", project)
    assert _count(db) == 100
    # And a plain SELECT still reads
    project.save_section("data_sources", {"items": [{
        "name": "shop", "uri": "sqlite:///data/shop.db#SELECT id FROM customers WHERE id < 10", "kind": "database"}]})
    assert open_table("shop", project).rows == 10
