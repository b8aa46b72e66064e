"""`phasebook data check|profile|drift`: JSON for scripts, HTML reports, clear errors with exit codes."""

from __future__ import annotations

import json

import pandas as pd
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
    data = json.loads(result.output[result.output.index("{"):])
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
