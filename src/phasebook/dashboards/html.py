"""Safe HTML building blocks for the dashboards.

Every piece of user-entered text goes through :func:`esc` (the one escaping
helper, :func:`phasebook.core.escape.html_text`) before it becomes HTML, so a ``<script>`` or an ``<img
onerror=…>`` typed into a plan field is shown as text and never runs. The
helpers here take *plain text* and return *HTML*; only :func:`raw` marks a
string as already-safe HTML built by these helpers.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..core.escape import html_text

__all__ = ["esc", "text", "raw", "Html", "table", "badge", "card", "page", "STATE_COLORS", "CSS"]

STATE_COLORS = {
    "approved": "#1a7f37",
    "done": "#1a7f37",
    "pending": "#9a6700",
    "todo": "#6e7781",
    "stale": "#8250df",
    "changes_requested": "#cf222e",
    "rejected": "#a40e26",
    "blocked": "#cf222e",
    "passed": "#1a7f37",
    "failed": "#cf222e",
}

CSS = """
<style>
.pb { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color: #1f2328; }
.pb h2 { font-size: 20px; margin: 8px 0; } .pb h3 { font-size: 16px; margin: 14px 0 6px; }
.pb table { border-collapse: collapse; margin: 4px 0 10px; }
.pb th, .pb td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left !important; vertical-align: top; }
.pb th { background: #f6f8fa; }
.pb .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; }
.pb .card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.pb .muted { color: #6e7781; } .pb .chosen { background: #dafbe1; }
.pb .diff-add { background: #dafbe1; } .pb .diff-del { background: #ffebe9; }
.pb pre { white-space: pre-wrap; margin: 0; font-family: ui-monospace, monospace; font-size: 12px; }
.pb .banner { padding: 8px 12px; border-radius: 6px; margin: 8px 0; color: #fff; }
</style>
"""


class Html(str):
    """A string that is already safe HTML (built by these helpers)."""


def raw(value: str) -> Html:
    """Mark ``value`` as safe HTML; use only for markup built here, never for user text."""
    return Html(value)


def esc(value: Any) -> Html:
    """Escape any value for HTML text or attribute context (``None`` → empty)."""
    if isinstance(value, Html):
        return value
    return Html(html_text(value))


def text(value: Any) -> Html:
    """Escape free text and keep its line breaks."""
    return Html(esc(value).replace("\n", "<br>"))


def badge(state: str, label: str | None = None) -> Html:
    """A coloured pill for a state (``approved``, ``stale``…)."""
    color = STATE_COLORS.get(state, "#57606a")
    return Html(f'<span class="badge" data-state="{esc(state)}" style="background:{color}">'
                f"{esc(label or state.replace('_', ' '))}</span>")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, label: str = "", row_classes: Sequence[str] = ()) -> Html:
    """An HTML table; cells are escaped unless they are :class:`Html`."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    body = []
    classes = list(row_classes)
    for i, row in enumerate(rows):
        cls = f' class="{esc(classes[i])}"' if i < len(classes) and classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c if isinstance(c, Html) else text(c)}</td>" for c in row) + "</tr>")
    aria = f' aria-label="{esc(label)}"' if label else ""
    return Html(f"<table{aria}>{thead}<tbody>{''.join(body)}</tbody></table>")


def card(title: str, body: str, *, level: int = 3) -> Html:
    """A titled box; ``title`` is escaped, ``body`` must be :class:`Html`."""
    return Html(f'<div class="card"><h{level}>{esc(title)}</h{level}>{body}</div>')


def page(*parts: str) -> Html:
    """Wrap parts in the dashboard's styled container."""
    return Html(CSS + '<div class="pb">' + "".join(parts) + "</div>")
