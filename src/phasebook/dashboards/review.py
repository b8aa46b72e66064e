"""The review page: people judge a sample of the model's actual outputs, one item at a time or in a table.

``review.ipynb?sample=<sample_id>`` shows the sample's items (the declared
input columns, the model's output, an id), the question of each soft metric,
and good / bad / unsure buttons with a note. Keyboard: focus the shortcut
field and type ``g`` (good), ``b`` (bad), ``u`` (unsure), ``n`` / ``p`` (next
/ previous item). Progress counts the viewer's own judgements; several
reviewers judge the same items. Every judgement goes through
:meth:`Project.judge` with the viewer the server authenticated (verified) or
the name typed (unverified), exactly as a sign-off does.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.errors import PhasebookError
from ..core.events import Actor
from ..core.reviews import latest_judgements
from ..project import Project
from .context import Viewer, open_dashboard_project, query_params, viewer
from .html import badge, esc, page, raw, table
from .integrity import integrity_banner
from .signoff import identity_widgets, role_dropdown
from .softmetrics import soft_metrics_card
from ..core.named_errors import RequiredChoiceError, UnknownReviewSampleError

__all__ = ["review_page", "ReviewWidget", "ANSWER_LABELS", "SHORTCUTS"]

ANSWER_LABELS = {"good": "Good", "bad": "Bad", "unsure": "Unsure"}
SHORTCUTS = {"g": "good", "b": "bad", "u": "unsure"}


def _value(v: Any) -> str:
    return "—" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


class ReviewWidget(w.VBox):
    """Judge one sample: the current item, the answer buttons and note, navigation, progress, shortcuts."""

    def __init__(self, project: Project, sample: dict[str, Any], who: Viewer, on_recorded=None) -> None:
        self.project, self.sample, self.viewer, self.on_recorded = project, sample, who, on_recorded
        self.items = sample["items"]
        self.questions = sample["questions"]
        self.index = 0
        gate = sample.get("gate") or ""  # the sample's gate decides who judges (its roles), else any role
        roles = list(project.flow.gate(gate).roles) if gate in {g.name for g in project.flow.gates} else []
        roles = roles or list(project.flow.roles)
        self.name, ident = identity_widgets(
            who, acting="Judging", placeholder="e.g. customer success lead",
            unverified="This server does not identify people: your judgements are recorded as unverified.")
        if who.verified and who.role:
            self.role, role_w = None, w.HTML(f"Role: <b>{esc(who.role.replace('_', ' '))}</b>")
        else:
            self.role = role_w = role_dropdown(roles)
        self.mode = w.ToggleButtons(options=["One at a time", "Table"], value="One at a time",
                                    description="View", style={"description_width": "initial"})
        self.mode.observe(lambda _c: self.render(), "value")
        self.progress = w.HTML()
        self.item_html = w.HTML()
        self.note = w.Textarea(placeholder="Note (optional): what you saw", layout=w.Layout(width="60%", height="60px"))
        self.buttons = {}
        for answer, label in ANSWER_LABELS.items():
            b = w.Button(description=label, tooltip=f"{label} (key {answer[0]})",
                         button_style={"good": "success", "bad": "danger"}.get(answer, "warning"))
            b.on_click(lambda _b, a=answer: self.answer(a))
            self.buttons[answer] = b
        self.prev = w.Button(description="Previous", tooltip="Previous item (key p)")
        self.next = w.Button(description="Next", tooltip="Next item (key n)")
        self.prev.on_click(lambda _b: self.move(-1))
        self.next.on_click(lambda _b: self.move(1))
        self.shortcuts = w.Text(description="Shortcuts", placeholder="type g good · b bad · u unsure · n next · p previous",
                           continuous_update=True, style={"description_width": "initial"},
                           layout=w.Layout(width="60%"))
        self.shortcuts.observe(self._key, "value")
        self.status = w.HTML()
        self.table_html = w.HTML()
        self.one = w.VBox([self.item_html, self.note, w.HBox(list(self.buttons.values())),
                           w.HBox([self.prev, self.next]), self.shortcuts])
        super().__init__([w.HTML("<h3>Your judgements</h3>"), ident, role_w, self.mode, self.progress,
                          self.one, self.status])
        self.add_class("pb-review")
        self.render()

    # who ---------------------------------------------------------------------------
    def actor(self) -> Actor:
        if self.viewer.verified:
            return Actor(name=self.viewer.name, role=self.viewer.role or self.role.value, verified=True)
        name = (self.name.value or "").strip()
        if not name:
            raise RequiredChoiceError(action="Type", field="your name", reason="so the record says who judged", needs="name")
        return Actor(name=name, role=self.role.value, verified=False)

    def _me(self) -> str | None:
        """This viewer as :func:`~phasebook.core.reviews.reviewer_of` names reviewers."""
        if self.viewer.verified:
            return self.viewer.name
        name = (self.name.value or "").strip()
        return f"{name} (unverified)" if name else None

    def mine(self) -> dict[tuple[str, str], str]:
        """``(metric, item) → answer`` of this viewer's latest judgements."""
        me = self._me()
        latest = latest_judgements(self.project.events(), self.sample["sample_id"])
        return {(m, i): str(e.data["answer"]) for (m, i, who), e in latest.items() if who == me}

    # acting -------------------------------------------------------------------------
    def _open_question(self, mine: dict[tuple[str, str], str]) -> str:
        item = self.items[self.index]["id"]
        for q in self.questions:
            if (q["metric"], item) not in mine:
                return q["metric"]
        return self.questions[0]["metric"]

    def answer(self, answer: str) -> None:
        """Record ``answer`` (and the note) for the current item's first unanswered question; go to the next item."""
        mine = self.mine()
        metric = self._open_question(mine)
        item = self.items[self.index]["id"]
        try:
            self.project.judge(self.sample["sample_id"], item, metric, answer, self.note.value, actor=self.actor())
        except PhasebookError as exc:
            self.status.value = f'<span role="alert" class="pb-danger">{esc(exc.message)}</span>'
            return
        self.status.value = (f'<span role="status">Recorded: {esc(item)} judged {esc(answer)} on {esc(metric)}.</span>')
        self.note.value = ""
        mine[(metric, item)] = answer
        if all((q["metric"], item) in mine for q in self.questions):
            self.move(1, quiet=True)
        else:
            self.render()
        if self.on_recorded:
            self.on_recorded()

    def move(self, step: int, *, quiet: bool = False) -> None:
        self.index = max(0, min(len(self.items) - 1, self.index + step))
        if not quiet:
            self.status.value = ""
        self.render()

    def _key(self, change) -> None:
        typed = (change["new"] or "").strip().lower()
        if not typed:
            return
        self.shortcuts.value = ""
        key = typed[-1]
        if key in SHORTCUTS:
            self.answer(SHORTCUTS[key])
        elif key in ("n", "p"):
            self.move(1 if key == "n" else -1)

    # showing ------------------------------------------------------------------------
    def render(self) -> None:
        mine = self.mine()
        done = sum(all((q["metric"], i["id"]) in mine for q in self.questions) for i in self.items)
        who = "you" if self._me() else "you (type your name to count yours)"
        self.progress.value = (f'<p role="status" class="pb-progress"><b>{done} of {len(self.items)} judged by {esc(who)}'
                               f"</b></p>")
        if self.mode.value == "Table":
            self.table_html.value = page(self._table(mine))
            self.children = [*self.children[:5], self.table_html, self.status]
            return
        self.children = [*self.children[:5], self.one, self.status]
        item = self.items[self.index]
        rows = [(k, _value(v)) for k, v in item["fields"].items()]
        rows += [(f"model output: {k}", _value(v)) for k, v in item["output"].items()]
        questions = "".join(
            f"<li>{esc(q['question'] or q['metric'])} <span class=\"muted\">({esc(q['metric'])})</span> "
            + (badge({'good': 'approved', 'bad': 'rejected'}.get(mine[(q['metric'], item['id'])], 'pending'),
                     'your answer: ' + mine[(q['metric'], item['id'])]) if (q['metric'], item['id']) in mine else "")
            + "</li>" for q in self.questions)
        self.item_html.value = page(raw(f'<h3 class="pb-item" data-item="{esc(item["id"])}">Item {self.index + 1} of '
                                        f"{len(self.items)} · {esc(item['id'])}</h3>"),
                                    table(["Field", "Value"], rows, label="Item"),
                                    raw(f"<p><b>Question</b></p><ul>{questions}</ul>"))

    def _table(self, mine: dict[tuple[str, str], str]):
        fields = list(self.items[0]["fields"]) if self.items else []
        outputs = list(self.items[0]["output"]) if self.items else []
        rows = [(i["id"], *[_value(i["fields"].get(f)) for f in fields], *[_value(i["output"].get(o)) for o in outputs],
                 *[mine.get((q["metric"], i["id"]), "") for q in self.questions]) for i in self.items]
        return table(["Id", *fields, *outputs, *[f"your answer: {q['metric']}" for q in self.questions]], rows,
                     label="Review items")


def review_page(project_dir: str = "", sample: str = "") -> w.Widget:
    """The whole review page for ``?sample=`` (default: the latest sample) of ``?project=``."""
    params = query_params()
    try:
        project = open_dashboard_project(project_dir)
        sample_id = params.get("sample") or sample or _latest_sample(project)
        items = project.review_items(sample_id)
    except PhasebookError as exc:
        return w.HTML(page(f'<div role="alert">{esc(exc.message)}</div>'))
    header = w.HTML()
    gate = items["gate"]

    def refresh() -> None:
        header.value = page(integrity_banner(project),
                            raw(f"<h2>{esc(project.name)} · review of real outputs for {esc(gate)}</h2>"),
                            soft_metrics_card(project.review_state(gate)))

    widget = ReviewWidget(project, items, viewer(), on_recorded=refresh)
    refresh()
    return w.VBox([header, widget])


def _latest_sample(project: Project) -> str:
    found = [e for e in project.events() if e.kind == "review_sample"]
    if not found:
        raise UnknownReviewSampleError(sample_id=None, who_draws="the development notebook draws one for the best model")
    return str(found[-1].data["sample_id"])
