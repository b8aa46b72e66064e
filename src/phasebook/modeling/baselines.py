"""Baseline models: a linear one and a gradient-boosted one, on a holdout.

Development (3.2) starts with honest baselines before anything clever: the
declared data source, its label column, every other usable column as a
feature, a stratified holdout, and two scikit-learn pipelines — logistic
(or ridge) regression and histogram gradient boosting. Identifier-like
columns (``*_id``, unique strings) are left out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..core.errors import BadInputError

__all__ = ["Holdout", "FittedModel", "feature_columns", "split", "baseline_models", "fit_baselines", "task_of"]


@dataclass
class Holdout:
    """Train and test parts of one table."""

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series
    task: str
    numeric: list[str]
    categorical: list[str]


@dataclass
class FittedModel:
    """A fitted pipeline and its predictions on the holdout."""

    name: str
    estimator: Any
    task: str
    score: np.ndarray | None = None
    label: np.ndarray | None = None
    value: np.ndarray | None = None
    fit_seconds: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)

    def predictions(self) -> dict[str, Any]:
        """Keyword arguments for :func:`phasebook.modeling.metrics.compute_metrics`."""
        return {"score": self.score, "label": self.label, "value": self.value}


def task_of(y: pd.Series) -> str:
    """``classification`` for a two-valued label, ``regression`` for a numeric one."""
    values = y.dropna().unique()
    if len(values) == 2:
        return "classification"
    if pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y):
        return "regression"
    raise BadInputError(
        f"The label column {y.name!r} has {len(values)} distinct values; baselines need a two-valued label "
        "(classification) or a numeric one (regression). Pick another label column in data_sources."
    )


def _positive(y: pd.Series, positive: Any) -> pd.Series:
    """1 where the label is the (checked) positive value, 0 elsewhere; nothing is guessed here."""
    if positive is None:
        from ..core.labels import resolve_label

        spec = resolve_label("the table", str(y.name), y.value_counts(dropna=True).to_dict(), None)
        positive = spec.positive
    if positive not in set(y.dropna().unique()):
        raise BadInputError(f"positive_label {positive!r} is not a value of the label column {y.name!r}; "
                            "set positive_label of the data source in data_sources.")
    return (y == positive).astype(int)


def feature_columns(df: pd.DataFrame, label: str, ids: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """(numeric, categorical) feature columns: everything but the label and identifiers.

    Identifiers are the source's declared ``ids`` (its ``id_columns``) and any ``id`` or ``*_id`` column.
    """
    numeric, categorical = [], []
    declared = set(ids)
    for col in df.columns:
        if col == label or col in declared or col.lower() == "id" or col.lower().endswith("_id"):
            continue
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            numeric.append(col)
        elif pd.api.types.is_datetime64_any_dtype(s):
            continue
        elif s.nunique(dropna=True) <= max(50, len(s) // 20):
            categorical.append(col)
    return numeric, categorical


def split(df: pd.DataFrame, label: str, *, positive: Any = None, test_size: float = 0.25, seed: int = 0,
          task: str | None = None, ids: Sequence[str] = ()) -> Holdout:
    """A (stratified, for classification) holdout of ``df``.

    Args:
        positive: the label value that is the positive class (from
            :func:`phasebook.core.labels.resolve_label`); None accepts only a
            yes/no, true/false or 0/1 label.
        task: ``classification`` when a two-class metric is scoped (a label with
            more than two values then stops), None to infer it from the label.
        ids: the source's declared id columns: never features.
    """
    from sklearn.model_selection import train_test_split

    if label not in df.columns:
        raise BadInputError(
            f"The label column {label!r} is not in the data (columns: {', '.join(map(str, df.columns))}). "
            "Fix label_column in the data_sources section."
        )
    df = df[df[label].notna()]
    task = task or task_of(df[label])
    if task == "classification" and df[label].nunique() != 2:
        raise BadInputError(f"The label column {label!r} has {df[label].nunique()} distinct values; a two-class "
                            "metric needs exactly two. Pick another label_column in data_sources.")
    y = _positive(df[label], positive) if task == "classification" else df[label].astype(float)
    numeric, categorical = feature_columns(df, label, ids)
    X = df[numeric + categorical]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y if task == "classification" else None
    )
    return Holdout(X_train, X_test, y_train, y_test, task, numeric, categorical)


def baseline_models(task: str, numeric: list[str], categorical: list[str], *, seed: int = 0) -> dict[str, Any]:
    """Unfitted pipelines: ``linear`` and ``gradient_boosting``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    linear_prep = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), categorical),
    ])
    tree_prep = ColumnTransformer([
        ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan), categorical),
        ("num", "passthrough", numeric),
    ])
    is_cat = [True] * len(categorical) + [False] * len(numeric)
    if task == "classification":
        linear = LogisticRegression(max_iter=1000)
        boosted = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.08, early_stopping=True, categorical_features=is_cat, random_state=seed)
    else:
        linear = Ridge(alpha=1.0)
        boosted = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.08, early_stopping=True, categorical_features=is_cat, random_state=seed)
    return {"linear": make_pipeline(linear_prep, linear), "gradient_boosting": make_pipeline(tree_prep, boosted)}


def fit_baselines(holdout: Holdout, *, seed: int = 0, threads: int | None = 1) -> list[FittedModel]:
    """Fit both baselines on the training part; predict the holdout.

    Args:
        holdout: from :func:`split`.
        seed: random state of the boosted model.
        threads: OpenMP/BLAS threads while fitting (None: the libraries' default).
            One is fastest for baseline-sized data on a shared machine.
    """
    from threadpoolctl import threadpool_limits

    fitted = []
    for name, pipe in baseline_models(holdout.task, holdout.numeric, holdout.categorical, seed=seed).items():
        start = time.perf_counter()
        with threadpool_limits(limits=threads):
            pipe.fit(holdout.X_train, holdout.y_train)
        model = FittedModel(name=name, estimator=pipe, task=holdout.task, fit_seconds=time.perf_counter() - start)
        if holdout.task == "classification":
            model.score = pipe.predict_proba(holdout.X_test)[:, 1]
            model.label = (model.score >= 0.5).astype(int)
        else:
            model.value = pipe.predict(holdout.X_test)
        model.params = {"estimator": type(pipe[-1]).__name__, "features": len(holdout.numeric) + len(holdout.categorical)}
        fitted.append(model)
    return fitted
