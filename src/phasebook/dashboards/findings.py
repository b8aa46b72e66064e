"""Findings on the sign-off page: the gate's findings, and the form to raise and answer them.

The list shows each finding's state, owner, due date and resolution (an
evidence link is clickable only when it is ``https://``); a banner says when
an open blocking finding keeps the gate from being approved, or when an
approval lapsed. The form raises a finding, and resolves, accepts or reopens
one, each through the :class:`~phasebook.project.Project` finding methods,
with the identity the sign-off widget established.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from ..core.errors import PhasebookError
from ..core.events import Actor
from ..core.findings import SEVERITIES, Finding, is_safe_link
from ..core.status import ProjectStatus
from .html import Html, badge, card, esc, raw, table, text
from ..core.named_errors import RequiredChoiceError

__all__ = ["findings_html", "findings_banner", "FindingsWidget"]


def _evidence(value: str) -> Html:
    if not value:
        return raw("")
    if is_safe_link(value):
        return raw(f'<div>Evidence: <a href="{esc(value)}" target="_blank" rel="noreferrer noopener">{esc(value)}</a></div>')
    return raw(f"<div>Evidence: {esc(value)}</div>")


def findings_banner(status: ProjectStatus, gate: str, findings: list[Finding]) -> Html:
    """The alert above the page: approval blocked by a finding, or an approval that lapsed."""
    st = status.gates[gate]
    by_id = {f.id: f for f in findings}
    parts = []
    if st.blocking_findings:
        items = "; ".join(f"#{i} {esc(by_id[i].what)}" for i in st.blocking_findings if i in by_id)
        parts.append(f'<div class="banner" role="alert" style="background:#cf222e">Approval is blocked by a '
                     f"blocking finding not yet accepted: {items}. Its owner resolves it and a reviewer accepts it; "
                     "then approve.</div>")
    if st.state == "lapsed":
        items = "; ".join(f"#{i} {esc(by_id[i].what)} (due {esc(by_id[i].due)})" for i in st.lapsed_conditions if i in by_id)
        parts.append(f'<div class="banner" role="alert" style="background:#bc4c00">The approval lapsed: a condition '
                     f"was not resolved by its due date: {items}.</div>")
    return raw("".join(parts))


def findings_html(findings: list[Finding]) -> Html:
    """The gate's findings as a table (what, severity, owner, due, state, resolution)."""
    if not findings:
        return card("Findings", raw('<p class="muted">No findings on this gate.</p>'))
    rows = []
    for f in findings:
        steps = "".join(f"<div>{esc(h['action'])} by {esc(h['by'])}: {text(h['note'])}</div>{_evidence(h['evidence'])}"
                        for h in f.history)
        rows.append((f"#{f.id}", f.what, f.severity.replace("_", "-"), f.owner, f.due or "", badge(f.state),
                     raw(f"<div>raised by {esc(f.raised_by)}</div>{_evidence(f.evidence)}{steps}")))
    return card("Findings", table(["Finding", "What", "Severity", "Owner", "Due", "State", "History"], rows,
                                  label="Findings"))


class FindingsWidget(w.VBox):
    """Raise a finding on the gate; resolve, accept or reopen one (records through Project)."""

    def __init__(self, project, gate: str, actor: Callable[[], Actor], on_recorded=None) -> None:
        self.project, self.gate, self.actor, self.on_recorded = project, gate, actor, on_recorded
        self.what = w.Textarea(placeholder="What must be fixed", layout=w.Layout(width="60%", height="60px"))
        self.severity = w.Dropdown(options=[(s.replace("_", "-"), s) for s in SEVERITIES], description="Severity")
        self.owner = w.Text(description="Owner", placeholder="a role or person", style={"description_width": "initial"})
        self.due = w.Text(description="Due", placeholder="2026-12-31", style={"description_width": "initial"})
        self.raise_button = w.Button(description="Raise finding", button_style="warning", tooltip="Raise finding")
        self.raise_button.on_click(lambda _b: self._do(self._raise))
        self.which = w.Dropdown(description="Finding", options=[])
        self.which.add_class("pb-finding-choice")
        self.note = w.Textarea(placeholder="Note (how it was resolved, or why it is reopened)",
                               layout=w.Layout(width="60%", height="60px"))
        self.evidence = w.Text(description="Evidence link", placeholder="https://…", style={"description_width": "initial"})
        self.step_buttons = {}
        for step in ("resolve", "accept", "reopen"):
            b = w.Button(description=step.capitalize(), tooltip=f"{step.capitalize()} the finding")
            b.on_click(lambda _b, s=step: self._do(lambda: self._step(s)))
            self.step_buttons[step] = b
        self.status = w.HTML()
        super().__init__([w.HTML("<h3>Raise a finding</h3>"), self.what, w.HBox([self.severity, self.owner, self.due]),
                          self.raise_button, w.HTML("<h3>Answer a finding</h3>"), self.which, self.note, self.evidence,
                          w.HBox(list(self.step_buttons.values())), self.status])
        self.add_class("pb-findings")
        self.refresh()

    def refresh(self) -> None:
        """Offer the gate's findings that are not closed for the answer steps."""
        self.which.options = [(f"#{f.id} {f.what[:60]} ({f.state})", f.id) for f in self.project.findings(self.gate)]

    def _raise(self) -> str:
        e = self.project.raise_finding(self.gate, self.what.value, severity=self.severity.value, owner=self.owner.value,
                                       due=self.due.value.strip() or None, actor=self.actor())
        self.what.value = ""
        return f"Raised finding #{e.seq}."

    def _step(self, step: str) -> str:
        if self.which.value is None:
            raise RequiredChoiceError(field="a finding", reason="the step applies to one finding")
        number = int(self.which.value)
        if step == "resolve":
            self.project.resolve_finding(number, self.note.value, evidence=self.evidence.value, actor=self.actor())
        elif step == "accept":
            self.project.accept_finding(number, self.note.value, actor=self.actor())
        else:
            self.project.reopen_finding(number, self.note.value, actor=self.actor())
        self.note.value, self.evidence.value = "", ""
        return f"Finding #{number} {step}{'d' if step.endswith('e') else 'ed'}."

    def _do(self, action: Callable[[], str]) -> None:
        try:
            done = action()
        except PhasebookError as exc:
            self.status.value = f'<span role="alert" class="pb-danger">{esc(exc.message)}</span>'
            return
        self.status.value = f'<span role="status">{esc(done)}</span>'
        self.refresh()
        if self.on_recorded:
            self.on_recorded()
