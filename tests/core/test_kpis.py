"""Model tests: every hard metric judged against its target, nothing passed by default."""

from __future__ import annotations

import math

import pytest

from phasebook.core.kpis import judge


@pytest.mark.parametrize(
    ("comparator", "target", "value", "outcome"),
    [
        (">=", 0.80, 0.85, "passed"),
        (">=", 0.80, 0.80, "passed"),
        (">=", 0.80, 0.79, "failed"),
        ("<=", 0.20, 0.15, "passed"),
        ("<=", 0.20, 0.20, "passed"),
        ("<=", 0.20, 0.21, "failed"),
    ],
)
def test_hard_metric_is_judged_by_its_comparator(make_scope, comparator, target, value, outcome):
    # Given a scope with one hard metric
    scope = make_scope(("mape" if comparator == "<=" else "roc_auc", target, comparator))
    name = scope.kpis[0].metrics[0].name
    # When a measured value is judged
    result = judge(scope, {name: value}, model="gbm-v1")
    # Then the outcome follows the comparator, and the test passes only if the metric passed
    assert result.results[0].outcome == outcome
    assert result.passed is (outcome == "passed")


def test_missing_metric_is_not_measured_and_never_passes(make_scope):
    # Given two hard metrics, one of which is not measured
    scope = make_scope(("roc_auc", 0.8, ">="), ("recall_at_top_k", 0.5, ">="))
    # When only roc_auc is given (recall_at_top_k absent, an extra metric present)
    result = judge(scope, {"roc_auc": 0.9, "f1": 0.7}, model="m")
    # Then the missing metric is "not measured" and the model did not pass
    outcomes = {r.metric: r.outcome for r in result.results}
    assert outcomes == {"roc_auc": "passed", "recall_at_top_k": "not_measured"}
    assert result.passed is False
    assert [r.metric for r in result.failures()] == ["recall_at_top_k"]
    assert result.extra_values == {"f1": 0.7}


@pytest.mark.parametrize("blank", [None, math.nan])
def test_none_or_nan_counts_as_not_measured(make_scope, blank):
    scope = make_scope(("roc_auc", 0.8, ">="))
    result = judge(scope, {"roc_auc": blank}, model="m")
    assert result.results[0].outcome == "not_measured"
    assert result.passed is False


def test_soft_metric_is_not_judged_and_does_not_decide(make_scope):
    # Given a hard metric and a soft one (people judge it at the KPI check)
    scope = make_scope(("roc_auc", 0.8, ">="), ("summary_relevance", 0.9, ">=", "soft"))
    # When both are "measured", the soft one badly
    result = judge(scope, {"roc_auc": 0.85, "summary_relevance": 0.1}, model="m")
    # Then the soft metric is not judged and the hard one decides alone
    outcomes = {r.metric: r.outcome for r in result.results}
    assert outcomes == {"roc_auc": "passed", "summary_relevance": "not_judged"}
    assert result.passed is True
    assert result.summary["not_judged"] == 1


def test_only_soft_metrics_never_pass_automatically(make_scope):
    scope = make_scope(("summary_relevance", 0.9, ">=", "soft"))
    result = judge(scope, {"summary_relevance": 1.0}, model="m")
    assert result.passed is False


def test_hard_metric_without_target_is_reported_as_such(make_scope):
    scope = make_scope(("roc_auc", None, ">="), ("f1", 0.5, ">="))
    result = judge(scope, {"roc_auc": 0.9, "f1": 0.6}, model="m")
    assert {r.metric: r.outcome for r in result.results} == {"roc_auc": "no_target", "f1": "passed"}


def test_non_numeric_value_is_refused_naming_the_metric(make_scope):
    scope = make_scope(("roc_auc", 0.8, ">="))
    with pytest.raises(ValueError, match="roc_auc"):
        judge(scope, {"roc_auc": "high"}, model="m")
