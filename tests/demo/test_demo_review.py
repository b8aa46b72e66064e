"""The demo's development run draws a review sample of the best model's top decile, with declared columns (3.4)."""

from __future__ import annotations

import json
import math

from phasebook.core.reviews import sample_size
from phasebook.demo import PHASE_PARAMETERS, REVIEW_COLUMNS
from phasebook.store.reviews import file_hash


def test_the_development_run_draws_a_review_sample_of_the_best_models_top_decile(demo_project):
    from phasebook.modeling.baselines import fit_baselines, split
    from phasebook.runner import measure

    events = demo_project.events()
    samples = [e for e in events if e.kind == "review_sample"]
    assert len(samples) == 1
    s = samples[0].data
    # the file is in the project, and its bytes match the hash journaled
    path = demo_project.root / s["path"]
    assert file_hash(path.read_bytes()) == s["file_hash"]
    stored = json.loads(path.read_bytes())
    assert stored["sample_id"] == s["sample_id"] and stored["items"]
    # only the declared columns (no label, no other feature), the model's score and an id
    assert s["columns"] == REVIEW_COLUMNS and {k for i in stored["items"] for k in i["fields"]} == set(REVIEW_COLUMNS)
    assert all(set(i["output"]) == {"score"} for i in stored["items"])
    # bound to the best model's test, drawn from its top decile as the parameters say
    test = next(e for e in events if e.seq == s["model_test"]["seq"])
    assert test.kind == "model_test" and test.hash == s["model_test"]["hash"] and test.data["passed"]
    assert s["model"] == test.data["model"] == "gradient_boosting"
    run = [e for e in events if e.kind == "run" and e.data.get("phase") == "development"][-1]
    assert run.seq > samples[0].seq  # journaled by that run
    source, label = measure.training_source(demo_project)
    frame = measure.load_frame(demo_project, source.name)
    holdout = split(frame, label, test_size=0.25, seed=42)
    best = next(m for m in fit_baselines(holdout, seed=42, threads=1) if m.name == s["model"])
    scores = dict(zip(frame.loc[holdout.X_test.index, "customer_id"], best.score.round(4)))
    cut = sorted(scores.values(), reverse=True)[math.ceil(len(scores) * PHASE_PARAMETERS["development"]["review_top_share"]) - 1]
    assert s["drawn"]["population"] == math.ceil(len(scores) * 0.1)
    assert all(scores[i["id"]] == i["output"]["score"] >= cut for i in stored["items"])
    # its size is the one the precision asks for (±10 points at 95% from that population), stratified by plan
    assert s["size"] == s["drawn"]["needed_for_margin"] == len(stored["items"]) == sample_size(
        0.10, 0.95, population=s["drawn"]["population"])
    assert s["drawn"]["strata"] == "plan" and s["drawn"]["method"] == "stratified"
