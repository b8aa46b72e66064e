"""A row's outbox: events a grid worker's notebook produces, journaled later by the coordinator.

A grid fans one notebook out over many processes (a local pool, a Dask
cluster). If every kernel appended to ``journal.jsonl`` the chain would
still be linear (appends are locked), but the journal would interleave rows
and record model tests of rows whose run never finished. So a worker's
kernel runs with ``PHASEBOOK_OUTBOX`` (a JSON-lines file in the row's output
folder) and ``PHASEBOOK_OUTBOX_ROOT`` (the project root) in its environment:
:class:`~phasebook.Project` then opens an :class:`OutboxJournal`, whose
``append`` writes ``{kind, data, actor, at}`` to the outbox instead. The
coordinator reads the outbox (:func:`read_outbox`) when the row completes
and journals each entry, then the row's ``run`` event.

Reads see the real journal followed by the row's pending events (sealed with
provisional sequence numbers), so a notebook that reads back its own model
tests still sees them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..core.events import GENESIS, Actor, Event, utc_now
from ..core.hashing import jsonable
from .journal import Journal

__all__ = ["OUTBOX_ENV", "OUTBOX_ROOT_ENV", "OutboxJournal", "outbox_for", "read_outbox"]

OUTBOX_ENV = "PHASEBOOK_OUTBOX"
OUTBOX_ROOT_ENV = "PHASEBOOK_OUTBOX_ROOT"


def outbox_for(root: Path) -> Path | None:
    """The outbox this process must write to for the project at ``root`` (None: journal directly)."""
    outbox = os.environ.get(OUTBOX_ENV)
    owner = os.environ.get(OUTBOX_ROOT_ENV)
    if not outbox or not owner:
        return None
    try:
        same = Path(owner).resolve() == Path(root).resolve()
    except OSError:
        return None
    return Path(outbox) if same else None


def read_outbox(path: Path) -> list[dict[str, Any]]:
    """The entries of an outbox file, oldest first (a torn last line, from a killed kernel, is dropped)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    entries = []
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except ValueError:  # only the last line can be torn: the row failed anyway
            break
    return entries


class OutboxJournal(Journal):
    """A journal whose appends go to a row's outbox; reads add the pending entries."""

    def __init__(self, root: Path, outbox: Path) -> None:
        super().__init__(root)
        self.outbox = Path(outbox)

    def append(self, kind: str, data: dict[str, Any], actor: Actor) -> Event:
        """Write the event to the outbox (fsynced); return it as the journal would (provisionally sealed)."""
        entry = {"kind": kind, "data": jsonable(dict(data)), "actor": actor.model_dump(mode="json"), "at": utc_now()}
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
        self.outbox.parent.mkdir(parents=True, exist_ok=True)
        with open(self.outbox, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        return self.read()[-1]

    def read(self) -> list[Event]:
        """The journal's events, then this row's pending ones."""
        events = list(super().read())
        seq, prev = (events[-1].seq, events[-1].hash) if events else (0, GENESIS)
        for entry in read_outbox(self.outbox):
            seq += 1
            event = Event(seq=seq, at=entry["at"], actor=Actor(**entry["actor"]), kind=entry["kind"],
                          data=entry["data"], prev=prev).sealed()
            events.append(event)
            prev = event.hash
        return events
