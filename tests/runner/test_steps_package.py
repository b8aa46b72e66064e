"""The notebook helpers live in phasebook.steps; notebooks copied into projects earlier still import them from runner."""

from __future__ import annotations

import json
from pathlib import Path

import phasebook.steps as steps

ROOT = Path(__file__).resolve().parents[2]


def test_old_import_path_gives_the_same_modules():
    from phasebook.runner import measure, review

    assert measure is steps.measure and review is steps.review


def test_templates_import_the_helpers_from_steps():
    for book in sorted((ROOT / "workbooks").glob("0*.ipynb")):
        code = "".join("".join(c["source"]) for c in json.loads(book.read_text())["cells"] if c["cell_type"] == "code")
        assert "from phasebook.runner import" not in code, book.name
    assert "from phasebook.steps import" in (ROOT / "workbooks" / "01_scoping.ipynb").read_text()
