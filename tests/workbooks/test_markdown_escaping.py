"""Every value a template notebook interpolates into Markdown goes through the one escaping helper.

JupyterLab trusts the outputs of cells it has just run, so plan text put into
``Markdown(f"…")`` unescaped would run as HTML (see tests/browser/test_xss_lab.py
for the behaviour in a real browser on a few fields). This test reads every
code cell of every template and checks each ``{…}`` of an f-string that
reaches ``Markdown(...)``: it is ``md_text(…)``/``md_code(…)``, a number
formatted with a numeric spec (``:,``, ``:.1%``…) or a ``len(…)``; a whole
argument that is not an f-string is ``md_text(…)``/``md_code(…)`` or a
phasebook helper that escapes itself (listed, and tested where it lives).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"
NOTEBOOKS = sorted(WORKBOOKS.glob("0*.ipynb"))
ESCAPERS = {"md_text", "md_code"}
#: helpers returning Markdown they escaped themselves (modeling/scoreboard.py decision_prompt uses md_text)
SELF_ESCAPING = {"decision_prompt"}
NUMERIC_SPEC = re.compile(r"^[,_]?(\.\d+)?[%fgde]?$|^[,_]$")


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _spec(node: ast.FormattedValue) -> str:
    if node.format_spec is None:
        return ""
    return "".join(v.value for v in node.format_spec.values if isinstance(v, ast.Constant))


def _problems(expr: ast.expr, src: str) -> list[str]:
    """The interpolations of ``expr`` (an argument of Markdown) that are not escaped."""
    out = []
    if isinstance(expr, ast.JoinedStr):
        for part in expr.values:
            if not isinstance(part, ast.FormattedValue):
                continue
            v = part.value
            if isinstance(v, ast.Call) and _name(v.func) in ESCAPERS | {"len"}:
                continue
            if _spec(part) and NUMERIC_SPEC.match(_spec(part)):
                continue
            if isinstance(v, ast.IfExp):  # a choice between escaped parts
                out += _problems(ast.JoinedStr(values=[ast.FormattedValue(v.body, -1, None),
                                                       ast.FormattedValue(v.orelse, -1, None)]), src)
                continue
            if isinstance(v, ast.BoolOp):  # md_text(x) or '—'
                for alt in v.values:
                    if not (isinstance(alt, ast.Constant) or (isinstance(alt, ast.Call) and _name(alt.func) in ESCAPERS)):
                        out.append(ast.get_source_segment(src, alt) or ast.dump(alt))
                continue
            out.append(ast.get_source_segment(src, v) or ast.dump(v))
    elif isinstance(expr, ast.IfExp):  # f"…" if x else ""
        out += _problems(expr.body, src) + _problems(expr.orelse, src)
    elif isinstance(expr, ast.BinOp):
        out += _problems(expr.left, src) + _problems(expr.right, src)
    elif isinstance(expr, ast.Call) and _name(expr.func) in ESCAPERS | SELF_ESCAPING:
        pass
    elif isinstance(expr, ast.Constant):
        pass
    elif isinstance(expr, ast.Name):  # a variable: follow it to its assignment in the same cell
        out.append(f"{expr.id} (a variable: pass md_text(...) directly)")
    else:
        out.append(ast.get_source_segment(src, expr) or ast.dump(expr))
    return out


def _unescaped(src: str) -> list[str]:
    tree = ast.parse(src)
    found = []
    assigned = {n.targets[0].id: n.value for n in ast.walk(tree)
                if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "Markdown":
            for arg in node.args:
                for p in _problems(arg, src):
                    name = p.split(" ")[0]
                    if name in assigned and not _problems(assigned[name], src):
                        continue  # a variable holding an escaped f-string
                    found.append(p)
    return found


def _code_cells(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            src = "".join(cell["source"])
            if "Markdown(" in src:
                yield i, src


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_value_in_a_markdown_fstring_is_escaped(path):
    cells = list(_code_cells(path))
    assert cells, f"{path.name} displays no Markdown: the check would prove nothing"
    problems = {i: bad for i, src in cells if (bad := _unescaped(src))}
    assert problems == {}, f"{path.name}: unescaped values in Markdown (cell: expressions): {problems}"


def test_the_check_finds_an_unescaped_value():
    assert _unescaped('display(Markdown(f"**{project.name}** has {n:,} rows"))') == ["project.name"]
    assert _unescaped('display(Markdown(f"**{md_text(project.name)}** {n:,} {len(x)}"))') == []
    assert _unescaped('display(Markdown(f"a {md_text(x) or \'—\'}" + f" b {y}"))') == ["y"]
    assert _unescaped('display(Markdown(text))') == ["text (a variable: pass md_text(...) directly)"]
    assert _unescaped('s = f" to {v:.0%}"\ndisplay(Markdown(f"{md_text(a)}{s}"))') == []
    assert _unescaped('display(Markdown(f"{x:>10}"))') == ["x"]  # a width is not a numeric format
    assert _unescaped('display(Markdown(f"a" + (f" {t}" if t else "")))') == ["t"]
