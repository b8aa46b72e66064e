"""Feasibility before signing: a hard target the declared data cannot reach is flagged at `set` and on the sign-off page.

Given a source with a 25% base rate and a scope asking recall ≥ 0.5 in the
top 10% (at most 0.10 / 0.25 = 0.4 is possible), when the scope is saved
with `phasebook set`, a warning names the ceiling; the scope's sign-off page
shows the ceiling 0.4 before anyone approves.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.feasibility import check_feasibility, top_k_ceiling, wilson_interval
from phasebook.core.sections import Scope
from phasebook.project import Project

SCOPE = """\
kpis:
  - name: churners caught
    metrics:
      - name: recall_at_top_k
        k: 0.1
        target: 0.5
        comparator: '>='
        dataset: holdout
"""


def scope(target: float, k: float | None = 0.1, name: str = "recall_at_top_k") -> Scope:
    return Scope.model_validate({"kpis": [{"name": "churners caught", "metrics": [
        {"name": name, "k": k, "target": target, "comparator": ">=", "hardness": "hard"}]}]})


@pytest.fixture
def quarter_positive(tmp_path) -> Project:
    project = Project.new(tmp_path / "p", name="churn")
    rng = np.random.default_rng(1)
    churn = np.zeros(40_000, dtype=bool)
    churn[:10_000] = True
    rng.shuffle(churn)
    (project.root / "data").mkdir(exist_ok=True)
    pd.DataFrame({"x": rng.normal(size=40_000), "churn": np.where(churn, "Yes", "No")}).to_csv(
        project.root / "data" / "c.csv", index=False)
    project.save_section("data_sources", {"items": [{"name": "customers", "uri": "data/c.csv",
                                                      "access_status": "available", "label_column": "churn"}]})
    return project


def test_recall_in_the_top_share_cannot_exceed_share_over_base_rate():
    assert top_k_ceiling("recall_at_top_k", 0.1, 0.25, 1000) == pytest.approx(0.4)
    assert top_k_ceiling("recall_at_top_k", 0.5, 0.25, 1000) == 1.0
    assert top_k_ceiling("precision_at_top_k", 0.5, 0.25, 1000) == pytest.approx(0.5)
    assert top_k_ceiling("recall_at_top_k", 50, 0.25, 1000) == pytest.approx(0.2)  # a count: 50 of 250 positives
    [note] = check_feasibility(scope(0.5), base_rate=0.25, rows=40_000)
    assert note.unreachable and note.ceiling == pytest.approx(0.4) and "at most 0.4" in note.message
    assert check_feasibility(scope(0.35), base_rate=0.25, rows=40_000) == []


def test_a_small_holdout_gives_the_interval_of_the_metric():
    lo, hi = wilson_interval(0.5, 25)
    assert 0.3 < lo < 0.35 and 0.65 < hi < 0.7
    [note] = check_feasibility(scope(0.3), base_rate=0.25, rows=400)  # 100 holdout rows, 25 positives
    assert note.loose and not note.unreachable and "95% interval" in note.message


def test_set_warns_when_a_hard_target_is_out_of_reach(quarter_positive, tmp_path):
    path = tmp_path / "scope.yaml"
    path.write_text(SCOPE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(quarter_positive.root), "set", "scope", "--file", str(path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Warning" in result.stderr and "at most 0.4" in result.stderr and "recall in the top 10% ≥ 0.5 cannot be met" in result.stderr
    path.write_text(SCOPE.replace("target: 0.5", "target: 0.35"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(quarter_positive.root), "set", "scope", "--file", str(path)])
    assert result.exit_code == 0 and "Warning" not in result.stderr


def test_the_scope_signoff_page_shows_the_ceiling_before_approval(quarter_positive):
    from phasebook.dashboards.signoff import signoff_page

    quarter_positive.save_section("scope", scope(0.5))
    assert quarter_positive.status().gates["scope_approval"].state != "approved"
    page = signoff_page(str(quarter_positive.root), "scope_approval")
    html = "".join(getattr(c, "value", "") for c in page.children)
    assert 'aria-label="Feasibility"' in html and re.search(r'<td( data-label="[^"]*")?>0.4</td>', html)
    assert "recall in the top 10%<br><span class=\"muted\">recall_at_top_k</span>" in html  # the metric in words, with its k
    from phasebook.dashboards.signoff import SignoffWidget

    # the feasibility card comes before the buttons (the findings widget may sit between them)
    kinds = [("feasibility" if 'aria-label="Feasibility"' in getattr(c, "value", "") else
              "buttons" if isinstance(c, SignoffWidget) else "") for c in page.children]
    assert "buttons" in kinds and kinds.index("feasibility") < kinds.index("buttons"), kinds


def _signoff_widget(page):
    from phasebook.dashboards.signoff import SignoffWidget

    return next(c for c in page.children if isinstance(c, SignoffWidget))


def _sign_as_product(widget, decision="approve", comment=""):
    widget.name.value, widget.role.value, widget.comment.value = "product owner", "product", comment
    if widget.unmet:
        widget.acknowledge.value = True
        widget.comment.value = comment or "the ceiling is known; the target stays as a stretch"
    widget.submit(decision)


def test_a_scope_decision_from_the_page_keeps_what_its_feasibility_card_said(quarter_positive):
    from phasebook.dashboards.signoff import signoff_page

    # Given the scope's sign-off page, warning that recall >= 0.5 in the top 10% is out of reach (ceiling 0.4)
    quarter_positive.save_section("scope", scope(0.5))
    page = signoff_page(str(quarter_positive.root), "scope_approval")
    html = "".join(getattr(c, "value", "") for c in page.children)
    assert "40,000 rows, 25.0% positives" in html

    # When the product owner approves from that page
    _sign_as_product(_signoff_widget(page), comment="approved knowing the ceiling")
    [event] = [e for e in quarter_positive.events() if e.kind == "sign_off"]

    # Then the journal keeps the card's figures: the source, its label's rows and base rate, and the note
    kept = event.data["feasibility"]
    assert (kept["source"], kept["rows"], kept["base_rate"]) == ("customers", 40_000, 0.25)
    [note] = kept["notes"]
    assert note["unreachable"] and note["ceiling"] == pytest.approx(0.4) and note["target"] == 0.5
    assert "at most 0.4" in note["message"] and note["kpi"] == "churners caught"
    assert quarter_positive.verify().ok


def test_a_label_changed_since_the_page_opened_refuses_the_decision(quarter_positive):
    from phasebook.dashboards.signoff import signoff_page

    # Given the page opened while a quarter of the customers churned (ceiling 0.4)
    quarter_positive.save_section("scope", scope(0.5))
    page = signoff_page(str(quarter_positive.root), "scope_approval")
    widget = _signoff_widget(page)

    # When the training data is replaced before the click: now 8% churn, so the top 10% can hold them all
    frame = pd.read_csv(quarter_positive.root / "data" / "c.csv")
    frame["churn"] = np.where(np.arange(len(frame)) % 25 < 2, "Yes", "No")
    frame.to_csv(quarter_positive.root / "data" / "c.csv", index=False)
    before = len(quarter_positive.events())
    _sign_as_product(widget, comment="approved knowing the ceiling")

    # Then nothing is recorded, and the page says why and what to do
    assert len(quarter_positive.events()) == before
    assert "changed since you opened this page" in widget.status.value and "reload" in widget.status.value
    # and a page opened now shows no warning, and its decision keeps that
    fresh = signoff_page(str(quarter_positive.root), "scope_approval")
    assert 'aria-label="Feasibility"' not in "".join(getattr(c, "value", "") for c in fresh.children)
    _sign_as_product(_signoff_widget(fresh))
    [event] = [e for e in quarter_positive.events() if e.kind == "sign_off"]
    assert event.data["feasibility"]["notes"] == [] and event.data["feasibility"]["base_rate"] == 0.08


def test_a_scope_signed_elsewhere_keeps_the_feasibility_at_signing_and_other_gates_none(quarter_positive):
    from phasebook.core.events import Actor

    quarter_positive.save_section("scope", scope(0.35))  # within reach: no note
    event = quarter_positive.sign_off("scope_approval", Actor(name="product owner", role="product"), "reject",
                                      "the KPI needs a second metric")
    assert event.data["feasibility"] == {"source": "customers", "base_rate": 0.25, "rows": 40_000, "notes": []}
    from phasebook.core.feasibility import is_feasibility_record

    with_note = quarter_positive.feasibility_record(scope(0.5))
    assert with_note["notes"] and is_feasibility_record(with_note)  # what is kept has the shape the export reads
    # a page's copy is compared with the data, never recorded as sent
    forged = {**quarter_positive.feasibility_record(), "notes": []}
    from phasebook.core.errors import FeasibilityChangedError

    quarter_positive.save_section("scope", scope(0.5))
    with pytest.raises(FeasibilityChangedError):
        quarter_positive.sign_off("scope_approval", Actor(name="product owner", role="product"), "reject",
                                  "still wrong", shown_feasibility=forged)


def test_the_exported_record_shows_the_card_the_approver_saw_and_checks_itself(quarter_positive, tmp_path):
    from phasebook.dashboards.signoff import signoff_page

    # Given a scope approved from its page over the warning that recall >= 0.5 in the top 10% is out of reach
    quarter_positive.save_section("scope", scope(0.5))
    _sign_as_product(_signoff_widget(signoff_page(str(quarter_positive.root), "scope_approval")),
                     comment="approved knowing the ceiling")
    [event] = [e for e in quarter_positive.events() if e.kind == "sign_off"]

    # When the record is exported
    out = tmp_path / "scope.html"
    result = CliRunner().invoke(cli, ["--project", str(quarter_positive.root), "export", "--gate", "scope_approval",
                                      "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    # Then what was approved comes with the card its signer saw, from the entry, and the file still checks itself
    html = out.read_text(encoding="utf-8")
    block = re.search(r'data-block="scope_approval.content".*?</section>', html, re.S)[0]
    assert 'aria-label="Feasibility"' in block and re.search(r'<td( data-label="[^"]*")?>0.4</td>', block)
    assert f"Shown on the sign-off page when entry {event.seq} was decided" in block and "40,000 rows" in block
    check = CliRunner().invoke(cli, ["verify", "--bundle", str(out)], catch_exceptions=False)
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("kept", [
    "a string", {"notes": "none"}, {"notes": [{"kpi": "k"}]},
    {"source": "s", "rows": 10, "base_rate": 0.1, "notes": [{"kpi": "k", "metric": "m", "label": "", "message": "x",
                                                              "target": "0.5", "ceiling": None, "interval": None}]},
    {"source": None, "rows": None, "base_rate": None, "notes": [{"kpi": "k", "metric": "m", "label": "", "message": "x",
                                                                  "target": 0.5, "ceiling": None, "interval": None}]},
    {"source": "s", "rows": 10, "base_rate": 0.1, "notes": [{"kpi": "k", "metric": "m", "label": "", "message": "x",
                                                              "target": 0.5, "ceiling": 0.4, "interval": [0.1]}]},
])
def test_a_kept_feasibility_record_of_another_shape_is_named_not_rendered(kept):
    from phasebook.dashboards.feasibility import feasibility_card

    # a journal entry is data: an exported record names a kept value it cannot read instead of failing on it
    assert "cannot read" in feasibility_card(kept, recorded_at=7)
    assert feasibility_card(kept) == ""  # (the page only ever renders its own computation)
    good = {"source": "s<b>", "rows": 10, "base_rate": 0.1, "notes": [
        {"kpi": "k", "metric": "m", "label": "", "message": "<script>x</script>", "target": 0.5, "ceiling": 0.4,
         "interval": [0.1, 0.9]}]}
    html = feasibility_card(good, recorded_at=7)
    assert "entry 7" in html and "<script>" not in html and "s&lt;b&gt;" in html
