"""The data engine: open data sources, profile tables, check covariate shift.

* :mod:`.sources` — open a plan data source, a file or glob, a database or a
  DataFrame as a :class:`~.table.Table` (DuckDB, out of core); ``check`` for
  step 1.3.
* :mod:`.profile` — per-column exploration summaries (step 2.1).
* :mod:`.drift` — reference vs current covariate-shift report (4.1, maintenance).

Submodules are imported on first use so ``import phasebook`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["open_table", "check", "profile", "drift", "SourceCheck", "Profile", "DriftReport"]

_WHERE = {
    "open_table": "sources", "check": "sources", "SourceCheck": "sources",
    "profile": "profile", "Profile": "profile",
    "drift": "drift", "DriftReport": "drift",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f".{_WHERE[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(name)
