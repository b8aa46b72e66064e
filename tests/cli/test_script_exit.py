"""The console scripts' entry point (`phasebook.cli.script`): `status`, `monitor` and `data …` end without the
interpreter's teardown, and otherwise exactly as a normal exit would (atexit handlers, flushed output, the exit
code); every other command exits normally."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PRODUCT_OWNER
from tests.demo_fixture import demo_build, demo_copy, demo_project  # noqa: F401

# A probe run as the console script would run: an atexit handler that prints what it sees, and an object whose
# finalizer runs only in the interpreter's teardown (module globals are cleared there).
PROBE = """
import atexit, os, sys, threading
class Teardown:
    def __del__(self):
        os.write(2, b"@@torn down@@")
kept = Teardown()
atexit.register(lambda: print("@@atexit: plugins=" + os.environ.get("PYDANTIC_DISABLE_PLUGINS", "unset") + "@@"))
if os.environ.get("PROBE_THREAD"):
    threading.Thread(target=threading.Event().wait, daemon=True).start()  # still running at the end
sys.argv = ["phasebook", *sys.argv[1:]]
from phasebook.cli import script
script()
"""


def _run(project, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    return subprocess.run([sys.executable, "-c", PROBE, *args], cwd=project.root, capture_output=True, text=True,
                          timeout=120, env={**environ, "PHASEBOOK_NO_REPLAY": "1", **env})


def test_status_ends_without_teardown_after_its_atexit_handlers_and_output(project):
    out = _run(project, "status", "--json")
    assert out.returncode == 0, out.stderr
    assert '"phase": "scoping"' in out.stdout  # the whole answer was flushed
    assert out.stdout.rstrip().endswith("@@atexit: plugins=__all__@@")  # handlers ran, after the output
    assert "@@torn down@@" not in out.stderr


def test_status_keeps_its_exit_code_and_a_users_plugin_setting(project):
    out = _run(project, "status", "--require", "scope_approval", PYDANTIC_DISABLE_PLUGINS="logfire")
    assert out.returncode == 1  # the gate is pending: --require's exit code, as at a normal exit
    assert "scope_approval is pending" in out.stderr
    assert "@@atexit: plugins=logfire@@" in out.stdout and "@@torn down@@" not in out.stderr
    project.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    assert _run(project, "status", "--require", "scope_approval").returncode == 0


def test_a_usage_error_of_status_keeps_clicks_exit_code_and_message(project):
    out = _run(project, "status", "--project")
    assert out.returncode == 2 and "requires an argument" in out.stderr and "@@torn down@@" not in out.stderr


def test_a_data_drift_ends_without_teardown_with_its_report_whole(project, tmp_path):
    import json

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    for name, shift in (("ref", 0.0), ("cur", 0.5)):
        pq.write_table(pa.table({"x": rng.normal(shift, 1, 20_000), "k": rng.choice(["a", "b"], 20_000)}),
                       tmp_path / f"{name}.parquet")
    out = _run(project, "data", "drift", str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"), "--json",
               "--html", str(tmp_path / "drift.html"))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout[:out.stdout.index("@@atexit")])
    assert report["drifted_columns"] == ["x"]
    assert (tmp_path / "drift.html").read_text().rstrip().endswith("</html>")  # written whole before the end
    assert "@@torn down@@" not in out.stderr and "plugins=__all__" in out.stdout


def test_a_monitoring_check_ends_without_teardown_with_its_journal_whole(demo_copy):
    import json

    # the demo's current month brings a new device type: exit 3, a check and its finding journaled
    before = len(demo_copy.events())
    out = _run(demo_copy, "monitor", "--json")
    assert out.returncode == 3, out.stderr
    assert json.loads(out.stdout[:out.stdout.index("@@atexit")])["outcome"] == "alerting"
    assert "@@torn down@@" not in out.stderr
    assert [e.kind for e in demo_copy.events()[before:]] == ["monitoring_check", "finding_raised"]
    assert demo_copy.integrity().ok  # every line written whole: the chain verifies


def test_other_commands_exit_normally(project):
    out = _run(project, "history", "--json")
    assert out.returncode == 0, out.stderr
    assert "@@torn down@@" in out.stderr  # the interpreter's own teardown ran
    assert "@@atexit: plugins=unset@@" in out.stdout  # and pydantic's plugins were left as they were


def test_a_thread_still_running_gets_the_normal_exit(project):
    out = _run(project, "status", PROBE_THREAD="1")
    assert out.returncode == 0, out.stderr
    assert "@@torn down@@" in out.stderr and "@@atexit" in out.stdout
