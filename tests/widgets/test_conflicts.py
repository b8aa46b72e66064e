"""Approvals made stale by a save, edits that changed on disk, the unsaved-changes indicator."""

from __future__ import annotations

import pytest

from phasebook.core.errors import UnknownPhaseError, UnknownSectionError
from phasebook.widgets import PhaseForms, form, phase_forms

from phasebook.core.events import Actor
from .widget_helpers import fill, text
from .widget_samples import SAMPLES

PRODUCT_OWNER = Actor(name="product owner", role="product")


@pytest.fixture
def approved_scope(project):
    """A project whose scope and product need are approved (scope_approval fresh)."""
    project.save_section("product_need", SAMPLES["product_need"])
    project.save_section("scope", SAMPLES["scope"])
    project.sign_off("scope_approval", PRODUCT_OWNER, "approve")
    assert project.status().gates["scope_approval"].state == "approved"
    return project


def test_saving_a_covered_section_makes_the_approval_stale(approved_scope):
    project = approved_scope
    f = form(project, "scope")
    assert "Approved in Scope & KPIs approval" in text(f.gate_warning)
    f.body.fields["timebox_weeks"].input.value = "4"
    assert "Saving will reopen Scope & KPIs approval" in text(f.gate_warning)
    f.save_button.click()
    assert "Scope & KPIs approval is now stale" in text(f.status)
    gate = project.status().gates["scope_approval"]
    assert gate.state == "stale" and "scope" in gate.changed_sections


def test_reverting_the_edit_removes_the_warning(approved_scope):
    f = form(approved_scope, "scope")
    box = f.body.fields["timebox_weeks"].input
    box.value = "4"
    assert "reopen" in f.gate_warning.value and "Unsaved" in f.dirty.value
    box.value = "3"
    assert "Saving will reopen" not in f.gate_warning.value and "No unsaved" in f.dirty.value


def test_saving_an_uncovered_section_keeps_the_approval(approved_scope):
    f = form(approved_scope, "ideas")
    assert f.gate_warning.value == ""
    f.body.fields["exploration_notes"].input.value = "more notes"
    assert f.gate_warning.value == ""
    assert f.save()
    assert approved_scope.status().gates["scope_approval"].state == "approved"


def test_changed_on_disk_refuses_and_keeps_both_versions(project, plan_bytes):
    # Given a form loaded before someone else saved the same section
    mine = form(project, "scope")
    mine.body.fields["minimum_useful"].input.value = "my floor"
    project.save_section("scope", {"minimum_useful": "their floor"})
    theirs = plan_bytes(project)
    events = len(project.events())
    # When I press Save
    mine.save_button.click()
    # Then it refuses, says why and offers reload; disk keeps their version, the form keeps mine
    assert "changed on disk" in mine.status.value and "Reload from disk" in mine.status.value
    assert mine.reload_button.button_style == "warning"
    assert plan_bytes(project) == theirs and len(project.events()) == events
    assert mine.body.fields["minimum_useful"].input.value == "my floor"
    assert mine.is_dirty
    # And Reload shows theirs, after which my next save goes through
    mine.reload_button.click()
    assert mine.body.fields["minimum_useful"].input.value == "their floor" and not mine.is_dirty
    mine.body.fields["minimum_useful"].input.value = "agreed floor"
    assert mine.save()
    assert project.section("scope").minimum_useful == "agreed floor"


def test_save_of_another_section_also_counts_as_changed_on_disk(project, plan_bytes):
    mine = form(project, "product_need")
    project.save_section("ideas", SAMPLES["ideas"])
    before = plan_bytes(project)
    mine.body.fields["statement"].input.value = "a need"
    assert not mine.save()
    assert plan_bytes(project) == before


def test_unsaved_changes_indicator(project):
    f = form(project, "technical_check")
    assert "No unsaved" in f.dirty.value
    f.body.fields["cost_breakdown"].add_button.click()
    assert "Unsaved" in f.dirty.value
    fill_cost = f.body.fields["cost_breakdown"].cards[0]
    fill_cost.fields["item"].input.value = "compute"
    fill_cost.fields["monthly_cost"].input.value = "12"
    assert f.save()
    assert "No unsaved" in f.dirty.value


