"""Solution validation and the KPI check cover the training source's identity and label.

Given a project whose scope, solution validation and KPI check are approved,
when the training source's label (or its positive class) is edited, then
both gates are stale — the numbers approved no longer measure the same
thing — while a change elsewhere in the data sources (notes, another source)
stales nothing.
"""

from __future__ import annotations

import pytest

from phasebook.core.events import Actor
from phasebook.project import Project

PRODUCT = Actor(name="product owner", role="product")
SUCCESS = Actor(name="customer-success lead", role="customer_success")
SOURCES = {"items": [
    {"name": "customers", "uri": "data/c.csv", "access_status": "available", "label_column": "churn",
     "positive_label": "Yes", "notes": "quarterly export"},
    {"name": "events", "uri": "", "kind": "not_yet_logged"},
]}


@pytest.fixture
def approved(tmp_path) -> Project:
    project = Project.new(tmp_path / "p", name="churn")
    project.save_section("product_need", {"statement": "customers leave without warning"})
    project.save_section("data_sources", SOURCES)
    project.save_section("scope", {"kpis": [{"name": "churners caught", "metrics": [
        {"name": "roc_auc", "target": 0.7, "comparator": ">=", "hardness": "hard"}]}]})
    project.sign_off("scope_approval", PRODUCT, "approve")
    project.advance()
    project.sign_off("solution_validation", PRODUCT, "approve")
    project.advance()
    project.test_model({"roc_auc": 0.8}, model="linear")
    project.sign_off("kpi_check", PRODUCT, "approve")
    project.sign_off("kpi_check", SUCCESS, "approve")
    gates = project.status().gates
    assert gates["solution_validation"].state == "approved" and gates["kpi_check"].state == "approved"
    return project


def _items(**change):
    items = [dict(i) for i in SOURCES["items"]]
    items[0].update(change)
    return {"items": items}


@pytest.mark.parametrize("change", [{"positive_label": "No"}, {"label_column": "cancelled"}, {"uri": "data/c2.csv"}])
def test_editing_the_training_label_or_source_stales_both_gates(approved, change):
    approved.save_section("data_sources", _items(**change))
    gates = approved.status().gates
    assert gates["solution_validation"].state == "stale" and gates["kpi_check"].state == "stale"
    assert "data_sources.training" in gates["kpi_check"].changed_sections
    assert gates["scope_approval"].state == "approved"


def test_notes_or_another_source_stale_nothing(approved):
    data = _items(notes="monthly export now")
    data["items"][1]["access_status"] = "in_progress"
    approved.save_section("data_sources", data)
    gates = approved.status().gates
    assert gates["solution_validation"].state == "approved" and gates["kpi_check"].state == "approved"


def test_the_signoff_page_shows_the_training_source_it_approves(approved):
    from phasebook.dashboards.render import covered_models, render_section

    covered = covered_models(approved, "kpi_check")
    assert covered["data_sources.training"] == {"name": "customers", "uri": "data/c.csv", "label_column": "churn",
                                                "positive_label": "Yes"}
    html = render_section("data_sources.training", covered["data_sources.training"])
    assert "training source and label" in html and "churn" in html
