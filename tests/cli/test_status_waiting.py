"""`phasebook status` says what waits for the person when PHASEBOOK_USER / PHASEBOOK_ROLE say who they are."""

from __future__ import annotations

import json

from click.testing import CliRunner

from phasebook.cli import cli
from tests.dashboards.fixtures import build_filled_project


def _status(root, *args, env):
    return CliRunner().invoke(cli, ["--project", str(root), "status", *args], env=env, catch_exceptions=False)


def test_status_prints_a_waiting_for_you_line_and_json_items(tmp_path):
    p = build_filled_project(tmp_path / "p")
    env = {"PHASEBOOK_USER": "product owner", "PHASEBOOK_ROLE": "product"}
    out = _status(p.root, env=env)
    assert out.exit_code == 0, out.output
    g = p.status().gates["scope_approval"]
    assert f"product owner, product: waiting for you: {g.step} {g.title}: waiting for your approval" in out.output
    data = json.loads(_status(p.root, "--json", env=env).stdout)
    assert [(i["kind"], i["gate"]) for i in data["waiting_for_you"]] == [("sign", "scope_approval")]


def test_status_without_a_known_person_prints_no_line(tmp_path):
    p = build_filled_project(tmp_path / "p")
    out = _status(p.root, env={"PHASEBOOK_USER": "", "PHASEBOOK_ROLE": ""})
    assert out.exit_code == 0 and "waiting for you" not in out.output
    assert "waiting_for_you" not in json.loads(_status(p.root, "--json", env={"PHASEBOOK_USER": "", "PHASEBOOK_ROLE": ""}).stdout)
