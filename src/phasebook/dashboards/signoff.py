"""The sign-off page: one gate, its content read-only, and the sign-off widget.

A product person reads what the gate covers (rendered by
:mod:`phasebook.dashboards.render`), sees what changed since the last
approval when it went stale, who has signed and who still must, and decides:
approve, request changes or reject (a comment is required for the latter
two). The decision is recorded through :meth:`Project.sign_off` with the
viewer the server authenticated (verified) or, when the server identifies
nobody, the name typed in the widget (unverified).
"""

from __future__ import annotations

import ipywidgets as w

from ..core.errors import PhasebookError, SignerNotAllowedError
from ..core.events import Actor
from ..core.pinning import policy_diff
from ..core.status import ProjectStatus
from ..project import Project
from .attention import waiting_card
from .context import Viewer, open_dashboard_project, query_params, viewer
from .feasibility import feasibility_card
from .findings import FindingsWidget, findings_banner, findings_html
from .html import Html, badge, card, esc, page, raw, table
from .integrity import integrity_banner
from .render import covered_models, readable_diff, render_section
from .softmetrics import review_parts
from .tracking import tracking_parts
from ..core.named_errors import RequiredChoiceError

__all__ = ["signoff_page", "SignoffWidget", "gate_header", "signers_html", "default_gate"]

DECISION_LABELS = {"approve": "Approve", "request_changes": "Request changes", "reject": "Reject"}


def default_gate(project: Project) -> str:
    """The gate of the current phase (the first gate outside the work phases)."""
    flow = project.flow
    phase = project.phase
    return flow.phase(phase).gate if phase in flow.work_phases else flow.gates[0].name


def _signer(s) -> str:
    return f"{s.name} ({(s.role or '').replace('_', ' ')})"


def gate_header(project: Project, gate: str, status: ProjectStatus | None = None) -> Html:
    """Project, gate title and state; why it is not approved; per-signer diffs when approvals went stale."""
    status = status or project.status()
    st = status.gates[gate]
    parts = [f"<h2>{esc(status.name)} · {esc(st.step)} {esc(st.title)} {badge(st.state, st.label)}</h2>"]
    if st.reasons:
        items = "".join(f"<li>{esc(r)}</li>" for r in st.reasons)
        parts.append(f'<div class="card" role="note" aria-label="Why this gate is {esc(st.label)}"><ul>{items}</ul></div>')
    stale = [s for s in st.signoffs if s.decision == "approve" and s.counts and not s.fresh]
    if stale:
        changed = ", ".join(esc(c) for c in st.changed_sections) or "the covered content"
        parts.append(f'<div class="banner" role="alert" style="background:#8250df">Approval is stale: '
                     f"{changed} changed since it was approved. Review the changes below and sign again.</div>")
        current = project.gate_content(gate)["sections"]
        policy_now = project.flow.gate(gate)
        from ..core.flow import policy_of

        for s in stale:
            event = project.approval_event(gate, seq=s.seq)
            if event is None:
                continue
            body = readable_diff(dict(event.data.get("snapshot") or {}), current, project.flow, project.events(),
                                 after_seq=s.seq)
            if s.policy_changed:
                rows = [(field, _short(old), _short(new)) for field, old, new in
                        policy_diff(event.data.get("policy"), policy_of(policy_now))]
                body = card("The gate's policy changed", table(["Policy field", "Approved under", "Today"], rows,
                                                               label="Policy diff"), level=4) + body
            parts.append(card(f"What changed since the approval by {_signer(s)}", body))
    return raw("".join(parts))


