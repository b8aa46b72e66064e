"""The checks behind ``verify``: one pass over the journal's raw lines.

Each line is checked, in this order, and the first failure is named with
its check: ``format`` (JSON, the entry's fields), ``content hash`` (the line
matches its ``hash``), ``chain`` (``prev`` names an earlier entry; a branch
brought in by a git merge is closed by a ``merge`` entry naming both heads),
``sequence``, ``time`` (never before the entry it follows) and ``signature``
(every verified entry carries a valid Ed25519 signature by a key recorded in
the project). Git conflict markers are reported as such.

The checker works on plain ``json.loads`` dicts, not pydantic models, so a
100,000-entry journal verifies in about a second; its :class:`ChainState`
(the heads, the last entry, the plan sections' last recorded hashes) is small
enough to cache in ``.phasebook/`` and resume from, so a read checks only the
entries appended since the last check.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..core.events import GENESIS, entry_hash
from .signing import verify_sig

__all__ = ["ChainProblem", "ChainState", "ChainChecker", "NeedFullCheck", "CONFLICT_MARKERS", "is_conflict_marker"]

CONFLICT_MARKERS = (b"<<<<<<<", b"=======", b">>>>>>>", b"|||||||")
_REQUIRED = frozenset({"v", "seq", "at", "actor", "kind", "data", "prev", "hash"})
_ALLOWED = _REQUIRED | {"sig"}
_decode = json.JSONDecoder().decode


def is_conflict_marker(line: bytes) -> bool:
    """True for a git conflict-marker line (``<<<<<<< ours`` …)."""
    return line.startswith(CONFLICT_MARKERS)


@dataclass
class ChainProblem:
    """The first failing entry: where, which check, what is wrong."""

    line: int
    seq: int | None
    check: str
    problem: str


class NeedFullCheck(Exception):
    """An incremental check met an entry it cannot judge from the cached state (a merged branch)."""


@dataclass
class ChainState:
    """What a check knows after the lines it has seen (cacheable as JSON)."""

    lines: int = 0
    last: str = GENESIS
    #: entries nothing follows yet: hash → [seq, at]; one at the end of a sound journal
    tips: dict[str, list[Any]] = field(default_factory=dict)
    #: the last recorded ``section_saved`` hash of each plan section
    sections: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "last": self.last, "tips": self.tips, "sections": self.sections}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "ChainState":
        return cls(lines=int(doc["lines"]), last=str(doc["last"]),
                   tips={str(k): list(v) for k, v in dict(doc["tips"]).items()},
                   sections={str(k): str(v) for k, v in dict(doc["sections"]).items()})


def _hash_ok(line: bytes, raw: dict[str, Any], stated: str) -> bool:
    """Does ``stated`` hash this entry? Fast for lines written canonically, exact for any line."""
    suffix = b',"hash":"' + stated.encode("ascii", "replace") + b'"}'
    if line.endswith(suffix):
        body = line[: len(line) - len(suffix)] + b"}"
        if "sha256:" + hashlib.sha256(body).hexdigest() == stated:
            return True
    return entry_hash(raw) == stated


class ChainChecker:
    """Feed lines in order; the first problem is returned (and the state stays at the line before it).

    Args:
        keys: the project's public keys (:func:`~phasebook.store.signing.public_keys`).
        state: resume from a cached state (an incremental check); ``None`` starts at the beginning.
    """

    def __init__(self, keys: dict[str, Any], state: ChainState | None = None) -> None:
        self.keys = keys
        self.incremental = state is not None
        self.state = state or ChainState()
        # every entry seen, for merged branches that fork from an older entry (full checks only)
        self.known: dict[str, list[Any]] = dict(self.state.tips)
        #: valid signatures checked, by key id
        self.signers: dict[str, int] = {}

    def feed(self, line: bytes) -> ChainProblem | None:
        st = self.state
        number = st.lines + 1
        if is_conflict_marker(line):
            return ChainProblem(number, None, "conflict", "a git conflict marker")
        try:
            raw = _decode(line.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
            return ChainProblem(number, None, "format", "not valid JSON")
        problem = self._format(raw)
        if problem:
            return ChainProblem(number, raw.get("seq") if isinstance(raw, dict) else None, "format", problem)
        seq, at, prev, own = raw["seq"], raw["at"], raw["prev"], raw["hash"]
        if not _hash_ok(line, raw, own):
            return ChainProblem(number, seq, "content hash",
                                "its content does not match its hash (the line was edited after it was written)")
        if own in self.known:
            return ChainProblem(number, seq, "chain", f"it repeats entry {self.known[own][0]} (a duplicated line)")
        heads = [prev]
        if raw["kind"] == "merge":
            heads = raw["data"].get("heads")
            if not (isinstance(heads, list) and len(heads) >= 2 and len(set(map(str, heads))) == len(heads)
                    and prev in heads):
                return ChainProblem(number, seq, "chain", "a merge entry must name the heads it joins, its prev among them")
        parents = []
        for head in heads:
            parent = self.known.get(head)
            if parent is None and head == GENESIS and number == 1:
                parent = [0, ""]
            if parent is None:
                if self.incremental and st.lines and head != GENESIS:
                    raise NeedFullCheck(number)
                last_seq = self.known.get(st.last, [0])[0]
                if head == prev and number > 1 and prev != GENESIS and raw["kind"] != "merge":
                    if seq > last_seq + 1:
                        gone = f"entry {last_seq + 1}" if seq == last_seq + 2 else f"entries {last_seq + 1}–{seq - 1}"
                        return ChainProblem(number, seq, "chain", f"{gone} before it {'was' if seq == last_seq + 2 else 'were'} "
                                            "removed (it links to an entry that is no longer in the journal)")
                    # this entry is intact, so the one it follows was changed and re-hashed
                    return ChainProblem(number - 1, last_seq or None, "chain",
                                        f"it was changed after entry {seq} was written (its hash no longer matches "
                                        f"the link entry {seq} stores)")
                return ChainProblem(number, seq, "chain", "it links to an entry that is not in the journal "
                                    "(an entry was removed, or it was edited and re-hashed)")
            if raw["kind"] == "merge" and head not in st.tips:
                return ChainProblem(number, seq, "chain", "it merges a head that another entry already continues")
            parents.append(parent)
        expected_seq = (parents[0][0] if len(parents) == 1 else max(p[0] for p in parents)) + 1
        if seq != expected_seq:
            return ChainProblem(number, seq, "sequence", f"sequence number {seq} where {expected_seq} was expected "
                                "(an entry was removed or inserted)")
        latest = parents[0][1] if len(parents) == 1 else max(p[1] for p in parents)
        if at < latest:
            return ChainProblem(number, seq, "time", f"its time {at} is before the entry it follows ({latest}): "
                                "it was back-dated, or a clock went backwards")
        if raw["actor"].get("verified") or "sig" in raw:
            body = {k: v for k, v in raw.items() if k not in ("hash", "sig")}
            why = verify_sig(raw.get("sig"), body, self.keys)
            if why:
                return ChainProblem(number, seq, "signature", why)
            self.signers[raw["sig"]["key"]] = self.signers.get(raw["sig"]["key"], 0) + 1
        if raw["kind"] == "section_saved" and isinstance(raw["data"].get("section"), str):
            st.sections[raw["data"]["section"]] = str(raw["data"].get("hash"))
        for head in heads:
            st.tips.pop(head, None)
        st.tips[own] = [seq, at]
        self.known[own] = [seq, at]
        st.last, st.lines = own, number
        return None

    def finish(self) -> ChainProblem | None:
        """After the last line: every branch must have been merged."""
        st = self.state
        open_heads = [h for h in st.tips if h != st.last]
        if open_heads:
            seqs = ", ".join(str(st.tips[h][0]) for h in open_heads)
            return ChainProblem(st.lines, None, "chain", f"a branch ending at entry {seqs} is never merged "
                                "(entries were added beside the chain without a merge entry)")
        return None

    @staticmethod
    def _format(raw: Any) -> str | None:
        if not isinstance(raw, dict):
            return "not a valid entry (not a JSON object)"
        keys = raw.keys()
        if not (_REQUIRED <= keys and keys <= _ALLOWED):
            missing, extra = sorted(_REQUIRED - keys), sorted(keys - _ALLOWED)
            return "not a valid entry (" + "; ".join(
                ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else [])
            ) + ")"
        if not isinstance(raw["seq"], int) or isinstance(raw["seq"], bool) or raw["seq"] < 1:
            return "not a valid entry (seq: must be a positive integer)"
        actor = raw["actor"]
        if not (isinstance(actor, dict) and isinstance(actor.get("name"), str) and actor["name"]
                and isinstance(actor.get("verified", False), bool)):
            return "not a valid entry (actor: needs a name)"
        for key in ("at", "kind", "prev", "hash"):
            if not isinstance(raw[key], str):
                return f"not a valid entry ({key}: must be a string)"
        if not isinstance(raw["data"], dict):
            return "not a valid entry (data: must be an object)"
        return None
