"""Plan sections rendered for a non-technical reader (escaped HTML).

Scope becomes a table linking each product KPI to the model metrics that
measure it and their targets; the literature review leads with the chosen
direction; the technical check leads with the monthly cost estimate. Every
other section is rendered field by field with the titles the forms use.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from ..core.metrics import metric_label
from ..core.flow import Flow, default_flow
from ..core.sections import SECTION_MODELS, Literature, Scope, TechnicalCheck
from ..project import dump_yaml
from .html import Html, card, esc, raw, table, text

__all__ = ["render_section", "render_scope", "render_literature", "render_technical_check", "render_fields",
           "section_title", "content_diff", "readable_diff", "covered_models"]


def section_title(path: str, flow: Flow | None = None) -> str:
    """A reader's title for a section path such as ``kpi_review.development`` (:meth:`Flow.section_title`)."""
    return (flow or default_flow()).section_title(path)


def _value(value: Any) -> Html:
    if value is None or value == "" or value == []:
        return raw('<span class="muted">—</span>')
    if isinstance(value, BaseModel):
        return render_fields(value)
    if isinstance(value, list):
        if all(isinstance(v, BaseModel) for v in value):
            return raw("".join(f'<div class="card">{render_fields(v)}</div>' for v in value))
        return raw("<ul>" + "".join(f"<li>{text(v)}</li>" for v in value) + "</ul>")
    if isinstance(value, str):
        return text(value.replace("_", " ") if value.islower() and " " not in value and "_" in value else value)
    return text(value)


def render_fields(model: BaseModel, exclude: tuple[str, ...] = ()) -> Html:
    """Every field of a model (but ``exclude``) as a two-column table of titles and values."""
    rows = []
    for name, field in type(model).model_fields.items():
        if name in exclude:
            continue
        rows.append((field.title or name.replace("_", " "), _value(getattr(model, name))))
    return table(["", ""], rows)


def _target(metric) -> str:
    if metric.target is None:
        return "no target" if metric.hardness == "hard" else "judged by people"
    return f"{'at least' if metric.comparator == '>=' else 'at most'} {metric.target:g}"


def _metric_cell(m: Any) -> Any:
    """The metric in words with its parameters ("recall in the top 10%"), its catalogue name beneath when it differs."""
    label = metric_label(m.name, m.params)
    return label if label == m.name else raw(f'{esc(label)}<br><span class="muted">{esc(m.name)}</span>')


def render_scope(scope: Scope) -> Html:
    """Scope & KPIs: the KPI → metric → target table, then timebox and limits."""
    rows = []
    for kpi in scope.kpis:
        metrics = kpi.metrics or [None]
        for i, m in enumerate(metrics):
            kpi_cell = raw(f"<b>{esc(kpi.name)}</b><br>{text(kpi.description)}") if i == 0 else ""
            if m is None:
                rows.append((kpi_cell, raw('<span class="muted">no metric yet</span>'), "", "", "", ""))
            else:
                rows.append((kpi_cell, _metric_cell(m), m.definition, _target(m), m.dataset, m.hardness))
    parts = [table(["Product KPI", "Model metric", "Definition", "Target", "Measured on", "Hard / soft"], rows,
                   label="KPIs")]
    facts = [
        ("Timebox", f"{scope.timebox_weeks} weeks" if scope.timebox_weeks else None),
        ("Timebox ends", scope.timebox_end.isoformat() if scope.timebox_end else None),
        ("Minimum useful threshold", scope.minimum_useful),
        ("Iteration", scope.iteration_level),
        ("Out of scope", scope.out_of_scope),
    ]
    parts.append(table(["", ""], [(k, _value(v)) for k, v in facts]))
    return raw("".join(parts))


