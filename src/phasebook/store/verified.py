"""``.phasebook/verified.json``: the journal's state after its last successful check.

Verify on read must be cheap. The state a check reached (:class:`~.chain.ChainState`)
is cached with the journal's size, a CRC of its bytes, its file identity
(inode, size, mtime, ctime) and a stamp of ``signing_keys.json``:

* the file untouched since (same identity): nothing to check — one ``stat``;
* the file grew and its old part has the same CRC: only the new lines are checked;
* our own append (under the journal lock, from an exact cache): the cache is
  extended with the new line, so the next reader again pays one ``stat``;
* anything else (an edit, a git merge, a changed key file): the full check.

The cache is local (``.phasebook/`` is git-ignored) and not a defence against
someone who rewrites it too: the full ``verify`` is the check to trust.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

from .files import write_cache
from .chain import ChainChecker, ChainState, NeedFullCheck
from .signing import KEYS_FILE, public_keys

__all__ = ["VerifiedCache", "file_stamp"]


def file_stamp(path: Path) -> list[int] | None:
    """The file's identity: inode, size, mtime and ctime (ctime cannot be set back by a user)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


class VerifiedCache:
    """The cache file of one journal."""

    def __init__(self, root: Path, journal_path: Path) -> None:
        self.root, self.journal_path = Path(root), Path(journal_path)
        self.path = self.root / ".phasebook" / "verified.json"

    def keys_stamp(self) -> str:
        try:
            return format(zlib.crc32((self.root / KEYS_FILE).read_bytes()), "08x")
        except FileNotFoundError:
            return "-"

    def load(self) -> dict[str, Any] | None:
        """The cached document, if readable and made with the same key file (else None)."""
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            doc["parsed"] = ChainState.from_json(doc["state"])
            if not (isinstance(doc["size"], int) and isinstance(doc["crc"], int) and isinstance(doc["stamp"], list)):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return doc if doc.get("keys") == self.keys_stamp() else None

    def exact(self) -> dict[str, Any] | None:
        """The cached document if it describes the journal exactly as it is now."""
        doc = self.load()
        return doc if doc is not None and doc["stamp"] == file_stamp(self.journal_path) else None

    def save(self, size: int, crc: int, state: ChainState, before: list[int] | None = None) -> None:
        """Cache the state reached over the first ``size`` bytes.

        The file's identity is cached too only if it is provably the file that
        was checked: still ``size`` bytes and, when ``before`` (its identity
        taken before it was read) is given, unchanged since.
        """
        stamp = file_stamp(self.journal_path)
        if stamp is None:
            return
        same = stamp[1] == size and (before is None or before == stamp)
        self._write({"v": 1, "size": size, "crc": crc, "stamp": stamp if same else [],
                     "keys": self.keys_stamp(), "state": state.to_json()})

    def extend(self, cached: dict[str, Any], line: bytes) -> None:
        """After our own append of ``line`` to an exactly cached journal: check it and cache the result."""
        checker = ChainChecker(public_keys(self.root), cached["parsed"])
        try:
            if checker.feed(line.rstrip(b"\n")) is not None or checker.finish() is not None:
                return
        except NeedFullCheck:
            return
        self.save(cached["size"] + len(line), zlib.crc32(line, cached["crc"]), checker.state)

    def _write(self, doc: dict[str, Any]) -> None:
        write_cache(self.path, json.dumps(doc))  # a read-only checkout: the next read checks again
