"""The portfolio page: every project under the served folder, most in need of attention first.

Served by ``phasebook serve DIR`` when DIR is a folder of projects (it holds
no ``phasebook.yaml`` itself). Read-only like the overview: in a viewer
kernel every project is opened through :class:`~.context.ViewerProject`
(its read methods only). Rows and their order come from
:func:`phasebook.project.portfolio.portfolio`; each row links to that
project's overview page.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from ..core.errors import PhasebookError
from ..core.portfolio import PortfolioRow, model_test_text
from ..project import Project, locked
from ..project.portfolio import Portfolio, portfolio
from .context import ViewerProject, server_root, viewer
from .html import Html, badge, esc, page, raw, table
from .overview import display_parts

__all__ = ["portfolio_parts", "portfolio_page", "overview_link", "ATTENTION_BADGES"]

#: the badge colour (a state of :data:`~.html.STATE_COLORS`) and words of each level of attention
ATTENTION_BADGES = {
    "unreadable": ("rejected", "cannot be read"),
    "overrun": ("changes_requested", "timebox overrun"),
    "waiting": ("pending", "waiting for sign-off"),
    "alerting": ("lapsed", "monitoring alert"),
    "failing": ("failed", "misses a target"),
    "on_track": ("todo", "on track"),
    "finished": ("done", "finished"),
}


def overview_link(row: PortfolioRow) -> Html:
    """A link from the portfolio page (``<root>/workbooks/dashboards/``) to the row's overview page."""
    parts = [] if row.path == "." else [quote(p, safe="") for p in row.path.split("/")]
    href = "../../" + "/".join([*parts, "workbooks", "dashboards", "overview.ipynb"])
    return raw(f'<a href="{esc(href)}" target="_self">{esc(row.name)}</a><br><span class="muted">{esc(row.path)}</span>')


def _waiting(row: PortfolioRow) -> str:
    return "; ".join(f"{w.step} {w.title}: {', '.join(r.replace('_', ' ') for r in w.roles)}" for w in row.waiting)


def portfolio_table(pf: Portfolio) -> Html:
    """One row per project: needs (attention and why), phase, gates waiting and on whom, days in phase,
    timebox, latest model test, monitoring."""
    rows, classes = [], []
    for r in pf.rows:
        state, words = ATTENTION_BADGES.get(r.attention, ("todo", r.attention))
        needs = raw(f'{badge(state, words)}<br>{esc(r.reason)}')
        rows.append((overview_link(r), needs, r.phase_title, _waiting(r) or "—",
                     "" if r.days_in_phase is None else str(r.days_in_phase), r.timebox.text,
                     model_test_text(r.model_test), r.alert or r.monitoring))
        classes.append(f"attention-{r.attention}")
    return table(["Project", "Needs", "Phase", "Gates waiting on", "Days in phase", "Timebox", "Latest model test",
                  "Monitoring"], rows, label="Projects", row_classes=classes)


def portfolio_parts(root: str | os.PathLike) -> list[Html]:
    """The page as HTML fragments, in display order."""
    who = viewer()
    opener = (lambda folder: ViewerProject(Project.open(folder), who)) if locked() else None
    pf = portfolio(root, opener=opener)
    head = raw(f"<h2>Projects in {esc(Path(pf.root).name)}</h2>"
               f'<p class="muted">{len(pf.rows)} project{"s" if len(pf.rows) != 1 else ""}, most in need of '
               f"attention first (overrun timeboxes, then sign-offs waiting, then monitoring alerts) · "
               f"{esc(pf.at[:16].replace('T', ' '))} UTC</p>")
    body = portfolio_table(pf) if pf.rows else raw('<p class="muted">No phasebook project in this folder.</p>')
    more = raw('<p class="muted">Only the first projects are listed: serve a smaller folder to see the rest.</p>') \
        if pf.truncated else raw("")
    return [page(head, body, more)]


def portfolio_page(portfolio_dir: str = "") -> None:
    """Display the portfolio of the served folder (or ``portfolio_dir``, or the folder two levels above the notebook)."""
    root = server_root() or (Path(portfolio_dir) if portfolio_dir else Path.cwd().resolve().parents[1])
    try:
        parts = portfolio_parts(root)
    except PhasebookError as exc:
        parts = [page(f'<div role="alert">{esc(exc.message)}</div>')]
    display_parts(parts)
