"""Without the optional extra: a clear exit 2 naming ``pip install "phasebook[mlflow]"``.

mlflow stays installed; each command runs in a fresh interpreter where
``sys.modules["mlflow"] = None`` makes every ``import mlflow`` fail exactly as
if the package were absent (``ModuleNotFoundError``), before phasebook loads.
"""

from __future__ import annotations

import subprocess
import sys

from phasebook.tracking import INSTALL_COMMAND
from tests.tracking.conftest import SCOPE

NO_MLFLOW = [sys.executable, "-c",
             "import sys; sys.modules['mlflow'] = None; from phasebook.cli import main; main(sys.argv[1:])"]


def _cli(*args):
    return subprocess.run([*NO_MLFLOW, *map(str, args)], capture_output=True, text=True, timeout=120)


def test_the_shim_really_hides_mlflow():
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.modules['mlflow'] = None\nimport mlflow"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "ModuleNotFoundError" in proc.stderr


def test_test_model_from_a_run_without_mlflow_exits_2_with_the_install_command(project):
    before = len(project.events())
    proc = _cli("--project", project.root, "test-model", "--mlflow-run", "X")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert INSTALL_COMMAND in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr
    assert len(project.events()) == before


def test_a_model_test_with_tracking_configured_but_no_mlflow_exits_2_and_journals_nothing(project):
    project.save_section("scope", SCOPE)
    project.save_section("experiment_setup", {"tracking_uri": "local"})
    before = len(project.events())
    proc = _cli("--project", project.root, "test-model", "--value", "roc_auc=0.8", "--value", "recall_at_top_k=0.4")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "MLflow tracking is configured" in proc.stderr
    assert INSTALL_COMMAND in " ".join(proc.stderr.split())
    assert len(project.events()) == before


def test_without_tracking_configured_nothing_needs_mlflow(project):
    project.save_section("scope", SCOPE)
    proc = _cli("--project", project.root, "test-model", "--value", "roc_auc=0.8", "--value", "recall_at_top_k=0.4")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Model test of model: passed" in proc.stdout
    assert project.events()[-1].kind == "model_test" and "mlflow" not in project.events()[-1].data
