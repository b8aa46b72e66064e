"""The exported sign-off record: one self-contained HTML page, derived only from its embedded data.

:func:`build_bundle` collects the data (:mod:`phasebook.store.bundle`);
:func:`render_record` turns that data — and nothing else — into the page:
what each gate covered at its approved hash (the sign-off page's readable
form, :mod:`~phasebook.dashboards.render`), the KPI → metric table, model
tests, literature verdicts, cost estimate, decisions and backtracks,
findings, each signer with identity and signature status, and the journal
slice with hashes. Because the page is a pure function of the embedded data,
:func:`verify_record` re-checks the data, renders it again and compares:
an edit anywhere on the page, or in the data, is found and named.

No script, no external reference: a Content-Security-Policy of
``default-src 'none'`` keeps the page from loading anything.
"""

from __future__ import annotations

import base64
import difflib
import json
import re
from typing import Any

from ..core.events import Event
from ..core.findings import fold_findings, is_safe_link
from ..core.sections import SECTION_MODELS
from ..project import record_data
from .feasibility import feasibility_card
from .html import CSS, Html, badge, esc, raw, table, text
from .render import render_scope, render_section

# the record's data layer (store/bundle.py), reached through the facade
RECORD_FORMAT, BundleProblem, verify_sig = record_data.RECORD_FORMAT, record_data.BundleProblem, record_data.verify_sig
bundle_keys, check_bundle, collect_lines = record_data.bundle_keys, record_data.check_bundle, record_data.collect_lines
embed_json, extract_bundle = record_data.embed_json, record_data.extract_bundle

__all__ = ["build_bundle", "render_record", "verify_record", "SHOWN_SECTIONS"]

#: plan sections the record shows beside the gates' approved content
SHOWN_SECTIONS = ("scope", "literature", "technical_check")
_TRANSITIONS = ("advance", "backtrack", "cancel", "deliver", "reopen", "decision")
_BLOCK = re.compile(r'<section class="card" data-block="([^"]+)">')


def build_bundle(project, gate: str | None = None, as_of: int | None = None, *, exported_at: str) -> dict[str, Any]:
    """The record's data: journal lines up to ``as_of``, keys, plan sections still as recorded, labels."""
    if gate is not None:
        project.flow.gate(gate)
    project.require_intact()
    lines = collect_lines(project.journal_path.read_bytes(), as_of)
    recorded: dict[str, str] = {}
    for line in lines:
        raw_entry = json.loads(line)
        if raw_entry["kind"] == "section_saved":
            recorded[str(raw_entry["data"].get("section"))] = str(raw_entry["data"].get("hash"))
    from ..core.hashing import content_hash

    plan = project.plan().dump()
    sections = {n: plan.get(n) for n in SHOWN_SECTIONS if n in recorded and content_hash(plan.get(n)) == recorded[n]}
    gates = [g for g in project.flow.gates if gate is None or g.name == gate]
    return {
        "format": RECORD_FORMAT,
        "meta": {"project": project.name, "gate": gate, "as_of": json.loads(lines[-1])["seq"],
                 "exported_at": exported_at,
                 "gates": [{"name": g.name, "title": g.title, "step": g.step, "roles": list(g.roles)} for g in gates]},
        "keys": bundle_keys(project.root),
        "entries": lines,
        "sections": sections,
    }


def _model(path: str, value: Any) -> Any:
    top, _, sub = path.partition(".")
    model = SECTION_MODELS.get(top)
    if model is None:
        return value
    try:
        return getattr(model.model_validate({sub: value}), sub) if sub else model.model_validate(value or {})
    except ValueError:
        return value


def _block(name: str, title: str, body: str) -> Html:
    return raw(f'<section class="card" data-block="{esc(name)}"><h3>{esc(title)}</h3>{body}</section>')


def _sig_status(e: Event, raw_entry: dict[str, Any], keys) -> str:
    if "sig" not in raw_entry:
        return "not signed (unverified entry)" if not e.actor.verified else "missing signature"
    body = {k: v for k, v in raw_entry.items() if k not in ("hash", "sig")}
    why = verify_sig(raw_entry.get("sig"), body, keys)
    return f"valid Ed25519 signature ({raw_entry['sig'].get('key')})" if why is None else f"INVALID: {why}"


