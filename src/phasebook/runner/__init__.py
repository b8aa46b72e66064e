"""Run phase notebooks with papermill: parameters, run records, cached runs.

The only package that imports papermill, and only when a notebook really
executes: ``import phasebook.runner`` and a cached run stay light.

    >>> from phasebook.runner import run_notebook
    >>> run_notebook(project, "research", {"sample_rows": 5000})  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_notebook", "declared_parameters", "RunResult", "RunError", "resolve", "Workbook"]

_LAZY = {
    "run_notebook": ".execute",
    "declared_parameters": ".parameters",
    "RunResult": ".models",
    "RunError": ".models",
    "resolve": ".resolve",
    "Workbook": ".resolve",
}


#: the notebook helpers moved to :mod:`phasebook.steps`; project notebooks copied earlier still import them here
_MOVED = {"measure": "phasebook.steps.measure", "review": "phasebook.steps.review"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        from importlib import import_module

        return import_module(_MOVED[name])
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
