"""A parameter grid: one run of a notebook per row (a model per customer, per region).

A grid is a CSV file (a header of parameter names, one row per run) or a
YAML file: a list of mappings (one per run), a mapping ``{rows: [...]}``, or
a mapping of parameter → list of values (every combination). Every column
must be a parameter the notebook declares; CSV cells (text) take the type
of the declared default, as on the command line. Everything is checked
before any row runs, so a typo fails fast with the declared list.

Each row gets a key made of its values (``north``, ``north-42``), used for
its output folder ``runs/<phase>/<grid_run_id>/<row_key>/`` and in reports.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..core.errors import BadInputError, GridFileError
from .parameters import check_parameters, coerce_value
from ..core.named_errors import InvalidGridError

__all__ = ["GridRow", "read_grid", "parse_grid", "row_key"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._=+-]+")
_RESERVED = ("project_dir",)


@dataclass(frozen=True)
class GridRow:
    """One run of the grid: its key, its position in the file (1-based) and its parameters."""

    key: str
    number: int
    parameters: dict[str, Any] = field(default_factory=dict)


def row_key(values: Mapping[str, Any]) -> str:
    """A file-name-safe key from a row's values, in column order (``north-42``)."""
    parts = []
    for value in values.values():
        text = _UNSAFE.sub("_", str(value)).strip("._") or "_"
        parts.append(text[:40])
    return "-".join(parts) or "row"


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GridFileError(file=str(path), problem="does not exist. Give a CSV or YAML file with one row per run.") from None
    except UnicodeDecodeError:
        raise GridFileError(file=str(path), problem="not UTF-8 text. Save it as UTF-8 CSV or YAML.") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [dict(r) for r in reader]
        if any(None in r for r in rows):
            raise GridFileError(file=str(path), problem="a row has more cells than the header has columns.")
        return rows
    if suffix in (".yaml", ".yml"):
        from ..core.errors import PlanSyntaxError
        from ..store.yaml import load_yaml

        try:
            data = load_yaml(text, file=str(path))  # bounded: size, depth, aliases, numbers
        except PlanSyntaxError as exc:
            raise GridFileError(file=str(path), problem=f"not valid YAML: {exc.message}") from None
        if isinstance(data, dict) and set(data) == {"rows"}:
            data = data["rows"]
        if isinstance(data, dict):  # parameter -> list of values: every combination
            names = list(data)
            values = [v if isinstance(v, list) else [v] for v in data.values()]
            return [dict(zip(names, combo)) for combo in itertools.product(*values)]
        if isinstance(data, list) and all(isinstance(r, dict) for r in data):
            return [dict(r) for r in data]
        raise GridFileError(file=str(path), problem="expected a list of mappings (one per run), {rows: [...]}, "
                            "or a mapping of parameter to a list of values.")
    raise GridFileError(file=str(path), problem=f"unknown format {suffix or '(no extension)'}; use .csv, .yaml or .yml.")


def parse_grid(rows: list[dict[str, Any]], notebook: str, declared: Mapping[str, Any], *, label: str = "grid",
               typed: bool = False) -> list[GridRow]:
    """Check rows against the notebook's declared parameters and give each a unique key.

    Args:
        rows: one mapping of parameter → value per run.
        notebook: the notebook's path (for messages).
        declared: its declared parameters (:func:`~phasebook.runner.declared_parameters`).
        label: the grid's name in messages.
        typed: values are already typed (YAML); otherwise text converted to the declared types.

    Raises:
        BadInputError: an empty grid, a reserved column, a value of the wrong type, duplicate rows.
        UnknownParameterError: a column the notebook does not declare (with the declared list).
    """
    if not rows:
        raise InvalidGridError(label=label, problem="empty")
    columns = list(dict.fromkeys(k for r in rows for k in r))
    reserved = [c for c in columns if c in _RESERVED]
    if reserved:
        raise InvalidGridError(label=label, problem="reserved", columns=reserved)
    check_parameters(notebook, {c: None for c in columns}, declared)
    out: list[GridRow] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows, start=1):
        params: dict[str, Any] = {}
        for name in columns:
            if name not in raw:
                continue
            value = raw[name]
            if not typed and isinstance(value, str):
                try:
                    value = coerce_value(name, value, declared.get(name))
                except BadInputError as exc:
                    raise InvalidGridError(label=label, problem="value", row=number, detail=exc.message) from None
            params[name] = value
        key = row_key(params)
        if key in seen:
            raise InvalidGridError(label=label, problem="duplicate", rows=(seen[key], number), key=key)
        seen[key] = number
        out.append(GridRow(key=key, number=number, parameters=params))
    return out


def read_grid(path: str | Path, notebook: str, declared: Mapping[str, Any]) -> list[GridRow]:
    """Read and check a grid file (see :func:`parse_grid`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    return parse_grid(_load(path), notebook, declared, label=f"grid {path.name}", typed=suffix != ".csv")
