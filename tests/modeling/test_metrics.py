"""The metric registry, the baselines and the group comparison, without kernels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from phasebook.cli.exits import exit_code
from phasebook.core.errors import UnknownMetricError
from phasebook.core.kpis import METRIC_RANGES
from phasebook.modeling import compute_metrics, get_metric, known_metrics, recall_at_top_k
from phasebook.modeling.baselines import fit_baselines, split
from phasebook.modeling.groups import compare_groups


def test_every_metric_the_scope_accepts_has_an_implementation():
    assert set(METRIC_RANGES) <= set(known_metrics())


def test_an_unknown_metric_names_the_known_ones():
    with pytest.raises(UnknownMetricError) as err:
        compute_metrics(["roc_auc", "lift_at_5"], [0, 1], score=[0.1, 0.9])
    message = str(err.value)
    assert "'lift_at_5'" in message and "roc_auc" in message and "recall_at_top_k" in message
    assert exit_code(err.value) == 2  # the CLI edge: bad input exits 2


def test_recall_at_top_k_counts_positives_in_the_top_share():
    y = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    score = [0.9, 0.8, 0.1, 0.7, 0.2, 0.3, 0.1, 0.0, 0.6, 0.5]
    # top 20% = the two highest scores (0.9 → positive, 0.8 → negative): 1 of 3 positives
    assert recall_at_top_k(y, score, k=0.2) == pytest.approx(1 / 3)
    assert recall_at_top_k(y, score, k=0.5) == pytest.approx(2 / 3)


def test_metrics_use_the_prediction_they_need():
    y = np.array([0, 1, 1, 0])
    values = compute_metrics(["roc_auc", "accuracy", "f1"], y, score=[0.2, 0.9, 0.6, 0.4], label=[0, 1, 0, 0])
    assert values == {"roc_auc": 1.0, "accuracy": 0.75, "f1": pytest.approx(2 / 3)}
    assert compute_metrics(["rmse", "mae", "mape"], [1.0, 2.0], value=[1.0, 4.0]) == {
        "rmse": pytest.approx(np.sqrt(2)), "mae": 1.0, "mape": 0.5,
    }
    with pytest.raises(ValueError, match="needs predicted labels"):
        compute_metrics(["precision"], y, score=[0.1, 0.2, 0.3, 0.4])
    assert get_metric("rmse").higher_is_better is False


def test_baselines_learn_a_signal_on_a_holdout():
    rng = np.random.default_rng(0)
    n = 1500
    df = pd.DataFrame({"customer_id": range(n), "x": rng.normal(size=n), "plan": rng.choice(["a", "b", "c"], n)})
    df["y"] = ((df["x"] + (df["plan"] == "c") * 1.5 + rng.normal(scale=0.5, size=n)) > 0.5).astype(int)
    holdout = split(df, "y", test_size=0.3, seed=1)
    assert holdout.task == "classification" and "customer_id" not in holdout.numeric
    assert holdout.categorical == ["plan"] and len(holdout.y_test) == 450
    models = fit_baselines(holdout, seed=1)
    assert [m.name for m in models] == ["linear", "gradient_boosting"]
    for m in models:
        assert compute_metrics(["roc_auc"], holdout.y_test, **m.predictions())["roc_auc"] > 0.85


def test_group_comparison_against_control():
    df = pd.DataFrame({"group": ["control"] * 1000 + ["model"] * 1000,
                       "churned": [1] * 200 + [0] * 800 + [1] * 120 + [0] * 880})
    table = compare_groups(df, "group", "churned")
    assert list(table["group"]) == ["control", "model"]
    model = table.set_index("group").loc["model"]
    assert model["estimate"] == pytest.approx(0.12) and model["difference"] == pytest.approx(-0.08)
    assert model["ci_low"] < -0.08 < model["ci_high"] < 0 and model["p_value"] < 1e-5
