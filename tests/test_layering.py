"""Layering: phasebook.core stays free of Jupyter, and the import-linter contracts hold."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("jupyter", "papermill", "tornado", "ipywidgets", "IPython", "nbformat", "nbclient", "ipykernel", "voila", "zmq")

PROBE = """
import json, sys
import phasebook.core
from phasebook.core import default_flow, fold, judge
default_flow()
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_core_pulls_in_no_jupyter_module():
    # When phasebook.core is imported in a fresh interpreter
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    modules = json.loads(out.stdout)
    # Then none of the Jupyter stack is loaded
    heavy = [m for m in modules if m.split(".")[0].startswith(HEAVY)]
    assert heavy == []
    assert "phasebook.core.status" in modules  # the probe really imported core


def test_import_linter_contracts_are_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "core knows nothing of Jupyter, papermill, tornado or ipywidgets KEPT" in result.stdout
    assert "layers: surfaces above the Project facade, stores above core KEPT" in result.stdout
    assert "mlflow is imported by phasebook.tracking.client only (an optional extra) KEPT" in result.stdout
    assert "0 broken" in result.stdout


def test_surfaces_reach_store_only_through_the_facade():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "surfaces reach the plan and the journal only through the Project facade KEPT" in result.stdout


def test_surfaces_run_notebooks_through_the_facade_and_only_runner_imports_papermill():
    # Given the contracts in pyproject.toml: runner below project, surfaces never import it
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "surfaces run notebooks through the Project facade, never the papermill engine KEPT" in result.stdout
    assert "papermill is imported by phasebook.runner only KEPT" in result.stdout
    # And the engine names no part of the facade (it gets the project handed in)
    runner = ROOT / "src" / "phasebook" / "runner"
    assert not [p.name for p in runner.glob("*.py") if "..project" in p.read_text(encoding="utf-8")]


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(graph.get(child, []))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]


def test_no_import_cycles_in_src_function_level_imports_included():
    import grimp

    graph = grimp.build_graph("phasebook", cache_dir=None)
    edges = {m: sorted(x for x in graph.find_modules_directly_imported_by(m) if x.startswith("phasebook"))
             for m in graph.modules}
    # the walk includes imports made inside functions (Project.check_source imports data.sources there)
    assert "phasebook.data.sources" in edges["phasebook.project.datawork"]
    assert _cycles(edges) == []
