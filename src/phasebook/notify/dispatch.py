"""Route status changes to channels, throttle repeats, journal each delivery (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..core.events import Actor, Event
from ..core.notify_rules import changes, snapshot
from .config import Channel, NotificationConfig, load_config
from .deliver import send_chat, send_email, send_webhook

__all__ = ["after_event", "recipients", "state_path"]

_SELF = ("notification",)


def state_path(root: Path) -> Path:
    return Path(root) / ".phasebook" / "notify-state.json"


def recipients(cfg: NotificationConfig, roles: list[str]) -> list[str]:
    """Email addresses of the people whose role is one of ``roles`` (from the users file)."""
    from ..store.plan import parse_yaml

    if not cfg.users_file:
        return []
    path = Path(os.path.expanduser(cfg.users_file))
    users = (parse_yaml(path.read_text(encoding="utf-8"), file=str(path)) or {}).get("users") or {}
    return sorted(str(u["email"]) for u in users.values() if isinstance(u, dict) and u.get("email")
                  and u.get("role") in roles)


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def after_event(project: Any, event: Event) -> None:
    """Send the notifications ``event`` caused (called after each journal append)."""
    if event.kind in _SELF:
        return
    cfg = load_config(project.root)
    if cfg is None or not cfg.channels:
        return
    path = state_path(project.root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {"snapshot": None, "sent": {}}
        st = project.status()
        found = changes(state.get("snapshot"), st, {"kind": event.kind, "data": event.data})
        state["snapshot"] = snapshot(st)
        now = dt.datetime.now(dt.timezone.utc)
        todo = []
        for change in found:
            for ch in _channels(project, cfg, change["event"]):
                key = f"{ch.kind}:{ch.name}:{change['event']}:{change['gate']}"
                last = state["sent"].get(key)
                if last and now - dt.datetime.fromisoformat(last) < dt.timedelta(minutes=cfg.throttle_minutes):
                    continue
                state["sent"][key] = now.isoformat()
                todo.append((ch, change))
        _write(path, state)
    for ch, change in todo:  # outside the lock: deliveries may take a while
        for outcome in _deliver(project, cfg, ch, change, st, event):
            project.record("notification", {"channel": ch.kind, "name": ch.name, "event": change["event"],
                                            "gate": change["gate"], **outcome}, Actor.system())


def _channels(project: Any, cfg: NotificationConfig, kind: str) -> list[Channel]:
    chosen = [c for c in cfg.channels if kind in c.events]
    if kind == "monitoring_alerting":
        named = project.section("monitoring").alert_channel.strip()
        chosen += [c for c in cfg.channels if named and c.name == named and c not in chosen]
    return chosen


def _deliver(project, cfg: NotificationConfig, ch: Channel, change: dict, st, event: Event) -> list[dict]:
    link = f"{cfg.dashboard_url.rstrip('/')}/signoff?gate={change['gate']}" if cfg.dashboard_url and change["gate"] else ""
    subject = f"[{st.name}] {change['event'].replace('_', ' ')}: {change['gate'] or ''}".strip()
    text = f"{change['summary']}\n\nProject: {st.name} (phase {st.phase})\n" + (f"Sign-off page: {link}\n" if link else "")
    if ch.kind == "email":
        return send_email(project.root, ch, recipients(cfg, change["roles"]), subject, text)
    if ch.kind == "webhook":
        payload = {"project": st.name, "phase": st.phase, "event": change["event"], "gate": change["gate"],
                   "roles": change["roles"], "summary": change["summary"], "link": link, "journal_seq": event.seq}
        return send_webhook(project.root, ch, payload)
    return send_chat(project.root, ch, subject, text)
