"""Canonical JSON and content hashes.

A hash is the SHA-256 of the canonical JSON of a value (sorted keys, no
insignificant white space, UTF-8), so comment or formatting edits in the
YAML never change it, and the same content hashes the same on any machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from pathlib import PurePath
from typing import Any

__all__ = ["canonical_json", "content_hash", "jsonable"]


def canonical_json(value: Any) -> str:
    """Serialize ``value`` as canonical JSON (sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(value: Any) -> str:
    """Return ``sha256:<hex>`` of the canonical JSON of ``value``."""
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def jsonable(value: Any, *, unknown: Any = None) -> Any:
    """Return ``value`` as plain JSON data, so that tools can journal what they computed.

    Converts NumPy scalars and arrays (duck-typed: anything with ``tolist``),
    pydantic models, dates, paths, sets and tuples; a non-finite float (NaN,
    infinity) becomes ``None`` because JSON has no way to say it. Mapping keys
    become strings. Anything else unknown is kept for the serializer to refuse,
    or passed to ``unknown`` (e.g. ``str``, for error bodies that must always serialize).
    The one JSON sanitizer of phasebook.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v, unknown=unknown) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v, unknown=unknown) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "model_dump"):  # pydantic models
        return jsonable(value.model_dump(mode="json"), unknown=unknown)
    if hasattr(value, "tolist"):  # numpy scalars and arrays, pandas objects
        return jsonable(value.tolist(), unknown=unknown)
    return unknown(value) if unknown is not None else value
