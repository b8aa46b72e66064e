"""The soft metrics measured from people's judgements, as HTML (review page, sign-off page, overview).

Renders :func:`phasebook.core.reviews.review_state`: per soft metric the share
judged good with its interval, the agreement between reviewers, the notes
grouped by answer, and whether the review is of the model tested since (an
older review says so). Every reviewed value and note goes through
:func:`~phasebook.dashboards.html.esc`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..core.reviews import describe_sample, pct, share_text
from .html import Html, card, esc, raw, table

__all__ = ["soft_metrics_card", "pct", "share_text", "review_url", "review_parts", "soft_metrics_overview"]



def _agreement(m: dict[str, Any]) -> str:
    if m["agreement"] is None:
        return "one reviewer per item so far"
    return f"{m['agreement_method']}'s κ = {m['agreement']:.3f} on {m['agreement_items']} items judged by several"


def soft_metrics_card(state: dict[str, Any] | None, *, title: str = "Soft metrics, judged by people",
                      review_link: str = "") -> Html:
    """The card: the sample, a table per soft metric, the notes grouped; an 'older model' banner when it is."""
    if state is None:
        return card(title, raw('<p class="muted">No review sample has been drawn: nobody has judged the model\'s '
                               "actual outputs yet.</p>"))
    sample = state["sample"]
    parts = []
    if not state["current"]:
        parts.append(f'<div class="banner pb-older-review" role="alert" style="background:#8250df">'
                     f"Review of an older model: {esc(state['older_note'])}.</div>")
    parts.append(f'<p class="muted">{esc(describe_sample(sample))}</p>')
    if review_link:
        parts.append(f'<p><a href="{esc(review_link)}">Open the review page</a></p>')
    rows = [(m["metric"], m["question"], share_text(m), f"{m['good']} / {m['bad']} / {m['unsure']}",
             f"{m['items_judged']} of {m['size']}", ", ".join(m["reviewers"]), _agreement(m),
             "complete" if m["complete"] else "in progress")
            for m in state["summary"].values()]
    parts.append(table(["Soft metric", "Question", "Share judged good", "Good / bad / unsure", "Items judged",
                        "Reviewers", "Agreement", "Review"], rows, label="Soft metrics"))
    for m in state["summary"].values():
        for answer, notes in m["notes"].items():
            body = "".join(f"<li><b>{esc(n['item'])}</b> ({esc(n['reviewer'])}): {esc(n['note'])}</li>" for n in notes)
            parts.append(f'<details class="pb-notes"><summary>{esc(m["metric"])}: notes on items judged '
                         f"{esc(answer)} ({len(notes)})</summary><ul>{body}</ul></details>")
    return card(title, raw("".join(parts)))


def review_url(sample_id: str, project_param: str = "") -> str:
    """The review page's URL relative to the dashboards folder."""
    query = {"sample": sample_id, **({"project": project_param} if project_param else {})}
    return "review.ipynb?" + urlencode(query)


def review_parts(project: Any, gate: str, project_param: str = "") -> list[Html]:
    """The soft-metrics card for a KPI-check gate's page (nothing for other gates)."""
    from ..core.reviews import review_condition, review_gates

    if gate not in review_gates(project.flow):
        return []

    state = project.review_state(gate)
    link = review_url(state["sample"]["sample_id"], project_param) if state else ""
    parts = [soft_metrics_card(state, review_link=link)]
    if any(c.kind == "current_review" for c in project.flow.gate(gate).conditions):  # the gate's policy
        met, why = review_condition(project.events(), gate)
        parts.insert(0, raw(f'<p class="pb-review-policy" role="{"status" if met else "alert"}"><b>This gate requires '
                            f"a complete review of the current model's outputs:</b> "
                            f"{'met' if met else 'not met'} — {esc(why)}.</p>"))
    return parts


def soft_metrics_overview(project: Any, project_param: str = "") -> Html:
    """The overview's soft-metrics cards: the KPI check's review, and the post-deployment one once drawn."""
    from ..core.reviews import review_gates

    out = ""
    gates = review_gates(project.flow)
    for gate in gates:
        state = project.review_state(gate)
        if state is None and gate != gates[0]:
            continue
        link = review_url(state["sample"]["sample_id"], project_param) if state else ""
        out += soft_metrics_card(state, title=f"Soft metrics judged by people ({project.flow.gate(gate).step} "
                                              f"{project.flow.gate(gate).title})", review_link=link)
    return raw(out)
