"""The per-field diff in words (core/fielddiff.py) over an approved scope and today's."""

from __future__ import annotations

import copy

from phasebook.core.fielddiff import field_changes
from phasebook.core.sections import Scope
from tests.dashboards.fixtures import SCOPE


def _scope() -> dict:
    return Scope.model_validate(SCOPE).model_dump(mode="json")


def test_a_target_change_reads_as_words():
    old, new = _scope(), _scope()
    new["kpis"][0]["metrics"][0]["target"] = 0.82
    assert [c.text for c in field_changes(old, new)] == ["roc_auc target: at least 0.8 → at least 0.82"]


def test_comparator_k_kpi_text_and_items_added_and_removed():
    old = _scope()
    new = copy.deepcopy(old)
    new["kpis"][0]["metrics"][0]["comparator"] = "<="
    new["kpis"][0]["metrics"][1]["k"] = 0.2
    new["kpis"][0]["description"] = "Two months before renewal."
    new["kpis"][0]["metrics"].append({"name": "pr_auc", "target": 0.4, "comparator": ">=", "hardness": "hard"})
    new["out_of_scope"] = ["batch scoring"]
    texts = [c.text for c in field_changes(old, new)]
    assert texts == [
        "Churners caught before renewal description: Customer success reaches at-risk accounts a month before "
        "renewal. → Two months before renewal.",
        "roc_auc target: at least 0.8 → at most 0.8",
        "recall measured in: top 10% → top 20%",
        "added Churners caught before renewal metric pr_auc: at least 0.4",
        "removed out of scope: real-time scoring",
        "added out of scope: batch scoring",
    ]


def test_a_removed_kpi_is_one_change_and_equal_content_none():
    old, new = _scope(), _scope()
    assert field_changes(old, new) == []
    new["kpis"] = []
    assert [c.text for c in field_changes(old, new)] == ["removed KPI Churners caught before renewal"]
