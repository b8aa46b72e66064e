"""The stored phase workbooks: valid, without outputs, one parameters cell, a header that states the phase."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from phasebook.project import workbook_templates
from phasebook.runner.parameters import declared_parameters
from phasebook.core.flow import default_flow

ROOT = Path(__file__).resolve().parents[2]
BOOKS = {
    "scoping": ("01_scoping.ipynb", ["1.1", "1.2", "1.3", "1.4", "1.5"]),
    "research": ("02_research.ipynb", ["2.1", "2.2", "2.3", "2.4"]),
    "development": ("03_development.ipynb", ["3.1", "3.2", "3.3", "3.4"]),
    "deployment": ("04_deployment.ipynb", ["4.1", "4.2", "4.3", "4.4"]),
}


@pytest.mark.parametrize("phase", list(BOOKS))
def test_stored_workbook_is_valid_and_clean(phase):
    name, steps = BOOKS[phase]
    path = ROOT / "workbooks" / name
    raw = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(raw)
    assert raw.nbformat == 4
    assert raw.metadata.kernelspec.name == "python3"
    assert raw.metadata.phasebook == {"phase": phase, "reads": list(default_flow().phase(phase).reads)}
    for cell in raw.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name} stores outputs"
    header = raw.cells[0]
    assert header.cell_type == "markdown" and header.source.startswith(f"# Phase {name[1]}")
    for step in steps:
        assert f"| {step} " in header.source, f"{name}'s header lacks step {step}"
    assert "**Inputs:**" in header.source and "**Outputs:**" in header.source


@pytest.mark.parametrize("phase", list(BOOKS))
def test_one_parameters_cell_with_literal_commented_defaults(phase):
    path = ROOT / "workbooks" / BOOKS[phase][0]
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in tagged[0].source.splitlines():
        code, _, comment = line.partition("#")
        assert comment.strip(), f"parameter without a comment: {line}"
        ast.literal_eval(code.split("=", 1)[1].strip())
    declared = declared_parameters(path)
    assert {"project_dir", "interactive"} <= set(declared)
    assert declared["interactive"]["default"] == "True"
    assert all(p["help"] for p in declared.values())


@pytest.mark.parametrize("phase", list(BOOKS))
def test_interactive_forms_are_guarded(phase):
    nb = nbformat.read(ROOT / "workbooks" / BOOKS[phase][0], as_version=4)
    forms = [c.source for c in nb.cells if "phase_forms" in c.source]
    assert len(forms) == 1
    assert forms[0].startswith("if interactive:") and "except ImportError" in forms[0]
    assert f'phase_forms(project, "{phase}")' in forms[0]


def test_templates_are_found_and_copied_into_new_projects(project):
    assert workbook_templates() == ROOT / "workbooks"
    for name, _ in BOOKS.values():
        assert (project.root / "workbooks" / name).read_bytes() == (ROOT / "workbooks" / name).read_bytes()
