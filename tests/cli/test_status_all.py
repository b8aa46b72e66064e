"""``phasebook status --all DIR``: the portfolio of a folder of projects, most in need of attention first."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.project import Project
from phasebook.project.portfolio import MAX_DEPTH, find_projects

from tests.portfolio_projects import EXPECTED_ORDER, build_portfolio


def _all(*args: str):
    return CliRunner().invoke(cli, ["status", "--all", *args], catch_exceptions=False)


def test_three_projects_are_listed_in_the_order_of_attention(tmp_path):
    # Given one overrun timebox, one gate waiting for product, one delivered project alerting
    root = build_portfolio(tmp_path / "team")
    # When the portfolio is asked for as JSON
    result = _all(str(root), "--json")
    # Then the three come in that order, each with why
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["projects"]
    assert [r["name"] for r in rows] == EXPECTED_ORDER
    assert [r["attention"] for r in rows] == ["overrun", "waiting", "alerting"]
    late, ready, live = rows
    assert late["path"] == "team/late-research" and late["timebox"]["days_left"] == -3
    assert "overrun by 3 days" in late["reason"]
    assert ready["waiting"] == [{"gate": "scope_approval", "title": "Scope & KPIs approval", "step": "1.5",
                                 "state": "pending", "roles": ["product"]}]
    assert live["phase"] == "delivered" and "covariate shift in device" in live["alert"]
    # and the table says the same in words, in the same order
    table = _all(str(root)).stdout
    positions = [table.index(name.split()[0]) for name in EXPECTED_ORDER]
    assert positions == sorted(positions)
    assert "overrun by 3" in table


def test_approving_the_waiting_gate_moves_that_project_down(tmp_path):
    root = build_portfolio(tmp_path / "team")
    Project.open(root / "scope-ready").sign_off("scope_approval", _product(), "approve")
    rows = json.loads(_all(str(root), "--json").stdout)["projects"]
    assert [r["name"] for r in rows] == ["Late research", "Live model", "Scope ready"]
    assert rows[-1]["attention"] == "on_track" and rows[-1]["waiting"] == []


def test_bad_folders_exit_2_with_what_to_do(tmp_path):
    missing = _all(str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "not a folder" in missing.output
    both = _all(str(tmp_path), "--require", "scope_approval")
    assert both.exit_code == 2 and "--require checks one project" in both.output
    (tmp_path / "empty").mkdir()
    empty = _all(str(tmp_path / "empty"))
    assert empty.exit_code == 2 and "No phasebook project found" in empty.output


def test_the_walk_stays_inside_the_folder_and_within_its_limits(tmp_path):
    # Given a project outside the folder, linked from inside it, and one nested deeper than the walk goes
    outside = Project.new(tmp_path / "outside", "Outside").root
    team = tmp_path / "team"
    Project.new(team / "inside", "Inside")
    os.symlink(outside, team / "linked", target_is_directory=True)
    deep = team.joinpath(*[f"level{i}" for i in range(MAX_DEPTH + 1)])
    Project.new(deep / "too-deep", "Too deep")
    # Then only the project inside, within the depth limit, is found
    found = find_projects(team)
    assert [p.name for p in found.projects] == ["inside"] and not found.truncated
    rows = json.loads(_all(str(team), "--json").stdout)["projects"]
    assert [r["name"] for r in rows] == ["Inside"]
    # and the count limit truncates (and says so)
    Project.new(team / "second", "Second")
    capped = find_projects(team, max_projects=1)
    assert len(capped.projects) == 1 and capped.truncated


def _product():
    from phasebook.core.events import Actor

    return Actor(name="product owner", role="product")
