"""A hard metric the catalogue does not know: `set` refuses it naming the known ones; a plan holding it cannot be approved."""

from __future__ import annotations

import pytest

from phasebook.core.errors import InvalidDecisionError, PlanValidationError
from phasebook.core.events import Actor
from phasebook.core.sections import Scope

ROCAUC = """\
kpis:
  - name: churners caught
    metrics:
      - name: rocauc
        target: 0.8
        comparator: '>='
"""
PRODUCT = Actor(name="product owner", role="product")


def test_set_refuses_an_unknown_hard_metric_and_lists_the_known_ones(phasebook, project, yaml_file):
    before = project.plan_path.read_bytes()
    result = phasebook("set", "scope", "--file", str(yaml_file(ROCAUC)))
    assert result.exit_code == 2
    out = result.output + result.stderr
    assert "scope.kpis.0.metrics.0.name" in out and "'rocauc'" in out and "did you mean roc_auc" in out
    assert "roc_auc" in out and "recall_at_top_k" in out and "brier" in out
    assert project.plan_path.read_bytes() == before  # nothing written


def test_a_soft_metric_with_a_free_name_is_judged_by_people(phasebook, project, yaml_file):
    soft = ROCAUC.replace("name: rocauc", "name: reasons make sense").replace("target: 0.8", "hardness: soft")
    assert phasebook("set", "scope", "--file", str(yaml_file(soft))).exit_code == 0


def test_a_plan_already_holding_it_opens_but_cannot_be_approved(phasebook, project):
    # Given a plan written before the check existed (the YAML edited by hand)
    scope = Scope.model_validate({"kpis": [{"name": "churners caught", "metrics": [
        {"name": "rocauc", "target": 0.8, "comparator": ">="}]}]})
    project.plan_store.save_section("scope", scope)
    project.record_plan()  # the hand edit recorded as a save
    assert project.section("scope").kpis[0].metrics[0].name == "rocauc"  # it still opens
    # When the product owner approves the scope, then it is refused, naming the field
    with pytest.raises(InvalidDecisionError, match=r"scope\.kpis\.0\.metrics\.0\.name.*rocauc"):
        project.sign_off("scope_approval", PRODUCT, "approve")
    result = phasebook("signoff", "scope_approval", "--approve", "--as", "product owner", "--role", "product")
    assert result.exit_code != 0 and "rocauc" in result.output + result.stderr
    assert not [e for e in project.events() if e.kind == "sign_off"]
    # requesting changes stays possible
    project.sign_off("scope_approval", PRODUCT, "request_changes", "rocauc is not a metric we can compute")


def test_saving_through_the_facade_is_refused_too(project):
    with pytest.raises(PlanValidationError, match="rocauc"):
        project.save_section("scope", {"kpis": [{"name": "k", "metrics": [{"name": "rocauc", "target": 0.8}]}]})
