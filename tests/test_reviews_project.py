"""Review samples through the Project facade: drawn, stored, journaled, judged; bad input refused; the page without a browser."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from phasebook.core.errors import BadInputError, InvalidDecisionError, PhasebookError
from phasebook.core.events import Actor
from phasebook.core.reviews import cohen_kappa, sample_size, wilson_interval
from phasebook.dashboards import context
from phasebook.dashboards.review import ReviewWidget, review_page
from phasebook.dashboards.signoff import signoff_page
from phasebook.modeling.sampling import allocate, draw
from phasebook.project import Project
from phasebook.store.reviews import file_hash

from tests.dashboards.fixtures import SCOPE, XSS, build_filled_project

CS = Actor(name="customer success lead", role="customer_success", verified=True)
PO = Actor(name="product owner", role="product", verified=True)


@pytest.fixture(autouse=True)
def clean_context(monkeypatch):
    context._CONTEXT.clear()
    monkeypatch.delenv("QUERY_STRING", raising=False)
    yield
    context._CONTEXT.clear()


def _outputs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"customer_id": [f"C{i:04d}" for i in range(n)], "plan": rng.choice(["basic", "pro"], n, p=[0.7, 0.3]),
                         "tenure_months": rng.integers(1, 60, n), "secret_email": [f"x{i}@example.com" for i in range(n)],
                         "score": rng.random(n).round(4)})


@pytest.fixture
def project(tmp_path):
    p = build_filled_project(tmp_path / "churn-risk")
    scope = json.loads(json.dumps(SCOPE))
    scope["kpis"][0]["metrics"].append({"name": "call_usefulness", "definition": "Would you call this customer this week?",
                                        "hardness": "soft"})
    p.save_section("scope", scope)
    p.test_model({"roc_auc": 0.83, "recall_at_top_k": 0.55}, model="gradient_boosting")
    return p


def test_draw_is_seeded_stratified_and_shows_only_the_declared_columns():
    frame = _outputs()
    a = draw(frame, 40, columns=["plan", "tenure_months"], strata="plan", seed=7)
    assert a == draw(frame, 40, columns=["plan", "tenure_months"], strata="plan", seed=7)
    assert a != draw(frame, 40, columns=["plan", "tenure_months"], strata="plan", seed=8)
    assert {k for i in a for k in i["fields"]} == {"plan", "tenure_months"}  # never secret_email
    counts = frame["plan"].value_counts().to_dict()
    assert pd.Series([i["fields"]["plan"] for i in a]).value_counts().to_dict() == allocate(counts, 40)
    assert len({i["id"] for i in a}) == 40
    with pytest.raises(BadInputError, match="'nope' is not in the items"):
        draw(frame, 5, columns=["nope"])


def test_sample_is_stored_journaled_and_its_file_matches(project):
    data = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan", "tenure_months"],
                                 strata="plan", seed=3)
    path = project.root / data["path"]
    assert data["size"] == sample_size(0.10, 0.95, population=300)
    event = [e for e in project.events() if e.kind == "review_sample"][-1]
    assert event.data["file_hash"] == file_hash(path.read_bytes())
    test = [e for e in project.events() if e.kind == "model_test"][-1]
    assert event.data["model_test"]["seq"] == test.seq and event.data["model_test"]["hash"] == test.hash
    assert event.data["drawn"]["method"] == "stratified" and event.data["drawn"]["seed"] == 3
    # drawing the same again returns the journaled sample, journals nothing
    again = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan", "tenure_months"],
                                  strata="plan", seed=3)
    assert again["sample_id"] == data["sample_id"]
    assert sum(e.kind == "review_sample" for e in project.events()) == 1
    # a changed file is refused: nothing is judged on it
    path.write_text(path.read_text().replace('"basic"', '"pro"', 1))
    with pytest.raises(BadInputError, match="changed after it was recorded"):
        project.judge(data["sample_id"], "C0001", "call_usefulness", "good", actor=CS)


def test_bad_input_is_refused_with_what_to_do(project):
    with pytest.raises(InvalidDecisionError, match="No model test of 'other'"):
        project.review_sample(model="other", items=_outputs(), columns=["plan"])
    with pytest.raises(InvalidDecisionError, match="margin"):
        project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan"], margin=2)
    data = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan"], size=5, seed=1)
    item = project.review_items(data["sample_id"])["items"][0]["id"]
    with pytest.raises(InvalidDecisionError, match="not one of them"):
        project.judge(data["sample_id"], item, "call_usefulness", "great", actor=CS)
    with pytest.raises(InvalidDecisionError, match="not in this review sample"):
        project.judge(data["sample_id"], "C9999", "call_usefulness", "good", actor=CS)
    with pytest.raises(InvalidDecisionError, match="not a question"):
        project.judge(data["sample_id"], item, "roc_auc", "good", actor=CS)
    with pytest.raises(InvalidDecisionError, match=r"use Project.judge\(\)"):
        project.record("review_judgement", {"sample_id": data["sample_id"]})
    with pytest.raises(BadInputError, match="not a review sample id"):
        project.review_items("../../phasebook")


def test_widget_judgements_are_attributed_and_measured(project):
    data = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan", XSS and "tenure_months"],
                                 size=6, seed=2)
    sample = project.review_items(data["sample_id"])
    answers = {"customer success lead": ["good", "good", "bad", "good", "unsure", "good"],
               "product owner": ["good", "bad", "bad", "good", "good", "good"]}
    for who, role in (("customer success lead", "customer_success"), ("product owner", "product")):
        wid = ReviewWidget(project, sample, context.Viewer(name=who, role=role, verified=True))
        for i, a in enumerate(answers[who]):
            if i % 2:
                wid.buttons[a].click()
            else:
                wid.shortcuts.value = a[0]  # the shortcut field
        assert f"{len(sample['items'])} of {len(sample['items'])} judged by you" in wid.progress.value
    judged = [e for e in project.events() if e.kind == "review_judgement"]
    assert len(judged) == 12 and all(e.actor.verified for e in judged)
    state = project.review_state("kpi_check")["summary"]["call_usefulness"]
    flat = [a for v in answers.values() for a in v]
    good, bad = flat.count("good"), flat.count("bad")
    assert state["share_good"] == good / (good + bad) and state["interval"] == wilson_interval(good, good + bad)
    assert state["agreement"] == pytest.approx(cohen_kappa(list(zip(*answers.values()))))
    assert project.status().reviews["kpi_check"]["complete"] is True
    # the overview shows it beside the hard metrics' scoreboard
    from phasebook.dashboards.overview import overview_parts
    from phasebook.core.reviews import share_text

    board = next(p for p in overview_parts(project) if "KPI scoreboard" in p)
    assert "Soft metrics judged by people (3.4 KPIs check)" in board and share_text(state) in board


def test_unverified_reviewer_must_type_a_name_and_xss_in_a_note_is_text(project):
    frame = _outputs(20)
    frame.loc[:, "plan"] = XSS
    data = project.review_sample(model="gradient_boosting", items=frame, columns=["plan"], size=3, seed=0)
    wid = ReviewWidget(project, project.review_items(data["sample_id"]), context.Viewer(name=None))
    wid.buttons["good"].click()
    assert "Type your name" in wid.status.value
    assert not any(e.kind == "review_judgement" for e in project.events())
    wid.name.value = "support agent"
    wid.note.value = XSS
    wid.buttons["bad"].click()
    event = [e for e in project.events() if e.kind == "review_judgement"][-1]
    assert event.actor == Actor(name="support agent", role=wid.role.value, verified=False)
    assert event.data["note"] == XSS
    html = wid.item_html.value + "".join(getattr(c, "value", "") for c in review_page(str(project.root)).children)
    html += "".join(getattr(c, "value", "") for c in signoff_page(str(project.root), "kpi_check").children)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_status_shows_the_soft_metric_beside_the_hard_ones_and_an_older_review(project):
    from click.testing import CliRunner

    from phasebook.cli import cli

    data = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan"], size=4, seed=5)
    for item, answer in zip(project.review_items(data["sample_id"])["items"], ["good", "good", "good", "bad"]):
        project.judge(data["sample_id"], item["id"], "call_usefulness", answer, actor=CS)
    lo, hi = wilson_interval(3, 4)
    out = CliRunner().invoke(cli, ["--project", str(project.root), "status"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())  # the terminal wraps long titles
    assert f"Soft metrics for kpi_check: review {data['sample_id']} of gradient_boosting (4 items, complete)" in text
    out = CliRunner().invoke(cli, ["--project", str(project.root), "status", "--json"])
    m = json.loads(out.output)["reviews"]["kpi_check"]["summary"]["call_usefulness"]
    assert (m["share_good"], m["interval"]) == (0.75, [lo, hi])
    project.test_model({"roc_auc": 0.85, "recall_at_top_k": 0.6}, model="linear")
    text = " ".join(CliRunner().invoke(cli, ["--project", str(project.root), "status"]).output.split())
    assert "Review of an older model: judged on gradient_boosting of" in text
    assert "the model tested since is linear of" in text


def test_a_gate_requiring_a_current_review_cannot_be_approved_until_one_is_done(project):
    from phasebook.core.errors import ConditionNotMetError
    from phasebook.core.flow import Condition, default_flow
    from phasebook.dashboards.softmetrics import review_parts

    # Given a flow whose kpi_check policy requires a complete review of the current model (core/gates.py conditions)
    flow = default_flow()
    review = Condition(kind="current_review", title="people reviewed the current model's outputs")
    gates = tuple(g.model_copy(update={"conditions": (*g.conditions, review)}) if g.name == "kpi_check" else g
                  for g in flow.gates)
    p = Project(project.root, flow=flow.model_copy(update={"gates": gates}))
    p.advance(override="scope agreed in the kick-off meeting")
    p.advance(override="solution validated in the kick-off meeting")
    with pytest.raises(ConditionNotMetError, match="no review sample of the model's outputs has been drawn"):
        p.sign_off("kpi_check", PO, "approve")
    data = p.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan"], size=3, seed=9)
    items = [i["id"] for i in p.review_items(data["sample_id"])["items"]]
    p.judge(data["sample_id"], items[0], "call_usefulness", "good", actor=CS)
    with pytest.raises(ConditionNotMetError, match=r"not complete \(2 items of call_usefulness still to judge\)"):
        p.sign_off("kpi_check", PO, "approve")
    policy = review_parts(p, "kpi_check")[0]  # the sign-off page's line: core decides, the page renders
    assert 'role="alert"' in policy and "not met — the review of the current model is not complete" in policy
    # When the review is completed, the gate can be approved
    for item in items[1:]:
        p.judge(data["sample_id"], item, "call_usefulness", "bad", "not a churn risk", actor=CS)
    p.sign_off("kpi_check", PO, "approve")
    p.sign_off("kpi_check", CS, "approve")
    assert p.status().gates["kpi_check"].state == "approved"
    # a model tested after the review: the approval no longer holds, and a new one needs a new review
    p.test_model({"roc_auc": 0.9, "recall_at_top_k": 0.7}, model="linear")
    assert p.status().gates["kpi_check"].state != "approved"
    with pytest.raises(ConditionNotMetError, match="the review is of an older model"):
        p.sign_off("kpi_check", PO, "approve")
    unmet = [c for c in p.status().gates["kpi_check"].conditions if not c.met]
    assert [c.kind for c in unmet] == ["current_review"] and "the model tested since is linear of" in unmet[0].message
    # sign-offs that send the work back need no review
    p.sign_off("kpi_check", PO, "request_changes", "review the new model first")


def test_the_review_page_refuses_a_hostile_sample_id_and_a_changed_file(project, monkeypatch):
    data = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan"], size=3, seed=4)
    monkeypatch.setenv("QUERY_STRING", "sample=../../phasebook&token=SECRET123")
    html = review_page(str(project.root)).value
    assert "not a review sample id" in html and "SECRET123" not in html
    path = project.root / data["path"]
    path.write_text(path.read_text().replace('"plan"', '"plan "', 1))
    monkeypatch.setenv("QUERY_STRING", f"sample={data['sample_id']}")
    html = review_page(str(project.root)).value
    assert 'role="alert"' in html and "changed after it was recorded" in html


def test_a_viewer_kernel_judges_only_as_its_viewer(project):
    from phasebook.core.errors import ViewerWriteRefusedError
    from phasebook.dashboards.context import Viewer, ViewerProject

    data = project.review_sample(model="gradient_boosting", items=_outputs(), columns=["plan"], size=2, seed=6)
    item = project.review_items(data["sample_id"])["items"][0]["id"]
    view = ViewerProject(project, Viewer(name="customer success lead", role="customer_success", verified=True))
    with pytest.raises(ViewerWriteRefusedError):
        view.judge(data["sample_id"], item, "call_usefulness", "good", actor=PO)
    with pytest.raises(ViewerWriteRefusedError):
        view.record("review_judgement", {})
    assert view.judge(data["sample_id"], item, "call_usefulness", "good", actor=CS).actor == CS
    anonymous = ViewerProject(project, Viewer(name=None))
    with pytest.raises(ViewerWriteRefusedError):
        anonymous.judge(data["sample_id"], item, "call_usefulness", "bad", actor=CS)
