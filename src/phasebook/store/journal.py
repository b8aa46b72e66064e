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

Integrity (issue 15): every check is in :mod:`.chain` (content hash, chain,
sequence, time, Ed25519 signatures of verified entries); :meth:`Journal.check`
runs it incrementally from the state cached in ``.phasebook/verified.json``
(only lines appended since are checked), :meth:`Journal.verify` runs it over
everything. Lines are written in canonical form (sorted keys, ``hash`` last),
so checking a line's hash needs no re-serialization.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import (
    JournalConflictError,
    JournalCorruptError,
    JournalIntegrityError,
    JournalTornError,
    PhasebookError,
)
from ..core.events import GENESIS, Actor, Event, utc_now
from ..core.hashing import canonical_json, jsonable
from .chain import ChainChecker, ChainProblem, ChainState, NeedFullCheck, is_conflict_marker
from .guard import check_event
from .locking import exclusive
from .signing import Signer, public_keys
from .verified import VerifiedCache, file_stamp

__all__ = ["JOURNAL_FILE", "Journal", "VerifyReport", "encode_line"]

JOURNAL_FILE = "journal.jsonl"
_TAIL_BLOCK = 64 * 1024


@dataclass(frozen=True)
class VerifyReport:
    """What :meth:`Journal.verify` (or :meth:`Journal.check`) found.

    ``check`` names the failing check (``content hash``, ``chain``,
    ``sequence``, ``time``, ``signature``, ``format``, ``conflict``, ``torn``,
    ``empty``, ``anchor``, ``plan/journal``); ``sections`` holds each plan
    section's last recorded hash (for the plan/journal comparison).
    """

    ok: bool
    entries: int
    problem: PhasebookError | None = None
    check: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    #: valid signatures checked, by key id (a key nobody expected shows here)
    signers: dict[str, int] = field(default_factory=dict)

    @property
    def signed(self) -> int:
        return sum(self.signers.values())

    def message(self) -> str:
        if self.ok:
            by = ", ".join(f"{k}: {n}" for k, n in sorted(self.signers.items()))
            signed = f", {self.signed} signatures valid (by key {by})" if self.signers else ""
            return f"journal OK: {self.entries} entries, hash chain intact{signed}"
        return self.problem.message if self.problem else "journal broken"


