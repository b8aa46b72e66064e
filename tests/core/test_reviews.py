"""Soft metrics from judgements: sample size, Wilson interval, Cohen's and Fleiss' kappa, the review condition."""

from __future__ import annotations

import pytest

from phasebook.core.events import GENESIS, Actor, Event
from phasebook.core.reviews import (
    cohen_kappa, fleiss_kappa, review_condition, review_state, sample_size, summarize, wilson_interval,
)


def test_sample_size_for_ten_points_at_95_percent():
    assert sample_size(0.10, 0.95) == 97  # 1.96² · 0.25 / 0.01 = 96.04, rounded up
    assert sample_size(0.05, 0.95) == 385
    assert sample_size(0.10, 0.95, population=125) == 55  # finite-population correction
    assert sample_size(0.10, 0.95, population=20) == 17  # 96.04 / (1 + 95.04 / 20)
    with pytest.raises(ValueError, match="margin"):
        sample_size(0.0)
    with pytest.raises(ValueError, match="confidence"):
        sample_size(0.1, 1.5)


def test_wilson_interval_matches_the_published_value():
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.2775, abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_cohen_kappa_of_the_textbook_table():
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 → κ = 0.4
    pairs = [("good", "good")] * 20 + [("good", "bad")] * 5 + [("bad", "good")] * 10 + [("bad", "bad")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("good", "good")] * 3) == 1.0
    assert cohen_kappa([]) is None


def test_fleiss_kappa_of_the_textbook_table():
    # Fleiss (1971) as on Wikipedia: 10 items, 14 raters, 5 categories → κ ≈ 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    items = [[str(c) for c, n in enumerate(row) for _ in range(n)] for row in table]
    assert fleiss_kappa(items) == pytest.approx(0.210, abs=1e-3)
    assert fleiss_kappa([["good"]]) is None


_seq = iter(range(1, 10_000))


def _ev(kind, data, who="phasebook", at="2026-12-01T10:00:00Z", verified=False):
    return Event(seq=next(_seq), at=at, actor=Actor(name=who, verified=verified), kind=kind, data=data,
                 prev=GENESIS).sealed()


def _sample(test, size=3):
    return _ev("review_sample", {"sample_id": "kpi_check-1", "gate": "kpi_check", "size": size, "source": "model_test",
                                 "questions": [{"metric": "usefulness", "question": "Call?"}],
                                 "model_test": {"seq": test.seq, "hash": test.hash}})


def _judge(item, answer, who, note="", verified=True):
    return _ev("review_judgement", {"sample_id": "kpi_check-1", "item": item, "metric": "usefulness",
                                    "answer": answer, "note": note}, who, verified=verified)


def test_summary_counts_latest_answers_and_agreement():
    test = _ev("model_test", {"model": "gradient_boosting"})
    events = [test, _sample(test), _judge("a", "bad", "cs"), _judge("a", "good", "cs"), _judge("b", "bad", "cs", "loyal"),
              _judge("c", "unsure", "cs"), _judge("a", "good", "po"), _judge("b", "good", "po")]
    s = summarize(events[1].data, events)["usefulness"]
    assert (s["good"], s["bad"], s["unsure"]) == (3, 1, 1)  # cs changed their mind on a: the latest counts
    assert s["share_good"] == 0.75 and s["interval"] == wilson_interval(3, 4)
    assert s["agreement_method"] == "Cohen" and s["agreement_items"] == 2
    assert s["agreement"] == cohen_kappa([("good", "good"), ("bad", "good")])
    assert s["notes"] == {"bad": [{"item": "b", "reviewer": "cs", "note": "loyal"}]}
    assert s["complete"] is True


def test_review_condition_needs_a_complete_review_of_the_latest_model_test():
    test = _ev("model_test", {"model": "gradient_boosting"}, at="2026-12-01T09:00:00Z")
    events = [test, _sample(test, size=2)]
    assert review_condition(events, "kpi_check")[0] is False
    assert "not complete" in review_condition(events, "kpi_check")[1]
    events += [_judge("a", "good", "cs"), _judge("b", "bad", "cs")]
    assert review_condition(events, "kpi_check") == (True, "a complete review of the current model "
                                                           "(judged on gradient_boosting of 2026-12-01)")
    events.append(_ev("model_test", {"model": "linear"}, at="2026-12-03T09:00:00Z"))
    met, message = review_condition(events, "kpi_check")
    assert not met
    assert "judged on gradient_boosting of 2026-12-01; the model tested since is linear of 2026-12-03" in message
    assert review_state(events, "kpi_check")["current"] is False
    assert review_condition([], "kpi_check") == (False, "no review sample of the model's outputs has been drawn")


def test_an_unverified_judgement_under_a_verified_name_does_not_replace_it():
    test = _ev("model_test", {"model": "gradient_boosting"})
    events = [test, _sample(test, size=1)]
    events += [_judge("a", "bad", "po"), _judge("a", "good", "po", verified=False)]  # the same name, typed on a shared link
    s = summarize(events[1].data, events)["usefulness"]
    assert (s["good"], s["bad"]) == (1, 1) and s["reviewers"] == ["po", "po (unverified)"]


def test_review_events_are_described_in_one_line():
    from phasebook.core.reviews import describe_review_event

    sample = _ev("review_sample", {"sample_id": "kpi_check-1", "gate": "kpi_check", "size": 3, "model": "gbm",
                                   "source": "model_test"})
    assert describe_review_event(sample) == "review sample kpi_check-1 for kpi_check: 3 items of gbm"
    assert describe_review_event(_judge("a", "bad", "cs", "loyal")) == "judged a bad on usefulness (kpi_check-1): loyal"