def _gate_blocks(meta_gate: dict[str, Any], events: list[Event], raws: dict[int, dict], keys) -> list[Html]:
    name = meta_gate["name"]
    signs = [e for e in events if e.kind == "sign_off" and e.data.get("gate") == name]
    approvals = [e for e in signs if e.data.get("decision") == "approve"]
    out = []
    head = f"{meta_gate['step']} {meta_gate['title']}"
    if approvals:
        last = approvals[-1]
        snap = dict(last.data.get("snapshot") or {})
        parts = [f'<p>Approved content hash <code>{esc(last.data.get("content_hash"))}</code> (entry {last.seq}'
                 + (f"; conditions: {', '.join('#' + esc(c) for c in last.data.get('conditional_on') or [])}"
                    if last.data.get("conditional_on") else "") + ")</p>"]
        parts.append(feasibility_card(last.data.get("feasibility"), recorded_at=last.seq))  # the warning they saw
        parts += [render_section(p, _model(p, v)) for p, v in snap.items()]
        out.append(_block(f"{name}.content", f"{head}: what was approved", "".join(parts)))
    else:
        out.append(_block(f"{name}.content", f"{head}: what was approved", '<p class="muted">Not approved as of this entry.</p>'))
    rows = [(e.seq, e.actor.name, (e.actor.role or "").replace("_", " "), "verified" if e.actor.verified else "unverified",
             _sig_status(e, raws[e.hash], keys), str(e.data.get("decision", "")).replace("_", " "), e.data.get("comment", ""),
             raw(f'<code>{esc(e.data.get("content_hash"))}</code>'), e.at) for e in signs]
    out.append(_block(f"{name}.signers", f"{head}: signers",
                      table(["Entry", "Who", "Role", "Identity", "Signature", "Decision", "Comment", "Content hash", "When (UTC)"],
                            rows, label="Signers") if rows else '<p class="muted">Nobody signed.</p>'))
    found = [f for f in fold_findings(events).values() if f.gate == name]
    frows = []
    for f in found:
        steps = "".join(f"<div>{esc(h['action'])} by {esc(h['by'])} (entry {h['seq']}): {text(h['note'])}"
                        f"{_link(h['evidence'])}</div>" for h in f.history)
        frows.append((f"#{f.id}", f.what, f.severity.replace("_", "-"), f.owner, f.due or "", badge(f.state),
                      raw(f"raised by {esc(f.raised_by)}{_link(f.evidence)}{steps}")))
    out.append(_block(f"{name}.findings", f"{head}: findings",
                      table(["Finding", "What", "Severity", "Owner", "Due", "State", "Resolution"], frows, label="Findings")
                      if frows else '<p class="muted">No findings.</p>'))
    return out


def _kpi_table(events: list[Event], meta: dict[str, Any], secs: dict[str, Any]) -> str:
    """The scope's KPI table: as approved at the latest approval covering it, else as recorded in the plan."""
    names = {g["name"] for g in meta["gates"]}
    for e in reversed(events):
        snap = e.data.get("snapshot") or {}
        if e.kind == "sign_off" and e.data.get("decision") == "approve" and e.data.get("gate") in names and "scope" in snap:
            return f"<p>As approved in entry {e.seq} ({esc(e.data['gate'])}).</p>" + render_scope(_model("scope", snap["scope"]))
    if "scope" in secs:
        return "<p>As recorded in the plan (not approved as of this entry).</p>" + render_scope(_model("scope", secs["scope"]))
    return '<p class="muted">The scope is neither approved nor recorded as of this entry.</p>'


def _link(value: str) -> str:
    if not value:
        return ""
    if is_safe_link(value):
        return f' · evidence: <a href="{esc(value)}" rel="noreferrer noopener">{esc(value)}</a>'
    return f" · evidence: {esc(value)}"


