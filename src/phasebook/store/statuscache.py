"""``.phasebook/status.json``: the folded status of the journal, and the fold's state to resume it from.

:func:`~phasebook.core.status.fold` parses and folds every event; at 50,000
events that is seconds. Its result is cached beside the verify cache
(``.phasebook/verified.json``) together with the fold's state
(:class:`~phasebook.core.status.FoldState`), keyed by

* the journal: its byte length, its head (the last entry's hash) and a CRC of
  all its bytes — plus its file identity (inode, size, mtime, ctime), which
  when unchanged spares reading the file at all;
* what else the fold reads: the plan's dump and name, the flow's hash, and a
  fingerprint of the code that folds (phasebook's version and the ``core``
  sources), so an upgrade or an edited rule never serves an old answer;
* time: the fold judges due dates of open findings against *now*, so the
  status expires at the earliest due date still ahead.

Three ways to answer, cheapest first:

* **hit**: the journal is byte for byte the one folded, same context, not
  expired — the cached status;
* **resume**: same context, and the journal only grew — its first ``size``
  bytes have the cached CRC and end with the cached head entry: only the new
  lines are parsed and added to the state (an expired status resumes with no
  new line). A new entry the state cannot judge alone (a review sample naming
  a model test the state did not keep) folds from the first entry instead;
* **fold**: anything else (a torn tail and its repair, a journal replaced by
  another of the same length, a ``git pull`` that rewrote it, a changed plan)
  folds from the first entry and replaces the entry.

The file is written atomically (temporary file, ``os.replace``), never by a
viewer's locked dashboard kernel (:mod:`.guard`; it still reads), and read
with bounds: a file larger than :data:`MAX_BYTES` or not of the expected shape
is ignored. It is local state, as trusted as the folder: a fold from the
first entry is ``rm .phasebook/status.json`` away.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zlib
from pathlib import Path
from typing import Any

from .. import replay
from .._version import __version__
from ..core.events import Event
from ..core.findings import fold_findings, parse_due
from ..core.flow import Flow, flow_hash
from ..core.hashing import content_hash
from ..core.modeltests import NeedFullFold
from ..core.status import FoldState, ProjectStatus
from .files import write_cache
from .guard import locked
from .verified import file_stamp

__all__ = ["StatusCache", "MAX_BYTES", "CACHE_FILE", "code_fingerprint"]

CACHE_FILE = "status.json"
#: a cache file larger than this is not read (the bound of its parse)
MAX_BYTES = 256 * 1024 * 1024
_VERSION = 3
#: the last document read: (path, its file identity, the document) — opening a project and folding its status
#: both consult the cache, and parsing a large entry twice would double the cost of a warm ``status``
#: (one tuple, replaced whole, so a thread never sees one file's identity with another's document)
_LAST: tuple[Any, Any, Any] = (None, None, None)


def code_fingerprint() -> str:
    """phasebook's version and the name, size and mtime of every ``core`` source (what the fold runs) and of this one."""
    here = Path(__file__).resolve()
    core = here.parent.parent / "core"
    parts: list[Any] = [__version__, _VERSION]
    try:
        st = here.stat()  # this module too: the entry's format
        parts.append([here.name, st.st_size, st.st_mtime_ns])
        with os.scandir(core) as it:
            for entry in sorted(it, key=lambda e: e.name):
                if entry.name.endswith((".py", ".json")):
                    st = entry.stat()
                    parts.append([entry.name, st.st_size, st.st_mtime_ns])
    except OSError:
        parts.append("?")
    return content_hash(parts)