def test_kpi_review_part_form_keeps_the_other_round(project):
    project.save_section("kpi_review", SAMPLES["kpi_review"])
    f = form(project, "kpi_review.post_deployment")
    f.body.fields["summary"].input.value = "Customers like it."
    assert f.save()
    review = project.section("kpi_review")
    assert review.post_deployment.summary == "Customers like it."
    assert review.development.summary == "Good enough to ship."


def test_phase_forms_follow_the_steps(project):
    scoping = phase_forms(project, "scoping")
    assert isinstance(scoping, PhaseForms)
    assert scoping.selected_index == 0
    assert len(scoping._built) == 1  # the other tabs are built when opened
    scoping.selected_index = 3
    assert scoping.children[3] is scoping._built[3] and len(scoping._built) == 2
    assert list(scoping.forms) == ["product_need", "ideas", "data_sources", "scope"]
    assert list(scoping.titles) == ["1.1 Product need", "1.2 Initial solution ideation",
                                    "1.3 Data preparation and accessibility", "1.4 Scope & KPIs"]
    assert list(phase_forms(project, "research").forms) == ["literature", "technical_check"]
    assert list(phase_forms(project, "development").forms) == ["experiment_setup", "kpi_review.development"]
    assert list(phase_forms(project, "deployment").forms) == ["monitoring", "deployment", "kpi_review.post_deployment"]


def test_unknown_names_are_refused_with_the_known_ones(project):
    with pytest.raises(UnknownPhaseError, match="scoping"):
        phase_forms(project, "scopng")
    with pytest.raises(UnknownSectionError, match="scope"):
        form(project, "scopes")


def test_forms_of_one_phase_save_one_after_the_other(project):
    # Given the scoping forms, all loaded at the same digest
    tabs = phase_forms(project, "scoping")
    need, ideas, scope = tabs.forms["product_need"], tabs.forms["ideas"], tabs.forms["scope"]
    # When each is filled and saved in turn
    need.body.fields["statement"].input.value = "Customers need to see churn risk."
    assert need.save()
    ideas.body.fields["exploration_notes"].input.value = "usage drops first"
    assert ideas.save(), ideas.status.value
    scope.body.fields["minimum_useful"].input.value = "60%"
    assert scope.save(), scope.status.value
    need.body.fields["customers_affected"].input.value = "mid-market"
    assert need.save(), need.status.value
    # Then every save reached the plan
    assert project.section("product_need").customers_affected == "mid-market"
    assert project.section("ideas").exploration_notes == "usage drops first"
    assert project.section("scope").minimum_useful == "60%"


def test_parts_of_one_section_save_one_after_the_other(project):
    dev, post = form(project, "kpi_review.development"), form(project, "kpi_review.post_deployment")
    dev.body.fields["summary"].input.value = "before"
    assert dev.save()
    post.body.fields["summary"].input.value = "after"
    assert post.save(), post.status.value
    review = project.section("kpi_review")
    assert (review.development.summary, review.post_deployment.summary) == ("before", "after")


def test_two_forms_of_the_same_section_do_not_overwrite_each_other(project, plan_bytes):
    first, second = form(project, "scope"), form(project, "scope")
    first.body.fields["minimum_useful"].input.value = "first"
    assert first.save()
    on_disk = plan_bytes(project)
    second.body.fields["minimum_useful"].input.value = "second"
    assert not second.save()
    assert "changed on disk" in second.status.value
    assert plan_bytes(project) == on_disk


def test_a_damaged_plan_is_reported_and_save_disabled(project):
    good = project.plan_path.read_bytes()
    project.plan_path.write_text("scope: [unclosed\n", encoding="utf-8")
    f = form(project, "scope")
    assert "Cannot load the plan" in text(f.status) and "line" in text(f.status)
    assert f.save_button.disabled and not f.save()
    project.plan_path.write_bytes(good)
    f.reload_button.click()
    assert not f.save_button.disabled and f.status.value == ""
    f.body.fields["minimum_useful"].input.value = "after repair"
    assert f.save()


def test_phase_tabs_mark_done_steps_and_open_on_the_first_to_do(project):
    project.save_section("product_need", SAMPLES["product_need"])
    tabs = phase_forms(project, "scoping")
    assert tabs.titles[0] == "1.1 Product need ✓" and tabs.selected_index == 1
    fill(tabs.forms["ideas"].body, SAMPLES["ideas"])
    tabs.forms["ideas"].save_button.click()
    assert tabs.titles[1] == "1.2 Initial solution ideation ✓"
    assert tabs.titles[3] == "1.4 Scope & KPIs"
