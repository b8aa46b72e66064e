"""`phasebook data check|profile|drift`: JSON for scripts, HTML reports, clear errors with exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.data.synthetic import SHIFTED_COLUMNS


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_drift_json_and_html_outside_a_project(pair_files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no project here: paths work, nothing is journaled
    ref, cur = pair_files["parquet"]
    result = run("data", "drift", ref, cur, "--json", "--html", str(tmp_path / "out" / "drift.html"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # valid JSON, the report's path on stderr
    assert "HTML report written" in result.stderr
    assert (tmp_path / "out" / "drift.html").stat().st_mode & 0o777 == 0o644
    assert sorted(data["drifted_columns"]) == sorted(SHIFTED_COLUMNS)
    first = data["columns"][0]
    assert {"name", "kind", "psi", "drifted"} <= set(first) and first["name"] == "f00_normal"
    assert (tmp_path / "out" / "drift.html").read_text().count("<html>") == 1
    assert run("data", "drift", ref, cur, "--fail-on-drift").exit_code == 1


def test_drift_in_a_project_journals_and_reads_monitoring(project, pair_files):
    ref, cur = pair_files["csv"]
    project.save_section("monitoring", {"reference_data": ref, "current_data": cur, "columns": ["f03_uniform"]})
    result = run("--project", str(project.root), "data", "drift")
    assert result.exit_code == 0, result.output
    assert "no dataset drift" in result.output
    assert project.status().latest_drift_check["columns"][0]["name"] == "f03_uniform"


def test_an_adhoc_drift_is_not_journaled_unless_recorded_and_monitoring_keeps_the_plan_pair(project, pair_files):
    from phasebook.dashboards.monitoring import monitoring_parts

    ref, cur = pair_files["csv"]
    project.save_section("monitoring", {"reference_data": ref, "current_data": cur})
    assert run("--project", str(project.root), "data", "drift").exit_code == 0  # the plan's pair: recorded
    before = project.journal_path.read_bytes()
    # an exploration (current against itself) leaves the journal unchanged
    assert run("--project", str(project.root), "data", "drift", cur, cur).exit_code == 0
    assert project.journal_path.read_bytes() == before
    # --record adds exactly one entry
    assert run("--project", str(project.root), "data", "drift", cur, cur, "--record").exit_code == 0
    after = [e for e in project.events() if e.kind == "drift_check"]
    assert len(project.events()) == len(before.splitlines()) + 1 and len(after) == 2
    # the monitoring page and the status still show the plan's pair, naming the files and row counts
    status = project.status().latest_drift_check
    assert status["pair"] == {"reference": ref, "current": cur} and status["drifted"]
    html = "".join(p for p in monitoring_parts(project) if isinstance(p, str))
    assert "dataset drifted" in html and f"({status['rows_current']} rows)" in html and "reference.csv" in html


def test_the_label_is_left_out_of_production_drift_and_a_schema_mismatch_is_one_headline(project, tmp_path):
    ref = pd.DataFrame({"spend": [1.0, 2.0, 3.0, 4.0] * 50, "churned": [0, 1] * 100})
    cur = pd.DataFrame({"spend": [1.5, 2.0, 3.0, 4.5] * 50})
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    project.save_section("data_sources", {"items": [{"name": "customers", "uri": str(tmp_path / "ref.parquet"),
                                                      "label_column": "churned"}]})
    report = project.check_drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"), record=False)
    assert [c.name for c in report.columns] == ["spend"] and report.skipped[0]["name"] == "churned"
    other = pd.DataFrame({f"c{i}": range(10) for i in range(38)} | {"spend": [1.0] * 10})
    other.to_parquet(tmp_path / "other.parquet")
    report = project.check_drift(str(tmp_path / "ref.parquet"), str(tmp_path / "other.parquet"), record=False)
    assert report.summary.startswith("schema mismatch: the tables share 1 of 39 columns")


def test_check_and_profile_in_a_project(project):
    (project.root / "data").mkdir(exist_ok=True)
    pd.DataFrame({"spend": [1.0, 2.0, 3.0], "churned": [0, 1, 1]}).to_parquet(project.root / "data" / "c.parquet")
    project.save_section("data_sources", {"items": [
        {"name": "customers", "uri": "data/c.parquet", "label_column": "churned"},
        {"name": "events", "uri": "data/events.parquet"},
    ]})
    result = run("--project", str(project.root), "data", "check", "customers", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["rows"] == 3
    every = run("--project", str(project.root), "data", "check")
    assert every.exit_code == 1  # one source is unreachable
    assert "customers" in every.output and "events" in every.output
    prof = run("--project", str(project.root), "data", "profile", "customers", "--json")
    data = json.loads(prof.output)
    assert data["target"] == "churned" and data["columns"][0]["target_correlation"] > 0.8
    assert "spend" in run("--project", str(project.root), "data", "profile", "customers").output


def test_bad_input_gives_a_message_and_exit_code_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("data", "profile", "missing.parquet")
    assert result.exit_code == 2
    assert "No data at" in result.output and "missing.parquet: the file does not exist" in result.output
    assert "Traceback" not in result.output
    (tmp_path / "x.parquet").write_text("garbage")
    result = run("data", "drift", "x.parquet", "x.parquet", "--json")
    assert result.exit_code == 2 and json.loads(result.output)["error"]["code"] == "unreadable_data"


def test_html_reports_show_hostile_column_names_and_values_as_text(tmp_path, monkeypatch):
    from html.parser import HTMLParser

    monkeypatch.chdir(tmp_path)
    evil = '<img src=x onerror="window.__y=1">'
    frame = pd.DataFrame({evil: [1.0, 2.0, 3.0] * 20, "kind": ["<script>window.__x=1</script>", "b", "c"] * 20})
    frame.to_csv(tmp_path / "evil.csv", index=False)
    for args in (["profile", "evil.csv"], ["drift", "evil.csv", "evil.csv"]):
        out = tmp_path / f"{args[0]}.html"
        result = run("data", *args, "--html", str(out))
        assert result.exit_code == 0, result.output
        tags = []

        class Collect(HTMLParser):
            def handle_starttag(self, tag, attrs):
                tags.append((tag, dict(attrs)))

        report = out.read_text()
        # only the report's own tables: the plotly bundle is a <script> the report itself adds
        body = report.split("<table", 1)[1].split("</table>", 1)[0]
        Collect().feed("<table" + body + "</table>")
        assert not [t for t, _ in tags if t in ("img", "script")]
        assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
        assert "&lt;img src=x onerror=&quot;window.__y=1&quot;&gt;" in report


def test_declared_id_columns_are_left_out_of_production_drift(project, tmp_path):
    # Given a source declaring its id column, when production data is compared, then the ids are not "drift"
    ref = pd.DataFrame({"customer_id": range(200), "spend": [1.0, 2.0, 3.0, 4.0] * 50, "churned": [0, 1] * 100})
    cur = pd.DataFrame({"customer_id": range(5000, 5200), "spend": [1.0, 2.0, 3.0, 4.0] * 50})
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    source = {"name": "customers", "uri": str(tmp_path / "ref.parquet"), "label_column": "churned"}
    project.save_section("data_sources", {"items": [source]})
    report = project.check_drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"), record=False)
    assert report.column("customer_id").drifted  # undeclared, the new ids look like drift
    project.save_section("data_sources", {"items": [{**source, "id_columns": "customer_id"}]})
    assert project.section("data_sources").items[0].id_columns == ["customer_id"]
    report = project.check_drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"), record=False)
    assert [c.name for c in report.columns] == ["spend"] and not report.drifted
    assert {s["name"]: s["reason"].split(":")[0] for s in report.skipped} == {"customer_id": "an id column",
                                                                               "churned": "the label"}
    # named explicitly, it is compared
    report = project.check_drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"),
                                 columns=["customer_id"], record=False)
    assert [c.name for c in report.columns] == ["customer_id"]


@pytest.mark.parametrize(("ids", "message"), [
    (["customer_id", "customer_id"], "listed twice"), ([""], "needs a name"), (["churned"], "is the label column")])
def test_id_columns_are_validated(project, ids, message):
    from phasebook.core.errors import PlanValidationError

    with pytest.raises(PlanValidationError, match=message) as info:
        project.save_section("data_sources", {"items": [{"name": "customers", "label_column": "churned",
                                                          "id_columns": ids}]})
    assert "data_sources.items.0.id_columns" in str(info.value)
