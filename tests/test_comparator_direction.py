"""A comparator against the metric's direction is a warning a person must acknowledge.

Given a scope with ``roc_auc <= 0.8`` (higher is better) or ``brier >= 0.1``
(lower is better): ``set`` saves it and warns, the scoping form warns by the
row, the scope sign-off page shows the unmet condition before the click, and
an approval is refused unless it acknowledges it (the gate-condition
mechanism of core/gates.py).
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.core.errors import ConditionNotMetError
from phasebook.core.events import Actor
from phasebook.core.scopecheck import DIRECTION_CONDITION, direction_warnings
from phasebook.core.sections import ProductKPI, Scope
from phasebook.project import Project

PRODUCT = Actor(name="product owner", role="product")
INVERTED = """\
kpis:
  - name: churners caught
    metrics:
      - name: roc_auc
        target: 0.8
        comparator: '<='
      - name: brier
        target: 0.1
        comparator: '>='
        hardness: soft
"""


def _scope(comparator: str = "<=", name: str = "roc_auc", **extra) -> dict:
    return {"kpis": [{"name": "churners caught", "metrics": [
        {"name": name, "target": 0.8 if name == "roc_auc" else 0.3, "comparator": comparator, **extra}]}]}


@pytest.fixture
def project(tmp_path) -> Project:
    p = Project.new(tmp_path / "p", name="churn")
    p.save_section("product_need", {"statement": "customers leave without warning"})
    return p


def test_the_rule_flags_comparators_against_the_catalogue_direction():
    [roc, brier] = direction_warnings(Scope.model_validate({"kpis": [{"name": "k", "metrics": [
        {"name": "roc_auc", "target": 0.8, "comparator": "<="},
        {"name": "brier", "target": 0.1, "comparator": ">=", "hardness": "soft"}]}]}))
    assert roc["path"] == "scope.kpis.0.metrics.0.comparator" and "higher roc_auc is better" in roc["message"]
    assert "roc_auc >= 0.8" in roc["message"]
    assert brier["path"] == "scope.kpis.0.metrics.1.comparator" and "lower brier is better" in brier["message"]
    top = direction_warnings(_scope("<=", "recall_at_top_k", k=0.1))
    assert "recall in the top 10% <= 0.3" in top[0]["message"]  # the metric in words, with its k
    assert direction_warnings(_scope(">=")) == []
    assert direction_warnings(_scope("<=", "log_loss")) == []
    assert direction_warnings({"kpis": [{"name": "k", "metrics": [  # no target, or a metric people judge
        {"name": "roc_auc", "comparator": "<="}, {"name": "reasons make sense", "comparator": "<=", "target": 1}]}]}) == []


def test_set_saves_it_and_warns(project, tmp_path):
    path = tmp_path / "scope.yaml"
    path.write_text(INVERTED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project.root), "set", "scope", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "Warning — scope.kpis.0.metrics.0.comparator: roc_auc <= 0.8 runs against the metric" in result.stderr
    assert "scope.kpis.0.metrics.1.comparator: brier >= 0.1" in result.stderr
    assert project.section("scope").kpis[0].metrics[0].comparator == "<="
    path.write_text(INVERTED.replace("'<='", "'>='").replace("target: 0.1\n        comparator: '>='",
                                                              "target: 0.1\n        comparator: '<='"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project.root), "set", "scope", "--file", str(path)])
    assert result.exit_code == 0 and "runs against" not in result.stderr


def test_approval_needs_the_acknowledgement(project):
    project.save_section("scope", _scope("<="))
    [cond] = [c for c in project.status().gates["scope_approval"].conditions if not c.met]
    assert cond.kind == DIRECTION_CONDITION and "roc_auc <= 0.8 runs against the metric" in cond.message
    with pytest.raises(ConditionNotMetError, match="roc_auc <= 0.8"):
        project.sign_off("scope_approval", PRODUCT, "approve")
    assert not [e for e in project.events() if e.kind == "sign_off"]
    result = CliRunner().invoke(cli, ["--project", str(project.root), "signoff", "scope_approval", "--approve",
                                      "--as", "product owner", "--role", "product"])
    assert result.exit_code != 0 and "roc_auc <= 0.8" in result.output + result.stderr
    event = project.sign_off("scope_approval", PRODUCT, "approve", "we score how unlikely a customer is to stay",
                             acknowledge=True)
    assert event.data["acknowledged"] == [DIRECTION_CONDITION]
    assert project.status().gates["scope_approval"].state == "approved"


def test_a_scope_following_the_directions_has_no_such_condition(project):
    project.save_section("scope", _scope(">="))
    assert all(c.kind != DIRECTION_CONDITION for c in project.status().gates["scope_approval"].conditions)
    project.sign_off("scope_approval", PRODUCT, "approve")
    assert project.status().gates["scope_approval"].state == "approved"


def test_the_signoff_page_shows_it_before_the_click(project):
    from phasebook.dashboards.signoff import SignoffWidget, signoff_page

    project.save_section("scope", _scope("<="))
    page = signoff_page(str(project.root), "scope_approval")
    html = "".join(getattr(c, "value", "") for c in page.children)
    assert "Condition not met:</b> roc_auc &lt;= 0.8 runs against the metric" in html
    [widget] = [c for c in page.children if isinstance(c, SignoffWidget)]
    assert widget.acknowledge in widget.children and "roc_auc &lt;= 0.8" in widget.notes.value


def test_the_scoping_form_warns_by_the_row():
    from phasebook.widgets.scope import KpiCard

    card = KpiCard(ProductKPI, lambda: None)
    card.load(ProductKPI.model_validate(_scope("<=", "recall_at_top_k", k=0.1)["kpis"][0]))
    assert "recall in the top 10% &lt;= 0.3 runs against the metric" in card.warnings.value
    [row] = card.fields["metrics"].cards
    assert "reads: recall in the top 10%" in row.reads.value
    row.fields["comparator"].input.value = ">="
    assert "runs against" not in card.warnings.value
    row.fields["k"].input.value = "500"
    assert "reads: recall in the top 500" in row.reads.value


def test_show_scope_says_how_each_parameterised_metric_reads_and_set_takes_it_back(project, tmp_path):
    project.save_section("scope", {"kpis": [{"name": "churners caught", "metrics": [
        {"name": "roc_auc", "target": 0.8}, {"name": "precision_at_top_k", "k": 500, "target": 0.6}]}]})
    runner = CliRunner()
    shown = runner.invoke(cli, ["--project", str(project.root), "show", "scope"]).output
    assert "# kpis.0.metrics.1 (precision_at_top_k) reads: precision in the top 500" in shown
    assert "metrics.0 (roc_auc)" not in shown
    path = tmp_path / "scope.yaml"
    path.write_text(shown, encoding="utf-8")
    before = project.section("scope")
    assert runner.invoke(cli, ["--project", str(project.root), "set", "scope", "--file", str(path)]).exit_code == 0
    assert project.section("scope") == before


def test_the_signoff_scope_table_reads_the_metric_in_words(project):
    from phasebook.dashboards.render import render_scope

    html = render_scope(Scope.model_validate(_scope(">=", "recall_at_top_k", k=0.1)))
    assert "recall in the top 10%<br><span class=\"muted\">recall_at_top_k</span>" in html
    assert re.search(r'<td( data-label="[^"]*")?>roc_auc</td>', render_scope(Scope.model_validate(_scope(">="))))
