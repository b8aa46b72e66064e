"""The overview page: the flow as a picture, gates, KPI scoreboard, decisions, runs and checks.

Viewer-independent and read-only: everything is static HTML, with the KPI
scoreboard as inline SVG (:mod:`.svgchart`), so the page needs neither
widgets nor the plotly bundle to show; it is the page people open most.
"""

from __future__ import annotations


from ..core.describe import describe_event
from ..core.wording import duration
from ..core.errors import PhasebookError
from ..core.status import ProjectStatus, reached
from ..project import Project
from .attention import signoff_href, step_legend, waiting_card
from .context import open_dashboard_project, query_params, viewer
from .integrity import integrity_banner
from .softmetrics import soft_metrics_overview
from .svgchart import scoreboard_svg
from .tracking import registry_alerts
from .html import Html, badge, card, esc, page, raw, table

__all__ = ["overview_parts", "overview_page", "flow_grid", "gates_table", "decision_log", "display_parts", "segments_table",
           "monitoring_card", "scoreboard_table"]

def flow_grid(project: Project, st: ProjectStatus) -> Html:
    """The flow's tracks × work phases; every step coloured by status; the current phase marked."""
    flow = project.flow
    current = ' style="background:#ddf4ff" aria-current="step"'
    head = "".join(
        f"<th{current if p == st.phase else ''}>{esc(flow.phase(p).title)}"
        f"{' (current)' if p == st.phase else ''}</th>" for p in flow.work_phases)
    rows = []
    for track in flow.tracks:
        title = flow.title_of(track)
        cells = []
        for phase in flow.work_phases:
            steps = [s for s in st.steps if s.phase == phase and track in s.tracks]
            items = []
            for s in steps:
                if s.gate:
                    g = st.gates[s.gate]
                    # a pending gate of a phase not reached yet waits for nobody (core.status.reached): shown as to do
                    shown = g.state if g.state != "pending" or reached(flow, st.phase, s.phase) else "todo"
                    items.append(f'<div data-step="{esc(s.id)}">{badge(shown, s.id)} {esc(s.title)}'
                                 f"{' (unverified)' if g.unverified else ''}</div>")
                else:
                    items.append(f'<div data-step="{esc(s.id)}">{badge(s.status, s.id)} {esc(s.title)}</div>')
            cells.append(f"<td>{''.join(items)}</td>")
        rows.append(f"<tr><th>{esc(title)}</th>{''.join(cells)}</tr>")
    return raw(f'<table aria-label="Flow"><thead><tr><th>Track</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def gates_table(st: ProjectStatus, project_param: str = "") -> Html:
    """Each gate's state, who is missing, and a link to its sign-off page."""
    rows = []
    for g in st.gates.values():
        link = raw(f'<a href="{esc(signoff_href(g.name, project_param))}" target="_self">open sign-off</a>')
        rows.append((f"{g.step} {g.title}", badge(g.state, g.label), ", ".join(r.replace("_", " ") for r in g.missing_roles),
                     ", ".join(g.changed_sections), "; ".join(g.reasons), link))
    return table(["Gate", "State", "Still to approve", "Changed since approval", "Why", ""], rows, label="Gates")


def decision_log(st: ProjectStatus) -> Html:
    """Advances, backtracks with reasons, overrides, cancellation and team decisions, newest first."""
    rows = [(d["at"][:16].replace("T", " "), d["kind"], describe_event(d["kind"], d), (d.get("actor") or {}).get("name", ""))
            for d in reversed(st.decisions)]
    if not rows:
        return raw('<p class="muted">No decisions yet.</p>')
    out = table(["When (UTC)", "What", "Details", "Who"], rows, label="Decisions")
    if st.decisions_total > len(rows):
        out = raw(out + f'<p class="muted">The latest {len(rows)} of {st.decisions_total:,} decisions; '
                  'the journal holds them all.</p>')
    return out


def _runs(st: ProjectStatus) -> Html:
    rows = [(r.get("at", "")[:16].replace("T", " "), r.get("phase", ""), r.get("notebook", ""),
             badge("passed" if r.get("status") == "succeeded" else "failed" if r.get("status") == "failed" else "todo",
                   r.get("status", "")), duration(r.get("duration_s"))) for r in reversed(st.recent_runs)]
    return table(["When (UTC)", "Phase", "Notebook", "Status", "Took"], rows, label="Runs") if rows else \
        raw('<p class="muted">No runs yet.</p>')


def _checks(st: ProjectStatus) -> Html:
    rows = [(name, badge("passed" if c.get("reachable") else "failed", "reachable" if c.get("reachable") else "unreachable"),
             c.get("rows", ""), c.get("reason", ""), c.get("at", "")[:16].replace("T", " "))
            for name, c in st.data_checks.items()]
    return table(["Source", "State", "Rows", "Reason", "Checked (UTC)"], rows, label="Data checks") if rows else \
        raw('<p class="muted">No data checks yet.</p>')


def monitoring_card(st: ProjectStatus) -> Html:
    """The monitoring state: the alert's finding and what a person may do, or the latest quiet check."""
    m = st.monitoring
    if m.state == "unwatched":
        return raw('<p class="muted">No monitoring checks yet.</p>')
    latest = m.latest or {}
    when = str(latest.get("at", ""))[:16].replace("T", " ")
    if m.state == "alerting" and m.alert:
        actions = "".join(f"<li><code>{esc(c)}</code></li>" for c in m.proposal)
        return raw(f'<p role="alert">{badge("failed", "alerting")} {esc(m.alert.get("finding", ""))} '
                   f'(check {esc(m.alert.get("seq"))}, {esc(when)} UTC'
                   + (f"; finding #{esc(m.finding)}" if m.finding else "") + ")</p>"
                   f"<p>For a person to decide:</p><ul>{actions}</ul>")
    state = badge("failed", "check failed") if m.state == "failed" else badge("passed", "quiet")
    extra = f" — {esc(latest.get('error', ''))}" if m.state == "failed" else ""
    return raw(f"<p>{state} latest check {esc(when)} UTC{extra}; {esc(m.checks)} checks "
               f"({esc(m.quiet_rolled_up)} quiet ones rolled up).</p>")


def segments_table(st: ProjectStatus) -> Html | None:
    """How many segments (customers, regions) meet each hard metric, by their latest model test."""
    if not st.segments_total:
        return None
    rows = []
    for c in st.segments.values():
        target = "" if c.target is None else f"{c.comparator} {c.target:g}"
        failing = ", ".join(c.failing)
        more = c.failed + c.not_measured - len(c.failing)
        if more > 0:
            failing += f" (+{more} more)"
        rows.append((c.kpi, c.metric, target, f"{c.passed}/{c.total} meet", c.failed, c.not_measured, failing))
    head = raw(f"<p>{st.segments_passed} of {st.segments_total} segments meet every hard metric.</p>")
    return head + table(["KPI", "Metric", "Target", "Segments", "Failed", "Not measured", "Failing segments"], rows,
                        label="Per segment")


def scoreboard_table(st: ProjectStatus) -> Html | None:
    """KPI → metric → target → best → latest → pass/fail (:func:`~phasebook.core.scoreboard.scoreboard_rows`)."""
    if not st.scoreboard:
        return None
    rows, classes = [], []
    for r in st.scoreboard:
        best = f"{r.best.label}: {r.best.display}" if r.best else "—"
        latest = f"{r.latest.label}: {r.latest.display}" if r.latest else "—"
        state = {"passed": "passed", "failed": "failed"}.get(r.state, "todo")
        rows.append((r.kpi, r.metric_label, r.target_text, best, latest, badge(state, r.state_text)))
        classes.append(f"pb-score-{r.state}")
    return table(["KPI", "Metric", "Target", "Best model", "Latest model", "State"], rows, label="KPI scoreboard",
                 row_classes=classes)


def overview_parts(project: Project, project_param: str = "", who=None) -> list:
    """The page as a list of HTML fragments, in display order; ``who``: the viewer (default: the page's)."""
    st = project.status()
    who = who if who is not None else viewer()
    items = project.waiting_for(who.name, who.role, st) if who.verified else None
    need = project.section("product_need").statement
    head = raw(f"<h2>{esc(st.name)} · phase: {esc(st.phase)}</h2>" + (f"<p>Need: {esc(need)}</p>" if need else ""))
    if st.flow_pinned_hash and st.flow_pinned_hash != st.flow_hash:
        gates = ", ".join(st.flow_gates_changed) or "none"
        head += raw(f'<div class="card" role="note">The flow ({esc(st.flow_version)}) changed since the project '
                    f"last recorded it; gates whose policy changed: {esc(gates)} (their approvals are stale). "
                    "The change is journaled with the next decision.</div>")
    parts: list = [page(waiting_card(who, items, project_param), integrity_banner(project), head, *registry_alerts(project),
                        card("The flow", flow_grid(project, st) + step_legend()),
                        card("Monitoring", monitoring_card(st)), card("Gates", gates_table(st, project_param)))]
    board = scoreboard_svg(project.section("scope"), project.events())
    board_table = scoreboard_table(st)
    board_card = card("KPI scoreboard: hard metrics per model test vs target",
                      (board_table or raw("")) + (board if board is not None
                                                  else raw('<p class="muted">No model tests yet.</p>')))
    board_card += soft_metrics_overview(project, project_param)  # soft metrics beside the hard ones
    segments = segments_table(st)
    if segments is not None:
        board_card += card("Per segment: how many segments meet each hard metric", segments)
    parts.append(page(board_card, card("Decision log", decision_log(st)), card("Recent runs", _runs(st)),
                      card("Data checks", _checks(st))))
    return parts


def display_parts(parts: list) -> None:
    """Display HTML fragments and plotly figures (monitoring) as static outputs."""
    from IPython.display import HTML, display

    for part in parts:
        if isinstance(part, str):
            display(HTML(part))
        else:
            part.show(renderer="plotly_mimetype")


def overview_page(project_dir: str = "") -> None:
    """Display the overview of ``?project=`` (or the project around the notebook)."""
    params = query_params()
    try:
        project = open_dashboard_project(project_dir)
        parts = overview_parts(project, params.get("project", ""))
    except PhasebookError as exc:
        parts = [page(f'<div role="alert">{esc(exc.message)}</div>')]
    display_parts(parts)
