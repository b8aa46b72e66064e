"""phasebook's core: the flow, the plan's models, events, status and model tests.

Plain Python and pydantic only: nothing here imports Jupyter, papermill,
tornado or ipywidgets (an import-linter contract and a test keep it so).

Importing the package is cheap: the errors (plain classes) are loaded at once,
every other export on first use (:func:`__getattr__`), so a command that
needs none of the pydantic models (``phasebook --help``) does not pay for them.
``from phasebook.core import fold`` works as before.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import *  # noqa: F401,F403

#: export → the module of this package defining it (loaded on first use)
_LAZY = {
    "Actor": "events", "Event": "events", "Flow": "flow", "default_flow": "flow", "ModelTestResult": "kpis",
    "judge": "kpis", "SECTION_MODELS": "sections", "ProjectStatus": "status", "fold": "status",
}

__all__ = ["Actor", "Event", "Flow", "default_flow", "ModelTestResult", "judge", "SECTION_MODELS", "ProjectStatus", "fold"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
