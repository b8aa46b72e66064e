"""The red "journal integrity check failed" banner every read-only page shows when the journal fails its check.

Pages keep showing what they can (the record is evidence, even damaged),
but say plainly that it cannot be trusted as it is, and why; decisions are
refused by :class:`~phasebook.Project` itself.
"""

from __future__ import annotations

from ..project import Project
from .html import Html, esc, raw

__all__ = ["integrity_banner", "BANNER_TITLE"]

BANNER_TITLE = "journal integrity check failed"


def integrity_banner(project: Project) -> Html:
    """The banner (empty when the journal passes its check)."""
    report = project.integrity()
    if report.ok:
        return raw("")
    return raw(f'<div class="banner pb-integrity" role="alert" style="background:#cf222e">'
               f"<b>{BANNER_TITLE.capitalize()}</b> — {esc(report.message())} "
               "Decisions cannot be recorded until it is repaired.</div>")
