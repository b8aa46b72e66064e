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
from rich.table import Table as RichTable

from ..core.escape import rich_text
from ..core.errors import BadInputError, ProjectNotFoundError
from . import cli, console, open_project, print_json

_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
_html_option = click.option(
    "--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Also write a stand-alone HTML report with the figures to this file.",
)


@cli.group("data", cls=type(cli))
def data() -> None:
    """Data sources (step 1.3), exploration profiles (2.1) and drift checks (4.1)."""


def _project_or_none(ctx: click.Context):
    try:
        return open_project(ctx)
    except ProjectNotFoundError:
        return None


def _write_html(path: Path, text: str) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    console.print(f"HTML report written to {path}")


@data.command("check")
@click.argument("name", required=False)
@_json_option
@click.pass_context
def check(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Check that data source NAME (default: every source of the plan) can be read; journal the result.

    Exits 1 when a source is unreachable.
    """
    project = open_project(ctx)
    names = [name] if name else [s.name for s in project.section("data_sources").items]
    if not names:
        raise BadInputError(message="The plan lists no data sources yet; add them in the data_sources section (step 1.3).")
    results = [project.check_source(n) for n in names]
    if as_json:
        print_json(results[0].model_dump(mode="json") if name else [r.model_dump(mode="json") for r in results])
    else:
        t = RichTable(title="Data sources")
        for col in ("source", "reachable", "rows", "columns", "size", "modified"):
            t.add_column(col)
        for r in results:
            t.add_row(
                rich_text(r.name), "yes" if r.reachable else f"[red]no[/]: {rich_text(r.reason)}",
                "-" if r.rows is None else f"{r.rows:,}", str(len(r.columns)),
                "-" if r.size_bytes is None else f"{r.size_bytes / 1e6:.1f} MB", (r.last_modified or "-")[:16],
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
        prof = project.profile(name_or_path, target=target)
    else:
        from ..data.profile import profile as run_profile

        prof = run_profile(name_or_path, target=target)
    if html_out is not None:
        _write_html(html_out, prof.to_html())
    if as_json:
        print_json(prof.model_dump(mode="json"))
        return
    t = RichTable(title=f"{prof.source}: {prof.rows:,} rows" + (" (approximate: distinct counts marked ~)" if prof.approximate else ""))
    for col in ("column", "type", "missing", "distinct", "min", "median", "max", "mean", "top / corr"):
        t.add_column(col)
    for c in prof.columns:
        top = ", ".join(f"{v['value']} {v['share']:.0%}" for v in c.top_values[:3])
        if c.target_correlation is not None:
            top = f"corr {c.target_correlation:+.3f}"
        t.add_row(
            c.name, c.type, f"{c.missing_share:.1%}", f"{'~' if c.distinct_approximate else ''}{c.distinct if c.distinct is not None else '-'}",
            _short(c.min), _short(c.quantiles.get("p50")), _short(c.max), _short(c.mean), top or c.note,
        )
    console.print(t)


def _short(v) -> str:
    if v is None:
        return "-"
    return f"{v:.4g}" if isinstance(v, float) else str(v)[:20]


@data.command("drift")
@click.argument("reference", required=False)
@click.argument("current", required=False)
@click.option("--column", "columns", multiple=True, help="Compare only this column (repeatable).")
@click.option("--fail-on-drift", is_flag=True, help="Exit 1 when the dataset verdict is drift (for schedulers).")
@_html_option
@_json_option
@click.pass_context
def drift(
    ctx: click.Context, reference: str | None, current: str | None, columns: tuple[str, ...],
    fail_on_drift: bool, html_out: Path | None, as_json: bool,
) -> None:
    """Compare CURRENT with REFERENCE (data-source names or paths; default: the plan's monitoring section)."""
    project = _project_or_none(ctx)
    if project is not None:
        report = project.check_drift(reference, current, columns=list(columns) or None)
    else:
        if not reference or not current:
            raise BadInputError(message="Give REFERENCE and CURRENT (paths), or run inside a project whose monitoring section names them.")
        from ..data.drift import drift as run_drift

        report = run_drift(reference, current, columns=list(columns) or None)
    if html_out is not None:
        _write_html(html_out, report.to_html())
    if as_json:
        print_json(report.event_data())
    else:
        t = RichTable(title=f"{report.current} vs {report.reference}: {report.summary}")
        for col in ("column", "kind", "PSI", "KS", "KS p", "JS", "unseen", "drift", "note"):
            t.add_column(col)
        for c in report.columns:
            t.add_row(
                rich_text(c.name), c.kind, _short(c.psi), _short(c.ks_statistic), _short(c.ks_pvalue), _short(c.js_distance),
                _short(c.unseen_share), "[red]yes[/] (" + ", ".join(c.reasons) + ")" if c.drifted else "no", c.note,
            )
        console.print(t)
        for s in report.skipped:
            console.print(f"skipped {rich_text(s['name'])}: {rich_text(s['reason'])}")
    if fail_on_drift and report.drifted:
        ctx.exit(1)
