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

__all__ = ["esc", "text", "raw", "Html", "table", "badge", "card", "page", "STATE_COLORS", "THEMES", "CSS"]

#: Badge backgrounds; each carries white text at a contrast of at least 4.5:1 (WCAG AA) in both themes.
STATE_COLORS = {
    "approved": "#1a7f37",
    "done": "#1a7f37",
    "pending": "#9a6700",
    "todo": "#57606a",
    "stale": "#8250df",
    "lapsed": "#bc4c00",
    "changes_requested": "#cf222e",
    "rejected": "#a40e26",
    "blocked": "#cf222e",
    "passed": "#1a7f37",
    "failed": "#cf222e",
}

#: The page colours per theme (each text colour ≥ 4.5:1 on the backgrounds it sits on).
THEMES = {
    "light": {"bg": "#ffffff", "fg": "#1f2328", "muted": "#59636e", "border": "#d0d7de", "head": "#f6f8fa",
              "link": "#0969da", "add": "#dafbe1", "del": "#ffebe9", "current": "#ddf4ff", "danger": "#cf222e",
              "warn": "#9a6700", "grid": "#e6e9ec", "ref": "#4c78a8", "cur": "#e4700e"},
    "dark": {"bg": "#0d1117", "fg": "#e6edf3", "muted": "#9198a1", "border": "#3d444d", "head": "#151b23",
             "link": "#4493f8", "add": "#12261e", "del": "#25171c", "current": "#102a4c", "danger": "#ff7b72",
             "warn": "#d29922", "grid": "#262c36", "ref": "#6fa0d8", "cur": "#f0883e"},
}

#: JupyterLab's own variables that Voilà's page and the widgets read, per theme.
_JP_VARS = ("--jp-layout-color0:{bg};--jp-layout-color1:{bg};--jp-layout-color2:{head};--jp-layout-color3:{border};"
            "--jp-content-font-color0:{fg};--jp-content-font-color1:{fg};--jp-content-font-color2:{muted};"
            "--jp-content-font-color3:{muted};--jp-ui-font-color0:{fg};--jp-ui-font-color1:{fg};"
            "--jp-ui-font-color2:{muted};--jp-ui-font-color3:{muted};--jp-border-color1:{border};"
            "--jp-border-color2:{border};--jp-widgets-input-color:{fg};--jp-widgets-input-background-color:{bg};"
            "--jp-widgets-input-border-color:{border};--jp-widgets-label-color:{fg};--jp-widgets-color:{fg};"
            "--jp-content-link-color:{link};--jp-rendermime-table-row-background:{bg};"
            "--jp-rendermime-table-row-hover-background:{head};--jp-success-color1:#1a7f37;"
            "--jp-error-color1:#cf222e;--jp-warn-color1:#9a6700;--jp-brand-color1:#0969da;color-scheme:{scheme};")


def _vars(theme: str, *, jupyter: bool = True) -> str:
    c = THEMES[theme]
    own = "".join(f"--pb-{k}:{v};" for k, v in c.items())
    return own + (_JP_VARS.format(**c, scheme=theme) if jupyter else "")


#: Voilà's page around the fragments. Elsewhere (JupyterLab's window, an exported record) only the
#: fragments are coloured, after the host's light or dark theme, and the rest of the host is left alone.
_PAGE = "body[data-voila]:has(.pb)"

