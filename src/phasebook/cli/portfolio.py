"""``phasebook status --all DIR``: every project under DIR, most in need of attention first.

A separate branch of ``status`` (the one-project status is untouched): the
rows and their order come from :func:`phasebook.project.portfolio.portfolio`
(rules in :mod:`phasebook.core.portfolio`); this module only prints them.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from ..core.named_errors import NoProjectsFoundError
from ..core.portfolio import model_test_text
from .app import console, print_json

__all__ = ["status_all"]


def status_all(folder: Path, as_json: bool) -> None:
    """Print the portfolio of ``folder`` (a table, or JSON with ``as_json``).

    Raises:
        BadInputError: ``folder`` is not a folder or holds no project.
    """
    from ..project.portfolio import portfolio

    pf = portfolio(folder)
    if not pf.rows:
        raise NoProjectsFoundError(folder=str(folder))
    if as_json:
        print_json(pf.to_json())
        return
    console.print(f"Projects in {pf.root}, most in need of attention first:", markup=False, soft_wrap=True)
    for n, r in enumerate(pf.rows, 1):  # plan text (names, findings) is printed plain, never as console markup
        days = "" if r.days_in_phase is None else f", {r.days_in_phase} day{'s' if r.days_in_phase != 1 else ''} in phase"
        console.print(Text.assemble(f"{n}. ", (r.name, "bold"), f" ({r.path}) — {r.phase_title or 'unreadable'}{days}"),
                      soft_wrap=True)
        console.print(Text(f"   {r.attention.replace('_', ' ')}: {r.reason}"), soft_wrap=True)
        if not r.error:
            console.print(Text(f"   timebox: {r.timebox.text} · {model_test_text(r.model_test)} · monitoring: "
                               f"{r.alert or r.monitoring}"), soft_wrap=True)
    if pf.truncated:
        console.print(f"Only the first {len(pf.rows)} projects are listed; give a smaller folder to see the rest.",
                      markup=False)