class Journal:
    """The journal of one project."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / JOURNAL_FILE
        self._lock_path = self.root / ".phasebook" / "journal.lock"
        self.cache = VerifiedCache(self.root, self.path)
        self._crc, self._signers = 0, {}  # of the lines the last check went through
        self._read_stamp: list[int] | None = None  # the file's identity when read() took _cached_bytes
        #: the serving side's key: verified entries appended through this journal are signed with it
        self.signer: Signer | None = None
        # read cache: the bytes parsed so far and their events (the journal only grows)
        self._cached_bytes = b""
        self._cached_events: list[Event] = []
        # the bytes last read, with the file's identity then, and CRCs of prefixes of them (see snapshot())
        self._snap: tuple[list[int], bytes, dict[int, int]] | None = None

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

    def snapshot(self) -> bytes:
        """The journal's bytes now, read once per change of the file (its identity: inode, size, mtime, ctime).

        The status cache, the verify cache and ``Project.open`` each compare what they cached with the file; one
        command reads it once for all of them (and :meth:`prefix_crc` sums each prefix once).
        """
        stamp = file_stamp(self.path)
        if stamp is not None and self._snap is not None and self._snap[0] == stamp:
            return self._snap[1]
        data = self._read_bytes()
        after = file_stamp(self.path)
        self._snap = (after, data, {}) if after is not None and after == stamp and after[1] == len(data) else None
        return data

    def prefix_crc(self, data: bytes, size: int) -> int:
        """``zlib.crc32`` of ``data[:size]``, remembered for the bytes :meth:`snapshot` returned."""
        memo = self._snap[2] if self._snap is not None and self._snap[1] is data else None
        if memo is not None and size in memo:
            return memo[size]
        crc = zlib.crc32(memoryview(data)[:size])
        if memo is not None:
            memo[size] = crc
        return crc

    def read(self) -> list[Event]:
        """Every event, in order.

        Raises:
            JournalTornError: the last line is incomplete.
            JournalCorruptError: a line is not a valid entry (use :meth:`verify`
                for the hash chain).
        """
        data = self.snapshot()
        snap = self._snap
        stamp = snap[0] if snap is not None and snap[1] is data else None
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
        self._read_stamp = stamp
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
        if is_conflict_marker(line):
            raise JournalConflictError(file=str(self.path), line=number)
        try:
            raw = json.loads(line)
            return Event.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            raise self._parse_problem(exc, number) from None

    def verify(self, *, require_entries: bool = False) -> VerifyReport:
        """Check every entry (format, content hash, chain, sequence, time, signatures); report the first problem.

        Args:
            require_entries: an empty or missing journal is a failure (a project
                always has at least its ``project_created`` entry).
        """
        before = file_stamp(self.path)
        data = self._read_bytes()
        report, state = self._check_lines(data, None, 0)
        if report is None:
            report = self._finish(state, require_entries)
        if report.ok:
            self.cache.save(len(data), self._crc, state, before)
        return report

    def check(self, *, require_entries: bool = False) -> VerifyReport:
        """:meth:`verify`, but only over what was appended since the last successful check.

        See :mod:`.verified`: one ``stat`` when nothing changed, the new lines
        when the journal only grew, the full check otherwise.
        """
        cached = self.cache.load()
        if cached is not None:
            state: ChainState = cached["parsed"]
            if cached["stamp"] == file_stamp(self.path):
                return VerifyReport(True, state.lines, sections=dict(state.sections))
            before = file_stamp(self.path)
            # the bytes read() just parsed, when the file is provably still those (saves reading it again)
            data = self._cached_bytes if before is not None and before == self._read_stamp else self.snapshot()
            size = cached["size"]
            if len(data) >= size and self.prefix_crc(data, size) == cached["crc"]:
                try:
                    report, state = self._check_lines(data, state, size, crc=cached["crc"])
                except NeedFullCheck:
                    return self.verify(require_entries=require_entries)
                if report is None:
                    report = self._finish(state, require_entries)
                if report.ok:
                    self.cache.save(len(data), self._crc, state, before)
                return report
        return self.verify(require_entries=require_entries)

    def _check_lines(self, data: bytes, state: ChainState | None, start: int,
                     crc: int = 0) -> tuple[VerifyReport | None, ChainState]:
        checker = ChainChecker(public_keys(self.root), state)
        body = memoryview(data)[start:]
        lines = bytes(body).split(b"\n")
        for line in lines[:-1]:
            problem = checker.feed(line)
            if problem is not None:
                return self._problem_report(problem, checker.state.lines), checker.state
        if lines and lines[-1] != b"":
            return VerifyReport(False, checker.state.lines, JournalTornError(file=str(self.path),
                                line=checker.state.lines + 1), check="torn"), checker.state
        problem = checker.finish()
        if problem is not None:
            return VerifyReport(False, checker.state.lines, JournalIntegrityError(
                file=str(self.path), check=problem.check, problem=problem.problem), check=problem.check), checker.state
        self._crc = zlib.crc32(body, crc)
        self._signers = checker.signers
        return None, checker.state

    def _finish(self, state: ChainState, require_entries: bool) -> VerifyReport:
        if require_entries and state.lines == 0:
            return VerifyReport(False, 0, JournalIntegrityError(
                file=str(self.path), check="empty",
                problem="the journal is empty or missing, but a project always records at least its creation. "
                "It was truncated or deleted: restore it from version control (git checkout -- journal.jsonl)"),
                check="empty")
        return VerifyReport(True, state.lines, sections=dict(state.sections), signers=dict(self._signers))

    def _problem_report(self, problem: ChainProblem, count: int) -> VerifyReport:
        if problem.check == "conflict":
            err: PhasebookError = JournalConflictError(file=str(self.path), line=problem.line)
        else:
            err = JournalCorruptError(file=str(self.path), seq=problem.seq if problem.seq is not None else problem.line,
                                      line=problem.line, check=problem.check, problem=problem.problem)
        return VerifyReport(False, min(count, problem.line - 1), err, check=problem.check)

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
            seq, prev, prev_at = self._tail()
            at = max(utc_now(), prev_at)  # never before the entry it follows (a clock stepped back)
            event = Event(seq=seq + 1, at=at, actor=actor, kind=kind, data=data, prev=prev)
            if actor.verified and self.signer is not None:
                event = event.model_copy(update={"sig": self.signer.sign(event.signed_body())})
            event = event.sealed()
            line = encode_line(event)
            cached = self.cache.exact()  # checked up to now: extend it with this line, so readers pay one stat
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            if cached is not None:
                self.cache.extend(cached, line)
        return event

    def _tail(self) -> tuple[int, str, str]:
        """Sequence number, hash and time of the last entry (0, GENESIS and "" when empty)."""
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return 0, GENESIS, ""
        with fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            if size == 0:
                return 0, GENESIS, ""
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
        return event.seq, event.hash, event.at

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


def encode_line(event: Event) -> bytes:
    """An entry as one canonical line: sorted keys, compact, then its ``hash`` last."""
    body = canonical_json(event.body())
    return (body[:-1] + ',"hash":' + json.dumps(event.hash) + "}\n").encode("utf-8")


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)