def render_record(bundle: dict[str, Any]) -> str:
    """The whole page, a pure function of ``bundle`` (so it can be rendered again to check it)."""
    meta = bundle["meta"]
    # keyed by hash: entries on two merged branches can share a sequence number
    raws = {r["hash"]: r for r in (json.loads(line) for line in bundle["entries"])}
    events = [Event.model_validate(r) for r in raws.values()]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = {k: Ed25519PublicKey.from_public_bytes(base64.b64decode(v)) for k, v in bundle["keys"].items()}
    last = events[-1]
    blocks = [_block("summary", "Record", table(["", ""], [
        ("Project", meta["project"]), ("Gate", meta["gate"] or "every gate"),
        ("As of entry", raw(f"{last.seq} <code>{esc(last.hash)}</code>")), ("Exported (UTC)", meta["exported_at"]),
        ("Check it", "phasebook verify --bundle THIS_FILE (or the README's procedure with sha256sum)"),
    ]))]
    secs = dict(bundle.get("sections") or {})
    blocks.append(_block("kpis", "KPIs → model metrics and targets", _kpi_table(events, meta, secs)))
    for g in meta["gates"]:
        blocks += _gate_blocks(g, events, raws, keys)
    plan_parts = [render_section(n, _model(n, secs[n])) for n in SHOWN_SECTIONS if n in secs]  # order kept by name
    blocks.append(_block("plan", "Plan sections as recorded (KPIs, literature verdicts, cost estimate)",
                         "".join(plan_parts) or '<p class="muted">The plan changed after this entry; only the '
                         "approved content above is shown.</p>"))
    tests = [e for e in events if e.kind == "model_test"]
    trows = [(e.seq, e.data.get("model", ""), e.data.get("segment") or "", "passed" if e.data.get("passed") else "failed",
              raw("<br>".join(f"{esc(r.get('metric'))} {esc(r.get('value'))} {esc(r.get('comparator'))} "
                              f"{esc(r.get('target'))} on {esc(r.get('dataset'))}: {esc(r.get('outcome'))}"
                              for r in e.data.get("results", []))),
              json.dumps(e.data.get("details") or {}, sort_keys=True)) for e in tests]
    blocks.append(_block("model_tests", "Model tests and their data",
                         table(["Entry", "Model", "Segment", "Verdict", "Metric value vs target", "Data"], trows,
                               label="Model tests") if trows else '<p class="muted">No model tests.</p>'))
    drows = [(e.seq, e.at, e.kind, e.actor.name, e.data.get("from", ""), e.data.get("to", ""),
              e.data.get("reason") or e.data.get("decision") or "", e.data.get("text") or e.data.get("override") or "")
             for e in events if e.kind in _TRANSITIONS]
    blocks.append(_block("decisions", "Decisions and backtracks",
                         table(["Entry", "When (UTC)", "Kind", "Who", "From", "To", "Reason / decision", "Note"], drows,
                               label="Decisions") if drows else '<p class="muted">No decisions yet.</p>'))
    jrows = [(e.seq, e.at, e.kind, f"{e.actor.name}{' (verified)' if e.actor.verified else ''}",
              raw(f"<code>{esc(e.prev)}</code>"), raw(f"<code>{esc(e.hash)}</code>")) for e in events]
    blocks.append(_block("journal", "Journal slice (every entry up to this one, with hashes)",
                         table(["Entry", "When (UTC)", "Kind", "Actor", "Previous hash", "Hash"], jrows, label="Journal")))
    title = f"{meta['project']} · sign-off record"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{esc(title)}</title>{CSS}<style>code{{font-size:11px;word-break:break-all}}"
            "@page{size:A4 landscape;margin:12mm}</style></head>\n"
            f'<body><div class="pb"><h2>{esc(title)}</h2>\n' + "\n".join(blocks) + "\n</div>\n"
            f'<script type="application/json" id="phasebook-record">{embed_json(bundle)}</script>\n</body></html>\n')


def verify_record(html: str) -> dict[str, Any]:
    """Check an exported page without its project: the data (hashes, chain, signatures), then the page against it.

    Raises:
        BundleProblem: naming the entry, section or part of the page that does not hold.
    """
    bundle = extract_bundle(html)
    summary = check_bundle(bundle)
    try:
        again = render_record(bundle)
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleProblem("the embedded record data", f"it cannot be rendered ({exc})") from None
    if again != html:
        raise _page_difference(again, html)
    return summary


def _page_difference(expected: str, actual: str) -> BundleProblem:
    """Name the part of the page that differs from what its data renders to, with the first changed text."""
    def parts(doc: str) -> dict[str, str]:
        pieces = _BLOCK.split(doc)
        return {pieces[i]: pieces[i + 1] for i in range(1, len(pieces) - 1, 2)}

    want, have = parts(expected), parts(actual)
    for name, body in want.items():
        if have.get(name) != body:
            shown = have.get(name)
            if shown is None:
                return BundleProblem(f"the page's {name} part", "it is missing")
            diff = [d for d in difflib.ndiff(re.split(r"(?<=>)", body), re.split(r"(?<=>)", shown)) if d[:1] in "+-"]
            change = "; ".join(d[:1] + " " + re.sub(r"<[^>]+>", "", d[2:]).strip() for d in diff[:2])
            return BundleProblem(f"the page's {name} part",
                                 f"the shown content differs from the embedded, verified data ({change})")
    return BundleProblem("the page", "its markup differs from what its embedded data renders to (outside the record's parts)")
