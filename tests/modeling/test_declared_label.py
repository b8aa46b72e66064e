"""The label is declared, not guessed: Yes/No, Churned/Stayed and boolean tables through research and development.

Given a churn table the project has never seen (a quarter churners), stored
three ways, when the research and development templates run headless with
plain papermill, then each journals model tests whose recall in the top 10%
equals scikit-learn's ``recall_score`` of the top-10% flags on the same split,
computed here from the table's ground truth (not from phasebook's encoding).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from phasebook.core.errors import BadInputError
from phasebook.core.labels import resolve_label
from phasebook.project import Project

ROOT = Path(__file__).resolve().parents[2]
SEED, TEST_SIZE, K = 42, 0.25, 0.1


def churn_table(n: int = 1600, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """Features and a ground-truth churn flag with about 25% positives."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, n)
    charges = rng.normal(60, 20, n).round(2)
    plan = rng.choice(["monthly", "yearly", "two_year"], n, p=[0.5, 0.3, 0.2])
    logit = -1.6 - 0.04 * (tenure - 36) + 0.02 * (charges - 60) + np.where(plan == "monthly", 0.9, -0.6)
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"customer_id": np.arange(n), "tenure": tenure, "charges": charges, "plan": plan}), churn


CASES = {
    "yes_no": (lambda c: np.where(c, "Yes", "No"), None, "csv"),
    "churned_stayed": (lambda c: np.where(c, "Churned", "Stayed"), "Churned", "csv"),  # positive sorts first
    "boolean": (lambda c: c, None, "parquet"),
}


