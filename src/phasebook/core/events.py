"""Journal events: who did what, when, in a hash chain.

Every decision a person makes is an event; the project's status is a fold of
the plan and the events (see :mod:`phasebook.core.status`). An entry's
``hash`` is the content hash of the entry without its ``hash`` field; its
``prev`` is the hash of the entry before it, so editing any line breaks the
chain from there on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from .hashing import content_hash

__all__ = [
    "EVENT_SCHEMA_VERSION",
    "GENESIS",
    "Actor",
    "Event",
    "EventKind",
    "EVENT_KINDS",
    "Decision",
    "BacktrackReason",
    "DECISIONS",
    "BACKTRACK_REASONS",
    "entry_hash",
    "utc_now",
]

EVENT_SCHEMA_VERSION = 1
#: ``prev`` of the first entry.
GENESIS = "sha256:" + "0" * 64

EventKind = Literal[
    "project_created",
    "section_saved",
    "sign_off",
    "advance",
    "backtrack",
    "cancel",
    "deliver",
    "reopen",
    "decision",
    "model_test",
    "run",
    "grid_run",
    "data_check",
    "drift_check",
    "monitoring_check",
    "notification",
    "kpi_measurement",
    "flow_changed",
    "delegation",
    "merge",
    "finding_raised",
    "finding_resolved",
    "finding_accepted",
    "finding_reopened",
    "review_sample",
    "review_judgement",
    "registry_sync",
]
#: every kind of journal entry (tests/store/test_status_cache.py checks that the code writes no other)
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
Decision = Literal["approve", "request_changes", "reject"]
DECISIONS: tuple[str, ...] = ("approve", "request_changes", "reject")
BacktrackReason = Literal["model_failure", "approach_failure", "goal_change"]
BACKTRACK_REASONS: tuple[str, ...] = ("model_failure", "approach_failure", "goal_change")


class Actor(BaseModel):
    """Who caused an event. ``verified`` is True only when a server vouched for the identity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(..., min_length=1)
    role: str | None = None
    verified: bool = False

    @classmethod
    def system(cls) -> "Actor":
        """The actor of automated events (runs, checks started by a program)."""
        return cls(name="phasebook", role=None, verified=False)

    @classmethod
    def local(cls, role: str | None = None) -> "Actor":
        """The unverified local user (``$PHASEBOOK_USER`` or the login name)."""
        import getpass
        import os

        name = os.environ.get("PHASEBOOK_USER")
        if not name:
            try:
                name = getpass.getuser()
            except (KeyError, OSError):  # a container user without a passwd entry
                name = ""
        return cls(name=name or "unknown", role=role, verified=False)


class Event(BaseModel):
    """One line of ``journal.jsonl``."""

    model_config = ConfigDict(extra="forbid")

    v: int = EVENT_SCHEMA_VERSION
    seq: int = Field(..., ge=1)
    at: str
    actor: Actor
    kind: str
    data: dict[str, Any] = Field(default_factory=dict)
    prev: str
    #: the serving side's Ed25519 signature of a verified entry: ``{"key": key id, "ed25519": base64}``
    #: (see :mod:`phasebook.store.signing`); absent on unverified entries.
    sig: dict[str, str] | None = None
    hash: str = ""

    def body(self) -> dict[str, Any]:
        """The entry as hashed: everything but ``hash`` (and ``sig`` when there is none)."""
        body = self.model_dump(mode="json", exclude={"hash"})
        if body.get("sig") is None:
            body.pop("sig", None)
        return body

    def signed_body(self) -> dict[str, Any]:
        """What a signature covers: the entry without ``hash`` and ``sig``.

        That is its content hash and covered data, actor, decision, time and
        the previous entry's hash: re-chaining an entry means re-signing it.
        """
        return self.model_dump(mode="json", exclude={"hash", "sig"})

    def record(self) -> dict[str, Any]:
        """The entry as stored (``sig`` left out when there is none)."""
        out = self.model_dump(mode="json")
        if out.get("sig") is None:
            out.pop("sig", None)
        return out

    def sealed(self) -> "Event":
        """Return a copy with ``hash`` computed."""
        return self.model_copy(update={"hash": entry_hash(self.body())})

    @property
    def time(self) -> dt.datetime:
        """``at`` as an aware datetime."""
        return dt.datetime.fromisoformat(self.at.replace("Z", "+00:00"))


def entry_hash(body: dict[str, Any]) -> str:
    """Hash of an entry body (the entry without its ``hash`` key)."""
    return content_hash({k: v for k, v in body.items() if k != "hash"})


def clock() -> dt.datetime:
    """The current UTC time (aware), for what is judged against it: a command's printed answer that asked for
    it cannot be replayed (:func:`phasebook.replay.not_replayable`; a status that knows until when it holds
    says so instead, :func:`phasebook.replay.valid_until`)."""
    from .. import replay

    replay.not_replayable("it reads the clock")
    return dt.datetime.now(dt.timezone.utc)


def utc_now() -> str:
    """The current UTC time (:func:`clock`) as ISO 8601 with microseconds and a ``Z``."""
    return clock().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
