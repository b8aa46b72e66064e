"""Invalid input: each message by its field, and the plan file byte-identical."""

from __future__ import annotations

from phasebook.widgets import form


def _scope_with_metric(project, *, kpi="churners caught", metric="roc_auc", target="0.8"):
    f = form(project, "scope")
    kpis = f.body.fields["kpis"]
    kpis.add_button.click()
    card = kpis.cards[0]
    card.fields["name"].input.value = kpi
    card.fields["metrics"].add_button.click()
    row = card.fields["metrics"].cards[0]
    row.fields["name"].input.value = metric
    row.fields["target"].input.value = target
    return f, card, row


def test_text_in_a_number_field_is_an_error_by_the_field(project, plan_bytes):
    before, events = plan_bytes(project), len(project.events())
    f, _card, row = _scope_with_metric(project, target="abc")
    # the message shows as soon as it is typed…
    assert "abc" in row.fields["target"].error_text
    # …and Save refuses without writing
    f.save_button.click()
    assert "abc" in row.fields["target"].error_text and "not a number" in row.fields["target"].error_text
    assert row.fields["target"].error.layout.display is None  # shown under the metric's row
    assert row.fields["target"].error in row.widget.children[1].children
    assert "Not saved" in f.status.value and "Nothing was written" in f.status.value
    assert plan_bytes(project) == before
    assert len(project.events()) == events
    assert f.is_dirty


def test_whole_number_field_rejects_a_fraction(project, plan_bytes):
    before = plan_bytes(project)
    f = form(project, "scope")
    f.body.fields["timebox_weeks"].input.value = "2.5"
    assert not f.save()
    assert "whole number" in f.body.fields["timebox_weeks"].error_text
    assert plan_bytes(project) == before


def test_missing_kpi_name_is_shown_by_the_kpi_name(project, plan_bytes):
    before = plan_bytes(project)
    f, card, _row = _scope_with_metric(project, kpi="")
    f.save_button.click()
    assert "required" in card.fields["name"].error_text
    assert plan_bytes(project) == before


def test_target_outside_the_metric_range_is_shown_by_the_target(project, plan_bytes):
    before = plan_bytes(project)
    f, _card, row = _scope_with_metric(project, target="1.5")
    f.save_button.click()
    msg = row.fields["target"].error_text
    assert "outside the range of roc_auc" in msg and "between 0 and 1" in msg
    assert plan_bytes(project) == before
    # correcting the value clears the message and saves
    row.fields["target"].input.value = "0.8"
    assert row.fields["target"].error_text == ""
    f.save_button.click()
    assert "Saved" in f.status.value
    assert project.section("scope").kpis[0].metrics[0].target == 0.8


def test_text_error_and_schema_error_are_shown_together(project, plan_bytes):
    before = plan_bytes(project)
    f, card, row = _scope_with_metric(project, kpi="", target="abc")
    assert not f.save()
    assert "abc" in row.fields["target"].error_text
    assert "required" in card.fields["name"].error_text
    assert "2 fields need attention" in f.status.value
    assert plan_bytes(project) == before


def test_rule_about_the_whole_list_is_shown_by_the_list(project, plan_bytes):
    before = plan_bytes(project)
    f = form(project, "data_sources")
    items = f.body.fields["items"]
    for _ in range(2):
        items.add_button.click()
        items.cards[-1].fields["name"].input.value = "customers"
    assert not f.save()
    assert "used twice" in f.body.error_text
    assert plan_bytes(project) == before


def test_rule_about_a_nested_form_is_shown_by_that_form(project, plan_bytes):
    before = plan_bytes(project)
    f = form(project, "deployment")
    rollout = f.body.fields["rollout"]
    rollout.fields["mode"].input.value = "partial"
    assert not f.save()
    assert "exposure share" in rollout.error_text
    assert plan_bytes(project) == before


def test_bad_data_source_name_is_shown_by_the_name(project, plan_bytes):
    before = plan_bytes(project)
    f = form(project, "data_sources")
    f.body.fields["items"].add_button.click()
    name = f.body.fields["items"].cards[0].fields["name"]
    name.input.value = "my customers"
    assert not f.save()
    assert "no spaces" in name.error_text
    assert plan_bytes(project) == before
