"""One describer of journal events in words, for every surface (CLI history and status, overview decision log).

Plain text, never markup: surfaces escape it (HTML) or print it without
markup (the terminal).
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe_event", "describe_move"]


def describe_move(kind: str, d: dict[str, Any]) -> str:
    """A transition (advance, backtrack, cancel, deliver, reopen) in words."""
    if kind == "cancel":
        return f"cancelled in {d.get('from')}: {d.get('reason')}"
    text = f"{d.get('from')} → {d.get('to')}"
    if kind == "backtrack":
        text += f" ({str(d.get('reason', '')).replace('_', ' ')})" + (f": {d['text']}" if d.get("text") else "")
    elif kind == "reopen" and d.get("reason"):
        text += f": {d['reason']}"
    if d.get("override"):
        text += f" (override: {d['override']})"
    return text


def describe_event(kind: str, d: dict[str, Any]) -> str:
    """A one-line, human description of an event of ``kind`` with data ``d``."""
    if kind in ("advance", "deliver", "reopen", "backtrack", "cancel"):
        return describe_move(kind, d)
    if kind == "sign_off":
        text = f"{d.get('decision', '').replace('_', ' ')} {d.get('gate')}"
        if d.get("acknowledged"):
            text += f" (acknowledged: {', '.join(d['acknowledged'])})"
        return text + (f": {d['comment']}" if d.get("comment") else "")
    if kind == "section_saved":
        return f"saved {d.get('section')}"
    if kind == "model_test":
        s = d.get("summary", {})
        model = f"{d.get('model')}" + (f" for {d['segment']}" if d.get("segment") else "")
        return (f"{model}: {'passed' if d.get('passed') else 'not passed'} ({s.get('passed', 0)} passed, "
                f"{s.get('failed', 0)} failed, {s.get('not_measured', 0)} not measured)")
    if kind == "run":
        row = f" row {d['row']}" if d.get("row") else ""
        return f"{d.get('notebook', d.get('phase'))}{row}: {d.get('status')}"
    if kind == "grid_run":
        counts = d.get("counts", {})
        return f"grid of {d.get('notebook')}: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    if kind == "decision":
        return f"{d.get('decision')}" + (f": {d['text']}" if d.get("text") else "")
    if kind == "project_created":
        return f"created {d.get('name')} (flow {d.get('flow')})"
    if kind in ("review_sample", "review_judgement"):
        from .reviews import describe_review_data

        return describe_review_data(kind, d)
    if kind == "merge":
        return "git merge of two branches' journals: " + " + ".join(str(h)[7:19] for h in d.get("heads", []))
    if kind == "delegation":
        return f"delegated {d.get('gate')} ({str(d.get('role', '')).replace('_', ' ')}) to {d.get('to')} until {d.get('until')}"
    if kind == "flow_changed":
        gates = ", ".join(d.get("gates_changed") or []) or "none"
        return f"flow changed to {d.get('version')}; gate policies changed: {gates}"
    return ", ".join(f"{k}={v}" for k, v in list(d.items())[:4] if not isinstance(v, (dict, list)))
