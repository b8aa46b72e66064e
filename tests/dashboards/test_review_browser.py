"""In a real Chromium: two personal viewers judge the demo's review sample; the soft metric is measured from them.

Given a copy of the demo project (whose development run drew a review sample
of the best model's top decile) served by ``phasebook serve`` with personal
tokens for a product owner and a customer-success lead.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from phasebook.core.events import Actor
from phasebook.core.reviews import cohen_kappa, wilson_interval
from phasebook.project import Project

from .conftest import serve_demo_copy
from .fixtures import XSS

pytestmark = pytest.mark.browser
PAGE_TIMEOUT = 90_000
SHORTCUTS = "type g good · b bad · u unsure · n next · p previous"


@pytest.fixture(scope="module")
def review_served(tmp_path_factory, demo_build):
    with serve_demo_copy(tmp_path_factory.mktemp("review-serve"), demo_build,
                         cs_token=("customer success lead", "customer_success")) as served:
        yield served


@pytest.fixture
def dpage(page):
    page.set_default_navigation_timeout(PAGE_TIMEOUT)
    return page


def _judge_in_browser(page, answers, note_at=None):
    """Judge the first len(answers) items: even ones with the keyboard, odd ones with the mouse."""
    expect(page.get_by_text(re.compile(r"\d+ of \d+ judged by you"))).to_be_visible(timeout=PAGE_TIMEOUT)
    for i, answer in enumerate(answers):
        if note_at is not None and i == note_at[0]:
            page.get_by_placeholder("Note (optional): what you saw").fill(note_at[1])
        if i % 2 == 0:
            page.get_by_placeholder(SHORTCUTS).press(answer[0])
        else:
            page.get_by_role("button", name=answer.capitalize(), exact=True).click()
        expect(page.get_by_text(re.compile(rf"^{i + 1} of \d+ judged by you$"))).to_be_visible(timeout=30_000)


def test_two_reviewers_judge_and_the_soft_metric_is_measured_from_their_answers(review_served, dpage):
    project = review_served.project
    sample = [e for e in project.events() if e.kind == "review_sample"][-1]
    sid = sample.data["sample_id"]
    answers = {"customer success lead": ["good", "bad", "good", "good", "unsure", "bad"],
               "product owner": ["good", "good", "good", "bad", "good", "bad"]}
    # When the customer-success lead judges six items (keyboard and mouse), with a note carrying a payload
    dialogs = []
    dpage.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    dpage.goto(review_served.url("review.ipynb", review_served.cs_token, sample=sid))
    expect(dpage.get_by_text("Judging as customer success lead (verified by the server).")).to_be_visible(
        timeout=PAGE_TIMEOUT)
    _judge_in_browser(dpage, answers["customer success lead"], note_at=(1, XSS))
    # and the product owner judges the same six items
    dpage.goto(review_served.url("review.ipynb", review_served.product_token, sample=sid))
    expect(dpage.get_by_text("Judging as product owner (verified by the server).")).to_be_visible(timeout=PAGE_TIMEOUT)
    _judge_in_browser(dpage, answers["product owner"])
    # Then every judgement is journaled, attributed to the verified person, signed
    judged = [e for e in Project(project.root).events() if e.kind == "review_judgement"]
    assert [(e.actor.name, e.actor.verified) for e in judged] == (
        [("customer success lead", True)] * 6 + [("product owner", True)] * 6)
    assert all(e.sig for e in judged) and Project(project.root).verify().ok
    items = [i["id"] for i in project.review_items(sid)["items"][:6]]
    assert [e.data["item"] for e in judged] == items * 2
    assert [e.data["answer"] for e in judged] == answers["customer success lead"] + answers["product owner"]
    # And the soft metric equals a direct computation on their answers
    flat = [a for v in answers.values() for a in v]
    good, bad = flat.count("good"), flat.count("bad")
    lo, hi = wilson_interval(good, good + bad)
    kappa = cohen_kappa(list(zip(answers["customer success lead"], answers["product owner"])))
    m = Project(project.root).review_state("kpi_check")["summary"]["call_usefulness"]
    assert (m["share_good"], tuple(m["interval"]), m["agreement"]) == (good / (good + bad), (lo, hi), kappa)
    # and the page shows those numbers, the note as text, and no script ran
    dpage.reload()
    table = dpage.get_by_role("table", name="Soft metrics")
    expect(table).to_contain_text(f"{good / (good + bad) * 100:.1f}% good (95% CI {lo * 100:.1f}%–{hi * 100:.1f}%, "
                                  f"n={good + bad})", timeout=PAGE_TIMEOUT)
    expect(table).to_contain_text(f"Cohen's κ = {kappa:.3f} on 6 items judged by several")
    dpage.locator(".pb-notes summary").first.click()
    expect(dpage.locator(".pb-notes li").filter(has_text=XSS)).to_be_visible()
    assert dpage.locator('img[src="x"]').count() == 0 and dialogs == []


def test_a_model_tested_after_the_review_marks_it_older_on_the_signoff_page(review_served, dpage):
    project = review_served.project
    dpage.goto(review_served.url("signoff.ipynb", review_served.product_token, gate="kpi_check"))
    expect(dpage.get_by_role("table", name="Soft metrics")).to_be_visible(timeout=PAGE_TIMEOUT)
    expect(dpage.locator(".pb-older-review")).to_have_count(0)
    # When a new model is tested after the review
    project.test_model({"roc_auc": 0.81, "recall_at_top_k": 0.52}, model="linear",
                       actor=Actor(name="data scientist", role="data_science"))
    sample = [e for e in project.events() if e.kind == "review_sample"][-1]
    tested = [e for e in project.events() if e.kind == "model_test"]
    reviewed = next(e for e in tested if e.seq == sample.data["model_test"]["seq"])
    # Then the sign-off page says the review is of an older model, naming both
    dpage.reload()
    expect(dpage.locator(".pb-older-review")).to_have_text(
        f"Review of an older model: judged on {reviewed.data['model']} of {reviewed.at[:10]}; "
        f"the model tested since is linear of {tested[-1].at[:10]}.", timeout=PAGE_TIMEOUT)


def test_an_xss_payload_in_a_reviewed_field_renders_as_text(review_served, dpage):
    import pandas as pd

    project = review_served.project
    tested = [e for e in project.events() if e.kind == "model_test"][-1]
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "plan": [XSS, "basic"], "score": [0.9, 0.8]})
    data = project.review_sample(model=tested.data["model"], items=frame, columns=["plan"], size=2, seed=0)
    dialogs = []
    dpage.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    dpage.goto(review_served.url("review.ipynb", review_served.shared_token, sample=data["sample_id"]))
    expect(dpage.get_by_text("your judgements are recorded as unverified")).to_be_visible(timeout=PAGE_TIMEOUT)
    dpage.get_by_role("button", name="Table").click()
    expect(dpage.get_by_role("table", name="Review items").get_by_text(XSS, exact=True)).to_be_visible(timeout=30_000)
    dpage.get_by_role("button", name="One at a time").click()
    expect(dpage.get_by_role("table", name="Item").get_by_text(XSS, exact=True)).to_be_visible(timeout=30_000)
    assert dpage.locator('img[src="x"]').count() == 0 and dialogs == []