def _short(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else "—"


def signers_html(project: Project, gate: str, status: ProjectStatus | None = None) -> Html:
    """Who has signed (decision, comment, verified or not, counted or not) and who still must."""
    st = (status or project.status()).gates[gate]
    rows = [
        (s.name, (s.role or "").replace("_", " "), "verified" if s.verified else "unverified",
         badge({"approve": "approved"}.get(s.decision, s.decision), DECISION_LABELS.get(s.decision, s.decision)),
         s.comment, s.at[:16].replace("T", " "), "yes" if s.fresh else "no (content changed since)",
         "yes" if s.counts else f"no — {s.note.removeprefix('not counted: ')}")
        for s in st.signoffs
    ]
    body = table(["Who", "Role", "Identity", "Decision", "Comment", "When (UTC)", "On today's content", "Counts"], rows,
                 label="Sign-offs") if rows else raw('<p class="muted">Nobody has signed yet.</p>')
    missing = []
    for t in st.tallies:
        if t.short:
            need = f"{t.needed - len(t.approved_by)} more " if t.needed > 1 else ""
            missing.append(f"{need}{t.role.replace('_', ' ')}")
    if missing:
        body += raw(f"<p><b>Still to approve:</b> {esc(', '.join(missing))}</p>")
    elif st.state == "approved":
        body += raw(f"<p>Every required role has approved ({esc(st.label)}).</p>")
    for c in st.conditions:
        style = "" if c.met else ' role="alert" class="pb-danger"'
        body += raw(f"<p{style}><b>Condition{'' if c.met else ' not met'}:</b> {esc(c.message)}</p>")
    return card("Sign-offs", body)


def identity_widgets(who: Viewer, *, acting: str, placeholder: str, unverified: str):
    """(name field or None, the widget saying who acts): the server's verified name, else a typed one.

    Shared by the sign-off and review pages; ``unverified`` is the plain-HTML note shown with the field.
    """
    if who.verified:
        return None, w.HTML(f"{acting} as <b>{esc(who.name)}</b> (verified by the server).")
    name = w.Text(description="Your name", placeholder=placeholder, style={"description_width": "initial"})
    return name, w.VBox([name, w.HTML(f'<span class="muted">{unverified}</span>')])


def role_dropdown(roles: list[str]) -> w.Dropdown:
    """The role a viewer the server gives no role picks (roles shown without underscores)."""
    return w.Dropdown(options=[(r.replace("_", " "), r) for r in roles], description="Role")


class SignoffWidget(w.VBox):
    """Approve / request changes / reject one gate, with a comment; records through :meth:`Project.sign_off`.

    Before anyone clicks it says what the record will mean: a verified viewer
    whose identity carries no role cannot sign; a role the gate does not
    require is recorded as a comment; an unmet gate condition must be
    acknowledged (tick + comment); the shared link cannot sign when the server
    knows people personally, unless the operator allowed it.
    """

    def __init__(self, project: Project, gate: str, who: Viewer, on_recorded=None, *, shown_hash: str | None = None,
                 shown_feasibility: dict | None = None) -> None:
        self.project, self.gate, self.viewer, self.on_recorded = project, gate, who, on_recorded
        #: the content hash of what the page displayed: a sign-off is refused if the content is no longer that
        self.shown_hash = shown_hash if shown_hash is not None else project.gate_content(gate)["content_hash"]
        self.shown_feasibility = shown_feasibility
        g = project.flow.gate(gate)
        roles = list(g.roles)
        notes: list[str] = []
        self.blocked = ""
        self.name, ident = identity_widgets(
            who, acting="Signing", placeholder="e.g. product owner",
            unverified="This server does not identify you: your sign-off is recorded as unverified"
                       + (" and does not count for this gate" if g.require_verified else "") + ".")
        if not who.verified:
            if not who.shared_can_sign:
                self.blocked = ("This server identifies people personally: open the page with your personal link "
                                "to sign. The shared link can read but not sign.")
        grant = project.active_delegation(gate, who.name) if who.verified else None
        if grant is not None and who.role not in roles:
            self.role = None
            role_w = w.HTML(f"Role: <b>{esc(grant.data['role'].replace('_', ' '))}</b> "
                            f"(delegated by {esc(grant.actor.name)} until {esc(grant.data['until'][:16])})")
        elif who.verified and who.role:
            self.role = None
            role_w = w.HTML(f"Role: <b>{esc(who.role.replace('_', ' '))}</b>")
            if who.role not in roles:
                notes.append(f"Your role ({who.role.replace('_', ' ')}) is not one this gate requires "
                             f"({', '.join(r.replace('_', ' ') for r in roles)}): your decision is recorded as a comment.")
        elif who.verified:
            self.role = None
            role_w = w.HTML("")
            self.blocked = (f"{who.name}, the server knows you but gives you no role, so you cannot sign. "
                            "Ask whoever runs the server to give you a role.")
        else:
            self.role = role_w = role_dropdown(roles)
        self.unmet = [c for c in project.status().gates[gate].conditions if not c.met]
        self.acknowledge = w.Checkbox(value=False, indent=False,
                                      description="I approve although this condition is not met (say why in the comment)")
        if self.unmet:
            notes.append("Approval needs: " + "; ".join(c.message for c in self.unmet)
                         + ". To approve anyway, tick the acknowledgement and say why in the comment.")
        self.comment = w.Textarea(placeholder="Comment (required to request changes or reject)",
                                  layout=w.Layout(width="60%", height="80px"))
        self.buttons = {}
        for decision, label in DECISION_LABELS.items():
            b = w.Button(description=label, button_style={"approve": "success", "reject": "danger"}.get(decision, "warning"),
                         tooltip=label, disabled=bool(self.blocked))
            b.on_click(lambda _b, d=decision: self.submit(d))
            self.buttons[decision] = b
        # approve with conditions (findings the approval depends on; core/findings.py)
        self.conditions = w.SelectMultiple(description="Conditions", options=[], rows=3,
                                           style={"description_width": "initial"})
        self.with_conditions = w.Button(description="Approve with conditions", button_style="success",
                                        tooltip="Approve with conditions")
        self.with_conditions.on_click(lambda _b: self.submit("approve", list(self.conditions.value)))
        self.status = w.HTML()
        self.notes = w.HTML("".join(f'<p role="note" class="pb-warn">{esc(n)}</p>' for n in notes)
                            + (f'<p role="alert" class="pb-danger">{esc(self.blocked)}</p>' if self.blocked else ""))
        children = [w.HTML("<h3>Your decision</h3>"), ident, role_w, self.notes, self.comment]
        if self.unmet:
            children.append(self.acknowledge)
        super().__init__(children + [w.HBox(list(self.buttons.values())), w.HBox([self.conditions, self.with_conditions]),
                                     self.status])
        self.add_class("pb-signoff")

    def actor(self) -> Actor:
        if self.blocked:
            raise SignerNotAllowedError(reason=self.blocked)
        if self.viewer.verified:
            return Actor(name=self.viewer.name, role=self.viewer.role, verified=True)
        name = (self.name.value or "").strip()
        if not name:
            raise SignerNotAllowedError(reason="Type your name before signing, so the record says who decided.")
        return Actor(name=name, role=self.role.value, verified=False)

    def submit(self, decision: str, conditions: list[int] | None = None) -> None:
        """Record ``decision`` (with ``conditions``: finding ids); show the outcome or the error (nothing recorded on error)."""
        try:
            if conditions is not None and not conditions:
                raise RequiredChoiceError(field="the findings the approval depends on", reason="or approve without conditions")
            event = self.project.sign_off(self.gate, self.actor(), decision, self.comment.value,
                                          acknowledge=bool(self.acknowledge.value), expected_hash=self.shown_hash,
                                          conditional_on=conditions, shown_feasibility=self.shown_feasibility)
        except PhasebookError as exc:
            self.status.value = f'<span role="alert" class="pb-danger">{esc(exc.message)}</span>'
            return
        who = event.actor
        self.status.value = (f'<span role="status">Recorded: {esc(DECISION_LABELS[decision].lower())}'
                             f'{" with conditions" if conditions else ""} by {esc(who.name)} '
                             f"({'verified' if who.verified else 'unverified'}).</span>")
        self.comment.value = ""
        if self.on_recorded:
            self.on_recorded()


def signoff_page(project_dir: str = "", gate: str = "") -> w.Widget:
    """The whole sign-off page for ``?gate=`` (default: the current phase's gate) of ``?project=``."""
    params = query_params()
    try:
        project = open_dashboard_project(project_dir)
        gate = params.get("gate") or gate or default_gate(project)
        project.flow.gate(gate)
    except PhasebookError as exc:
        return w.HTML(page(f'<div role="alert">{esc(exc.message)}</div>'))
    header, sections, signers, found_html = w.HTML(), w.HTML(), w.HTML(), w.HTML()
    shown = project.gate_content(gate)  # the hash of what is rendered below travels with the decision
    covered = covered_models(project, gate)
    # what the card shows travels with the decision too: sign_off compares it with the data and records it
    feasible = project.feasibility_record(covered["scope"]) if "scope" in covered else None
    sections.value = page(feasibility_card(feasible), *(render_section(p, m, project.flow) for p, m in covered.items()),
                          raw(f'<p class="muted" data-content-hash="{esc(shown["content_hash"])}">Content '
                              f'{esc(shown["content_hash"][:19])}…</p>'))
    box = w.VBox()
    who = viewer()

    def refresh() -> None:
        status = project.status()
        items = project.waiting_for(who.name, who.role, status) if who.verified else None
        header.value = page(waiting_card(who, items, params.get("project", ""), current_gate=gate),
                            integrity_banner(project), gate_header(project, gate, status),
                            *tracking_parts(project, gate),  # MLflow runs, registry
                            *review_parts(project, gate, params.get("project", "")))  # soft metrics judged
        signers.value = page(signers_html(project, gate, status))
        found = project.findings(gate)
        header.value += page(findings_banner(status, gate, found))
        found_html.value = page(findings_html(found))
        blocked = bool(status.gates[gate].blocking_findings)
        widget.buttons["approve"].disabled = widget.with_conditions.disabled = blocked or bool(widget.blocked)
        widget.conditions.options = [(f"#{f.id} {f.what[:50]} (due {f.due})", f.id) for f in found
                                     if not f.blocking and f.due and f.state != "accepted"]
        approved = status.gates[gate].state == "approved"
        box.children = [header, sections, found_html, signers] + ([widget.status] if approved else [widget]) + [findings]

    widget = SignoffWidget(project, gate, who, on_recorded=lambda: refresh(), shown_hash=shown["content_hash"],
                           shown_feasibility=feasible)
    findings = FindingsWidget(project, gate, widget.actor, on_recorded=lambda: refresh())
    refresh()
    return box
