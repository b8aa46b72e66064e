"""``phasebook monitor``: one monitoring check a scheduler runs (cron, CI, Airflow…).

Exit codes a scheduler can act on: 0 fine, 3 drift (the project's
monitoring is now alerting), 1 the check failed (data missing, unreadable),
2 bad input. ``--due`` runs only when ``monitoring.schedule`` (a cron
expression) fired since the last check (a project without a schedule is
``unscheduled``: skipped, exit 0); ``--all DIR`` runs every project under
DIR. Every project visited is also checked for a phase past the scope's
timebox (:func:`phasebook.notify.after_clock`), due or not: one scheduled
command tells people even when nobody opens the project. "Now" is the clock, or ``--now`` / ``PHASEBOOK_NOW`` (ISO time)
for tests and catch-up runs.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from ..core.errors import PhasebookError
from .app import cli, console, err_console, open_project, print_json
from ..core.named_errors import InvalidValueError

__all__ = ["monitor"]


def _parse_now(value: str | None) -> dt.datetime | None:
    value = value or os.environ.get("PHASEBOOK_NOW")
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValueError(what="'now'", value=value, expected="an ISO time such as 2026-12-07T06:00:00Z")
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)



def _one(project, *, due: bool, now, current, refresh) -> dict:
    from ..core.schedule import is_due
    from ..monitoring import run_check
    from ..monitoring.check import last_checked

    from .data import typed_path

    from ..notify import after_clock

    at = now or dt.datetime.now(dt.timezone.utc)
    current = typed_path(project, current) if current else None  # typed paths start at the current folder
    told = [c["event"] for c in after_clock(project, at)]  # a phase past its timebox: due or not
    if due:
        schedule = project.sections.monitoring.schedule
        if not schedule.strip():  # not watched yet (e.g. still in development): nothing to check
            return {"project": str(project.root), "due": False, "outcome": "unscheduled", "exit_code": 0,
                    "notified": told}
        if not is_due(schedule, last_checked(project), at):
            return {"project": str(project.root), "due": False, "outcome": "not_due", "exit_code": 0,
                    "notified": told}
    result = run_check(project, current=current, now=at, refresh=refresh)
    return {
        "project": str(project.root), "due": True, "outcome": result.outcome, "exit_code": result.exit_code,
        "journaled": result.event.seq if result.event else None, "rolled_up": result.rolled_up,
        "reference_computed": result.reference_computed,
        "drifted_columns": result.data.get("drifted_columns", []), "finding": result.data.get("finding"),
        "finding_id": result.finding.seq if result.finding else
        (project.status().monitoring.finding if result.outcome == "alerting" else None),
        "error": result.data.get("error"), "rows_current": result.data.get("rows_current"),
        "kpi": result.data.get("kpi"), "notified": told,
    }


def _say(row: dict) -> None:
    name = Path(row["project"]).name
    if row.get("notified"):
        console.print(f"{name}: notified {', '.join(row['notified'])}", markup=False, highlight=False)
    if row["outcome"] in ("not_due", "unscheduled"):
        console.print(f"{name}: {row['outcome'].replace('_', ' ')}", markup=False, highlight=False)
    elif row["outcome"] == "failed":
        err_console.print(f"{name}: check failed: {row['error']}", soft_wrap=True, highlight=False, markup=False)
    elif row["outcome"] == "alerting":
        console.print(f"{name}: ALERT {row['finding']}", soft_wrap=True, highlight=False, markup=False)
    else:
        note = " (rolled up)" if row["rolled_up"] else ""
        kpi = row.get("kpi")
        live = (f"; live KPI met on {kpi['rows']} labelled outcomes ("
                + ", ".join(f"{k} {v:.3g}" for k, v in kpi["values"].items()) + ")") if kpi else ""
        console.print(f"{name}: no drift in {row['rows_current']} rows{live}{note}", markup=False, highlight=False)


@cli.command()
@click.option("--due", is_flag=True, help="Run only when monitoring.schedule (a cron expression) is due.")
@click.option("--all", "all_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Check every project in this folder tree (with --due: the due ones).")
@click.option("--current", default=None, help="Current data instead of monitoring.current_data (a source, path or glob).")
@click.option("--refresh-reference", is_flag=True, help="Summarize the reference data again and store it.")
@click.option("--now", "now_text", default=None, help="Treat this ISO time as now (default: the clock or PHASEBOOK_NOW).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def monitor(ctx: click.Context, due: bool, all_dir: Path | None, current: str | None, refresh_reference: bool,
            now_text: str | None, as_json: bool) -> None:
    """Check the current data for drift against the stored reference statistics; journal it.

    Exit 0 fine, 3 drift, 1 failed.
    """
    from ..data.cpu import prefer_avx2_sort

    prefer_avx2_sort()  # before anything imports NumPy: on AMD Zen 4 its sorts run 4-5x faster
    from ..project import Project

    now = _parse_now(now_text)
    rows = []
    if all_dir is not None:
        from ..project.portfolio import find_projects  # the one bounded walk (also serve DIR, status --all)

        found = find_projects(all_dir)
        if found.truncated:
            err_console.print(f"Only the first {len(found.projects)} projects under {all_dir} are checked "
                              "(the walk's limit); run it on smaller folders.", markup=False)
        for root in found.projects:
            try:
                rows.append(_one(Project.open(root), due=due, now=now, current=current, refresh=refresh_reference))
            except PhasebookError as exc:  # one broken project must not hide the others
                rows.append({"project": str(root), "due": None, "outcome": "failed", "exit_code": 1,
                             "error": exc.message})
    else:
        rows.append(_one(open_project(ctx), due=due, now=now, current=current, refresh=refresh_reference))
    codes = {r["exit_code"] for r in rows}
    code = 1 if 1 in codes else (3 if 3 in codes else 0)
    if as_json:
        print_json(rows if all_dir is not None else rows[0])
    else:
        for r in rows:
            _say(r)
    sys.exit(code)
