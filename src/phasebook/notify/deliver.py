"""Deliveries: email (smtplib), signed webhooks (urllib, retried with back-off), chat (apprise).

The webhook body is JSON; its HMAC-SHA256 under the channel's secret is in
the ``X-Phasebook-Signature: sha256=<hex>`` header. A webhook is retried on
a 5xx answer or a connection error, ``attempts`` times in all, waiting
``backoff_seconds``, then twice that, and so on. Every attempt's outcome is
returned so the caller journals each one.

smtplib, urllib and email are imported when a message is sent: every
``phasebook monitor`` run imports this module (the timebox notices) and most
runs send nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from .config import Channel, secret

__all__ = ["sign", "send_email", "send_webhook", "send_chat", "SIGNATURE_HEADER"]

SIGNATURE_HEADER = "X-Phasebook-Signature"


def sign(body: bytes, key: str) -> str:
    """``sha256=<hex>`` of ``body`` under ``key``."""
    return "sha256=" + hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send_email(root: Path, ch: Channel, recipients: list[str], subject: str, text: str) -> list[dict[str, Any]]:
    """One message to every recipient; one outcome."""
    if not recipients:
        return [{"outcome": "skipped", "detail": "no recipient with an email address holds the gate's roles"}]
    import smtplib
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = ch.sender, ", ".join(recipients), subject
    msg.set_content(text)
    try:
        with smtplib.SMTP(ch.smtp_host, ch.smtp_port, timeout=ch.timeout_seconds) as smtp:
            if ch.starttls:
                smtp.starttls()
            user = secret(root, ch.smtp_user_env)
            if user:
                smtp.login(user, secret(root, ch.smtp_password_env))
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        return [{"outcome": "failed", "detail": f"{type(exc).__name__}: {exc}"[:300]}]
    return [{"outcome": "delivered", "detail": f"to {len(recipients)} recipient(s)"}]


def send_webhook(root: Path, ch: Channel, payload: dict[str, Any], sleep=time.sleep) -> list[dict[str, Any]]:
    """POST the signed JSON payload; retry 5xx and connection errors with back-off; one outcome per attempt."""
    import urllib.error
    import urllib.request

    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    key = secret(root, ch.secret_env, ch.secret_file)
    if key:
        headers[SIGNATURE_HEADER] = sign(body, key)
    url = ch.url or secret(root, ch.url_env)
    attempts: list[dict[str, Any]] = []
    for n in range(ch.attempts):
        if n:
            sleep(ch.backoff_seconds * 2 ** (n - 1))
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=ch.timeout_seconds) as resp:
                attempts.append({"outcome": "delivered", "attempt": n + 1, "http_status": resp.status})
                return attempts
        except urllib.error.HTTPError as exc:
            attempts.append({"outcome": "failed", "attempt": n + 1, "http_status": exc.code})
            if exc.code < 500:
                return attempts
        except OSError as exc:
            attempts.append({"outcome": "failed", "attempt": n + 1, "detail": f"{type(exc).__name__}: {exc}"[:300]})
    return attempts


def send_chat(root: Path, ch: Channel, title: str, text: str) -> list[dict[str, Any]]:
    """Through apprise (Slack, Teams, Matrix… by URL), when it is installed."""
    try:
        import apprise
    except ImportError:
        return [{"outcome": "failed", "detail": "chat channels need the apprise package (pip install apprise)"}]
    url = ch.url or secret(root, ch.url_env)
    box = apprise.Apprise()
    if not url or not box.add(url):
        return [{"outcome": "failed", "detail": "the chat channel's apprise URL is missing or not understood"}]
    ok = box.notify(title=title, body=text)
    return [{"outcome": "delivered" if ok else "failed"}]
