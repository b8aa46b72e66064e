"""Notifications over real SMTP (aiosmtpd) and real HTTP (a local receiver), both on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from phasebook.core.errors import BadInputError
from phasebook.core.events import Actor
from phasebook.notify.config import load_config

SECRET = "test-webhook-secret"
PRODUCT = Actor(name="product owner", role="product")


class Inbox:
    """aiosmtpd handler keeping every message (envelope recipients and body)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    import socket

    with socket.socket() as s:  # a free port (aiosmtpd's start() probes the port it is given)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    yield inbox, port
    ctl.stop()


class Receiver:
    """An HTTP receiver answering the given statuses in turn (then 200); it checks each body's HMAC."""

    def __init__(self, answers: list[int]) -> None:
        self.answers, self.hits, self.verified = list(answers), [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                receiver.verified.append(hmac.compare_digest(want, self.headers.get("X-Phasebook-Signature", "")))
                receiver.hits.append(json.loads(body))
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(answers=()):
        made.append(Receiver(list(answers)))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _configure(project, tmp_path, smtp_port: int, url: str, monkeypatch, *, event: str = "gate_stale",
               dashboard_url: str | None = "http://127.0.0.1:8866") -> None:
    """notifications.yaml routing ``event`` to the local SMTP server and the signed webhook (users file outside)."""
    users = tmp_path / "outside" / "users.yaml"
    users.parent.mkdir()
    users.write_text("users:\n  product owner: {role: product, email: product@example.test}\n"
                     "  data scientist: {role: data_science, email: ds@example.test}\n", encoding="utf-8")
    monkeypatch.setenv("PB_TEST_HOOK_SECRET", SECRET)
    dashboard = f"dashboard_url: {dashboard_url}\n" if dashboard_url else ""
    (project.root / "notifications.yaml").write_text(
        f"throttle_minutes: 60\nusers_file: {users}\n{dashboard}channels:\n"
        f"  - {{kind: email, events: [{event}], smtp_host: 127.0.0.1, smtp_port: {smtp_port}}}\n"
        f"  - {{kind: webhook, events: [{event}], url: '{url}', secret_env: PB_TEST_HOOK_SECRET,"
        " backoff_seconds: 0}\n", encoding="utf-8")


def _edit_scope(project, weeks: int) -> None:
    scope = project.section("scope").model_dump(mode="json")
    project.save_section("scope", {**scope, "timebox_weeks": weeks})


def _notifications(project):
    return [e for e in project.events() if e.kind == "notification"]


def test_a_scope_edit_after_approval_sends_one_email_and_one_signed_webhook(project, tmp_path, smtp, receiver_factory,
                                                                            monkeypatch):
    inbox, port = smtp
    hook = receiver_factory()
    _edit_scope(project, 3)
    _configure(project, tmp_path, port, hook.url, monkeypatch)
    project.sign_off("scope_approval", PRODUCT, "approve")
    assert inbox.messages == [] and hook.hits == []  # approval itself is not subscribed
    # When the scope changes after approval
    _edit_scope(project, 4)
    # Then exactly one email to the product role and one webhook whose signature the receiver verified
    assert len(inbox.messages) == 1
    rcpt, body = inbox.messages[0]
    assert rcpt == ["product@example.test"] and "changed since approval" in body and "signoff?gate=scope_approval" in body
    assert len(hook.hits) == 1 and hook.verified == [True]
    assert hook.hits[0]["event"] == "gate_stale" and hook.hits[0]["gate"] == "scope_approval"
    assert [(n.data["channel"], n.data["outcome"]) for n in _notifications(project)] == \
        [("email", "delivered"), ("webhook", "delivered")]
    # And a second edit within the throttle window (after a new approval) sends nothing new
    project.sign_off("scope_approval", PRODUCT, "approve")
    _edit_scope(project, 5)
    assert len(inbox.messages) == 1 and len(hook.hits) == 1 and len(_notifications(project)) == 2


def test_a_webhook_answering_500_twice_gets_it_on_the_third_try(project, tmp_path, smtp, receiver_factory, monkeypatch):
    inbox, port = smtp
    hook = receiver_factory([500, 500])
    _configure(project, tmp_path, port, hook.url, monkeypatch)
    project.sign_off("scope_approval", PRODUCT, "approve")
    _edit_scope(project, 6)
    assert len(hook.hits) == 3 and all(hook.verified) and hook.hits[0] == hook.hits[2]
    attempts = [(n.data["attempt"], n.data["outcome"], n.data["http_status"])
                for n in _notifications(project) if n.data["channel"] == "webhook"]
    assert attempts == [(1, "failed", 500), (2, "failed", 500), (3, "delivered", 200)]


def test_a_secret_in_the_project_file_is_refused(project):
    (project.root / "notifications.yaml").write_text(
        "channels:\n  - {kind: webhook, url: 'http://127.0.0.1:9/x', secret: hunter2}\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="Secrets never go in the project"):
        load_config(project.root)


def test_entering_a_phase_tells_the_roles_its_gate_waits_for(project, tmp_path, smtp, receiver_factory, monkeypatch):
    inbox, port = smtp
    hook = receiver_factory()
    _configure(project, tmp_path, port, hook.url, monkeypatch)
    text = (project.root / "notifications.yaml").read_text().replace("[gate_stale]", "[gate_waiting]")
    (project.root / "notifications.yaml").write_text(text)
    project.sign_off("scope_approval", PRODUCT, "approve")
    project.advance()
    assert [h["event"] for h in hook.hits] == ["gate_waiting"] and hook.hits[0]["gate"] == "solution_validation"
    assert inbox.messages[0][0] == ["product@example.test"]
