"""Findings and the record without a browser: plan and finding text never becomes markup, only https links are
links, and the exported record escapes everything it shows and embeds."""

from __future__ import annotations

import re

from phasebook.core.events import Actor
from phasebook.dashboards.findings import findings_html
from phasebook.dashboards.record import build_bundle, render_record, verify_record
from phasebook.dashboards.signoff import signoff_page
from phasebook.dashboards import context

from .fixtures import SCOPE, XSS

REVIEWER = Actor(name="product owner", role="product")


def test_finding_text_is_escaped_and_only_https_evidence_is_a_link(filled_project):
    p = filled_project
    a = p.raise_finding("scope_approval", XSS, owner=XSS, evidence="javascript:alert(1)", actor=REVIEWER)
    p.resolve_finding(a.seq, XSS, evidence="https://example.org/pr/7", actor=REVIEWER)
    html = findings_html(p.findings("scope_approval"))
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org/pr/7"' in html
    assert "javascript:" in html and 'href="javascript:' not in html


def test_the_signoff_page_disables_approve_while_a_blocking_finding_is_open(filled_project, monkeypatch):
    context._CONTEXT.clear()
    monkeypatch.delenv("QUERY_STRING", raising=False)
    p = filled_project
    f = p.raise_finding("scope_approval", "Name the holdout", owner="data_science", actor=REVIEWER)
    box = signoff_page(str(p.root), "scope_approval")
    widget = next(c for c in box.children if hasattr(c, "buttons"))
    assert widget.buttons["approve"].disabled and widget.with_conditions.disabled
    text = "".join(getattr(c, "value", "") for c in box.children)
    assert f"#{f.seq} Name the holdout" in text and "Approval is blocked" in text
    # even if a stale page's button were clicked, Project refuses and nothing is recorded
    widget.name.value = "product owner"
    before = p.journal_path.read_bytes()
    widget.submit("approve")
    assert "cannot be approved while a blocking finding is not accepted" in widget.status.value
    assert p.journal_path.read_bytes() == before
    context._CONTEXT.clear()


def test_the_record_escapes_plan_text_and_the_embedded_data(filled_project):
    p = filled_project
    p.save_section("scope", {**SCOPE, "out_of_scope": [XSS + "</script><script>alert(2)</script>"]})
    p.raise_finding("scope_approval", XSS, severity="non_blocking", owner="p", actor=REVIEWER)
    html = render_record(build_bundle(p, "scope_approval", exported_at="2026-12-01T00:00:00Z"))
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="application/json" id="phasebook-record">']
    assert "<img" not in html and "onerror=\"" not in html
    assert verify_record(html)["entries"] == len(p.events())


def test_without_weasyprint_the_pdf_comes_from_headless_chromium(filled_project, tmp_path, monkeypatch):
    import sys

    from phasebook.cli.export import write_pdf
    from tests.pdfpages import page_text

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if the pdf extra were not installed
    html = render_record(build_bundle(filled_project, "scope_approval", exported_at="2026-12-01T00:00:00Z"))
    out = tmp_path / "record.pdf"
    assert write_pdf(html, out) == "chromium"
    text = page_text(out)
    assert "KPIs → model metrics and targets" in text and "roc_auc" in text
