"""The dashboard notebooks: stored clean, one parameters cell, and they run headless with plain papermill."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("overview", "signoff", "monitoring")


def test_dashboards_are_stored_without_outputs_with_one_parameters_cell():
    for name in NOTEBOOKS:
        nb = nbformat.read(ROOT / "workbooks" / "dashboards" / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1, name
        assert not (ROOT / "workbooks" / "dashboards" / "voila.py").exists()


def test_dashboards_run_with_plain_papermill(filled_project, tmp_path):
    # When each dashboard runs headless on the filled project
    for name in NOTEBOOKS:
        out = tmp_path / f"{name}.ipynb"
        papermill.execute_notebook(str(ROOT / "workbooks" / "dashboards" / f"{name}.ipynb"), str(out),
                                   parameters={"project_dir": str(filled_project.root)}, progress_bar=False,
                                   cwd=str(tmp_path))
        # Then it succeeds and shows the project
        nb = nbformat.read(out, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], name
        text = str([o.get("data", {}) for o in outputs])
        assert "churn-risk" in text or "application/vnd.jupyter.widget-view+json" in text, name
