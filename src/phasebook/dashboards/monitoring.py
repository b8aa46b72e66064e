"""The monitoring page: the latest drift check and the model-test trend.

Reads the journaled ``drift_check`` event (written by
``Project.check_drift``) instead of recomputing anything: per-column flags,
the dataset verdict and overlay histograms; then the KPI scoreboard as the
model-test trend.
"""

from __future__ import annotations

from typing import Any

from ..core.driftpair import latest_plan_drift
from ..core.errors import PhasebookError
from ..project import Project
from .context import open_dashboard_project
from .figures import drift_overlays, scoreboard
from .html import Html, badge, card, esc, page, raw, table
from .overview import display_parts

__all__ = ["monitoring_parts", "monitoring_page", "drift_table"]


def _num(value: Any) -> str:
    return "" if value is None else f"{value:.3g}" if isinstance(value, (int, float)) else str(value)


def drift_table(report: dict[str, Any]) -> Html:
    """One row per column: kind, statistics and the drift flag."""
    rows = [(c.get("name", ""), c.get("kind", ""), _num(c.get("psi")), _num(c.get("ks_statistic")),
             _num(c.get("ks_pvalue")), _num(c.get("js_distance")), _num(c.get("unseen_share")),
             badge("failed", "drifted") if c.get("drifted") else badge("passed", "stable"), c.get("note", ""))
            for c in report.get("columns", [])]
    return table(["Column", "Kind", "PSI", "KS statistic", "KS p-value", "JS distance", "Unseen share", "Flag", "Note"],
                 rows, label="Drift by column")


def monitoring_parts(project: Project) -> list:
    """The page as HTML fragments and plotly figures, in display order."""
    st = project.status()
    event = latest_plan_drift(project.events(), project.section("monitoring"))  # ad-hoc comparisons are not monitoring
    drift = {**event.data, "at": event.at} if event is not None else None
    parts: list = [page(raw(f"<h2>{esc(st.name)} · monitoring</h2>"))]
    if drift is None:
        parts.append(page(card("Latest drift check", raw('<p class="muted">No drift check yet: run '
                                                        "<code>phasebook drift</code> or the deployment notebook.</p>"))))
    else:
        verdict = badge("failed", "dataset drifted") if drift.get("drifted") else badge("passed", "no dataset drift")
        cols = ", ".join(esc(c) for c in drift.get("drifted_columns", [])) or "none"
        summary = raw(f"<p>{verdict} checked {esc(drift.get('at', '')[:16].replace('T', ' '))} UTC · "
                      f"drifted columns: {cols}</p>"
                      f"<p>Compared {esc(drift.get('current', ''))} ({esc(drift.get('rows_current', '?'))} rows) with the "
                      f"reference {esc(drift.get('reference', ''))} ({esc(drift.get('rows_reference', '?'))} rows)"
                      + (f" · {esc(drift['summary'])}" if str(drift.get("summary", "")).startswith("schema") else "")
                      + "</p>")
        parts.append(page(card("Latest drift check", summary + drift_table(drift))))
        parts.extend(drift_overlays(drift, project, event.hash if event else None))
    fig = scoreboard(project.section("scope"), project.events())
    parts.append(fig if fig is not None else page(card("Model-test trend", raw('<p class="muted">No model tests yet.</p>'))))
    return parts


def monitoring_page(project_dir: str = "") -> None:
    """Display the monitoring page of ``?project=`` (or the project around the notebook)."""
    try:
        parts = monitoring_parts(open_dashboard_project(project_dir))
    except PhasebookError as exc:
        parts = [page(f'<div role="alert">{esc(exc.message)}</div>')]
    display_parts(parts)
