"""Factories for CLI tests: a CliRunner bound to a project, and YAML files to feed `set`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from phasebook.cli import cli


class Invoker:
    """Runs ``phasebook --project ROOT ARGS…`` in-process and keeps the result."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(cli, ["--project", str(self.root), *args], input=input, catch_exceptions=False)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def phasebook(project) -> Invoker:
    """``phasebook("status", "--json")`` against the fresh ``project`` fixture."""
    return Invoker(project.root)


@pytest.fixture
def yaml_file(tmp_path):
    """Factory: ``yaml_file("scope: …", name="scope.yaml")`` writes a file and returns its path."""

    def make(text: str, name: str = "section.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


SCOPE_YAML = """\
# the scope agreed with the product owner
kpis:
  - name: churners caught before renewal
    metrics:
      - name: roc_auc
        target: 0.8
        comparator: '>='
        dataset: holdout
      - name: mape
        target: 0.2
        comparator: '<='
timebox_weeks: 3
"""
