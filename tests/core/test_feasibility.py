"""Feasibility before signing: a hard target the declared data cannot reach is flagged at `set` and on the sign-off page.

Given a source with a 25% base rate and a scope asking recall ≥ 0.5 in the
top 10% (at most 0.10 / 0.25 = 0.4 is possible), when the scope is saved
with `phasebook set`, a warning names the ceiling; the scope's sign-off page
shows the ceiling 0.4 before anyone approves.
"""

from __future__ import annotations

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
    assert 'aria-label="Feasibility"' in html and "<td>0.4</td>" in html
    assert "recall in the top 10%<br><span class=\"muted\">recall_at_top_k</span>" in html  # the metric in words, with its k
    from phasebook.dashboards.signoff import SignoffWidget

    # the feasibility card comes before the buttons (the findings widget may sit between them)
    kinds = [("feasibility" if 'aria-label="Feasibility"' in getattr(c, "value", "") else
              "buttons" if isinstance(c, SignoffWidget) else "") for c in page.children]
    assert "buttons" in kinds and kinds.index("feasibility") < kinds.index("buttons"), kinds
