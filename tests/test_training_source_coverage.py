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


def test_old_model_tests_show_what_they_were_measured_under(approved):
    from phasebook.modeling.scoreboard import latest_results

    test = [e for e in approved.events() if e.kind == "model_test"][-1]
    assert test.data["training"]["label_column"] == "churn" and test.data["training"]["positive_label"] == "Yes"
    assert latest_results(approved.events(), approved.plan().dump())["measured_under"].tolist() == ["current"]
    approved.save_section("data_sources", _items(positive_label="No"))
    table = latest_results(approved.events(), approved.plan().dump())
    assert table["measured_under"].tolist() == ["a previous training source or label"]
    assert _step(approved, "3.3") == "todo"  # the only passing test measured the old label
    scope = approved.section("scope").model_dump(mode="json")
    scope["kpis"][0]["metrics"][0]["target"] = 0.75
    approved.save_section("scope", scope)
    approved.test_model({"roc_auc": 0.7}, model="linear v2")
    table = latest_results(approved.events(), approved.plan().dump()).set_index("model")
    assert table.loc["linear", "measured_under"] == "a previous scope" and table.loc["linear v2", "measured_under"] == "current"
    assert _step(approved, "3.3") == "todo"  # no model passes under today's scope
    approved.test_model({"roc_auc": 0.9}, model="boosted")
    assert _step(approved, "3.3") == "done"


def _step(project, step_id):
    return next(s.status for s in project.status().steps if s.id == step_id)
