"""Voilà dashboards: overview, gate sign-off and monitoring pages, and ``phasebook serve``.

Kernel side (what the notebooks in ``workbooks/dashboards/`` call):
:func:`overview_page`, :func:`signoff_page`, :func:`monitoring_page`,
:func:`portfolio_page` (a folder of projects); read-only
views built from :class:`phasebook.Project`, escaped HTML, plotly figures and
the sign-off widget. Server side: the Voilà ``prelaunch_hook``
(:mod:`.hooks`), the identity provider (:mod:`.identity`), the authorizer
(:mod:`.authz`) and the serve configuration (:mod:`.serving`).

Imports are lazy so that a page loads only what it shows (the sign-off page
never imports plotly).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["overview_page", "signoff_page", "monitoring_page", "review_page", "portfolio_page"]

_WHERE = {"overview_page": ".overview", "signoff_page": ".signoff", "monitoring_page": ".monitoring", "review_page": ".review",
          "portfolio_page": ".portfolio"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
