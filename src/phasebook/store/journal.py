"""``journal.jsonl``: the append-only, hash-chained event log.

One JSON object a line. Appends take an exclusive lock (``.phasebook/
journal.lock``), read the last entry for its sequence number and hash,
write the new line with a single ``write`` and ``fsync`` it, so concurrent
writers from any number of processes produce one linear chain.

A last line without its newline is a *torn* write (the writer was killed):
it is reported by :meth:`Journal.read` and :meth:`Journal.verify` and never
dropped silently; :meth:`Journal.repair` moves it aside into
``.phasebook/torn/`` so that work can continue. A line whose hash does not
match (a hand edit) is reported by :meth:`Journal.verify` by its entry number.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import JournalCorruptError, JournalTornError
from ..core.events import GENESIS, Actor, Event, entry_hash, utc_now
from ..core.hashing import jsonable
from .guard import check_event
from .locking import exclusive

__all__ = ["JOURNAL_FILE", "Journal", "VerifyReport"]

JOURNAL_FILE = "journal.jsonl"
_TAIL_BLOCK = 64 * 1024


@dataclass(frozen=True)
class VerifyReport:
    """What :meth:`Journal.verify` found."""

    ok: bool
    entries: int
    problem: JournalCorruptError | JournalTornError | None = None

    def message(self) -> str:
        if self.ok:
            return f"journal OK: {self.entries} entries, hash chain intact"
        return self.problem.message if self.problem else "journal broken"


class Journal:
    """The journal of one project."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / JOURNAL_FILE
        self._lock_path = self.root / ".phasebook" / "journal.lock"
        # read cache: the bytes parsed so far and their events (the journal only grows)
        self._cached_bytes = b""
        self._cached_events: list[Event] = []

    def _lock(self):
        """The exclusive append lock (a blocking ``flock`` on ``.phasebook/journal.lock``)."""
        return exclusive(self._lock_path)

    # reading -----------------------------------------------------------------
    def _read_bytes(self) -> bytes:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return b""
        if data and not data.endswith(b"\n"):
            # maybe a writer is mid-append: wait for it, then look again
            with self._lock():
                data = self.path.read_bytes()
        return data

    def read(self) -> list[Event]:
        """Every event, in order.

        Raises:
            JournalTornError: the last line is incomplete.
            JournalCorruptError: a line is not a valid entry (use :meth:`verify`
                for the hash chain).
        """
        data = self._read_bytes()
        if data and not data.endswith(b"\n"):
            raise JournalTornError(file=str(self.path), line=data.count(b"\n") + 1)
        cached = self._cached_bytes
        if cached and data.startswith(cached):  # appended to since the last read: parse only the new lines
            events = list(self._cached_events)
            new = data[len(cached):]
        else:
            events, new = [], data
        for line in new.split(b"\n")[:-1]:
            events.append(self._parse(line, len(events) + 1))
        self._cached_bytes, self._cached_events = data, events
        return list(events)

    def check_appendable(self) -> None:
        """Raise :class:`JournalTornError` if the last line is torn (an append would fail).

        Callers that write something else first (the plan) check this before,
        so that nothing is half-done when the journal needs repair.
        """
        try:
            with open(self.path, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                if fh.tell() == 0:
                    return
                fh.seek(-1, os.SEEK_END)
                last = fh.read(1)
        except FileNotFoundError:
            return
        if last != b"\n":
            self.read()  # waits for a writer in progress, raises if the line stays torn

    def _parse(self, line: bytes, number: int) -> Event:
        try:
            raw = json.loads(line)
            return Event.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            raise self._parse_problem(exc, number) from None

    def verify(self) -> VerifyReport:
        """Check every entry: JSON, schema, sequence, chain and hash; report the first problem."""
        data = self._read_bytes()
        lines = data.split(b"\n")
        prev, count = GENESIS, 0
        for number, line in enumerate(lines[:-1], start=1):
            try:
                raw = json.loads(line)
                event = Event.model_validate(raw)
            except (ValueError, ValidationError) as exc:
                return VerifyReport(False, count, self._parse_problem(exc, number))
            problem = None
            if event.seq != number:
                problem = f"sequence number {event.seq} where {number} was expected (an entry was removed or inserted)"
            elif event.hash != entry_hash(raw):
                problem = "its content does not match its hash (the line was edited after it was written)"
            elif event.prev != prev and number == 1:
                problem = "its link to the start of the journal does not match (it was edited and re-hashed)"
            elif event.prev != prev:
                # this entry is intact, so the one before it was edited and re-hashed
                return VerifyReport(False, max(count - 1, 0), JournalCorruptError(
                    file=str(self.path), seq=number - 1, line=number - 1,
                    problem=f"it was changed after entry {number} was written (its hash no longer matches "
                    f"the link entry {number} stores)",
                ))
            if problem:
                return VerifyReport(
                    False, count, JournalCorruptError(file=str(self.path), seq=event.seq, line=number, problem=problem)
                )
            prev, count = event.hash, count + 1
        if lines and lines[-1] != b"":
            return VerifyReport(False, count, JournalTornError(file=str(self.path), line=len(lines)))
        return VerifyReport(True, count)

    def _parse_problem(self, exc: Exception, number: int) -> JournalCorruptError:
        problem = "not valid JSON" if isinstance(exc, json.JSONDecodeError) else f"not a valid entry ({_first_error(exc)})"
        return JournalCorruptError(file=str(self.path), seq=number, line=number, problem=problem)

    # writing -----------------------------------------------------------------
    def append(self, kind: str, data: dict[str, Any], actor: Actor) -> Event:
        """Append one event under the lock, fsynced; return it sealed with its hash.

        ``data`` is converted to plain JSON first (:func:`~phasebook.core.hashing.jsonable`:
        NumPy values become numbers, NaN becomes null), so what is hashed is what is stored.

        Raises:
            JournalTornError: the last line is torn; nothing is appended.
        """
        check_event(kind)  # a viewer's dashboard kernel appends sign-offs only
        data = jsonable(dict(data))
        with self._lock():
            seq, prev = self._tail()
            event = Event(seq=seq + 1, at=utc_now(), actor=actor, kind=kind, data=data, prev=prev).sealed()
            line = (json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
        return event

    def _tail(self) -> tuple[int, str]:
        """Sequence number and hash of the last entry (0 and GENESIS when empty)."""
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return 0, GENESIS
        with fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            if size == 0:
                return 0, GENESIS
            start = max(0, size - _TAIL_BLOCK)
            while True:
                fh.seek(start)
                chunk = fh.read(size - start)
                if not chunk.endswith(b"\n"):
                    raise JournalTornError(file=str(self.path), line=self._count_lines() + 1)
                body = chunk[:-1]
                cut = body.rfind(b"\n")
                if cut >= 0 or start == 0:
                    last = body[cut + 1:]
                    break
                start = max(0, start - _TAIL_BLOCK)
        try:
            event = Event.model_validate(json.loads(last))
        except (ValueError, ValidationError) as exc:
            raise self._parse_problem(exc, self._count_lines()) from None
        return event.seq, event.hash

    def _count_lines(self) -> int:
        with open(self.path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))

    def repair(self) -> Path | None:
        """Move a torn last line aside into ``.phasebook/torn/``; return where, or None if intact."""
        with self._lock():
            data = self.path.read_bytes() if self.path.exists() else b""
            if not data or data.endswith(b"\n"):
                return None
            cut = data.rfind(b"\n") + 1
            keep, torn = data[:cut], data[cut:]
            dest_dir = self.root / ".phasebook" / "torn"
            dest_dir.mkdir(parents=True, exist_ok=True)
            dest = dest_dir / f"journal-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.part"
            dest.write_bytes(torn)
            with open(self.path, "r+b") as fh:
                fh.truncate(cut)
                fh.flush()
                os.fsync(fh.fileno())
            return dest


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)
