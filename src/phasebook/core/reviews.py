"""Soft metrics measured from people's judgements of a sample of real outputs (steps 3.4 and 4.3).

Pure functions, no I/O:

* :func:`sample_size` — how many items a review needs for the precision the
  soft metric asks (±10 points at 95% → 97 items; fewer from a small population);
* :func:`wilson_interval` — the confidence interval of the share judged good;
* :func:`cohen_kappa` (two reviewers) and :func:`fleiss_kappa` (more) — agreement
  on the items several people judged;
* :func:`summarize` — per soft metric of one sample: good / bad / unsure counts,
  the share judged good and its interval, agreement, the notes grouped by answer;
* :func:`review_state` and :func:`review_condition` — whether the gate's review is
  complete and of the model the gate approves now (its latest model test).

Counting rules: the latest answer of each reviewer on each item counts; the share
judged good is counted per judgement (reviewer × item) over good + bad answers
(``unsure`` is left out of the share and reported); agreement uses the items
judged by at least two reviewers, all three answers as categories.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .events import Event

if TYPE_CHECKING:  # pragma: no cover
    from .modeltests import ModelTests

__all__ = [
    "review_gates",
    "ANSWERS", "reviewer_of", "sample_size", "wilson_interval", "cohen_kappa", "fleiss_kappa", "latest_judgements",
    "summarize", "review_state", "review_condition", "samples_of", "precision_text", "describe_sample", "pct", "share_text", "describe_review_event", "describe_review_data",
]

ANSWERS: tuple[str, ...] = ("good", "bad", "unsure")


def review_gates(flow: Any) -> tuple[str, ...]:
    """The gates at which people judge a sample of real outputs: those covering the ``kpi_review``
    section (in the default flow 3.4 and 4.3), in flow order."""
    return tuple(g.name for g in flow.gates if any(p.split(".")[0] == "kpi_review" for p in g.covers))


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def sample_size(margin: float = 0.10, confidence: float = 0.95, *, population: int | None = None,
                expected: float = 0.5) -> int:
    """Items needed to estimate a share within ``±margin`` at ``confidence``.

    ``n0 = z² p(1-p) / margin²`` rounded up (p = ``expected``, 0.5 is the worst
    case), with the finite-population correction ``n0 / (1 + (n0 - 1) / N)``
    when the outputs to judge number only ``population``.

    Raises:
        ValueError: a margin outside (0, 0.5], a confidence outside (0, 1), a population below 1.
    """
    if not 0 < margin <= 0.5:
        raise ValueError(f"margin must be between 0 and 0.5 (0.10 is ±10 points), not {margin!r}")
    if not 0 < expected < 1:
        raise ValueError(f"expected share must be between 0 and 1, not {expected!r}")
    n0 = _z(confidence) ** 2 * expected * (1 - expected) / margin ** 2
    if population is not None:
        if population < 1:
            raise ValueError(f"population must be at least 1, not {population!r}")
        return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))
    return math.ceil(n0)


def wilson_interval(good: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval of the share ``good / n`` (None when ``n`` is 0)."""
    if n <= 0:
        return None
    z = _z(confidence)
    p = good / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two reviewers' answers on the same items (None without items; 1.0 if chance agreement is 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in set(first) | set(second)) / (n * n)
    if expected == 1:
        return 1.0
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa over items each judged by two or more reviewers (raters per item may vary).

    ``items`` holds, per item, the answers given. Items with fewer than two answers are ignored.
    """
    rated = [list(a) for a in items if len(a) >= 2]
    if not rated:
        return None
    total = sum(len(a) for a in rated)
    share = Counter(x for a in rated for x in a)
    p_e = sum((c / total) ** 2 for c in share.values())
    p_i = [(sum(v * v for v in Counter(a).values()) - len(a)) / (len(a) * (len(a) - 1)) for a in rated]
    p_bar = sum(p_i) / len(p_i)
    if p_e == 1:
        return 1.0
    return (p_bar - p_e) / (1 - p_e)


def reviewer_of(e: Event) -> str:
    """Who judged: the name, marked when the server did not vouch for it.

    An unverified judgement under a verified reviewer's name is another reviewer:
    it never replaces the verified person's answer.
    """
    return e.actor.name if e.actor.verified else f"{e.actor.name} (unverified)"


def latest_judgements(events: Iterable[Event], sample_id: str) -> dict[tuple[str, str, str], Event]:
    """``(metric, item, reviewer) → the reviewer's latest review_judgement`` of one sample (see :func:`reviewer_of`)."""
    out: dict[tuple[str, str, str], Event] = {}
    for e in events:
        if e.kind == "review_judgement" and e.data.get("sample_id") == sample_id:
            out[(str(e.data.get("metric")), str(e.data.get("item")), reviewer_of(e))] = e
    return out