def render_literature(lit: Literature) -> Html:
    """Literature review: the chosen direction first, then every examined solution."""
    chosen = lit.chosen()
    head = (f"<p><b>Chosen direction:</b> {', '.join(esc(e.title) for e in chosen)}</p>" if chosen
            else '<p class="muted">No direction chosen yet.</p>')
    rows = [(e.title, e.verdict, e.summary, e.upsides, e.downsides, e.justification) for e in lit.entries]
    classes = ["chosen" if e.verdict == "chosen" else "" for e in lit.entries]
    body = table(["Solution", "Verdict", "Summary", "Upsides", "Downsides", "Why"], rows, label="Literature",
                 row_classes=classes)
    extra = table(["", ""], [("Landscape summary", _value(lit.landscape)), ("Depth chosen", _value(lit.depth_rationale))])
    return raw(head + body + extra)


def render_technical_check(tc: TechnicalCheck) -> Html:
    """Technical validity check: the monthly cost estimate first, then the production form."""
    rows = [(c.item, f"{c.monthly_cost:,.2f} {tc.currency}") for c in tc.cost_breakdown]
    rows.append((raw("<b>Total per month</b>"), raw(f"<b>{esc(f'{tc.monthly_cost:,.2f}')} {esc(tc.currency)}</b>")))
    cost = table(["Cost item", "Per month"], rows, label="Cost estimate")
    # the cost fields are the table above: not again in the field list
    return raw("<p><b>Cost estimate</b></p>" + cost + render_fields(tc, exclude=("cost_breakdown", "monthly_cost")))


def render_section(path: str, model: Any, flow: Flow | None = None) -> Html:
    """One covered section (``path`` as in a gate's ``covers``) as a titled card."""
    if isinstance(model, Scope):
        body = render_scope(model)
    elif isinstance(model, Literature):
        body = render_literature(model)
    elif isinstance(model, TechnicalCheck):
        body = render_technical_check(model)
    elif isinstance(model, BaseModel):
        body = render_fields(model)
    else:
        body = _value(model)
    return card(section_title(path, flow), body)


def content_diff(approved: dict[str, Any], current: dict[str, Any], flow: Flow | None = None) -> Html:
    """Line diff (YAML) of each covered section between the approved and the current content."""
    parts = []
    for path in current:
        old = dump_yaml(approved.get(path)) if approved.get(path) is not None else ""
        new = dump_yaml(current.get(path)) if current.get(path) is not None else ""
        if old == new:
            continue
        lines = []
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), "approved", "now", lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            cls = "diff-add" if line.startswith("+") else "diff-del" if line.startswith("-") else "muted" if line.startswith("@@") else ""
            lines.append(f'<div class="{cls}"><pre>{esc(line)}</pre></div>')
        parts.append(card(section_title(path, flow), raw("".join(lines)), level=4))
    return raw("".join(parts) or '<p class="muted">No difference in the sections (a newer measurement changed).</p>')


def readable_diff(approved: dict[str, Any], current: dict[str, Any], flow: Flow | None = None, events=(),
                  after_seq: int = 0) -> Html:
    """Per section, what changed in words (:func:`~phasebook.core.fielddiff.field_changes`) and who saved it when;
    the raw YAML diff one click away."""
    from ..core.fielddiff import field_changes, last_save

    events = list(events)
    parts = []
    for path in current:
        changes = field_changes(approved.get(path), current.get(path))
        if not changes:
            continue
        items = "".join(f'<li class="pb-change pb-change-{c.kind}">{esc(c.text)}</li>' for c in changes)
        saved = last_save(events, path, after_seq)
        by = (f'<p class="muted pb-changed-by">Changed by {esc(saved.actor.name)} on {esc(saved.at[:10])} '
              f'at {esc(saved.at[11:16])} UTC</p>') if saved is not None else ""
        parts.append(card(section_title(path, flow), raw(f'<ul class="pb-changes">{items}</ul>{by}'), level=4))
    if not parts:
        return content_diff(approved, current, flow)
    raw_diff = content_diff(approved, current, flow)
    return raw("".join(parts) + f'<details class="pb-raw-diff"><summary>Show the raw YAML diff</summary>{raw_diff}</details>')


def covered_models(project, gate: str) -> dict[str, Any]:
    """The gate's covered sections as models (sub-paths resolved), for rendering."""
    plan = project.plan()
    out = {}
    for path in project.flow.gate(gate).covers:
        top, _, sub = path.partition(".")
        model = plan.sections[top]
        out[path] = getattr(model, sub) if sub else model
    return out