def _journal_key(data: bytes, size: int | None = None, crc: int | None = None) -> dict[str, Any] | None:
    """Length, CRC and head hash of the journal's first ``size`` bytes (default: all; None for a torn tail).

    ``crc``: the CRC of those bytes when the caller already has it.
    """
    size = len(data) if size is None else size
    if size and data[size - 1:size] != b"\n":
        return None
    head = ""
    if size:
        last = data[data.rfind(b"\n", 0, size - 1) + 1:size - 1]
        try:
            head = json.loads(last)["hash"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(head, str):
            return None
    if crc is None:
        crc = zlib.crc32(memoryview(data)[:size])
    return {"size": size, "crc": crc, "head": head}


class StatusCache:
    """The status cache of one project's journal."""

    def __init__(self, root: Path, journal_path: Path) -> None:
        self.root, self.journal_path = Path(root), Path(journal_path)
        self.path = self.root / ".phasebook" / CACHE_FILE

    # reading -----------------------------------------------------------------
    def _load(self) -> dict[str, Any] | None:
        """The cached document if it is bounded and well formed, else None (never trusted half-read)."""
        global _LAST
        stamp = file_stamp(self.path)
        if stamp is None or stamp[1] > MAX_BYTES:
            return None
        last_path, last_stamp, last_doc = _LAST
        if last_path == self.path and last_stamp == stamp:
            return last_doc
        try:
            doc = json.loads(self.path.read_bytes())
            journal = doc["journal"]
            ok = (doc.get("v") == _VERSION and isinstance(doc["context"], str) and isinstance(doc["status"], dict)
                  and isinstance(doc["state"], str)
                  and isinstance(journal.get("size"), int) and isinstance(journal.get("crc"), int)
                  and isinstance(journal.get("head"), str) and isinstance(journal.get("stamp"), list)
                  and (doc.get("expires") is None or isinstance(doc["expires"], str)))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if not ok:
            return None
        _LAST = (self.path, stamp, doc)
        return doc

    def journal_matches(self, doc: dict[str, Any] | None = None) -> bool:
        """True when the journal is byte for byte the one the cached status was folded from."""
        doc = doc if doc is not None else self._load()
        if doc is None:
            return False
        cached = doc["journal"]
        stamp = file_stamp(self.journal_path)
        if stamp is None:
            return False
        if cached["stamp"] and cached["stamp"] == stamp:
            return True
        if stamp[1] != cached["size"]:
            return False
        try:
            data = self.journal_path.read_bytes()
        except OSError:
            return False
        key = _journal_key(data)
        return key is not None and all(key[k] == cached[k] for k in ("size", "crc", "head"))

    def get(self, context: str, now: dt.datetime) -> ProjectStatus | None:
        """The cached status if it was folded from this journal, this ``context`` and is not expired."""
        doc = self._load()
        if doc is None or doc["context"] != context or _expired(doc, now):
            return None
        if not self.journal_matches(doc):
            return None
        try:
            status = ProjectStatus.model_validate(doc["status"])
        except ValueError:
            return None
        replay.valid_until(dt.datetime.fromisoformat(doc["expires"]) if doc["expires"] else None)
        return status

    def resumable(self, context: str, data: bytes, journal: Any = None) -> dict[str, Any] | None:
        """The cached document if ``data`` (the journal's bytes now) begins with exactly the bytes it folded.

        ``journal`` (a :class:`~.journal.Journal` whose :meth:`~.journal.Journal.snapshot` gave ``data``) shares
        the CRC of that prefix with the verify cache.
        """
        doc = self._load()
        if doc is None or doc["context"] != context:
            return None
        cached = doc["journal"]
        size = cached["size"]
        if len(data) < size:
            return None
        crc = journal.prefix_crc(data, size) if journal is not None else None
        key = _journal_key(data, size, crc)
        if key is None or any(key[k] != cached[k] for k in ("size", "crc", "head")):
            return None
        return doc

    def can_answer(self, journal: Any) -> bool:
        """True when the journal (a :class:`~.journal.Journal`) is the one folded or has only grown since."""
        doc = self._load()
        if doc is None:
            return False
        if self.journal_matches(doc):
            return True
        stamp = file_stamp(self.journal_path)
        if stamp is None or stamp[1] < doc["journal"]["size"]:
            return False
        data = journal.snapshot()
        return data.endswith(b"\n") and self.resumable(doc["context"], data, journal) is not None

    # writing -----------------------------------------------------------------
    def put(self, data: bytes, stamp: list[int] | None, context: str, status: ProjectStatus,
            expires: dt.datetime | None, state: FoldState, crc: int | None = None) -> None:
        """Cache ``status`` and ``state``, folded from the journal bytes ``data`` (``stamp``: the file's identity
        when read; ``crc``: the CRC of ``data`` when known)."""
        if locked():  # a viewer's dashboard kernel writes nothing but sign-offs
            return
        key = _journal_key(data, None, crc)
        if key is None:
            return
        key["stamp"] = stamp if stamp is not None and stamp[1] == len(data) else []
        doc = {"v": _VERSION, "journal": key, "context": context,
               "expires": expires.isoformat() if expires is not None else None,
               "status": status.model_dump(mode="json"),
               # as one string: a hit (the commonest answer) skims over it instead of parsing its structure
               "state": json.dumps(state.to_json(), separators=(",", ":"))}
        write_cache(self.path, json.dumps(doc, separators=(",", ":")))  # a read-only checkout: the next read folds again


def _expired(doc: dict[str, Any], now: dt.datetime) -> bool:
    if doc["expires"] is None:
        return False
    try:
        return now >= dt.datetime.fromisoformat(doc["expires"])
    except (ValueError, TypeError):
        return True


def fold_context(name: str, flow: Flow, plan: dict[str, Any]) -> str:
    """What the fold reads besides the journal and the time, as one hash."""
    return content_hash({"name": name, "flow": flow_hash(flow), "plan": plan, "code": code_fingerprint()})


def next_due(events: list[Event], now: dt.datetime) -> dt.datetime | None:
    """The earliest due time of an open finding still ahead of ``now`` (when the fold's answer changes)."""
    ahead = []
    for f in fold_findings(events).values():
        if f.is_open and f.due:
            try:
                due = parse_due(f.due)
            except ValueError:
                continue
            if due >= now:
                ahead.append(due)
    return min(ahead) if ahead else None


def cached_fold(journal: Any, name: str, flow: Flow, plan: dict[str, Any]) -> ProjectStatus:
    """The status of ``journal`` (a :class:`~.journal.Journal`): cached, resumed from the cached state, or folded.

    Raises what :meth:`~.journal.Journal.read` raises for a torn or damaged journal (new lines included).
    """
    now = dt.datetime.now(dt.timezone.utc)
    cache = StatusCache(journal.root, journal.path)
    context = fold_context(name, flow, plan)
    hit = cache.get(context, now)
    if hit is not None:
        return hit
    state, crc = None, None
    data = journal.snapshot()
    doc = cache.resumable(context, data, journal) if data.endswith(b"\n") or not data else None
    if doc is not None:
        try:
            state = FoldState.from_json(json.loads(doc["state"]), flow, plan)
            start = doc["journal"]["size"]
            for line in data[start:].split(b"\n")[:-1]:
                state.add(journal._parse(line, state.entries + 1))
            crc = zlib.crc32(memoryview(data)[start:], doc["journal"]["crc"])
        except (ValueError, NeedFullFold):
            state = None
    stamp = journal._snap[0] if journal._snap is not None and journal._snap[1] is data else None
    whole = True  # the state is of every line of ``data``
    if state is None:
        events = journal.read()
        data, stamp, crc = journal._cached_bytes, journal._read_stamp, None  # exactly the bytes read() parsed
        state = FoldState.of(events, flow, plan)
        whole = len(events) == data.count(b"\n")
    status = state.finish(name, now)
    due = next_due(state.events(), now)
    replay.valid_until(due)  # a printed status holds until the next due date too
    if whole:
        cache.put(data, stamp, context, status, due, state, crc)
    return status
