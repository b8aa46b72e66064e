"""What changed in a section between an approval and now, field by field, in words.

The stale sign-off page shows "roc_auc target: at least 0.8 → at least
0.82" rather than a YAML diff. :func:`field_changes` compares the approved
snapshot of one section with its current content:

* dicts are compared key by key (a key's name is shown as words);
* lists of items that carry a ``name`` or ``title`` are matched by it, so an
  added or removed KPI, metric, idea or source is one change, and a matched
  item's own fields are compared inside it;
* other lists compare their entries as a set (added / removed entries);
* a metric's comparator and target are read together as its target in
  words (:func:`~.wording.target_text`), with its parameters in its label.

:func:`last_save` names who saved a section last after a given journal entry,
and when. Plain text: surfaces escape it.
"""

from __future__ import annotations

from typing import Any, Iterable, Literal

from pydantic import BaseModel

from .events import Event
from .metrics import metric_label, top_k_text
from .wording import target_text

__all__ = ["FieldChange", "field_changes", "last_save"]

_IDS = ("name", "title")


class FieldChange(BaseModel):
    """One change: where (item labels), which field, the value before and after, in words."""

    kind: Literal["changed", "added", "removed"]
    where: str = ""
    field: str = ""
    before: str = ""
    after: str = ""

    @property
    def text(self) -> str:
        """The change as one line: ``roc_auc target: at least 0.8 → at least 0.82``."""
        label = " ".join(p for p in (self.where, self.field) if p)
        if self.kind == "added":
            return f"added {label}: {self.after}" if self.after else f"added {label}"
        if self.kind == "removed":
            return f"removed {label}: {self.before}" if self.before else f"removed {label}"
        return f"{label}: {self.before} → {self.after}"


def _words(key: str) -> str:
    return key.replace("_", " ")


def _show(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        ident = _ident(value)
        return ident if ident is not None else "; ".join(f"{_words(k)} {_show(v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _ident(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in _IDS:
            if item.get(key):
                return str(item[key])
    return None


def _is_metric(d: dict) -> bool:
    return "comparator" in d and "target" in d and "name" in d


def _label(item: dict) -> str:
    if _is_metric(item):
        return metric_label(str(item["name"]), {"k": item.get("k")})
    return _ident(item) or ""


def _metric_target(m: dict) -> str:
    return target_text(m.get("comparator"), m.get("target"), hardness=m.get("hardness") or "hard")


def _diff(old: Any, new: Any, where: str, field: str, out: list[FieldChange]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        _diff_dict(old, new, where, out)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_list(old, new, where, field, out)
    else:
        out.append(FieldChange(kind="changed", where=where, field=field, before=_show(old), after=_show(new)))


def _diff_dict(old: dict, new: dict, where: str, out: list[FieldChange]) -> None:
    skip: set[str] = set()
    if _is_metric(old) and _is_metric(new):
        skip = {"comparator", "target", "k"}
        if old.get("k") != new.get("k"):
            out.append(FieldChange(kind="changed", where=metric_label(str(new["name"]), {}).split(" in the ")[0],
                                   field="measured in",
                                   before=top_k_text(old.get("k")), after=top_k_text(new.get("k"))))
        if (old.get("comparator"), old.get("target")) != (new.get("comparator"), new.get("target")):
            out.append(FieldChange(kind="changed", where=where, field="target", before=_metric_target(old),
                                   after=_metric_target(new)))
    for key in list(old) + [k for k in new if k not in old]:
        if key not in skip:
            _diff(old.get(key), new.get(key), where, _words(key), out)


def _diff_list(old: list, new: list, where: str, field: str, out: list[FieldChange]) -> None:
    if all(_ident(x) is not None for x in old + new):
        before = {_ident(x): x for x in old}
        after = {_ident(x): x for x in new}
        singular = field.removesuffix("s") if field.endswith("s") and field != "kpis" else ("KPI" if field == "kpis" else field)
        for key, item in before.items():
            label = _label(item)
            if key not in after:
                out.append(FieldChange(kind="removed", where=where, field=f"{singular} {label}".strip()))
            else:
                _diff(item, after[key], f"{where} {label}".strip() if not _is_metric(item) else label, "", out)
        for key, item in after.items():
            if key not in before:
                out.append(FieldChange(kind="added", where=where, field=f"{singular} {_label(item)}".strip(),
                                       after=_metric_target(item) if _is_metric(item) else ""))
        return
    gone = [x for x in old if x not in new]
    came = [x for x in new if x not in old]
    for x in gone:
        out.append(FieldChange(kind="removed", where=where, field=field, before=_show(x)))
    for x in came:
        out.append(FieldChange(kind="added", where=where, field=field, after=_show(x)))
    if not gone and not came:  # same entries, another order
        out.append(FieldChange(kind="changed", where=where, field=f"{field} order", before=_show(old), after=_show(new)))


def field_changes(approved: Any, current: Any) -> list[FieldChange]:
    """Every change from ``approved`` (a section's JSON as approved) to ``current``, in reading order."""
    out: list[FieldChange] = []
    _diff(approved if approved is not None else {}, current if current is not None else {}, "", "", out)
    return out


def last_save(events: Iterable[Event], section: str, after_seq: int) -> Event | None:
    """The latest ``section_saved`` of ``section`` (its top-level name) after journal entry ``after_seq``."""
    top = section.split(".")[0]
    found = None
    for e in events:
        if e.kind == "section_saved" and e.seq > after_seq and e.data.get("section") == top:
            found = e
    return found
