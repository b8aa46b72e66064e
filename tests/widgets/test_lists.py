"""Editable lists (add / remove / move), the scope's KPI warnings, the literature layout, previews."""

from __future__ import annotations

from phasebook.widgets import form

from .widget_helpers import fill
from .widget_samples import SAMPLES


def _names(cards, field="name"):
    return [c.fields[field].input.value for c in cards]


def test_kpi_metrics_add_remove_reorder_persist(project):
    f = form(project, "scope")
    fill(f.body, {"kpis": [{"name": "churners caught", "metrics": []}]})
    metrics = f.body.fields["kpis"].cards[0].fields["metrics"]
    for name, target in (("roc_auc", "0.8"), ("recall_at_top_k", "0.5"), ("precision", "0.3")):
        metrics.add_button.click()
        metrics.cards[-1].fields["name"].input.value = name
        metrics.cards[-1].fields["target"].input.value = target
    assert f.save()
    # When the second metric moves up, the third is removed and the form saved
    metrics.cards[1].buttons[0].click()  # Up
    assert _names(metrics.cards) == ["recall_at_top_k", "roc_auc", "precision"]
    metrics.cards[2].buttons[2].click()  # Remove
    assert f.is_dirty
    assert f.save()
    # Then the plan has the new order, and a fresh form shows it
    assert [m.name for m in project.section("scope").kpis[0].metrics] == ["recall_at_top_k", "roc_auc"]
    again = form(project, "scope").body.fields["kpis"].cards[0].fields["metrics"]
    assert _names(again.cards) == ["recall_at_top_k", "roc_auc"]
    assert [c.fields["target"].input.value for c in again.cards] == ["0.5", "0.8"]


def test_move_buttons_at_the_ends_are_disabled(project):
    f = form(project, "scope")
    metrics_list = f.body.fields["kpis"]
    for _ in range(2):
        metrics_list.add_button.click()
    first, last = metrics_list.cards
    assert first.buttons[0].disabled and not first.buttons[1].disabled
    assert last.buttons[1].disabled and not last.buttons[0].disabled
    first.buttons[0].click()  # a no-op, not an error
    assert metrics_list.cards == [first, last]


def test_literature_entries_add_remove_reorder_persist(project):
    f = form(project, "literature")
    fill(f.body, SAMPLES["literature"])
    entries = f.body.fields["entries"]
    entries.add_button.click()
    fill(entries.cards[-1], {"title": "Sequence models", "verdict": "rejected", "justification": "too slow"})
    entries.cards[0].buttons[1].click()  # Down: survey after LightGBM
    assert f.save()
    assert [e.title for e in project.section("literature").entries] == ["LightGBM", "Churn prediction survey",
                                                                         "Sequence models"]
    entries.cards[1].buttons[2].click()  # Remove the survey
    assert f.save()
    lit = project.section("literature")
    assert [(e.title, e.verdict, e.justification) for e in lit.entries] == [
        ("LightGBM", "chosen", "best holdout AUC in a day"), ("Sequence models", "rejected", "too slow")]


def test_literature_shows_the_chosen_direction_first(project):
    project.save_section("literature", SAMPLES["literature"])  # the chosen entry is second in the file
    f = form(project, "literature")
    children = f.body.widget.children
    summary = f.body.chosen_summary
    assert children.index(summary) < children.index(f.body.fields["entries"].widget)
    assert "LightGBM" in summary.value and "best holdout AUC in a day" in summary.value
    assert "Churn prediction survey" not in summary.value
    assert "✔ chosen" in f.body.fields["entries"].cards[1].header.value
    assert not f.is_dirty  # loading never reorders
    f.body.sort_button.click()
    assert [c.card_title() for c in f.body.fields["entries"].cards][0].startswith("LightGBM")
    assert f.save()
    assert [e.verdict for e in project.section("literature").entries] == ["chosen", "alternative"]


def test_literature_summary_escapes_user_text(project):
    f = form(project, "literature")
    fill(f.body, {"entries": [{"title": "<script>x</script>", "verdict": "chosen"}]})
    assert "<script>" not in f.body.chosen_summary.value
    assert "&lt;script&gt;" in f.body.chosen_summary.value


def test_kpi_warnings_for_missing_metric_and_missing_hard_target(project):
    f = form(project, "scope")
    kpis = f.body.fields["kpis"]
    kpis.add_button.click()
    card = kpis.cards[0]
    assert "no model metric" in card.warnings.value
    card.fields["metrics"].add_button.click()
    row = card.fields["metrics"].cards[0]
    row.fields["name"].input.value = "roc_auc"
    assert "no model metric" not in card.warnings.value
    assert "roc_auc is a hard metric without a target" in card.warnings.value
    row.fields["hardness"].input.value = "soft"
    assert card.warnings.value == ""
    row.fields["hardness"].input.value = "hard"
    row.fields["target"].input.value = "0.8"
    assert card.warnings.value == ""


def test_long_text_has_a_markdown_preview(project):
    f = form(project, "product_need")
    statement = f.body.fields["statement"]
    statement.input.value = "Customers need **budgets**"
    statement.mode.value = "Preview"
    assert statement.preview.outputs[0]["data"]["text/html"] == "<p>Customers need <strong>budgets</strong></p>\n"
    assert statement.input.layout.display == "none" and statement.preview.layout.display is None
    statement.mode.value = "Write"
    assert statement.input.layout.display is None


def test_the_markdown_preview_is_sanitized_https_links_stay_javascript_links_do_not(project):
    # JupyterLab trusts the outputs of a cell it ran, so the preview is sanitized here
    f = form(project, "product_need")
    statement = f.body.fields["statement"]
    statement.input.value = ('Churn <script>window.__x=1</script><img src=x onerror="window.__y=1"> '
                             "[docs](https://example.org/a) [bad](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>")
    statement.mode.value = "Preview"
    html = statement.preview.outputs[0]["data"]["text/html"]
    tags = _tags(html)  # the elements the browser would build
    assert {t for t, _ in tags} <= {"p", "a", "strong", "em", "code"}
    assert not [k for _, attrs in tags for k, _ in attrs if k.startswith("on")]
    assert [dict(a)["href"] for t, a in tags if t == "a"] == ["https://example.org/a"]
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in html  # shown as typed


def _tags(html: str) -> list:
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_field_titles_and_descriptions_are_labels_and_help(project):
    f = form(project, "product_need")
    driver = f.body.fields["value_driver"]
    assert driver.input.description == "Value driver"
    assert "who will pay" in driver.input.tooltip
    assert driver.input.options[0] == ("—", None)  # optional choice
    assert ("churn prevention", "churn_prevention") in driver.input.options
