"""``notifications.yaml`` in the project: channels, events, throttle — and no secrets.

Example::

    throttle_minutes: 60
    users_file: ~/.config/phasebook/users.yaml   # people: {name: {role, email}}; outside the project
    channels:
      - kind: email
        events: [gate_waiting, gate_stale, monitoring_alerting]
        smtp_host: smtp.example.com
        smtp_port: 587
        sender: phasebook@example.com
        smtp_user_env: PHASEBOOK_SMTP_USER        # secrets: names of environment variables
        smtp_password_env: PHASEBOOK_SMTP_PASSWORD
      - kind: webhook
        url: https://hooks.example.com/phasebook
        secret_env: PHASEBOOK_WEBHOOK_SECRET      # or secret_file: a path outside the project
      - kind: chat
        url_env: PHASEBOOK_APPRISE_URL            # any apprise URL (Slack, Teams, Matrix…)

``monitoring.alert_channel`` in the plan, when it names a channel's ``name``,
sends monitoring alerts there too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.notify_rules import EVENT_KINDS
from ..core.named_errors import ConfigFileError, InvalidValueError, SecretInProjectError

__all__ = ["Channel", "NotificationConfig", "load_config", "secret", "config_path"]


class Channel(BaseModel):
    """One destination of notifications."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["email", "webhook", "chat"]
    name: str = ""
    events: list[str] = Field(default_factory=lambda: list(EVENT_KINDS))
    smtp_host: str = "localhost"
    smtp_port: int = 25
    sender: str = "phasebook@localhost"
    smtp_user_env: str = ""
    smtp_password_env: str = ""
    starttls: bool = False
    url: str = ""
    url_env: str = ""
    secret_env: str = ""
    secret_file: str = ""
    attempts: int = Field(3, ge=1, le=10)
    backoff_seconds: float = Field(1.0, ge=0, le=300)
    timeout_seconds: float = Field(10.0, gt=0, le=120)


class NotificationConfig(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    throttle_minutes: float = Field(60, ge=0)
    users_file: str = ""
    dashboard_url: str = ""
    channels: list[Channel] = Field(default_factory=list)


def config_path(root: Path) -> Path:
    return Path(root) / "notifications.yaml"


def load_config(root: Path) -> NotificationConfig | None:
    """The project's notification settings, or None when it has none."""
    from ..store.plan import parse_yaml

    path = config_path(root)
    if not path.is_file():
        return None
    data = parse_yaml(path.read_text(encoding="utf-8"), file=str(path)) or {}
    for key in ("password", "secret", "token"):
        for ch in data.get("channels") or []:
            if isinstance(ch, dict) and any(key == k or k.endswith("_" + key) for k in ch):
                raise SecretInProjectError(file=str(path), key=key)
    try:
        cfg = NotificationConfig.model_validate(data)
    except ValueError as exc:
        raise ConfigFileError(file=str(path), field=None, problem=str(exc)[:400]) from exc
    for ch in cfg.channels:
        bad = sorted(set(ch.events) - set(EVENT_KINDS))
        if bad:
            raise InvalidValueError(what=f"{path}: the events", value=bad, allowed=list(EVENT_KINDS))
    return cfg


def secret(root: Path, env: str, file: str = "") -> str:
    """A secret from an environment variable, or a file outside the project (refused inside it)."""
    if env and os.environ.get(env):
        return os.environ[env]
    if file:
        p = Path(file).expanduser().resolve()
        if p.is_relative_to(Path(root).resolve()):
            raise SecretInProjectError(file=str(p), key=None)
        return p.read_text(encoding="utf-8").strip()
    return ""
