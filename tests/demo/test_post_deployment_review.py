"""4.3: the deployment notebook draws a review sample of production outputs; people judge it for the post-deployment gate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phasebook.core.events import Actor
from phasebook.core.reviews import wilson_interval
from phasebook.dashboards.signoff import signoff_page
from phasebook.runner import run_notebook
from phasebook.store.reviews import file_hash

PRODUCT = Actor(name="product owner", role="product", verified=True)


def test_production_outputs_are_sampled_judged_and_measured_for_the_post_deployment_gate(demo_copy):
    project = demo_copy
    # Given the deployed model's scored outputs as a data source
    current = pd.read_parquet(project.root / "data" / "current_month.parquet")
    current["score"] = np.round(np.random.default_rng(0).random(len(current)), 4)
    current.to_parquet(project.root / "data" / "production_scores.parquet", index=False)
    sources = project.section("data_sources").model_dump(mode="json")
    sources["items"].append({"name": "production_scores", "uri": "data/production_scores.parquet",
                             "access_status": "available"})
    project.save_section("data_sources", sources)
    # When the deployment notebook runs with them
    result = run_notebook(project, "deployment", {"production_outputs": "production_scores",
                                                  "production_review_columns": ["plan", "device", "tenure_months"]},
                          progress_bar=False)
    assert result.status == "succeeded", result
    # Then a production sample is journaled for post_deployment_kpi_check, its file matching its hash
    sample = [e for e in project.events() if e.kind == "review_sample"][-1].data
    assert (sample["gate"], sample["source"], sample["model_test"]) == ("post_deployment_kpi_check", "production", None)
    assert file_hash((project.root / sample["path"]).read_bytes()) == sample["file_hash"]
    assert sample["size"] == sample["drawn"]["needed_for_margin"]
    # and judging it measures the soft metric for that gate, shown on its sign-off page
    items = project.review_items(sample["sample_id"])["items"]
    for item, answer in zip(items[:4], ["good", "good", "bad", "good"]):
        project.judge(sample["sample_id"], item["id"], "call_usefulness", answer, actor=PRODUCT)
    m = project.review_state("post_deployment_kpi_check")["summary"]["call_usefulness"]
    assert m["share_good"] == 0.75 and tuple(m["interval"]) == wilson_interval(3, 4)
    assert project.review_state("post_deployment_kpi_check")["current"] is True
    html = "".join(getattr(c, "value", "") for c in signoff_page(str(project.root), "post_deployment_kpi_check").children)
    assert "75.0% good" in html and "4 of " + str(sample["size"]) in html
    assert project.status().reviews["post_deployment_kpi_check"]["sample_id"] == sample["sample_id"]
