"""A plan section as a commented YAML template: every field with its type, allowed values and an example.

``phasebook show SECTION --template`` prints it; fill in the fields marked
*required* (each names an example) and ``phasebook set SECTION --file`` takes
it back. The same introspection tells validation messages which keys a
mapping takes (:func:`model_at`, :func:`keys_of`), so no message names a
Python class. Plain pydantic: no YAML library here (values are written as
JSON, which is YAML).
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

__all__ = ["section_template", "describe_type", "model_at", "keys_of", "EXAMPLES"]

#: An example for each required field (the template leaves it blank and names the example).
EXAMPLES: dict[str, Any] = {
    "Idea.title": "Churn risk score", "DataSource.name": "customers_2024", "ProductKPI.name": "churners caught before renewal",
    "ModelMetric.name": "roc_auc", "LiteratureEntry.title": "Gradient boosting for churn", "CostItem.item": "compute",
    "CostItem.monthly_cost": 120.0, "SoftReview.metric": "reasons make sense", "ABGroup.name": "treatment",
    "ABGroup.share": 0.5,
}


def _args(ann: Any) -> tuple[Any, ...]:
    return typing.get_args(ann)


def _optional(ann: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in _args(ann) if a is not type(None)]
        if len(rest) == 1 and len(rest) < len(_args(ann)):
            return rest[0], True
    return ann, False


def _model(ann: Any) -> type[BaseModel] | None:
    ann, _ = _optional(ann)
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _item(ann: Any) -> Any:
    ann, _ = _optional(ann)
    return _args(ann)[0] if typing.get_origin(ann) is list and _args(ann) else None


def _bounds(info: FieldInfo) -> str:
    got: dict[str, float] = {}
    for m in info.metadata:
        for key in ("ge", "gt", "le", "lt"):
            if getattr(m, key, None) is not None:
                got[key] = getattr(m, key)
    low = ("ge", got["ge"]) if "ge" in got else (("gt", got["gt"]) if "gt" in got else None)
    high = ("le", got["le"]) if "le" in got else (("lt", got["lt"]) if "lt" in got else None)
    if low and high and low[0] == "ge" and high[0] == "le":
        return f" between {low[1]:g} and {high[1]:g}"
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    return " " + " and ".join(f"{words[b[0]]} {b[1]:g}" for b in (low, high) if b) if (low or high) else ""


def describe_type(ann: Any, info: FieldInfo | None = None) -> str:
    """How a person reads a field's type: ``text``, ``number between 0 and 1``, ``one of: hard, soft``…"""
    ann, optional = _optional(ann)
    tail = " or empty (null)" if optional else ""
    if typing.get_origin(ann) is Literal:
        return "one of: " + ", ".join(str(a) for a in _args(ann)) + tail
    if typing.get_origin(ann) is list:
        inner = _item(ann)
        return ("list of entries (each a mapping, see below)" if _model(inner) else f"list of {describe_type(inner)}") + tail
    if _model(ann):
        return "mapping (see below)"
    base = {str: "text", int: "whole number", float: "number", bool: "true or false",
            dt.date: "date as YYYY-MM-DD, e.g. 2026-03-31"}.get(ann, getattr(ann, "__name__", str(ann)))
    return base + (_bounds(info) if info is not None else "") + tail


def _value(info: FieldInfo) -> Any:
    if info.is_required():
        return None
    default = info.get_default(call_default_factory=True)
    return default.model_dump(mode="json") if isinstance(default, BaseModel) else default


def _lines(model: type[BaseModel], indent: str, first: str = "") -> list[str]:
    out: list[str] = []
    for i, (name, info) in enumerate(model.model_fields.items()):
        lead = first if i == 0 and first else indent
        notes = [] if not info.is_required() else ["required"]
        notes.append(describe_type(info.annotation, info))
        if info.description:
            notes.append(info.description)
        example = EXAMPLES.get(f"{model.__name__}.{name}")
        if example is not None:
            notes.append(f"e.g. {json.dumps(example, ensure_ascii=False)}")
        comment = "  # " + " · ".join(n.replace("\n", " ") for n in notes)
        inner = _item(info.annotation)
        nested = _model(info.annotation)
        if _model(inner):
            out.append(f"{lead}{name}:{comment}")
            out.extend(_lines(_model(inner), indent + "    ", first=indent + "  - "))
        elif nested is not None:
            out.append(f"{lead}{name}:{comment}")
            out.extend(_lines(nested, indent + "  "))
        else:
            value = _value(info)
            if info.is_required():
                value = "" if _optional(info.annotation)[0] is str else None
            out.append(f"{lead}{name}: {json.dumps(value, ensure_ascii=False, default=str)}{comment}")
    return out


def section_template(name: str, model: type[BaseModel]) -> str:
    """The commented YAML template of section ``name`` (lists hold one entry to copy)."""
    doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else name
    head = [f"# {name}: {doc}",
            "# Every field with its type, allowed values and an example. Fill in the fields marked required",
            f"# (or delete an example entry), then: phasebook set {name} --file THIS_FILE"]
    return "\n".join(head + _lines(model, "")) + "\n"


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model at an error location (``("kpis", 0, "metrics", 1)`` → ModelMetric), or None."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        m = _model(current) if not (isinstance(current, type) and issubclass(current, BaseModel)) else current
        if m is None or part not in m.model_fields:
            return None
        ann = m.model_fields[part].annotation
        current = _item(ann) or ann
    return _model(current) if not (isinstance(current, type) and issubclass(current, BaseModel)) else current


def keys_of(model: type[BaseModel] | None) -> str:
    """The keys a mapping of ``model`` takes, for a message."""
    return ", ".join(model.model_fields) if model is not None else ""
