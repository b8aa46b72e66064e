"""``phasebook --help`` imports only what it needs; the lazy command table matches the real commands."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys

import click

import phasebook.cli as cli_pkg
from phasebook.cli import cli
from phasebook.cli.app import COMMANDS

#: packages ``--help`` must not import (each costs tens to hundreds of milliseconds)
HEAVY = ("pydantic", "papermill", "duckdb", "pyarrow", "scipy", "nbformat", "numpy", "pandas", "rich", "ruamel",
         "phasebook.project", "phasebook.store")


def _modules_after(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith("jupyter") or any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_imports_no_heavy_module():
    code = ("import io, contextlib\nfrom phasebook.cli import main\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
            "assert 'status' in buf.getvalue() and 'verify' in buf.getvalue(), buf.getvalue()")
    assert _heavy(_modules_after(code)) == []


def test_the_check_itself_sees_heavy_imports():  # the probe above can fail: running a command does import them
    code = ("from phasebook.cli import cli\ncli.get_command(None, 'status')")
    assert "pydantic" in _heavy(_modules_after(code))


def test_importing_core_is_cheap_and_its_exports_still_work():
    assert _heavy(_modules_after("import phasebook.core")) == []
    assert _heavy(_modules_after("from phasebook.core import PhasebookError, JournalTornError")) == []
    from phasebook.core import Event, ProjectStatus, default_flow, fold, judge  # noqa: F401  (loaded on first use)
    from phasebook.core.status import fold as real_fold

    assert fold is real_fold
    import phasebook.core as core

    try:
        core.no_such_export  # noqa: B018
    except AttributeError as exc:
        assert "no_such_export" in str(exc)
    else:
        raise AssertionError("an unknown attribute must raise AttributeError")


def _all_registered() -> dict[str, click.Command]:
    for info in pkgutil.iter_modules(cli_pkg.__path__):
        if info.name != "__main__":  # that one runs the command
            importlib.import_module(f"phasebook.cli.{info.name}")
    return dict(cli.commands)


def test_the_table_names_every_command_with_its_own_short_help():
    registered = _all_registered()
    assert sorted(registered) == sorted(COMMANDS)
    for name, cmd in registered.items():
        module, short = COMMANDS[name]
        assert cmd.callback.__module__ == f"phasebook.cli{module}", name
        assert cmd.get_short_help_str(limit=1000) == short, name


def test_help_lists_every_command_before_and_after_the_modules_load():
    env = {**os.environ, "COLUMNS": "100"}
    load_all = ("import importlib, pkgutil, phasebook.cli as p\n"
                "[importlib.import_module('phasebook.cli.' + m.name) for m in pkgutil.iter_modules(p.__path__) "
                "if m.name != '__main__']\n")
    shown = {}
    for label, pre in (("cold", ""), ("warm", load_all)):
        run = subprocess.run([sys.executable, "-c", pre + "from phasebook.cli import main; main(['--help'])"],
                             capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr
        shown[label] = run.stdout
    for name in COMMANDS:
        assert f"  {name} " in shown["cold"], name
    assert shown["cold"] == shown["warm"]


def test_a_lazy_command_runs_and_an_unknown_one_is_refused():
    from click.testing import CliRunner

    ran = subprocess.run([sys.executable, "-c", "from phasebook.cli import main; main(['flow', 'check', '--help'])"],
                         capture_output=True, text=True)
    assert ran.returncode == 0 and "Usage:" in ran.stdout, ran.stderr
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2 and "No such command" in result.output


def test_a_warm_status_imports_no_heavy_module(tmp_path):
    from phasebook.project import Project

    Project.new(tmp_path / "p", name="imports")
    code = ("import io, contextlib, os, sys\nos.chdir(sys.argv[1])\nfrom phasebook.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    try:\n        main(['status'])\n"
            "    except SystemExit:\n        pass\n")
    for _ in range(2):  # the first folds and caches (.phasebook/status.json), the second reads it
        out = subprocess.run([sys.executable, "-c", code + "import json\nprint(json.dumps(sorted(sys.modules)))",
                              str(tmp_path / "p")], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert "phasebook.store.statuscache" in modules and "pydantic" in modules  # it did run the command
    heavy = ("cryptography", "numpy", "pandas", "papermill", "nbformat", "duckdb", "pyarrow", "scipy", "mlflow")
    assert [m for m in modules if m.split(".")[0] in heavy or m.startswith("jupyter")] == []
