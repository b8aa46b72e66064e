"""``phasebook data check|profile|drift``: data sources, exploration profiles, covariate shift.

Inside a project, names refer to the plan's data sources, checks and drift
checks are journaled, and drift thresholds come from the plan's
``monitoring`` section; outside one, paths work and nothing is journaled.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from ..core.escape import rich_text
from ..core.errors import ProjectNotFoundError
from .app import cli, console, open_project, print_json
from .render import Table
from ..core.errors import MissingInputError

_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
_html_option = click.option(
    "--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Also write a stand-alone HTML report with the charts to this file (one file: opens offline, shares as is).",
)


@cli.group("data", cls=type(cli))
def data() -> None:
    """Data sources (step 1.3), exploration profiles (2.1) and drift checks (4.1)."""
    from ..data.cpu import prefer_avx2_sort

    prefer_avx2_sort()  # before anything imports NumPy: on AMD Zen 4 its sorts run 4-5x faster


def _project_or_none(ctx: click.Context):
    try:
        return open_project(ctx)
    except ProjectNotFoundError:
        return None


def typed_path(project, value: str | None) -> str | None:
    """A data argument as the data layer takes it: paths typed on the command line start at the current folder.

    The plan's paths (and the data layer's) are relative to the project
    folder, so a relative path the user typed is rewritten relative to the
    project root (absolute when it lies outside the project). Data-source
    names, URLs and absolute paths pass unchanged.
    """
    if project is None or not value or "://" in value or Path(value).expanduser().is_absolute():
        return value
    if value in {s.name for s in project.sections.data_sources.items}:
        return value
    here = Path(os.path.realpath(os.getcwd()))
    looks_like_path = "/" in value or os.sep in value or Path(value).suffix or any(c in value for c in "*?[")
    if not looks_like_path and not (here / value).exists():
        return value  # a (mistyped) source name: the data layer lists the plan's sources
    full = Path(os.path.normpath(here / value))
    try:
        return full.relative_to(project.root).as_posix()
    except ValueError:
        return str(full)


def _write_html(path: Path, text: str) -> None:
    """Write atomically (a temporary file in the same folder, then a rename), readable by all (0644)."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # a report is for people to keep and share (mkstemp makes it 0600)
    os.replace(tmp, path)
    click.echo(f"HTML report written to {path}", err=True)  # stdout stays valid JSON under --json


