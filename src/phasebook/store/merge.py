"""Merging two branches' journals (the git merge driver behind ``phasebook merge-journal``).

Two branches that each append to ``journal.jsonl`` share a prefix and then
diverge. A line-based merge conflicts, and no hand resolution keeps a hash
chain valid. This merge keeps every entry of both sides *unchanged* (so each
side's hashes and signatures still verify): our entries, then theirs that we
do not have, then one ``merge`` entry whose ``data.heads`` names both sides'
last entries and whose ``prev`` is their head. :mod:`.chain` accepts a branch
that forks from an earlier entry when such a merge entry closes it.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.events import Actor, Event, utc_now
from .chain import is_conflict_marker
from .journal import encode_line
from ..core.named_errors import MergeSideError

__all__ = ["merge_journals"]


def _entries(data: bytes, label: str) -> list[tuple[bytes, dict[str, Any]]]:
    out = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        if is_conflict_marker(line):
            raise MergeSideError(side=label, line=number, problem="conflict_marker")
        try:
            raw = json.loads(line)
            raw["hash"], raw["seq"], raw["at"]
        except (ValueError, KeyError, TypeError):
            raise MergeSideError(side=label, line=number, problem="damaged") from None
        out.append((line, raw))
    return out


def merge_journals(base: bytes, ours: bytes, theirs: bytes) -> bytes:
    """The merged journal: ours, their new entries, and a merge entry naming both heads.

    ``base`` (the common ancestor's journal) is not needed to decide anything:
    entries are identified by their hashes. One side already holding the
    other's entries is a fast-forward (no merge entry).

    Raises:
        BadInputError: a side has conflict markers or a damaged line.
    """
    del base
    mine, other = _entries(ours, "our"), _entries(theirs, "their")
    have = {raw["hash"] for _, raw in mine}
    new = [(line, raw) for line, raw in other if raw["hash"] not in have]
    if not new:
        return ours
    if {raw["hash"] for _, raw in other} >= have and [r["hash"] for _, r in other[: len(mine)]] == [
            r["hash"] for _, r in mine]:
        return theirs  # fast-forward: they have everything we have, in the same order
    ours_head, theirs_head = mine[-1][1], other[-1][1]
    at = max(utc_now(), ours_head["at"], theirs_head["at"])
    merge = Event(
        seq=max(ours_head["seq"], theirs_head["seq"]) + 1, at=at, actor=Actor.system(), kind="merge",
        data={"heads": [ours_head["hash"], theirs_head["hash"]],
              "note": "a git merge joined two branches' journals; each side's entries are kept as they were"},
        prev=theirs_head["hash"],
    ).sealed()
    body = b"".join(line + b"\n" for line, _ in mine) + b"".join(line + b"\n" for line, _ in new)
    return body + encode_line(merge)
