"""``phasebook export``: the sign-off record as one static HTML file (or a PDF of it).

The HTML is self-contained (no server, no CDN, no script) and embeds the
journal entries it shows, so ``phasebook verify --bundle FILE`` can check it
anywhere. A PDF is rendered from the same HTML by WeasyPrint (the ``pdf``
extra), or by headless Chromium when WeasyPrint is not installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import click

from .app import cli, console, open_project
from ..core.named_errors import InvalidValueError, MissingDependencyError, MissingFolderError

__all__ = ["export", "write_pdf"]


def write_pdf(html: str, out: Path) -> str:
    """Render ``html`` to ``out`` as PDF; return which engine did it (``weasyprint`` or ``chromium``)."""
    try:
        from weasyprint import HTML
    except ImportError:
        HTML = None
    if HTML is not None:
        HTML(string=html).write_pdf(str(out))
        return "weasyprint"
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise MissingDependencyError(feature="A PDF", package="WeasyPrint or Chromium", install="pip install 'phasebook[pdf]'",
            instead="Export to .html instead, or install one of them")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "record.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return "chromium"


@cli.command()
@click.option("--gate", default=None, help="Only this gate (default: every gate).")
@click.option("--as-of", "as_of", type=int, default=None, metavar="ENTRY",
              help="The record as of this journal entry (default: the latest).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="FILE.html, FILE.pdf, or a folder (the HTML is written into it).")
@click.pass_context
def export(ctx: click.Context, gate: str | None, as_of: int | None, out: Path) -> None:
    """Write the sign-off record: a self-contained HTML page (or PDF) that verifies without the project."""
    from ..dashboards.record import build_bundle, render_record

    project = open_project(ctx)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        bundle = build_bundle(project, gate, as_of, exported_at=now)
    except ValueError as exc:
        raise InvalidValueError(what="The entry to export as of", value=as_of, expected=f"an entry of the journal ({exc}); "
            "pick one from `phasebook history`") from None
    html = render_record(bundle)
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        if out.exists() and not out.is_dir():
            raise InvalidValueError(what="--out", value=str(out), expected="a folder, or a .html or .pdf file name")
        out.mkdir(parents=True, exist_ok=True)
        out = out / f"{project.name}-{gate or 'record'}-{bundle['meta']['as_of']}.html"
    if not out.parent.is_dir():
        raise MissingFolderError(path=str(out.parent), what="--out")
    tmp = out.with_name(f".{out.name}.tmp")
    if out.suffix.lower() == ".pdf":
        engine = write_pdf(html, tmp)
        os.replace(tmp, out)
        console.print(f"Wrote {out} (PDF by {engine}; entries 1–{bundle['meta']['as_of']}). The HTML export is the one "
                      "that verifies with `phasebook verify --bundle`.", markup=False, highlight=False, soft_wrap=True)
        return
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    console.print(f"Wrote {out} (entries 1–{bundle['meta']['as_of']}, {len(bundle['keys'])} signing key(s)). "
                  f"Check it anywhere with `phasebook verify --bundle {out}`.", markup=False, highlight=False, soft_wrap=True)
