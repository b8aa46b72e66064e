"""A source's declared id columns are never model features, whatever they are called."""

from __future__ import annotations

import pandas as pd

from phasebook.modeling.baselines import feature_columns, split


def test_declared_ids_are_left_out_of_the_features():
    frame = pd.DataFrame({"account": range(40), "customer_id": range(40), "spend": [1.0, 2.0] * 20,
                          "plan": ["a", "b"] * 20, "churn": [0, 1] * 20})
    assert feature_columns(frame, "churn") == (["account", "spend"], ["plan"])  # "account" looks like a number
    assert feature_columns(frame, "churn", ["account"]) == (["spend"], ["plan"])
    holdout = split(frame, "churn", ids=["account"], seed=0)
    assert list(holdout.X_train.columns) == ["spend", "plan"]
