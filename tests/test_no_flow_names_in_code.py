"""Nothing in src/phasebook names a phase, gate, track or role except the default flow file (issue 14 must-hold).

Walks every module's string literals (docstrings and comments are prose and
may mention the default flow) and fails on any literal equal to a name of
the default flow. The few words that mean something else in their module
(a run's status ``cancelled``, the plan section ``deployment``, a literature
entry of kind ``product``) are listed with that meaning; the demo package is
content written for the default flow, like a project fixture.
"""

from __future__ import annotations

import ast
from pathlib import Path

from phasebook.core.flow import default_flow

SRC = Path(__file__).resolve().parents[1] / "src" / "phasebook"

#: (module path, literal) → what the word means there
OTHER_MEANINGS = {
    ("runner/fanout.py", "cancelled"): "a grid row's status",
    ("cli/grid.py", "cancelled"): "a grid row's status",
    ("core/errors.py", "cancelled"): "the grid rows not run (GridRowsFailedError field)",
    ("core/sections.py", "deployment"): "the plan section of that name",
    ("core/sections.py", "product"): "a literature entry's kind",
    ("project/sections.py", "deployment"): "the plan section of that name (its typed accessor)",
    ("data/synthetic.py", "product"): "a synthetic data column's name",
    ("notify/deliver.py", "delivered"): "a notification's delivery outcome",
}
CONTENT = ("demo/",)  # the demo project's plan and actors, written for the default flow


def flow_names() -> set[str]:
    flow = default_flow()
    return ({p.name for p in flow.phases} | {g.name for g in flow.gates} | set(flow.tracks) | set(flow.roles))


def literals(tree: ast.AST):
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def offenders() -> list[str]:
    names = flow_names()
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(CONTENT):
            continue
        for node in literals(ast.parse(path.read_text(encoding="utf-8"))):
            if node.value in names and (rel, node.value) not in OTHER_MEANINGS:
                found.append(f"{rel}:{node.lineno}: {node.value!r}")
    return found


def test_no_module_names_a_phase_gate_track_or_role():
    assert offenders() == []


def test_the_check_would_catch_a_hard_coded_name(tmp_path, monkeypatch):
    (tmp_path / "rogue.py").write_text('"""Doc naming scoping is fine."""\nGATE = "kpi_check"\n', encoding="utf-8")
    import sys

    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path)
    assert offenders() == ["rogue.py:2: 'kpi_check'"]


def test_every_other_meaning_is_still_used():
    """An allowance that no longer matches anything must go (so the list cannot grow stale)."""
    for (rel, word), _meaning in OTHER_MEANINGS.items():
        tree = ast.parse((SRC / rel).read_text(encoding="utf-8"))
        assert any(n.value == word for n in literals(tree)), (rel, word)
