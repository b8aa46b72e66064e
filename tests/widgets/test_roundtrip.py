"""Every section round-trips through its form: load → edit → save → reload gives the same model."""

from __future__ import annotations

import pytest

from phasebook.core.sections import SECTION_MODELS
from phasebook.store.plan import validate_section
from phasebook.widgets import form

from .widget_helpers import fill
from .widget_samples import SAMPLES


def test_every_section_has_a_sample():
    assert set(SAMPLES) == set(SECTION_MODELS)


@pytest.mark.parametrize("name", list(SECTION_MODELS))
def test_section_round_trips_through_its_form(project, name):
    # Given the form of an empty section
    f = form(project, name)
    # When a person types the whole sample in and presses Save
    fill(f.body, SAMPLES[name])
    assert f.is_dirty
    f.save_button.click()
    # Then the plan holds exactly that content and a fresh form shows it again
    assert "Saved" in f.status.value, f.status.value
    assert project.section(name) == validate_section(name, SAMPLES[name])
    again = form(project, name)
    assert again.collect() == f.collect()
    assert not again.is_dirty and not f.is_dirty
    last = project.events()[-1]
    assert last.kind == "section_saved" and last.data["section"] == name


@pytest.mark.parametrize("name", list(SECTION_MODELS))
def test_opening_and_saving_unchanged_form_changes_nothing(project, name, plan_bytes):
    # Given a plan that already holds the sample
    project.save_section(name, SAMPLES[name])
    before, events = plan_bytes(project), len(project.events())
    # When the form is opened and saved without edits
    f = form(project, name)
    assert not f.is_dirty
    assert f.save()
    # Then neither the plan nor the journal changed
    assert plan_bytes(project) == before
    assert len(project.events()) == events


def test_edit_after_load_is_saved(project):
    project.save_section("scope", SAMPLES["scope"])
    f = form(project, "scope")
    kpi = f.body.fields["kpis"].cards[0]
    kpi.fields["metrics"].cards[0].fields["target"].input.value = "0.85"
    f.body.fields["out_of_scope"].input.value = "per-region models\n\nbatch only  "
    assert f.save()
    scope = project.section("scope")
    assert scope.kpis[0].metrics[0].target == 0.85
    assert scope.out_of_scope == ["per-region models", "batch only"]
    assert scope.kpis[1].metrics[0].target is None  # untouched soft metric stays empty