@data.command("check")
@click.argument("name", required=False)
@_json_option
@click.pass_context
def check(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Check that data source NAME (default: every source of the plan) can be read; journal the result.

    Exits 1 when a source is unreachable.
    """
    project = open_project(ctx)
    names = [name] if name else [s.name for s in project.sections.data_sources.items]
    if not names:
        raise MissingInputError(what="the data sources", where="the plan lists none yet; add them in the data_sources section (step 1.3)")
    results = [project.check_source(n) for n in names]
    if as_json:
        print_json(results[0].model_dump(mode="json") if name else [r.model_dump(mode="json") for r in results])
    else:
        t = Table(title="Data sources")
        t.add_column("source", no_wrap=True)
        t.add_column("reachable", overflow="fold")
        for col in ("rows", "columns", "size"):
            t.add_column(col, no_wrap=True, justify="right")
        t.add_column("modified (UTC)", no_wrap=True)
        for r in results:
            t.add_row(
                rich_text(r.name), "yes" if r.reachable else f"[red]no[/]: {rich_text(r.reason)}",
                "-" if r.rows is None else f"{r.rows:,}", str(len(r.columns)),
                "-" if r.size_bytes is None else f"{r.size_bytes / 1e6:.1f} MB", (r.last_modified or "-")[:16].replace("T", " "),
            )
        console.print(t)
    if not all(r.reachable for r in results):
        ctx.exit(1)


@data.command("profile")
@click.argument("name_or_path")
@click.option("--target", default=None, help="A numeric or 0/1 column (the KPI's label) to relate every column to.")
@_html_option
@_json_option
@click.pass_context
def profile(ctx: click.Context, name_or_path: str, target: str | None, html_out: Path | None, as_json: bool) -> None:
    """Profile NAME_OR_PATH: a data source of the plan, or a Parquet / CSV / JSON-lines path or glob."""
    project = _project_or_none(ctx)
    if project is not None:
        prof = project.profile(typed_path(project, name_or_path), target=target)
    else:
        from ..data.profile import profile as run_profile

        prof = run_profile(name_or_path, target=target)
    if html_out is not None:
        _write_html(html_out, prof.to_html())
    if as_json:
        print_json(prof.model_dump(mode="json"))
        return
    console.print(f"{prof.source}: {prof.rows:,} rows" + (" (approximate: distinct counts marked ~)" if prof.approximate else ""),
                  markup=False, soft_wrap=True)
    t = Table()
    t.add_column("column", no_wrap=True)  # names people pass back (--target, --column)
    t.add_column("type", overflow="ellipsis")
    for col in ("missing", "distinct"):
        t.add_column(col, no_wrap=True, justify="right")
    for col in ("min", "median", "max", "mean"):  # values, not names: cut to fit
        t.add_column(col, overflow="ellipsis", max_width=10)
    tops = Table(title="Most frequent values, or the correlation with the target")
    tops.add_column("column", no_wrap=True)
    tops.add_column("top values / correlation", overflow="fold")
    for c in prof.columns:
        top = ", ".join(f"{_short(v['value'])} {v['share']:.0%}" for v in c.top_values[:3])
        if c.target_correlation is not None:
            top = f"corr {c.target_correlation:+.3f}"
        t.add_row(
            c.name, c.type, f"{c.missing_share:.1%}", f"{'~' if c.distinct_approximate else ''}{c.distinct if c.distinct is not None else '-'}",
            _short(c.min), _short(c.quantiles.get("p50")), _short(c.max), _short(c.mean),
        )
        if top or c.note:
            tops.add_row(c.name, top or c.note)
    console.print(t)
    if tops.row_count:
        console.print(tops)


def _stat(v) -> str:
    """A drift statistic (all lie between 0 and a few units) in at most 5 characters."""
    return "-" if v is None else f"{v:.3f}"


def _short(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if isinstance(v, float) else str(v)[:12]


@data.command("drift")
@click.argument("reference", required=False)
@click.argument("current", required=False)
@click.option("--column", "columns", multiple=True, help="Compare only this column (repeatable).")
@click.option("--fail-on-drift", is_flag=True, help="Exit 1 when the dataset verdict is drift (for schedulers).")
@click.option("--record", is_flag=True, help="Journal this comparison as a drift check. Without it, comparing two named "
              "tables is an exploration (nothing recorded); the plan's monitoring pair (no arguments) is always recorded.")
@_html_option
@_json_option
@click.pass_context
def drift(
    ctx: click.Context, reference: str | None, current: str | None, columns: tuple[str, ...],
    fail_on_drift: bool, record: bool, html_out: Path | None, as_json: bool,
) -> None:
    """Compare CURRENT with REFERENCE (data-source names or paths; default: the plan's monitoring section)."""
    project = _project_or_none(ctx)
    if project is not None:
        report = project.check_drift(typed_path(project, reference), typed_path(project, current),
                                     columns=list(columns) or None, record=record or (reference is None and current is None))
    else:
        if not reference or not current:
            raise MissingInputError(what="the reference and current data", where="give REFERENCE and CURRENT (paths), "
                "or run inside a project whose monitoring section names them")
        from ..data.drift import drift as run_drift

        report = run_drift(reference, current, columns=list(columns) or None)
    if html_out is not None:
        _write_html(html_out, report.to_html())
    if as_json:
        print_json(report.event_data())
    else:
        console.print(f"{report.current} vs {report.reference}: {report.summary}", markup=False, soft_wrap=True)
        import textwrap

        from ..core.driftwords import column_sentence

        for c in (c for c in report.columns if c.drifted):  # wrapped to the terminal, continuation indented
            console.print(textwrap.fill(column_sentence(c.model_dump(mode='json')), width=max(40, console.width),
                                        initial_indent="  ", subsequent_indent="    ", break_long_words=False,
                                        break_on_hyphens=False), markup=False, soft_wrap=True)
        t = Table()
        t.add_column("column", no_wrap=True)  # names people pass back (--column)
        t.add_column("kind", no_wrap=True)
        for col in ("PSI", "KS", "KS p", "JS", "unseen"):
            t.add_column(col, no_wrap=True, justify="right")
        t.add_column("drift", overflow="fold", min_width=12)
        notes = any(c.note for c in report.columns)
        if notes:
            t.add_column("note", overflow="fold")
        for c in report.columns:
            t.add_row(
                rich_text(c.name), {"categorical": "cat", "numeric": "num"}.get(c.kind, c.kind),
                *(_stat(v) for v in (c.psi, c.ks_statistic, c.ks_pvalue, c.js_distance, c.unseen_share)),
                "[red]yes[/]: " + ", ".join(c.reasons) if c.drifted else "no", *([c.note] if notes else []),
            )
        console.print(t)
        for s in report.skipped:
            console.print(f"skipped {rich_text(s['name'])}: {rich_text(s['reason'])}")
    if fail_on_drift and report.drifted:
        ctx.exit(1)