#: Light by default; dark with the reader's OS preference, Voilà's ``?theme=dark`` (JupyterLab Dark) or
#: ``?voila-theme=dark``; ``?voila-theme=light`` keeps a dark-preferring reader on light.
CSS = f"""
<style>
{_PAGE} {{ {_vars("light")} }}
@media (prefers-color-scheme: dark) {{ {_PAGE}:not(:has(.pb[data-theme="light"])) {{ {_vars("dark")} }} }}
{_PAGE}[data-jp-theme-light="false"], {_PAGE}:has(.pb[data-theme="dark"]) {{ {_vars("dark")} }}
{_PAGE}:has(.pb[data-theme="light"]) {{ {_vars("light")} }}
{_PAGE}, {_PAGE} .jp-Notebook, {_PAGE} .jp-Cell, {_PAGE} .jp-OutputArea-output
  {{ background: var(--pb-bg) !important; color: var(--pb-fg); }}
{_PAGE} .jp-RenderedMarkdown, {_PAGE} .jp-RenderedHTMLCommon {{ color: var(--pb-fg); }}
{_PAGE} a {{ color: var(--pb-link); }}
body:not([data-voila]) .pb {{ {_vars("light", jupyter=False)} }}
body:not([data-voila])[data-jp-theme-light="false"] .pb {{ {_vars("dark", jupyter=False)} }}
.pb {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color: var(--pb-fg);
  overflow-wrap: break-word; max-width: 100%; }}
.pb h2 {{ font-size: 20px; margin: 8px 0; }} .pb h3 {{ font-size: 16px; margin: 14px 0 6px; }}
.pb table {{ border-collapse: collapse; margin: 4px 0 10px; max-width: 100%; }}
.pb th, .pb td {{ border: 1px solid var(--pb-border); padding: 4px 8px; text-align: left !important;
  vertical-align: top; color: var(--pb-fg); }}
.pb th {{ background: var(--pb-head) !important; }} .pb th[aria-current] {{ background: var(--pb-current) !important; }}
.pb .badge {{ display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px;
  white-space: nowrap; }}
.pb .card {{ border: 1px solid var(--pb-border); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }}
.pb .muted {{ color: var(--pb-muted); }} .pb .chosen {{ background: var(--pb-add); }}
.pb .diff-add {{ background: var(--pb-add); }} .pb .diff-del {{ background: var(--pb-del); }}
.pb pre {{ white-space: pre-wrap; margin: 0; font-family: ui-monospace, monospace; font-size: 12px; }}
.pb .banner {{ padding: 8px 12px; border-radius: 6px; margin: 8px 0; color: #fff; }}
.pb svg {{ max-width: 100%; height: auto; }} .pb svg text:not([fill]) {{ fill: currentColor; }}
.pb svg line[stroke="#eee"] {{ stroke: var(--pb-grid); }}
.pb details > summary {{ cursor: pointer; font-weight: 600; margin: 6px 0; }}
.pb-danger {{ color: var(--pb-danger) !important; }} .pb-warn {{ color: var(--pb-warn) !important; }}
@media (max-width: 600px) {{
  .pb table, .pb thead, .pb tbody, .pb tr, .pb th, .pb td {{ display: block; width: auto !important; }}
  .pb thead:has(+ tbody td[data-label]) {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip-path: inset(50%); }}
  .pb tr {{ border: 1px solid var(--pb-border); border-radius: 6px; margin: 0 0 8px; }}
  .pb th, .pb td {{ border: none; border-bottom: 1px solid var(--pb-border); overflow-wrap: anywhere; }}
  .pb {{ overflow-wrap: anywhere; }}
  .pb td[data-label]:not([data-label=""])::before {{ content: attr(data-label); display: block; font-size: 12px;
    color: var(--pb-muted); }}
  {_PAGE} .jupyter-widgets, {_PAGE} .widget-box {{ max-width: 100%; min-width: 0; }}
  {_PAGE} .widget-hbox {{ flex-wrap: wrap; }}
  {_PAGE} .widget-inline-hbox .widget-input {{ min-width: 0; flex: 1 1 auto; }}
}}
</style>
"""


def _forced_theme() -> str:
    """``dark`` or ``light`` when the page was opened with ``?voila-theme=…`` (an allowlist), else empty."""
    import os
    from urllib.parse import parse_qs

    value = (parse_qs(os.environ.get("QUERY_STRING", "")).get("voila-theme") or [""])[0]
    return value if value in ("dark", "light") else ""


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
    headers = list(headers)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    body = []
    classes = list(row_classes)
    for i, row in enumerate(rows):
        cls = f' class="{esc(classes[i])}"' if i < len(classes) and classes[i] else ""
        cells = "".join(f'<td data-label="{esc(headers[j] if j < len(headers) else "")}">'
                        f"{c if isinstance(c, Html) else text(c)}</td>" for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    aria = f' aria-label="{esc(label)}"' if label else ""
    return Html(f"<table{aria}>{thead}<tbody>{''.join(body)}</tbody></table>")


def card(title: str, body: str, *, level: int = 3) -> Html:
    """A titled box; ``title`` is escaped, ``body`` must be :class:`Html`."""
    return Html(f'<div class="card"><h{level}>{esc(title)}</h{level}>{body}</div>')


def page(*parts: str) -> Html:
    """Wrap parts in the dashboard's styled container."""
    theme = _forced_theme()
    return Html(CSS + '<div class="pb"' + (f' data-theme="{theme}"' if theme else "") + ">" + "".join(parts) + "</div>")
