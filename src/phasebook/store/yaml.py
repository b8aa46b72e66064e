"""YAML in one place, with limits: every YAML file phasebook reads goes through :func:`load_yaml`.

A plan, a users file, a flow or a grid file can come from anyone who can
commit to the repository, so parsing is bounded before and after ruamel:

* **size**: at most :data:`MAX_BYTES` (checked before reading the file);
* **encoding**: UTF-8 only; NUL and other control characters are refused
  with their line and column;
* **depth**: containers nested at most :data:`MAX_DEPTH` levels (the parser
  itself is recursive: a 100,000-deep ``[[[…`` is caught as it overflows);
* **aliases**: the document's *expanded* size (every alias counted as a copy)
  is at most :data:`MAX_NODES` — a billion-laughs file is refused without
  ever being expanded;
* **numbers**: an integer literal has at most :data:`MAX_DIGITS` digits.

Each refusal is a :class:`~phasebook.core.errors.PlanSyntaxError` naming the
file and what to fix (exit 2 in the CLI, 400 from the server). The loader is
ruamel's round-trip one, so a save keeps a person's comments and key order.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import PlanSyntaxError

if TYPE_CHECKING:
    from ruamel.yaml import YAML

__all__ = ["load_yaml", "read_yaml_file", "parse_yaml", "dump_yaml", "check_text",
           "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "MAX_DIGITS"]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_DIGITS = 100
#: quoted strings and comments are skipped; brackets are counted.
_BRACKETS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'|(?:^|(?<=\s))#[^\n]*|[\[\]{}]', re.M)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _yaml() -> YAML:
    """ruamel's round-trip reader and writer in phasebook's style (imported here: a cached plan needs no parser)."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 100
    return y


def _limit(file: str, problem: str, line: int | None = None, column: int | None = None) -> PlanSyntaxError:
    return PlanSyntaxError(file=file, line=line, column=column, problem=problem, limit=True)


def _flow_depth(text: str, *, file: str) -> None:
    """Refuse ``[``/``{`` nested deeper than :data:`MAX_DEPTH` before the (recursive, slow) parser sees them."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _where(text, m.start())
                raise _limit(file, f"values are nested more than {MAX_DEPTH} levels deep; flatten them", line, column)
        elif ch in "]}":
            depth = max(0, depth - 1)


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_text(data: bytes | str, *, file: str, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of ``data`` if it is within the size limit and free of control characters."""
    if len(data) > max_bytes:
        raise _limit(file, f"the file is {len(data) / 2**20:.1f} MiB; at most {max_bytes / 2**20:.0f} MiB is read. "
                     "Move bulky content (data, notes) out of it")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise _limit(file, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", line) from None
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = _CONTROL.search(text)
    if bad:
        line, column = _where(text, bad.start())
        raise _limit(file, f"a control character (U+{ord(bad.group()):04X}) is not allowed; delete it", line, column)
    return text


def _check_tree(root: Any, *, file: str) -> None:
    """Refuse a document nested too deep or whose aliases expand past :data:`MAX_NODES`."""
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if isinstance(node, dict):
            children = [v for kv in node.items() for v in kv]
        elif isinstance(node, list):
            children = node
        else:
            if isinstance(node, int) and not isinstance(node, bool) and node.bit_length() > MAX_DIGITS * 3.33:
                raise _limit(file, f"a number has more than {MAX_DIGITS} digits; shorten it or quote it")
            return 1
        if depth > MAX_DEPTH:
            raise _limit(file, f"values are nested more than {MAX_DEPTH} levels deep; flatten them")
        known = sizes.get(id(node))
        if known is not None:  # an alias of a node already counted: counts again, costs nothing
            return known
        total = 1 + sum(size(c, depth + 1) for c in children)
        if total > MAX_NODES:
            raise _limit(file, f"aliases (*name) expand to more than {MAX_NODES:,} values; "
                             "write the values out instead of repeating aliases")
        sizes[id(node)] = total
        return total

    size(root, 0)


def load_yaml(data: bytes | str, *, file: str, max_bytes: int = MAX_BYTES) -> Any:
    """Parse YAML (round-trip) within the limits above; :class:`PlanSyntaxError` with the position otherwise."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    text = check_text(data, file=file, max_bytes=max_bytes)
    _flow_depth(text, file=file)
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PlanSyntaxError(
            file=file, line=(mark.line + 1) if mark else None, column=(mark.column + 1) if mark else None,
            problem=exc.problem or exc.context or str(exc)[:200],
        ) from None
    except RecursionError:
        raise _limit(file, f"values are nested more than {MAX_DEPTH} levels deep; flatten them") from None
    except ValueError as exc:
        if "digits" in str(exc):
            raise _limit(file, f"a number has more than {MAX_DIGITS} digits; shorten it or quote it") from None
        raise PlanSyntaxError(file=file, line=None, column=None, problem=str(exc).splitlines()[0][:200]) from None
    except (YAMLError, OverflowError) as exc:
        raise PlanSyntaxError(file=file, line=None, column=None, problem=str(exc).splitlines()[0][:200]) from None
    _check_tree(doc, file=file)
    return doc


def parse_yaml(text: str, *, file: str) -> Any:
    """Parse YAML text within the limits (the historical name of :func:`load_yaml`)."""
    return load_yaml(text, file=file)


def read_yaml_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse a YAML file, checking its size before reading it."""
    p = Path(path)
    size = p.stat().st_size
    if size > max_bytes:
        raise _limit(str(p), f"the file is {size / 2**20:.1f} MiB; at most {max_bytes / 2**20:.0f} MiB is read")
    return load_yaml(p.read_bytes(), file=str(p), max_bytes=max_bytes)


def dump_yaml(data: Any) -> str:
    """Serialize ``data`` as YAML in phasebook's style."""
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()
