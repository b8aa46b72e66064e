"""Factories for store tests."""

from __future__ import annotations

import pytest

from phasebook.store.plan import PlanStore


@pytest.fixture
def make_store(tmp_path):
    """Factory: ``make_store("name")`` → a PlanStore over a freshly created plan."""

    def make(name: str = "churn-risk") -> PlanStore:
        root = tmp_path / name
        root.mkdir()
        store = PlanStore(root)
        store.create(name, "palachy-2019.1")
        return store

    return make
