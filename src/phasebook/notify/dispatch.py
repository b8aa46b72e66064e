"""Route status changes to channels, throttle repeats, journal each delivery (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..store.files import write_atomic
from ..core.events import Actor, Event
from ..core.notify_rules import changes, snapshot
from .config import Channel, NotificationConfig, load_config
from .deliver import send_chat, send_email, send_webhook

__all__ = ["after_event", "after_clock", "recipients", "state_path"]

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
    write_atomic(path, json.dumps(data))


def after_event(project: Any, event: Event) -> None:
    """Send the notifications ``event`` caused (called after each journal append)."""
    if event.kind in _SELF:
        return
    cfg = load_config(project.root)
    if cfg is None or not cfg.channels:
        return
    with _state(project) as state:
        st = project.status()
        found = changes(state.get("snapshot"), st, {"kind": event.kind, "data": event.data})
        state["snapshot"] = snapshot(st)
        todo = _throttled(project, cfg, state, found)
    _send(project, cfg, todo, st, event.seq)


def after_clock(project: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Send what the clock alone caused: a timebox overrun (once per overrun period). Returns the changes sent.

    Called by ``phasebook monitor`` on every project it visits (due or not), so one scheduled
    command tells people about a phase past its timebox even when nobody opens the project.
    """
    from ..core.notify_rules import timebox_change
    from ..core.timebox import timebox_overrun

    cfg = load_config(project.root)
    if cfg is None or not cfg.channels:
        return []
    now = now or dt.datetime.now(dt.timezone.utc)
    events = project.events()
    overrun = timebox_overrun(project.flow, project.section("scope"), events, now)
    if overrun is None:
        return []
    already = {str(e.data.get("period")) for e in events
               if e.kind == "notification" and e.data.get("event") == "timebox_overrun"}
    with _state(project) as state:
        st = project.status()
        change = timebox_change(overrun, st, already)
        todo = _throttled(project, cfg, state, [change] if change else [], now)
    _send(project, cfg, todo, st, events[-1].seq if events else 0)
    return [change] if todo else []


class _state:
    """The notifier's local state (last snapshot, last sends), read and written under its lock."""

    def __init__(self, project: Any) -> None:
        self.path = state_path(project.root)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(str(self.path) + ".lock")

    def __enter__(self) -> dict[str, Any]:
        self.lock.acquire()
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {"snapshot": None, "sent": {}}
        return self.data

    def __exit__(self, exc_type, *exc: Any) -> None:
        try:
            if exc_type is None:
                _write(self.path, self.data)
        finally:
            self.lock.release()


def _throttled(project: Any, cfg: NotificationConfig, state: dict[str, Any], found: list[dict[str, Any]],
               now: dt.datetime | None = None) -> list[tuple[Channel, dict[str, Any]]]:
    """The (channel, change) pairs to send: each subscribed channel, unless it got the same event and gate
    within ``throttle_minutes`` (recorded in ``state``)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    todo = []
    for change in found:
        for ch in _channels(project, cfg, change["event"]):
            key = f"{ch.kind}:{ch.name}:{change['event']}:{change['gate']}"
            last = state.setdefault("sent", {}).get(key)
            if last and abs(now - dt.datetime.fromisoformat(last)) < dt.timedelta(minutes=cfg.throttle_minutes):
                continue
            state["sent"][key] = now.isoformat()
            todo.append((ch, change))
    return todo


def _send(project: Any, cfg: NotificationConfig, todo: list, st: Any, seq: int) -> None:
    """Deliver outside the lock (deliveries may take a while); journal each attempt."""
    for ch, change in todo:
        for outcome in _deliver(project, cfg, ch, change, st, seq):
            extra = {"period": change["period"]} if change.get("period") else {}
            project.record("notification", {"channel": ch.kind, "name": ch.name, "event": change["event"],
                                            "gate": change["gate"], **extra, **outcome}, Actor.system())


def _channels(project: Any, cfg: NotificationConfig, kind: str) -> list[Channel]:
    chosen = [c for c in cfg.channels if kind in c.events]
    if kind == "monitoring_alerting":
        named = project.section("monitoring").alert_channel.strip()
        chosen += [c for c in cfg.channels if named and c.name == named and c not in chosen]
    return chosen


def _deliver(project, cfg: NotificationConfig, ch: Channel, change: dict, st, seq: int) -> list[dict]:
    link = f"{cfg.dashboard_url.rstrip('/')}/signoff?gate={change['gate']}" if cfg.dashboard_url and change["gate"] else ""
    subject = f"[{st.name}] {change['event'].replace('_', ' ')}: {change['gate'] or ''}".strip()
    text = f"{change['summary']}\n\nProject: {st.name} (phase {st.phase})\n" + (f"Sign-off page: {link}\n" if link else "")
    if ch.kind == "email":
        return send_email(project.root, ch, recipients(cfg, change["roles"]), subject, text)
    if ch.kind == "webhook":
        payload = {"project": st.name, "phase": st.phase, "event": change["event"], "gate": change["gate"],
                   "roles": change["roles"], "summary": change["summary"], "link": link, "journal_seq": seq}
        return send_webhook(project.root, ch, payload)
    return send_chat(project.root, ch, subject, text)
