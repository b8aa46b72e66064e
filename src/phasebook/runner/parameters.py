"""A notebook's declared parameters (papermill's inspection) and checking a run's.

The cell tagged ``parameters`` declares what a run may set. Unknown names
are refused with the declared list; values typed on the command line
(always strings) are converted to the declared default's type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..core.errors import UnknownParameterError
from ..core.named_errors import ParameterTypeError

__all__ = ["declared_parameters", "check_parameters", "coerce_value"]

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def declared_parameters(notebook_path: str | Path) -> dict[str, dict[str, Any]]:
    """Name → ``{name, inferred_type_name, default, help}`` from the ``parameters`` cell."""
    from papermill.inspection import inspect_notebook

    return inspect_notebook(str(notebook_path))


def _literal(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _kind(declared: Mapping[str, Any] | None) -> str:
    """The declared type: the annotation if any, else the type of the literal default."""
    import ast

    declared = declared or {}
    kind = str(declared.get("inferred_type_name") or "None")
    if kind != "None":
        return kind
    try:
        value = ast.literal_eval(str(declared.get("default")))
    except (ValueError, SyntaxError):
        return "None"
    return type(value).__name__ if isinstance(value, (str, int, float, bool)) else "None"


def coerce_value(name: str, text: str, declared: Mapping[str, Any] | None) -> Any:
    """Convert a command-line string to the type of the declared default.

    Raises:
        BadInputError: the text cannot be read as that type.
    """
    kind = _kind(declared)
    try:
        if kind == "str":
            return text
        if text.strip().lower() == "none":
            return None
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            lowered = text.strip().lower()
            if lowered in _TRUE | _FALSE:
                return lowered in _TRUE
            raise ValueError(text)
    except ValueError:
        default = (declared or {}).get("default")
        raise ParameterTypeError(name=name, kind=kind, default=default, value=text) from None
    return _literal(text)


def check_parameters(notebook: str, given: Mapping[str, Any], declared: Mapping[str, Any]) -> None:
    """Refuse parameters the notebook does not declare.

    Raises:
        UnknownParameterError: naming the unknown ones and listing the declared ones.
    """
    unknown = sorted(k for k in given if k not in declared)
    if unknown:
        raise UnknownParameterError(notebook=notebook, unknown=unknown, declared=list(declared))


def declared_for(project_root: str | Path, notebook_path: str | Path, digest: str) -> dict[str, dict[str, Any]]:
    """:func:`declared_parameters`, remembered per notebook digest in ``.phasebook/parameters/``.

    The declared parameters are a function of the notebook's content, so the
    answer is kept by content hash; a cached run then never imports papermill.
    """
    import json
    import os
    import tempfile

    folder = Path(project_root) / ".phasebook" / "parameters"
    path = folder / (digest.split(":")[-1] + ".json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    declared = declared_parameters(notebook_path)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(declared, fh, default=str)
    os.replace(tmp, path)
    return declared
