"""Factories for core tests: scopes with metrics, built from keyword tweaks."""

from __future__ import annotations

import pytest

from phasebook.core.sections import Scope


@pytest.fixture
def make_scope():
    """Factory: ``make_scope(("roc_auc", 0.8, ">="), ("mape", 0.2, "<=", "hard"))`` → a Scope."""

    def make(*metrics: tuple, kpi: str = "churners caught before renewal") -> Scope:
        items = []
        for spec in metrics:
            name, target, comparator, *rest = spec
            items.append({"name": name, "target": target, "comparator": comparator, "hardness": rest[0] if rest else "hard"})
        return Scope.model_validate({"kpis": [{"name": kpi, "metrics": items}]})

    return make