def make_project(base: Path, case: str) -> tuple[Project, np.ndarray]:
    encode, positive, fmt = CASES[case]
    features, truth = churn_table()
    frame = features.assign(churn=encode(truth))
    project = Project.new(base / case, name=f"churn {case}")
    (project.root / "data").mkdir(exist_ok=True)
    path = project.root / "data" / f"customers.{fmt}"
    frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path, index=False)
    source = {"name": "customers", "uri": f"data/customers.{fmt}", "kind": "files", "access_status": "available",
              "label_column": "churn"}
    if positive:
        source["positive_label"] = positive
    project.save_section("data_sources", {"items": [source]})
    project.save_section("scope", {"kpis": [{"name": "Churners reached", "metrics": [
        {"name": "recall_at_top_k", "k": K, "target": 0.2, "comparator": ">=", "dataset": "holdout",
         "hardness": "hard"}]}]})
    return project, truth


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("labels")
    projects, outputs = {}, {}
    for case in CASES:
        projects[case] = make_project(base, case)
    jobs = [(case, book) for case in CASES for book in ("02_research.ipynb", "03_development.ipynb")]
    while jobs:
        batch, jobs = jobs[:2], jobs[2:]
        procs = {}
        for case, book in batch:
            out = base / f"{case}-{book}"
            procs[(case, book)] = (out, subprocess.Popen(
                [sys.executable, "-m", "papermill", str(ROOT / "workbooks" / book), str(out),
                 "-p", "project_dir", str(projects[case][0].root), "-p", "interactive", "False",
                 "-p", "seed", str(SEED), "-p", "test_size", str(TEST_SIZE),
                 "--no-progress-bar", "--start-timeout", "240"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for key, (out, proc) in procs.items():
            _, err = proc.communicate(timeout=400)
            outputs[key] = (proc.returncode, err, out)
    return projects, outputs


def _text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def sklearn_recall_at_k(project: Project, truth: np.ndarray) -> dict[str, float]:
    """Refit both baselines on the same split of the ground truth; recall of the top-k flags by scikit-learn."""
    from sklearn.metrics import recall_score
    from sklearn.model_selection import train_test_split

    from phasebook.modeling.baselines import baseline_models, feature_columns
    from phasebook.steps.measure import load_frame

    frame = load_frame(project, "customers")
    numeric, categorical = feature_columns(frame, "churn")
    y = pd.Series(truth.astype(int))
    X_train, X_test, y_train, y_test = train_test_split(frame[numeric + categorical], y, test_size=TEST_SIZE,
                                                        random_state=SEED, stratify=y)
    out = {}
    for name, pipe in baseline_models("classification", numeric, categorical, seed=SEED).items():
        pipe.fit(X_train, y_train)
        score = pipe.predict_proba(X_test)[:, list(pipe.classes_).index(1)]
        k = max(1, int(round(K * len(score))))
        flags = np.zeros(len(score), dtype=int)
        flags[np.argsort(-score, kind="stable")[:k]] = 1
        out[name] = float(recall_score(y_test.to_numpy(), flags))
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_research_and_development_run_headless_and_name_the_positive_class(runs, case):
    projects, outputs = runs
    for book in ("02_research.ipynb", "03_development.ipynb"):
        code, err, out = outputs[(case, book)]
        assert code == 0, err[-3000:]
        assert "positive class" in _text(out)
    expected = {"yes_no": "positive class True", "churned_stayed": "positive class 'Churned'",
                "boolean": "positive class True"}[case]
    assert expected in _text(outputs[(case, "03_development.ipynb")][2])


@pytest.mark.parametrize("case", list(CASES))
def test_journaled_recall_at_k_equals_scikit_learn_on_the_same_split(runs, case):
    projects, _ = runs
    project, truth = projects[case]
    tests = [e for e in Project.open(project.root).events() if e.kind == "model_test"]
    assert sorted(t.data["model"] for t in tests) == ["gradient_boosting", "linear"]
    expected = sklearn_recall_at_k(project, truth)
    for t in tests:
        assert t.data["details"]["label"] == "churn"
        assert t.data["details"]["metric_parameters"] == {"recall_at_top_k": {"k": K}}
        assert abs(t.data["values"]["recall_at_top_k"] - expected[t.data["model"]]) < 1e-9
    assert abs(truth.mean() - 0.25) < 0.05


def test_a_text_label_without_positive_label_stops_naming_the_field(tmp_path):
    project, _ = make_project(tmp_path, "churned_stayed")
    items = project.section("data_sources").model_dump(mode="json")["items"]
    items[0]["positive_label"] = None
    project.save_section("data_sources", {"items": items})
    from phasebook.steps.measure import training_label

    with pytest.raises(BadInputError, match="positive_label.*'Churned' or 'Stayed'"):
        training_label(project, project.section("data_sources").items[0], two_class=True)


@pytest.mark.parametrize("counts, message", [
    ({}, "no values"),
    ({"Yes": 10}, "constant"),
    ({"a": 1, "b": 2, "c": 3}, "3 distinct values"),
    ({"Churned": 1, "Stayed": 3}, "Set positive_label"),
])
def test_a_label_that_cannot_be_two_classes_names_the_column(counts, message):
    with pytest.raises(BadInputError, match=message) as info:
        resolve_label("customers", "churn", counts)
    assert "churn" in str(info.value)


@pytest.mark.parametrize("counts, declared, positive", [
    ({True: 3, False: 9}, None, True),
    ({True: 3, False: 9}, "Yes", True),  # a Yes/No CSV read as BOOLEAN
    ({True: 3, False: 9}, "false", False),
    ({0: 9, 1: 3}, None, 1),
    ({"No": 9, "Yes": 3}, None, "Yes"),
    ({"Churned": 3, "Stayed": 9}, "churned", "Churned"),
    ({"Churned": 3, "Stayed": 9}, "Stayed", "Stayed"),
])
def test_the_positive_value_matches_whatever_form_the_engine_returned(counts, declared, positive):
    spec = resolve_label("customers", "churn", counts, declared)
    assert spec.positive == positive and type(spec.positive) is type(positive)
    assert spec.positives == counts[positive] and spec.rows == 12


def test_a_declared_value_not_in_the_data_lists_the_values():
    with pytest.raises(BadInputError, match="positive_label 'Left'.*'Churned' or 'Stayed'"):
        resolve_label("customers", "churn", {"Churned": 3, "Stayed": 9}, "Left")
