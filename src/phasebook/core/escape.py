"""Plan text is never markup: the one place user text is escaped or sanitized.

Everything a person typed (a project name, a need statement, a literature
title, a source name, a drift summary…) is *text*. Whatever renders it —
HTML dashboards and reports, Markdown cells in the phase notebooks,
widget previews, rich's console markup in the CLI — goes through one of
these functions first:

* :func:`html_text` — text inside HTML (element content or a quoted attribute);
* :func:`md_text` / :func:`md_code` — text inside Markdown a notebook displays
  (JupyterLab *trusts* the outputs of cells it just ran, so its sanitizer
  does not protect them);
* :func:`rich_text` — text inside a rich console markup string;
* :func:`markdown_html` — a person's *markdown* (long text fields) rendered to
  HTML by CommonMark with raw HTML off, then cleaned by ``nh3`` (a maintained
  sanitizer): ``https://`` links stay clickable, ``javascript:`` ones do not.
* :func:`excerpt` — a bounded, printable excerpt of any value for an error
  message (never a full ``repr``: a YAML alias bomb would expand).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["html_text", "md_text", "md_code", "rich_text", "markdown_html", "excerpt", "LINK_SCHEMES"]

#: URL schemes a sanitized link may keep.
LINK_SCHEMES = {"https", "http", "mailto"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~])")
_RICH_TAG = re.compile(r"(\\*)(\[[a-zA-Z#/@].*?\])")


def html_text(value: Any) -> str:
    """``value`` as text safe inside HTML content or a quoted attribute (``None`` → ``""``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:g}"
    import html  # not at import: html.entities is large, and the terminal never escapes HTML

    return html.escape(str(value), quote=True)


def md_text(value: Any) -> str:
    """``value`` as literal text inside Markdown: no tags, no emphasis, no links, no headings.

    HTML-escapes ``<``, ``>``, ``&`` and quotes, backslash-escapes Markdown
    punctuation, and turns line breaks into ``<br>``.
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", html_text(value))
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def md_code(value: Any) -> str:
    """``value`` shown as inline code inside Markdown (an HTML ``<code>`` element, so backticks cannot end it)."""
    return f"<code>{html_text(value)}</code>"


def rich_text(value: Any) -> str:
    """``value`` as literal text inside a rich markup string (``[bold]`` stays visible)."""
    return _RICH_TAG.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), "" if value is None else str(value))


def markdown_html(text: str | None) -> str:
    """A person's markdown as sanitized HTML (CommonMark, raw HTML off, then ``nh3``)."""
    import nh3
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": False, "linkify": False}).render(text or "")
    return nh3.clean(rendered, url_schemes=LINK_SCHEMES, link_rel="noopener noreferrer nofollow")


def excerpt(value: Any, limit: int = 60) -> str:
    """A short printable description of ``value``: at most ``limit`` characters, containers summarized.

    Never walks a container (a YAML alias bomb shares nodes: walking it
    expands them), never converts a huge integer to decimal.
    """
    if isinstance(value, dict):
        return f"a mapping of {len(value)} keys"
    if isinstance(value, (list, tuple, set)):
        return f"a list of {len(value)} items"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 200:
            return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
        value = str(value)
    elif not isinstance(value, str):
        value = str(value)[: limit * 2]
    text = repr(value[: limit + 1])
    return text if len(value) <= limit else text[: limit] + "…'" + f" ({len(value):,} characters)"
