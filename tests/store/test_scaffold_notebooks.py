"""Copied template notebooks carry this Python's ``language_info`` (JupyterLab marks a mismatch unsaved)."""

from __future__ import annotations

import json
import platform

from phasebook.project import workbook_templates
from phasebook.store.scaffold import copy_missing


def test_a_copied_notebook_gets_this_pythons_version_and_keeps_the_rest(tmp_path):
    src, dst = tmp_path / "templates", tmp_path / "project" / "workbooks"
    src.mkdir()
    info = {"name": "python", "version": "3.0.0", "mimetype": "text/x-python", "file_extension": ".py"}
    nb = {"cells": [], "metadata": {"language_info": info}, "nbformat": 4, "nbformat_minor": 5}
    (src / "a.ipynb").write_text(json.dumps(nb))
    copy_missing(src, dst, root=tmp_path / "project")
    copied = json.loads((dst / "a.ipynb").read_text())
    assert copied["metadata"]["language_info"] == {**info, "version": platform.python_version()}
    assert json.loads((src / "a.ipynb").read_text())["metadata"]["language_info"]["version"] == "3.0.0"


def test_the_shipped_templates_carry_a_full_language_info():
    for path in sorted(workbook_templates().rglob("*.ipynb")):
        info = json.loads(path.read_text())["metadata"]["language_info"]
        assert {"name", "version", "mimetype", "file_extension", "codemirror_mode", "pygments_lexer",
                "nbconvert_exporter"} <= set(info), path
