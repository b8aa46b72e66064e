"""The data of an exported sign-off record: collected from a project, checked without one.

An exported record (``phasebook export``) embeds, in one
``<script type="application/json" id="phasebook-record">`` element:

* ``entries`` — the journal's lines, byte for byte, from the first up to the
  entry the record is "as of" (so every hash and chain link is checkable
  from the genesis);
* ``keys`` — the public Ed25519 keys that signed verified entries;
* ``sections`` — plan sections the record shows that no entry carries
  (literature, cost estimate…), each checked against the hash its latest
  ``section_saved`` entry recorded;
* ``meta`` — the project name, gate, entry and export time, and the gate
  titles of the flow (labels only: they prove nothing).

:func:`check_bundle` re-checks all of it with no project at hand; the
rendered page is then checked against this data by
:func:`phasebook.dashboards.record.verify_record`.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used (importing the facade stays light)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..core.hashing import content_hash
from .chain import ChainChecker
from .signing import key_id, public_keys, verify_sig

__all__ = ["RECORD_FORMAT", "SCRIPT_ID", "BundleProblem", "collect_lines", "embed_json", "extract_bundle",
           "check_bundle", "bundle_keys", "MAX_RECORD_BYTES", "verify_sig"]

RECORD_FORMAT = "phasebook-record/1"
SCRIPT_ID = "phasebook-record"
MAX_RECORD_BYTES = 64 * 1024 * 1024
_SCRIPT = re.compile(r'<script type="application/json" id="phasebook-record">(.*?)</script>', re.S)


@dataclass
class BundleProblem(Exception):
    """What failed: ``where`` (an entry, a section, a part of the page) and ``problem``."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def collect_lines(journal_bytes: bytes, as_of: int | None) -> list[str]:
    """The journal's lines up to and including the one whose ``seq`` is ``as_of`` (all when None)."""
    lines = [line for line in journal_bytes.split(b"\n") if line.strip()]
    out = []
    for line in lines:
        out.append(line.decode("utf-8"))
        if as_of is not None and json.loads(line).get("seq") == as_of:
            return out
    if as_of is not None:
        raise ValueError(f"the journal has no entry {as_of}")
    return out


def bundle_keys(project_root) -> dict[str, str]:
    """The project's public keys as ``{id: base64 raw key}`` for embedding."""
    from cryptography.hazmat.primitives import serialization

    return {kid: base64.b64encode(k.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
            for kid, k in public_keys(project_root).items()}


def embed_json(bundle: dict[str, Any]) -> str:
    """The bundle as JSON safe inside a ``<script>`` element (``<``, ``>``, ``&`` escaped as ``\\u`` codes)."""
    text = json.dumps(bundle, sort_keys=True, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def extract_bundle(html: str) -> dict[str, Any]:
    """The embedded bundle of an exported page (raises :class:`BundleProblem` when there is none)."""
    found = _SCRIPT.findall(html)
    if len(found) != 1:
        raise BundleProblem("the file", "it holds no phasebook record data (or more than one)")
    try:
        bundle = json.loads(found[0])
    except ValueError as exc:
        raise BundleProblem("the embedded record data", f"it is not valid JSON ({exc})") from None
    if not isinstance(bundle, dict) or bundle.get("format") != RECORD_FORMAT:
        raise BundleProblem("the embedded record data", f"it is not a {RECORD_FORMAT} record")
    return bundle


def _describe(line: str) -> str:
    try:
        raw = json.loads(line)
        actor = raw.get("actor", {}).get("name", "?")
        return f"entry {raw.get('seq')} ({raw.get('kind')} by {actor})"
    except (ValueError, AttributeError):
        return "an entry"


def check_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """Re-check every entry (hash, chain, sequence, time, signature) and every embedded section.

    Returns:
        ``{"entries": n, "signed": n, "keys": [ids], "sections": [names]}``.

    Raises:
        BundleProblem: naming the entry or section that fails and why.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys: dict[str, Ed25519PublicKey] = {}
    for kid, b64 in dict(bundle.get("keys") or {}).items():
        try:
            public = Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))
        except (TypeError, ValueError):
            raise BundleProblem(f"key {kid}", "it is not an Ed25519 public key") from None
        if key_id(public) != kid:
            raise BundleProblem(f"key {kid}", "its id does not match the key")
        keys[kid] = public
    entries = bundle.get("entries")
    if not isinstance(entries, list) or not entries or not all(isinstance(x, str) for x in entries):
        raise BundleProblem("the embedded record data", "it holds no journal entries")
    checker = ChainChecker(keys)
    saved: dict[str, tuple[str, int]] = {}
    for line in entries:
        problem = checker.feed(line.encode("utf-8"))
        if problem:
            raise BundleProblem(_describe(line), f"{problem.check} check failed: {problem.problem}")
        raw = json.loads(line)
        if raw["kind"] == "section_saved" and isinstance(raw["data"].get("section"), str):
            saved[raw["data"]["section"]] = (str(raw["data"].get("hash")), raw["seq"])
    for name, value in dict(bundle.get("sections") or {}).items():
        if name not in saved:
            raise BundleProblem(f"section {name}", "no entry in the record saved it")
        recorded, seq = saved[name]
        if content_hash(value) != recorded:
            raise BundleProblem(f"section {name} (saved in entry {seq})",
                                "its embedded content does not match the hash that entry recorded (it was edited)")
    return {"entries": len(entries), "signed": sum(checker.signers.values()), "keys": sorted(keys),
            "sections": sorted(dict(bundle.get("sections") or {}))}
