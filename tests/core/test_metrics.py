"""The metric catalogue's words: a metric with its parameters, as every scope surface shows it."""

from __future__ import annotations

import pytest

from phasebook.core.metrics import CATALOGUE, metric_label
from phasebook.core.sections import ModelMetric


@pytest.mark.parametrize(("name", "params", "words"), [
    ("recall_at_top_k", {"k": 0.1}, "recall in the top 10%"),
    ("recall_at_top_k", {"k": 0.025}, "recall in the top 2.5%"),
    ("precision_at_top_k", {"k": 500}, "precision in the top 500"),
    ("precision_at_top_k", {"k": 500.0}, "precision in the top 500"),
    ("recall_at_top_k", None, "recall in the top 10%"),
    ("recall_at_top_k", {}, "recall in the top 10%"),
    ("roc_auc", {}, "roc_auc"),
    ("rocauc", {"k": 0.2}, "rocauc"),
])
def test_metric_label_reads_the_parameters_in_words(name, params, words):
    assert metric_label(name, params) == words


def test_every_parameterised_metric_has_words_that_use_its_parameter():
    for spec in CATALOGUE.values():
        if "k" in spec.parameters:
            assert "{top}" in spec.words, spec.name
            assert metric_label(spec.name, {"k": 0.3}).endswith("top 30%")


def test_a_scope_metric_passes_its_own_parameters():
    m = ModelMetric(name="precision_at_top_k", target=0.6, k=200)
    assert metric_label(m.name, m.params) == "precision in the top 200"
    assert ModelMetric(name="roc_auc", target=0.8).params == {}
