"""The command line as a terminal user expects it: --project anywhere, paths from the current folder,
one decision per sign-off, files never overwritten, names suggested, tables that fit 80 columns."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from rich.console import Console

from phasebook.cli import cli
from phasebook.cli.render import render_history, render_status
from tests.conftest import CUSTOMER_SUCCESS, PRODUCT_OWNER

#: ``phasebook`` as a real process (current folder and all), without relying on PATH.
CLI = [sys.executable, "-c", "import sys; from phasebook.cli import main; main(sys.argv[1:])"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "100"})


def test_project_option_before_and_after_the_subcommand_gives_the_same_output(project, tmp_path):
    # Given a project somewhere else than the current folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # When status is asked with --project before and after the subcommand (a relative path, from the cwd)
    rel = Path("..") / project.root.name
    before = run("--project", rel, "status", cwd=elsewhere)
    after = run("status", "--project", rel, cwd=elsewhere)
    after_json = run("status", "--json", "--project", rel, cwd=elsewhere)
    # Then both work and print the same
    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, after.stderr
    assert before.stdout == after.stdout and "churn-risk" in before.stdout
    assert json.loads(after_json.stdout)["name"] == "churn-risk"
    # and two different folders are refused as bad input
    both = run("--project", rel, "status", "--project", elsewhere, cwd=elsewhere)
    assert both.returncode == 2 and "--project is given twice" in both.stderr


def test_data_paths_typed_on_the_command_line_start_at_the_current_folder(project):
    # Given two data files in a subfolder of the project, and the user standing in that subfolder
    incoming = project.root / "data" / "incoming"
    incoming.mkdir(parents=True)
    pd.DataFrame({"x": list(range(200)), "device": ["ios", "android"] * 100}).to_parquet(incoming / "ref.parquet")
    pd.DataFrame({"x": list(range(100, 300)), "device": ["ios", "web"] * 100}).to_parquet(incoming / "cur.parquet")
    # When drift is run with the bare file names (the project is found upward)
    result = run("data", "drift", "ref.parquet", "cur.parquet", "--json", cwd=incoming)
    # Then the files are found, and the journal keeps paths relative to the project folder
    assert result.returncode == 0, result.stderr
    check = [e for e in project.events() if e.kind == "drift_check"][-1]
    assert (check.data["reference"], check.data["current"]) == ("data/incoming/ref.parquet", "data/incoming/cur.parquet")
    # and the same relative path from the project folder itself names the same files
    again = run("data", "drift", "data/incoming/ref.parquet", "data/incoming/cur.parquet", "--json", cwd=project.root)
    assert again.returncode == 0, again.stderr
    # while a name that is no file there still fails with the data layer's message, not a crash
    missing = run("data", "drift", "nope.parquet", "cur.parquet", cwd=incoming)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "incoming/nope.parquet" in "".join(missing.stderr.split())


def test_new_keeps_the_users_own_notebook_and_gitignore_lines(tmp_path):
    # Given a folder holding the user's own scoping notebook and .gitignore
    folder = tmp_path / "mine"
    (folder / "workbooks").mkdir(parents=True)
    mine = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "note": "mine"}\n'
    (folder / "workbooks" / "01_scoping.ipynb").write_bytes(mine)
    (folder / ".gitignore").write_text("*.pyc\nsecrets.env\n")
    # When phasebook new creates the project there
    result = run("new", ".", cwd=folder)
    # Then the user's notebook is byte-identical and the output names it
    assert result.returncode == 0, result.stderr
    assert (folder / "workbooks" / "01_scoping.ipynb").read_bytes() == mine
    assert "workbooks/01_scoping.ipynb" in result.stdout and "Kept your own files" in result.stdout
    # and the other templates were copied
    assert (folder / "workbooks" / "02_research.ipynb").is_file()
    # and .gitignore keeps the user's lines first and gains phasebook's
    lines = (folder / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["*.pyc", "secrets.env"]
    assert {"runs/", ".phasebook/"} <= set(lines)
    # and a second `new` there is refused, changing nothing
    before = (folder / ".gitignore").read_bytes()
    again = run("new", ".", cwd=folder)
    assert again.returncode == 1 and "already holds a phasebook project" in again.stderr
    assert (folder / ".gitignore").read_bytes() == before


def test_new_never_takes_over_an_existing_journal(tmp_path):
    folder = tmp_path / "half"
    folder.mkdir()
    (folder / "journal.jsonl").write_text("")
    result = run("new", str(folder), cwd=tmp_path)
    assert result.returncode == 1 and "journal.jsonl" in result.stderr
    assert not (folder / "phasebook.yaml").exists()


def test_demo_refuses_a_folder_holding_files_and_names_them(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.md").write_text("my notes\n")
    result = run("demo", folder, cwd=tmp_path)
    assert result.returncode == 2
    assert "notes.md" in result.stderr and "not empty" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.md"]


@pytest.mark.parametrize("flags", [("--approve", "--reject"), ("--approve", "--request-changes"),
                                   ("--request-changes", "--reject"), ()])
def test_signoff_with_two_decisions_or_none_exits_2_and_journals_nothing(phasebook, project, flags):
    before = project.journal.path.read_bytes()
    result = phasebook("signoff", "scope_approval", "--as", "product owner", "--role", "product", *flags, "-m", "x")
    assert result.exit_code == 2
    assert "Choose one of --approve, --request-changes or --reject" in result.output
    assert project.journal.path.read_bytes() == before


@pytest.mark.parametrize("args, suggestion", [
    (("run", "reserch"), "research"),
    (("signoff", "scope_aproval", "--as", "product owner", "--role", "product", "--approve"), "scope_approval"),
    (("signoff", "scope_approval", "--as", "product owner", "--role", "prodct", "--approve"), "product"),
    (("show", "scpoe"), "scope"),
    (("backtrack", "scopin", "--reason", "goal_change"), "scoping"),
])
def test_mistyped_names_get_a_did_you_mean(phasebook, args, suggestion):
    result = phasebook(*args)
    assert result.exit_code == 2
    assert f"Did you mean '{suggestion}'?" in " ".join(result.output.split())


def test_a_name_far_from_every_choice_gets_no_guess(phasebook):
    result = phasebook("show", "zzzzzz")
    assert result.exit_code == 2 and "Did you mean" not in result.output


def test_tables_fit_80_columns_without_cutting_names_users_type(project):
    # Given a project where every gate column has content: a multi-role gate signed once, a stale approval
    project.save_section("scope", {"kpis": [{"name": "churners caught before renewal, by region and plan",
                                             "metrics": [{"name": "roc_auc", "target": 0.8}]}]})
    project.sign_off("scope_approval", PRODUCT_OWNER, "approve", "agreed")
    project.save_section("scope", {"kpis": [{"name": "churners caught", "metrics": [{"name": "roc_auc", "target": 0.85}]}]})
    project.advance(override="scope re-agreed by mail")
    project.advance(override="research skipped for the test")
    project.sign_off("kpi_check", CUSTOMER_SUCCESS, "request_changes", "needs the per-region view first")
    project.test_model({"roc_auc": 0.9}, model="gradient_boosting_with_a_long_name")
    # When status and history are rendered on an 80-column terminal
    console = Console(width=80, record=True, color_system=None)
    render_status(console, project.status())
    render_history(console, project.events())
    text = console.export_text()
    # Then no line is wider than 80 columns
    assert max(len(line) for line in text.splitlines()) <= 80
    # and every gate, role and section name a user types back appears whole, not cut with an ellipsis
    words = set(re.findall(r"[a-z_]+", text))
    assert {"scope_approval", "solution_validation", "kpi_check", "post_deployment_kpi_check"} <= words
    assert {"customer_success", "product", "scope"} <= words
    assert "…" not in "".join(line for line in text.splitlines() if "_" in line)


def test_serve_as_root_fails_before_printing_and_names_the_flag(project, monkeypatch):
    # Given a root process (the real root case runs in tests/binder's fresh environment)
    monkeypatch.setattr("phasebook.cli.lab.running_as_root", lambda: True)
    dashboards = project.root / "workbooks" / "dashboards"
    before = sorted(p.name for p in dashboards.iterdir())
    (dashboards / "overview.ipynb").unlink()
    # When serve starts without --allow-root
    result = CliRunner().invoke(cli, ["serve", str(project.root)], catch_exceptions=False)
    # Then phasebook's own error names the flag, nothing else was printed and nothing was written
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--allow-root" in result.stderr and result.stderr.startswith("error:")
    assert not (dashboards / "overview.ipynb").exists() and len(before) > 1


def test_serve_user_prints_the_real_link(tmp_path):
    users = tmp_path / "team.yaml"
    default = CliRunner().invoke(cli, ["serve-user", "product owner", "--role", "product", "--users", str(users)])
    assert default.exit_code == 0, default.output
    token = re.search(r"Personal token for product owner: (\S+)", default.stdout).group(1)
    assert f"http://127.0.0.1:8866/voila/render/workbooks/dashboards/overview.ipynb?token={token}" in default.stdout
    assert "<" not in default.stdout  # no placeholder left to fill in
    proxied = CliRunner().invoke(cli, ["serve-user", "customer success lead", "--role", "customer_success",
                                       "--users", str(users), "--url", "https://dash.example.org/team/"])
    token = re.search(r"Personal token for customer success lead: (\S+)", proxied.stdout).group(1)
    assert f"https://dash.example.org/team/voila/render/workbooks/dashboards/overview.ipynb?token={token}" in proxied.stdout
    bad = CliRunner().invoke(cli, ["serve-user", "x", "--users", str(users), "--url", "dash.example.org"])
    assert bad.exit_code == 2


def test_lab_roots_jupyterlab_at_the_project_and_opens_the_scoping_notebook(project, monkeypatch):
    # The argv phasebook lab hands JupyterLab (the real server, as root, is started in tests/binder)
    from phasebook.cli.lab import lab_argv

    monkeypatch.setattr("phasebook.cli.lab.running_as_root", lambda: True)
    argv = lab_argv(project.root, notebook="workbooks/01_scoping.ipynb", port=9999, ip="127.0.0.1", no_browser=True)
    assert f"--ServerApp.root_dir={project.root}" in argv
    assert "--LabApp.default_url=/lab/tree/workbooks/01_scoping.ipynb" in argv
    assert "--allow-root" in argv and "--ServerApp.port=9999" in argv
    monkeypatch.setattr("phasebook.cli.lab.running_as_root", lambda: False)
    assert "--allow-root" not in lab_argv(project.root, notebook="", port=None, ip="127.0.0.1", no_browser=False)


def test_lab_seeds_a_project_workspace_with_the_sidebar_open_once(project):
    from phasebook.cli.lab import SIDEBAR_ID, lab_argv, seed_workspace

    # When phasebook lab prepares the project's workspace for the first time
    folder = seed_workspace(project.root)
    files = list(folder.glob("*.jupyterlab-workspace"))
    # Then it is inside the project's git-ignored .phasebook/ and names the sidebar open
    assert folder == project.root / ".phasebook" / "workspaces" and len(files) == 1
    layout = json.loads(files[0].read_text())["data"]["layout-restorer:data"]
    assert layout["left"] == {"collapsed": False, "visible": True, "current": SIDEBAR_ID}
    assert ".phasebook/" in (project.root / ".gitignore").read_text().splitlines()
    assert f"--LabApp.workspaces_dir={folder}" in lab_argv(project.root, notebook="", port=None, ip="127.0.0.1",
                                                           no_browser=True, workspaces=folder)
    # and the layout JupyterLab saves there later (what the user left open) is never replaced
    files[0].write_text('{"data": {}, "metadata": {"id": "default"}}')
    seed_workspace(project.root)
    assert files[0].read_text() == '{"data": {}, "metadata": {"id": "default"}}'


def test_data_tables_fit_80_columns_without_cutting_column_names(project):
    # Given data whose column names are long (people type them back: --target, --column)
    folder = project.root / "data"
    names = ["payment_failures_last_quarter", "support_tickets_90d", "device"]
    ref = pd.DataFrame({names[0]: range(300), names[1]: [1, 2, 3] * 100, names[2]: ["ios", "android", "web"] * 100})
    cur = pd.DataFrame({names[0]: range(50, 350), names[1]: [2, 3, 4] * 100, names[2]: ["ios", "tv", "web"] * 100})
    ref.to_parquet(folder / "ref.parquet")
    cur.to_parquet(folder / "cur.parquet")
    env = {**os.environ, "COLUMNS": "80"}
    for args in (["data", "profile", "ref.parquet", "--target", names[1]], ["data", "drift", "ref.parquet", "cur.parquet"]):
        # When the tables are printed on an 80-column terminal
        out = subprocess.run([*CLI, *args], cwd=folder, capture_output=True, text=True, timeout=120, env=env)
        assert out.returncode == 0, out.stderr
        # Then no table line is wider (the heading above is a sentence the terminal wraps), and every name is whole
        heading, *tables = out.stdout.splitlines()
        assert max(len(line) for line in tables) <= 80, out.stdout
        assert all(name in out.stdout for name in names), out.stdout
