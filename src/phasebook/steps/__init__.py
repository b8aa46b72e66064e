"""What the phase notebooks call: one module per kind of step, named for what a data scientist does.

* :mod:`.review` — read and show: the scope's hard metrics, data profiles, drift overlays;
* :mod:`.measure` — compute and record: data checks, KPI measurements, group comparisons.

    >>> from phasebook.steps import measure, review  # doctest: +SKIP

Notebooks written before this package existed import them from
``phasebook.runner``; that still works (:mod:`phasebook.runner` forwards the two names).
"""

from __future__ import annotations

from . import measure, review

__all__ = ["measure", "review"]
