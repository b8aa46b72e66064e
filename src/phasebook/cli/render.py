"""Rich renderings of the status and the journal for the terminal."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table as _RichTable
from rich.text import Text

from ..core.describe import describe_event, describe_move
from ..core.escape import rich_text
from ..core.events import Event
from ..core.flow import Flow, default_flow
from ..core.metrics import metric_label
from ..core.status import ProjectStatus

__all__ = ["render_status", "render_history", "summarize_event", "STATE_STYLE"]

STATE_STYLE = {
    "approved": "green",
    "pending": "yellow",
    "stale": "magenta",
    "changes_requested": "red",
    "lapsed": "bold yellow",
    "rejected": "bold red",
    "done": "green",
    "todo": "dim",
}


def Table(title: str = "", **kwargs: Any) -> _RichTable:  # noqa: N802 - a drop-in for rich's Table
    """A table that fits an 80-column terminal: a rule under the header, one space between columns.

    Columns holding names people type back (gates, roles, sections,
    metrics) are added with ``no_wrap=True``; free text folds.
    """
    return _RichTable(title=title, box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False, **kwargs)


def _names(values: list[str]) -> str:
    """Names one per line (never cut: each is something a user may type)."""
    return "\n".join(values) or "-"


def _styled(value: str) -> Text:
    return Text(value.replace("_", " "), style=STATE_STYLE.get(value, ""))


def _monitoring_line(console: Console, st: ProjectStatus) -> None:
    m = st.monitoring
    if m.state == "alerting" and m.alert:
        console.print(Text.assemble(("Monitoring ALERT: ", "bold red"), m.alert.get("finding", ""),
                                    f" (finding #{m.finding})" if m.finding else ""), soft_wrap=True)
        for cmd in m.proposal:
            console.print(f"  for a person to decide: {cmd}", markup=False, highlight=False)
    elif m.state != "unwatched":
        console.print(f"Monitoring: {m.state}, {m.checks} checks", markup=False, highlight=False)


def render_status(console: Console, st: ProjectStatus, flow: Flow | None = None) -> None:
    """Print phase, steps by track and phase, gates and the latest model test (``flow``: the project's; default flow)."""
    flow = flow or default_flow()
    console.print(Text.assemble(("Project ", "bold"), (st.name, "bold cyan"), "  ·  phase: ", (st.phase, "bold")))
    if st.last_move:
        last = st.last_move
        who = (last.get("actor") or {}).get("name", "?")
        console.print(f"Last move: {_describe_move(last)} — {who}, {str(last.get('at', ''))[:16].replace('T', ' ')} UTC",
                      markup=False, highlight=False)
    _monitoring_line(console, st)
    grid = Table(title="Steps by track", show_lines=False, expand=False)
    grid.add_column("track", overflow="fold")
    for phase in flow.work_phases:
        grid.add_column(phase + (" ◀" if phase == st.phase else ""), style="bold" if phase == st.phase else "",
                        overflow="fold")
    for track in flow.tracks:
        row: list[Any] = [flow.title_of(track)]
        for phase in flow.work_phases:
            cell = Text()
            for step in st.steps:
                if step.phase == phase and track in step.tracks:
                    mark = "✓" if step.status == "done" else "·"
                    cell.append(f"{mark} {step.id} {step.title}\n", style=STATE_STYLE.get(step.status, ""))
            row.append(cell)
        grid.add_row(*row)
    console.print(grid)

    gates = Table(title="Gates")
    gates.add_column("step", no_wrap=True)
    gates.add_column("gate", no_wrap=True)
    gates.add_column("state", no_wrap=True)
    gates.add_column("still needed", no_wrap=True)
    gates.add_column("changed since approval", overflow="fold")
    signoffs = Table(title="Sign-offs")
    signoffs.add_column("gate", no_wrap=True)
    signoffs.add_column("who", overflow="fold")
    signoffs.add_column("decision", no_wrap=True)
    signoffs.add_column("when (UTC)", no_wrap=True)
    for g in st.gates.values():
        gates.add_row(g.step, g.name, Text(g.label, style=STATE_STYLE.get(g.state, "")), _names(list(g.missing_roles)),
                      _names(list(g.changed_sections)))
        for s in g.signoffs:
            who = f"{s.name} ({s.role or '-'}, {'verified' if s.verified else 'unverified'})"
            decision = Text(s.decision.replace("_", " ") + ("" if s.fresh else " (stale)")
                            + ("" if s.counts else " (not counted)"),
                            style=STATE_STYLE.get("stale" if not s.fresh else "", ""))
            signoffs.add_row(g.name, rich_text(who), decision, s.at[:16].replace("T", " "))
    console.print(gates)
    if signoffs.row_count:
        console.print(signoffs)
    for g in st.gates.values():
        if g.reasons and (g.state != "pending" or g.signoffs or g.phase == st.phase):
            console.print(Text(f"  {g.name}: " + "; ".join(g.reasons)))

    if st.scoreboard:
        b = Table(title="KPI scoreboard (model tests under today's scope)")
        for col in ("KPI", "metric", "target", "best", "latest", "state"):
            b.add_column(col, overflow="fold")
        for row in st.scoreboard:
            best = f"{row.best.label}: {row.best.display}" if row.best else "-"
            latest = f"{row.latest.label}: {row.latest.display}" if row.latest else "-"
            b.add_row(rich_text(row.kpi), rich_text(row.metric_label), row.target_text, rich_text(best),
                      rich_text(latest), Text(row.state_text, style={"passed": "green", "failed": "red"}.get(row.state,
                                                                                                         "yellow")))
        console.print(b)
    test = st.latest_model_test
    if test:
        t = Table(title=f"Latest model test: {rich_text(test.get('model'))} ({'passed' if test.get('passed') else 'not passed'})")
        t.add_column("KPI", overflow="fold")
        for col in ("metric", "target", "value", "outcome"):
            t.add_column(col, no_wrap=True)
        for r in test.get("results", []):
            target = "-" if r["target"] is None else f"{r['comparator']} {r['target']:g}"
            value = "-" if r["value"] is None else f"{r['value']:.4g}"
            outcome = r["outcome"]
            t.add_row(rich_text(r["kpi"]), rich_text(metric_label(r["metric"], r.get("params"))), target, value,
                      Text(outcome.replace("_", " "), style={"passed": "green", "failed": "red"}.get(outcome, "yellow")))
        console.print(t)
        if test.get("measured_under"):
            console.print(Text(f"  This test was measured under {test['measured_under']}: it does not count "
                               "until the model is tested again.", style="yellow"))
    else:
        console.print("No model test yet.")
    if st.segments_total:
        _render_segments(console, st)
    for gate, review in st.reviews.items():
        _render_review(console, gate, review)
    if st.data_checks:
        d = Table(title="Data checks (1.3)")
        d.add_column("source", no_wrap=True)
        d.add_column("reachable", overflow="fold")
        d.add_column("rows", no_wrap=True, justify="right")
        d.add_column("when (UTC)", no_wrap=True)
        for name, chk in st.data_checks.items():
            rows = chk.get("rows")
            d.add_row(rich_text(name), "yes" if chk.get("reachable") else rich_text(f"no: {chk.get('reason', '')}"),
                      "-" if rows is None else f"{rows:,}", str(chk.get("at", ""))[:16].replace("T", " "))
        console.print(d)


def _render_review(console: Console, gate: str, review: dict[str, Any]) -> None:
    """The soft metrics judged by people on a review sample (core/reviews.py), beside the hard ones."""
    from ..core.reviews import share_text

    state = "complete" if review["complete"] else "in progress"
    t = Table(title=f"Soft metrics for {gate}: review {review['sample_id']} of {review.get('model') or 'production'}"
                    f" ({review['size']} items, {state})")
    for col in ("metric", "share judged good", "good/bad/unsure", "items judged", "agreement"):
        t.add_column(col)
    for m in review["summary"].values():
        kappa = "-" if m["agreement"] is None else f"{m['agreement_method']} κ {m['agreement']:.3f}"
        t.add_row(m["metric"], share_text(m), f"{m['good']}/{m['bad']}/{m['unsure']}",
                  f"{m['items_judged']} of {m['size']}", kappa)
    console.print(t)
    if not review["current"]:
        console.print(Text(f"Review of an older model: {review['older_note']}.", style="magenta"))


def _render_segments(console: Console, st: ProjectStatus) -> None:
    """Per-segment model tests: how many segments meet each hard metric (their latest test, today's targets)."""
    t = Table(title=f"Per-segment model tests: {st.segments_passed} of {st.segments_total} segments meet every hard metric")
    for col in ("metric", "target", "meet", "fail", "unmeasured"):
        t.add_column(col, no_wrap=True)
    t.add_column("failing segments", overflow="fold")
    for c in st.segments.values():
        more = c.failed + c.not_measured - len(c.failing)
        failing = ", ".join(c.failing) + (f" (+{more} more)" if more > 0 else "")
        meet = Text(f"{c.passed}/{c.total}", style="green" if c.passed == c.total else "red")
        t.add_row(rich_text(c.metric), f"{c.comparator} {c.target:g}", meet, str(c.failed), str(c.not_measured),
                  rich_text(failing or "-"))
    console.print(t)


def _describe_move(d: dict[str, Any]) -> str:
    return describe_move(str(d.get("kind")), d)


def summarize_event(e: Event) -> str:
    """A one-line, human description of an event (:func:`phasebook.core.describe.describe_event`)."""
    return describe_event(e.kind, e.data)


def render_history(console: Console, events: list[Event]) -> None:
    """Print the journal as a table."""
    t = Table(title="Journal")
    t.add_column("#", no_wrap=True, justify="right")
    t.add_column("when (UTC)", no_wrap=True)
    t.add_column("who", overflow="fold", ratio=2)
    t.add_column("what", no_wrap=True)
    t.add_column("details", overflow="fold", ratio=3)
    for e in events:
        who = f"{e.actor.name}" + (f" ({e.actor.role})" if e.actor.role else "") + (" ✓" if e.actor.verified else "")
        t.add_row(str(e.seq), e.at[:16].replace("T", " "), rich_text(who), e.kind, rich_text(summarize_event(e)))
    console.print(t)