def summarize(sample: dict[str, Any], events: Iterable[Event], confidence: float = 0.95) -> dict[str, dict[str, Any]]:
    """Per soft metric of ``sample`` (its ``review_sample`` data): counts, share good, interval, agreement, notes."""
    latest = latest_judgements(events, str(sample["sample_id"]))
    size = int(sample.get("size") or 0)
    out: dict[str, dict[str, Any]] = {}
    for q in sample.get("questions", []):
        metric = str(q["metric"])
        mine = {k: e for k, e in latest.items() if k[0] == metric}
        counts = Counter(str(e.data.get("answer")) for e in mine.values())
        decisive = counts["good"] + counts["bad"]
        by_item: dict[str, dict[str, str]] = defaultdict(dict)
        for (_, item, who), e in mine.items():
            by_item[item][who] = str(e.data.get("answer"))
        reviewers = sorted({who for (_, _, who) in mine})
        multi = [answers for answers in by_item.values() if len(answers) >= 2]
        if len(reviewers) == 2:
            a, b = reviewers
            kappa, method = cohen_kappa([(x[a], x[b]) for x in multi]), "Cohen"
        else:
            kappa, method = fleiss_kappa([list(x.values()) for x in multi]), "Fleiss"
        notes: dict[str, list[dict[str, str]]] = {a: [] for a in ANSWERS}
        for (_, item, who), e in sorted(mine.items(), key=lambda kv: kv[1].seq):
            note = str(e.data.get("note") or "").strip()
            if note:
                notes.setdefault(str(e.data.get("answer")), []).append({"item": item, "reviewer": who, "note": note})
        out[metric] = {
            "metric": metric, "question": q.get("question", ""), "good": counts["good"], "bad": counts["bad"],
            "unsure": counts["unsure"], "judgements": sum(counts.values()), "items_judged": len(by_item),
            "size": size, "reviewers": reviewers, "share_good": (counts["good"] / decisive) if decisive else None,
            "interval": wilson_interval(counts["good"], decisive, confidence), "confidence": confidence,
            "agreement": kappa, "agreement_method": method if kappa is not None else None,
            "agreement_items": len(multi), "notes": {k: v for k, v in notes.items() if v},
            "complete": size > 0 and len(by_item) >= size,
        }
    return out


def sample_test(sample: Event) -> Any:
    """The seq of the model test a ``review_sample`` was drawn from (None: none named)."""
    return (sample.data.get("model_test") or {}).get("seq")


def samples_of(events: Iterable[Event], gate: str) -> list[Event]:
    """The ``review_sample`` events drawn for ``gate``, oldest first."""
    return [e for e in events if e.kind == "review_sample" and e.data.get("gate") == gate]


def _tested(brief: list[Any] | None) -> str:
    """``[model, at]`` of a model test (:meth:`~.modeltests.ModelTests.brief`) as people read it."""
    if brief is None:
        return "an unknown model"
    return f"{brief[0]} of {brief[1][:10]}"


def review_state(events: Sequence[Event], gate: str, tests: "ModelTests | None" = None) -> dict[str, Any] | None:
    """The latest review of ``gate``: its sample, summary, completeness, and whether it is of the current model.

    A review is *current* while no model test was recorded after its sample was drawn (the
    sample is of the best model of the tests before it), *older* once a model was tested since.
    Production samples (``source: production``) are judged on what runs, not on a test. None when
    no sample exists. ``tests`` (default: gathered from ``events``) is what the fold already gathered.
    """
    samples = samples_of(events, gate)
    if not samples:
        return None
    sample = samples[-1]
    if tests is None:
        from .modeltests import ModelTests

        tests = ModelTests.of(events, None)
    latest = tests.latest
    since = latest is not None and latest.seq > sample.seq
    production = sample.data.get("source") == "production"
    current = production or not since
    summary = summarize(sample.data, events)
    complete = bool(summary) and all(m["complete"] for m in summary.values())
    judged = f"judged on {_tested(tests.brief(sample_test(sample)))}" if not production else "judged on production outputs"
    note = "" if current else f"{judged}; the model tested since is {_tested(tests.brief(latest.seq))}"  # type: ignore[union-attr]
    return {"sample": {"seq": sample.seq, "at": sample.at, **sample.data}, "summary": summary, "complete": complete,
            "current": current, "older_note": note, "judged_on": judged}


