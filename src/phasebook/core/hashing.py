"""Canonical JSON and content hashes.

A hash is the SHA-256 of the canonical JSON of a value (sorted keys, no
insignificant white space, UTF-8), so comment or formatting edits in the
YAML never change it, and the same content hashes the same on any machine.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_json", "content_hash"]


def canonical_json(value: Any) -> str:
    """Serialize ``value`` as canonical JSON (sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(value: Any) -> str:
    """Return ``sha256:<hex>`` of the canonical JSON of ``value``."""
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
