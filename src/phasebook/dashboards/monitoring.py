"""The monitoring page: the latest drift check in words, drifted columns first, and the model-test trend.

Reads the journaled ``drift_check`` event (written by
``Project.check_drift``) instead of recomputing anything. The headline and
each drifted column's sentence come from :mod:`phasebook.core.driftwords`;
the overlays and the scoreboard are inline SVG (no plotly bundle, no
JavaScript), the stable columns collapsed under one ``<details>``.
"""

from __future__ import annotations

from typing import Any

from ..core.driftpair import latest_plan_drift
from ..core.driftwords import column_sentence, drift_headline, ordered_columns
from ..core.errors import PhasebookError
from ..data.charts import overlay_svg
from ..project import Project
from .context import open_dashboard_project
from .figures import drift_plots
from .html import Html, badge, card, esc, page, raw, table
from .overview import display_parts
from .svgchart import scoreboard_svg

__all__ = ["monitoring_parts", "monitoring_page", "drift_table", "drift_summary"]


def _num(value: Any) -> str:
    return "" if value is None else f"{value:.3g}" if isinstance(value, (int, float)) else str(value)


def drift_table(columns: list[dict[str, Any]]) -> Html:
    """One row per column: kind, statistics and the drift flag."""
    rows = [(c.get("name", ""), c.get("kind", ""), _num(c.get("psi")), _num(c.get("ks_statistic")),
             _num(c.get("ks_pvalue")), _num(c.get("js_distance")), _num(c.get("unseen_share")),
             badge("failed", "drifted") if c.get("drifted") else badge("passed", "stable"), c.get("note", ""))
            for c in columns]
    return table(["Column", "Kind", "PSI", "KS statistic", "KS p-value", "JS distance", "Unseen share", "Flag", "Note"],
                 rows, label="Drift by column")


def drift_summary(drift: dict[str, Any], plots: dict[str, dict]) -> Html:
    """The check's headline, what was compared, each drifted column (sentence and chart), the rest collapsed."""
    state, label, sentence = drift_headline(drift)
    drifted, stable = ordered_columns(drift)
    when = esc(str(drift.get("at", ""))[:16].replace("T", " "))
    parts = [f'<p role="status">{badge(state, label)} {esc(sentence)}</p>',
             f'<p class="muted">Checked {when} UTC · compared {esc(drift.get("current", ""))} '
             f'({esc(drift.get("rows_current", "?"))} rows) with the reference {esc(drift.get("reference", ""))} '
             f'({esc(drift.get("rows_reference", "?"))} rows)</p>']
    for c in drifted:
        name = c.get("name", "")
        parts.append(f'<div class="pb-drifted" data-column="{esc(name)}"><h4>{esc(name)}</h4>'
                     f"<p>{esc(column_sentence(c, plots.get(name)))}</p>"
                     f"{overlay_svg(name, plots.get(name), title=f'{name}: reference vs current')}</div>")
    if stable:
        charts = "".join(overlay_svg(c["name"], plots.get(c["name"]), title=c["name"]) for c in stable)
        parts.append(f"<details><summary>The {len(stable)} stable column{'s' if len(stable) != 1 else ''}</summary>"
                     f'<div style="display:flex;flex-wrap:wrap">{charts}</div></details>')
    parts.append(f"<details><summary>Statistics per column</summary>{drift_table(drifted + stable)}</details>")
    return raw("".join(parts))


def monitoring_parts(project: Project) -> list:
    """The page as HTML fragments, in display order."""
    st = project.status()
    event = latest_plan_drift(project.events(), project.section("monitoring"))  # ad-hoc comparisons are not monitoring
    parts: list = [raw(f"<h2>{esc(st.name)} · monitoring</h2>")]
    if event is None:
        parts.append(card("Latest drift check", raw('<p class="muted">No drift check yet: run '
                                                    "<code>phasebook drift</code> or the deployment notebook.</p>")))
    else:
        drift = {**event.data, "at": event.at}
        parts.append(card("Latest drift check", drift_summary(drift, drift_plots(drift, project, event.hash))))
    board = scoreboard_svg(project.section("scope"), project.events())
    parts.append(card("Model-test trend", board if board is not None else raw('<p class="muted">No model tests yet.</p>')))
    return [page(*parts)]


def monitoring_page(project_dir: str = "") -> None:
    """Display the monitoring page of ``?project=`` (or the project around the notebook)."""
    try:
        parts = monitoring_parts(open_dashboard_project(project_dir))
    except PhasebookError as exc:
        parts = [page(f'<div role="alert">{esc(exc.message)}</div>')]
    display_parts(parts)