def review_condition(events: Sequence[Event], gate: str, tests: "ModelTests | None" = None) -> tuple[bool, str]:
    """Is there a complete review of the model the gate approves now? ``(met, message)``."""
    state = review_state(events, gate, tests)
    if state is None:
        return False, "no review sample of the model's outputs has been drawn"
    if not state["current"]:
        return False, f"the review is of an older model ({state['older_note']})"
    if not state["complete"]:
        left = {m: s["size"] - s["items_judged"] for m, s in state["summary"].items() if not s["complete"]}
        what = ", ".join(f"{n} items of {m}" for m, n in left.items()) or "no soft metric question"
        return False, f"the review of the current model is not complete ({what} still to judge)"
    return True, f"a complete review of the current model ({state['judged_on']})"


def precision_text(drawn: dict[str, Any], size: int) -> str:
    """Why the sample has this many items, in words (the page and the notebook say it)."""
    margin, conf = float(drawn.get("margin", 0.1)), float(drawn.get("confidence", 0.95))
    population = drawn.get("population")
    needed = drawn.get("needed_for_margin")
    large = sample_size(margin, conf)
    text = (f"{needed} items estimate the share judged good within ±{margin * 100:g} points at {conf * 100:g}% "
            f"confidence ({large} for a large population")
    text += f"; {population} outputs to choose from)." if population is not None else ")."
    if needed is not None and size < needed:
        text += f" This sample has {size}: its interval will be wider."
    return text


def describe_sample(data: dict[str, Any]) -> str:
    """One paragraph describing a journaled ``review_sample`` (plain text)."""
    drawn = data.get("drawn", {})
    how = drawn.get("method", "random")
    if drawn.get("strata"):
        strata = drawn["strata"]
        how += " by " + (", ".join(strata) if isinstance(strata, list) else str(strata))
    of = f"outputs of {data.get('model')}" if data.get("source") != "production" else "production outputs"
    cols = ", ".join(data.get("columns") or []) or "none (the id and the output only)"
    return (f"Review sample {data['sample_id']}: {data['size']} {of} ({how}, seed {drawn.get('seed')}) "
            f"for {data.get('gate')}. {precision_text(drawn, int(data['size']))} Columns shown: {cols}. "
            f"Reviewers open workbooks/dashboards/review.ipynb?sample={data['sample_id']}.")


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal ("—" when unknown)."""
    return "—" if x is None else f"{x * 100:.1f}%"


def share_text(m: dict[str, Any]) -> str:
    """"71.4% good (95% CI 45.4%–88.3%, n=14)" for one metric's summary."""
    if m["share_good"] is None:
        return "not judged yet"
    lo, hi = m["interval"]
    n = m["good"] + m["bad"]
    return f"{pct(m['share_good'])} good ({m['confidence'] * 100:g}% CI {pct(lo)}–{pct(hi)}, n={n})"


def describe_review_event(e: Event) -> str:
    """A one-line description of a ``review_sample`` or ``review_judgement`` entry (history, logs)."""
    return describe_review_data(e.kind, e.data)


def describe_review_data(kind: str, d: dict[str, Any]) -> str:
    """:func:`describe_review_event` from an entry's kind and data."""
    if kind == "review_sample":
        of = d.get("model") if d.get("source") != "production" else "production outputs"
        return f"review sample {d.get('sample_id')} for {d.get('gate')}: {d.get('size')} items of {of}"
    note = f": {d['note']}" if d.get("note") else ""
    return f"judged {d.get('item')} {d.get('answer')} on {d.get('metric')} ({d.get('sample_id')}){note}"
