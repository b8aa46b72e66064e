""""What needs me" first: who is signed in and what waits for them, with one button each; the step legend.

Renders :meth:`Project.waiting_for` (the rule is
:func:`phasebook.core.attention.waiting_for`); decides nothing. The overview
and every sign-off page open with :func:`waiting_card`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..core.attention import WaitingItem
from .html import STATE_COLORS, Html, badge, esc, raw

__all__ = ["waiting_card", "signoff_href", "step_legend", "LEGEND"]

#: the step and gate colours, in words (badge state → meaning)
LEGEND = (
    ("done", "done"),
    ("todo", "to do (or a phase not reached yet)"),
    ("approved", "gate approved"),
    ("pending", "gate waiting for sign-off"),
    ("stale", "approval stale: content changed since"),
    ("changes_requested", "changes requested"),
    ("rejected", "rejected"),
)


def signoff_href(gate: str, project_param: str = "") -> str:
    """The sign-off page of ``gate`` (relative to the dashboards folder), keeping ``?project=``."""
    return "signoff.ipynb?" + urlencode({**({"project": project_param} if project_param else {}), "gate": gate})


def _button(item: WaitingItem, project_param: str) -> str:
    label = {"resign": "Sign again", "sign": "Sign", "delegated": "Sign", "finding": "Open"}[item.kind]
    href = signoff_href(item.gate, project_param)
    # target=_self: a link in a notebook output opens a new tab unless it says otherwise
    return (f'<a class="pb-button" role="button" target="_self" href="{esc(href)}" data-gate="{esc(item.gate)}" '
            f'data-kind="{esc(item.kind)}" style="display:inline-block;padding:2px 12px;border-radius:6px;'
            f'background:#1f6feb;color:#fff;text-decoration:none;margin-left:8px">{esc(label)}</a>')


def waiting_card(who, items: list[WaitingItem] | None, project_param: str = "", *, current_gate: str | None = None) -> Html:
    """Who is signed in and what waits for them (``items``; None when the server identifies nobody).

    ``current_gate``: on a sign-off page, the gate shown (its item gets no button: the page is already there).
    """
    if not getattr(who, "verified", False) or items is None:
        return raw('<section class="card pb-waiting" aria-label="Waiting for you"><p>Not signed in personally: '
                   "this link is shared, so nothing is listed for you. Open your personal link to see what waits "
                   "for you and to sign.</p></section>")
    role = f" ({esc(who.role.replace('_', ' '))})" if who.role else ""
    head = f"<p>Signed in as <b>{esc(who.name)}</b>{role}"
    if not items:
        return raw(f'<section class="card pb-waiting" aria-label="Waiting for you">{head} · nothing waits for you.'
                   "</p></section>")
    rows = []
    for item in items:
        here = item.gate == current_gate and item.kind != "finding"
        action = ' <span class="muted">(this page)</span>' if here else _button(item, project_param)
        state = "stale" if item.kind == "resign" else "failed" if item.overdue else "pending"
        rows.append(f'<li data-waiting="{esc(item.kind)}">{badge(state, item.kind if item.kind != "resign" else "sign again")} '
                    f"{esc(item.text)}{action}</li>")
    return raw(f'<section class="card pb-waiting" aria-label="Waiting for you">{head} · waiting for you:</p>'
               f'<ul class="pb-waiting-list">{"".join(rows)}</ul></section>')


def step_legend() -> Html:
    """What each step and gate colour means."""
    items = " ".join(f'<span class="pb-legend-item">{badge(state, words)}</span>'
                     for state, words in LEGEND if state in STATE_COLORS)
    return raw(f'<p class="pb-legend muted" aria-label="Legend">{items}</p>')
