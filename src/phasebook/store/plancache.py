"""``.phasebook/plan.json``: the plan's YAML as parsed, so reading the plan need not run the YAML parser.

ruamel's round-trip parser is pure Python: ~11 ms for a new project's
2 KB plan (more for a real one), plus ~10 ms to import it — a tenth of what
``phasebook status`` costs. Once a plan file has been parsed within the
limits of :mod:`.yaml`, its data is kept here, keyed by

* the plan's bytes (their SHA-256: any edit, by any means, is a miss);
* the reader: phasebook's version and the size and mtime of this module,
  :mod:`.yaml` and ruamel's own ``__init__.py`` (an upgrade is a miss).

Only data that JSON carries exactly is cached: mappings with string keys,
lists, strings, integers, floats, booleans, null, and dates (tagged by a
NUL-prefixed key, which the YAML reader refuses, so no plan can spell it).
A plan holding anything else (a timestamp, a custom tag) is parsed each
time. Validation is unchanged: the sections are validated from this data
exactly as from ruamel's tree. Writes of the plan need the commented tree
(to keep a person's comments) and parse the file themselves.

The file is written atomically, never by a viewer's locked dashboard
kernel (:mod:`.guard`; it still reads), and read with bounds; anything
unexpected is a miss. Like ``verified.json`` and ``status.json`` it is local
(``.phasebook/`` is git-ignored) and no defence against someone who rewrites
it: the full ``verify`` parses the plan itself.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

from .._version import __version__
from .files import write_cache
from .guard import locked
from .verified import file_stamp

__all__ = ["PlanCache", "CACHE_FILE", "MAX_BYTES"]

CACHE_FILE = "plan.json"
#: a cache file larger than this is not read (a plan is at most 16 MiB; escaping can grow it)
MAX_BYTES = 64 * 1024 * 1024
_VERSION = 1
_DATE = "\x00date"  # a date's tag: the YAML reader refuses NUL, so no plan has this key
_READER: str | None = None


class _NotCacheable(Exception):
    """The parsed plan holds a value JSON does not carry exactly."""


def _reader() -> str:
    """What the parsed data depends on besides the bytes: phasebook's version and the reading code's files."""
    global _READER
    if _READER is None:
        parts: list[Any] = [__version__, _VERSION]
        spec = importlib.util.find_spec("ruamel.yaml")  # its file, without importing it
        here = Path(__file__).resolve()
        for path in (here, here.parent / "yaml.py", Path(spec.origin) if spec and spec.origin else None):
            stamp = file_stamp(path) if path is not None else None
            parts.append(stamp[1:3] if stamp else None)  # size and mtime
        _READER = json.dumps(parts)
    return _READER


def _plain(node: Any) -> Any:
    """ruamel's tree as JSON data (``_NotCacheable`` for a value JSON would not carry exactly)."""
    if node is None or type(node) is bool:
        return node
    if isinstance(node, dict):
        if not all(isinstance(k, str) for k in node):
            raise _NotCacheable
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):  # ruamel's quoted and block scalars are str subclasses
        return str(node)
    if isinstance(node, float):  # ScalarFloat
        return float(node)
    if isinstance(node, int) and type(node).__name__ != "ScalarBoolean":  # ScalarInt; an anchored boolean is not
        return int(node)
    if type(node) is dt.date:
        return {_DATE: node.isoformat()}
    raise _NotCacheable


def _restore(node: Any) -> Any:
    """The data :func:`_plain` wrote, dates as dates."""
    if isinstance(node, dict):
        if len(node) == 1 and _DATE in node:
            return dt.date.fromisoformat(node[_DATE])
        return {k: _restore(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_restore(v) for v in node]
    return node


class PlanCache:
    """The parsed-plan cache of one project."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / ".phasebook" / CACHE_FILE

    def get(self, digest: str) -> tuple[bool, Any]:
        """``(True, data)`` when the plan whose bytes have SHA-256 ``digest`` was cached by this reader."""
        stamp = file_stamp(self.path)
        if stamp is None or stamp[1] > MAX_BYTES:
            return False, None
        try:
            doc = json.loads(self.path.read_bytes())
            if doc["v"] != _VERSION or doc["digest"] != digest or doc["reader"] != _reader():
                return False, None
            return True, _restore(doc["data"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return False, None

    def put(self, digest: str, raw: Any) -> bool:
        """Keep the plan parsed from the bytes with SHA-256 ``digest``; False if not written (not cacheable, a
        viewer's kernel, a read-only folder)."""
        if locked():
            return False
        try:
            data = _plain(raw)
        except (_NotCacheable, RecursionError):
            return False
        text = json.dumps({"v": _VERSION, "digest": digest, "reader": _reader(), "data": data}, ensure_ascii=False)
        return write_cache(self.path, text)
