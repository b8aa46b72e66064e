"""Which flow a project follows: a flow shipped with phasebook, or a flow file in the project.

``flow:`` in ``phasebook.yaml`` names either a shipped flow version
(``palachy-2019.1``, the default) or a YAML/JSON file relative to the
project (``flow.yaml``), which a team writes to rename phases, add gates,
drop tracks or change a gate's policy. An unknown name or an invalid file is
a clear error naming the field path (:class:`~phasebook.core.errors.FlowInvalidError`).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import FlowInvalidError, UnknownFlowError
from ..core.flow import DEFAULT_FLOW_VERSION, Flow, default_flow, parse_flow
from .plan import parse_yaml

__all__ = ["load_flow_file", "resolve_flow", "SHIPPED_FLOWS", "FLOW_SUFFIXES"]

SHIPPED_FLOWS = (DEFAULT_FLOW_VERSION,)
FLOW_SUFFIXES = (".yaml", ".yml", ".json")
MAX_FLOW_BYTES = 1_000_000


def load_flow_file(path: str | Path) -> Flow:
    """Read and validate a flow file (YAML or JSON).

    Raises:
        FlowInvalidError: the file is missing, too large, not YAML/JSON, or not a valid flow.
    """
    p = Path(path)
    if not p.is_file():
        raise FlowInvalidError(file=str(p), problems=[("", "the file does not exist")])
    if p.stat().st_size > MAX_FLOW_BYTES:
        raise FlowInvalidError(file=str(p), problems=[("", f"larger than {MAX_FLOW_BYTES} bytes")])
    text = p.read_text(encoding="utf-8")
    if p.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FlowInvalidError(file=str(p), problems=[("", f"not valid JSON ({exc.msg}, line {exc.lineno})")]) from None
    else:
        data = parse_yaml(text, file=str(p))
    return parse_flow(_plain(data), file=str(p))


def _plain(value):
    """ruamel's commented maps and sequences as plain dicts and lists (for pydantic)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def resolve_flow(root: Path, name: str) -> Flow:
    """The flow ``flow:`` names for the project at ``root`` (empty: the default).

    Raises:
        UnknownFlowError: neither a shipped flow nor a file in the project.
        FlowInvalidError: the file exists but is not a valid flow.
    """
    name = (name or "").strip()
    if not name or name in SHIPPED_FLOWS:
        return default_flow()
    candidate = (Path(root) / name).resolve()
    inside = Path(root).resolve() in candidate.parents
    if inside and candidate.suffix in FLOW_SUFFIXES and candidate.is_file():
        return load_flow_file(candidate)
    raise UnknownFlowError(name=name, known=", ".join(SHIPPED_FLOWS), root=str(root))
