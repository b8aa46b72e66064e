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

from ..core.errors import PhasebookError
from ..core.events import Actor
from ..core.flow import WORK_PHASES
from ..core.status import ProjectStatus
from ..project import Project
from .context import Viewer, open_dashboard_project, query_params, viewer
from .html import Html, badge, card, esc, page, raw, table
from .integrity import integrity_banner
from .render import content_diff, covered_models, render_section
from .softmetrics import review_parts
from .tracking import tracking_parts

__all__ = ["signoff_page", "SignoffWidget", "gate_header", "signers_html", "default_gate"]

DECISION_LABELS = {"approve": "Approve", "request_changes": "Request changes", "reject": "Reject"}


def default_gate(project: Project) -> str:
    """The gate of the current phase (scope approval outside the work phases)."""
    phase = project.status().phase
    return project.flow.phase(phase).gate if phase in WORK_PHASES else "scope_approval"


def gate_header(project: Project, gate: str, status: ProjectStatus | None = None) -> Html:
    """Project, gate title and state; a stale banner with the diff when the approval no longer matches."""
    st = (status or project.status()).gates[gate]
    parts = [f"<h2>{esc((status.name if status else project.name))} · {esc(st.step)} {esc(st.title)} {badge(st.state)}</h2>"]
    if st.state == "stale" or st.changed_sections:
        approved = project.approved_content(gate)
        current = project.gate_content(gate)["sections"]
        if approved is not None:
            changed = ", ".join(esc(c) for c in st.changed_sections) or "the covered content"
            parts.append(f'<div class="banner" role="alert" style="background:#8250df">Approval is stale: '
                         f"{changed} changed since it was approved. Review the changes below and sign again.</div>")
            parts.append(card("What changed since the approval", content_diff(approved, current)))
    return raw("".join(parts))


def signers_html(project: Project, gate: str, status: ProjectStatus | None = None) -> Html:
    """Who has signed (decision, comment, verified or not, on current content or not) and who still must."""
    st = (status or project.status()).gates[gate]
    rows = [
        (s.name, (s.role or "").replace("_", " "), "verified" if s.verified else "unverified",
         badge({"approve": "approved"}.get(s.decision, s.decision), DECISION_LABELS.get(s.decision, s.decision)),
         s.comment, s.at[:16].replace("T", " "), "yes" if s.fresh else "no (content changed since)")
        for s in st.signoffs
    ]
    body = table(["Who", "Role", "Identity", "Decision", "Comment", "When (UTC)", "On today's content"], rows,
                 label="Sign-offs") if rows else raw('<p class="muted">Nobody has signed yet.</p>')
    missing = ", ".join(r.replace("_", " ") for r in st.missing_roles)
    body += raw(f"<p><b>Still to approve:</b> {esc(missing)}</p>" if missing else "<p>Every required role has approved.</p>")
    return card("Sign-offs", body)


class SignoffWidget(w.VBox):
    """Approve / request changes / reject one gate, with a comment; records through :meth:`Project.sign_off`."""

    def __init__(self, project: Project, gate: str, who: Viewer, on_recorded=None, *, shown_hash: str | None = None) -> None:
        self.project, self.gate, self.viewer, self.on_recorded = project, gate, who, on_recorded
        #: the content hash of what the page displayed: a sign-off is refused if the content is no longer that
        self.shown_hash = shown_hash if shown_hash is not None else project.gate_content(gate)["content_hash"]
        roles = list(project.flow.gate(gate).roles)
        if who.verified:
            self.name = None
            ident = w.HTML(f"Signing as <b>{esc(who.name)}</b> (verified by the server).")
        else:
            self.name = w.Text(description="Your name", placeholder="e.g. product owner",
                               style={"description_width": "initial"})
            ident = w.VBox([self.name, w.HTML('<span class="muted">This server does not identify people: '
                                               "your sign-off is recorded as unverified.</span>")])
        if who.verified and who.role:
            self.role = None
            role_w = w.HTML(f"Role: <b>{esc(who.role.replace('_', ' '))}</b>")
        else:
            self.role = w.Dropdown(options=[(r.replace("_", " "), r) for r in roles], description="Role")
            role_w = self.role
        self.comment = w.Textarea(placeholder="Comment (required to request changes or reject)",
                                  layout=w.Layout(width="60%", height="80px"))
        self.buttons = {}
        for decision, label in DECISION_LABELS.items():
            b = w.Button(description=label, button_style={"approve": "success", "reject": "danger"}.get(decision, "warning"),
                         tooltip=label)
            b.on_click(lambda _b, d=decision: self.submit(d))
            self.buttons[decision] = b
        self.status = w.HTML()
        super().__init__([w.HTML("<h3>Your decision</h3>"), ident, role_w, self.comment,
                          w.HBox(list(self.buttons.values())), self.status])
        self.add_class("pb-signoff")

    def actor(self) -> Actor:
        if self.viewer.verified:
            return Actor(name=self.viewer.name, role=self.viewer.role or self.role.value, verified=True)
        name = (self.name.value or "").strip()
        if not name:
            raise PhasebookError(message="Type your name before signing, so the record says who decided.")
        return Actor(name=name, role=self.role.value, verified=False)

    def submit(self, decision: str) -> None:
        """Record ``decision``; show the outcome or the error (nothing is recorded on error)."""
        try:
            event = self.project.sign_off(self.gate, self.actor(), decision, self.comment.value,
                                          expected_hash=self.shown_hash)
        except PhasebookError as exc:
            self.status.value = f'<span role="alert" style="color:#cf222e">{esc(exc.message)}</span>'
            return
        who = event.actor
        self.status.value = (f'<span role="status">Recorded: {esc(DECISION_LABELS[decision].lower())} by {esc(who.name)} '
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
    header, sections, signers = w.HTML(), w.HTML(), w.HTML()
    shown = project.gate_content(gate)  # the hash of what is rendered below travels with the decision
    sections.value = page(*(render_section(p, m) for p, m in covered_models(project, gate).items()),
                          raw(f'<p class="muted" data-content-hash="{esc(shown["content_hash"])}">Content '
                              f'{esc(shown["content_hash"][:19])}…</p>'))
    box = w.VBox()

    def refresh() -> None:
        status = project.status()
        header.value = page(integrity_banner(project), gate_header(project, gate, status),
                            *tracking_parts(project, gate),  # MLflow runs, registry
                            *review_parts(project, gate, params.get("project", "")))  # soft metrics judged
        signers.value = page(signers_html(project, gate, status))
        approved = status.gates[gate].state == "approved"
        box.children = [header, sections, signers] + ([widget.status] if approved else [widget])

    widget = SignoffWidget(project, gate, viewer(), on_recorded=refresh, shown_hash=shown["content_hash"])
    refresh()
    return box
