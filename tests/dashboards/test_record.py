"""`phasebook export` and `verify --bundle` on the demo after the scope approval: a record that checks itself.

Given a copy of the demo project whose scope the product owner approved (verified, so the entry is signed).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from phasebook.core.events import Actor
from phasebook.project import Project
from tests.demo_fixture import run_cli
from tests.pdfpages import page_png, page_text

PRODUCT_OWNER = Actor(name="product owner", role="product", verified=True)


@pytest.fixture(scope="module")
def approved(tmp_path_factory, demo_build):
    root = tmp_path_factory.mktemp("record") / "demo"
    shutil.copytree(demo_build.root, root, symlinks=True)
    project = Project.open(root)
    project.ensure_signing_key()
    f = project.raise_finding("scope_approval", "Name the holdout period", severity="non_blocking",
                              owner="data_science", due="2099-01-01", actor=Actor(name="product owner", role="product"))
    project.resolve_finding(f.seq, "Holdout: the last 8 weeks", evidence="https://example.org/pr/7",
                            actor=Actor(name="data scientist", role="data_science"))
    project.sign_off("scope_approval", PRODUCT_OWNER, "approve", conditional_on=[f.seq])
    assert project.status().gates["scope_approval"].state == "approved"
    return project


@pytest.fixture(scope="module")
def record(approved, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "scope.html"
    res = run_cli("--project", approved.root, "export", "--gate", "scope_approval", "--out", out)
    assert res.returncode == 0, _flat(res.stdout) + _flat(res.stderr)
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def _embedded(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="phasebook-record">(.*?)</script>', html, re.S)[1])


def test_the_record_holds_kpis_signers_findings_and_hashes(approved, record):
    html = record.read_text(encoding="utf-8")
    last = approved.events()[-1]
    assert last.hash in html and "roc_auc" in html and "at least 0.8" in html
    assert "valid Ed25519 signature" in html and "verified" in html
    assert "Name the holdout period" in html and 'href="https://example.org/pr/7"' in html
    assert "Cost estimate" in html  # the technical check, recorded in the plan
    assert not re.search(r'(src|href)="(?!https://example\.org)', html)  # nothing to load: no script, CDN or style link
    bundle = _embedded(html)
    assert len(bundle["entries"]) == len(approved.events()) and bundle["keys"]


def test_verify_bundle_passes_without_the_project(approved, record, tmp_path):
    alone = tmp_path / "mailed.html"
    shutil.copy(record, alone)
    res = run_cli("verify", "--bundle", alone, cwd=tmp_path)  # no project anywhere near
    assert res.returncode == 0, _flat(res.stdout) + _flat(res.stderr)
    assert f"{len(approved.events())} entries verified" in _flat(res.stdout) and "1 Ed25519 signature" in _flat(res.stdout)


def test_editing_a_target_in_the_embedded_data_fails_naming_the_entry(approved, record, tmp_path):
    html = record.read_text(encoding="utf-8")
    sign = approved.events()[-1]
    assert sign.kind == "sign_off"
    # the approval entry's snapshot holds the approved scope; change its roc_auc target 0.8 → 0.9
    line = next(x for x in _embedded(html)["entries"] if f'"seq":{sign.seq},' in x)
    edited = line.replace('"target":0.8', '"target":0.9', 1)
    assert edited != line
    encoded = json.dumps(line, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    encoded_new = json.dumps(edited, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert html.count(encoded) == 1
    bad = tmp_path / "edited.html"
    bad.write_text(html.replace(encoded, encoded_new), encoding="utf-8")
    res = run_cli("verify", "--bundle", bad, cwd=tmp_path)
    assert res.returncode == 1
    assert f"entry {sign.seq} (sign_off by product owner)" in _flat(res.stderr) and "content hash" in _flat(res.stderr)


def test_editing_the_shown_target_fails_naming_the_part(record, tmp_path):
    html = record.read_text(encoding="utf-8")
    bad = tmp_path / "shown.html"
    bad.write_text(html.replace("at least 0.8", "at least 0.6", 1), encoding="utf-8")
    res = run_cli("verify", "--bundle", bad, cwd=tmp_path)
    assert res.returncode == 1
    assert "the page's kpis part" in _flat(res.stderr) and "at least 0.6" in _flat(res.stderr)


def test_editing_an_embedded_plan_section_fails_naming_its_entry(record, tmp_path):
    html = record.read_text(encoding="utf-8")
    bundle = _embedded(html)
    assert "technical_check" in bundle["sections"]
    bad = tmp_path / "section.html"
    bad.write_text(html.replace('"monthly_cost": ', '"monthly_cost": 1', 1), encoding="utf-8")
    res = run_cli("verify", "--bundle", bad, cwd=tmp_path)
    assert res.returncode == 1 and "section technical_check (saved in entry" in _flat(res.stderr)


def test_a_file_without_a_record_is_bad_input(tmp_path):
    other = tmp_path / "other.html"
    other.write_text("<html><body>hello</body></html>", encoding="utf-8")
    res = run_cli("verify", "--bundle", other, cwd=tmp_path)
    assert res.returncode == 1 and "holds no phasebook record data" in _flat(res.stderr)
    res = run_cli("verify", "--bundle", tmp_path / "missing.html", cwd=tmp_path)
    assert res.returncode == 2 and "Cannot read" in _flat(res.stderr)


def test_export_as_of_an_entry_and_into_a_folder(approved, tmp_path):
    res = run_cli("--project", approved.root, "export", "--as-of", "3", "--out", tmp_path)
    assert res.returncode == 0, _flat(res.stderr)
    (made,) = tmp_path.glob("*.html")
    assert made.name.endswith("-record-3.html")
    assert len(_embedded(made.read_text(encoding="utf-8"))["entries"]) == 3
    assert run_cli("verify", "--bundle", made).returncode == 0
    res = run_cli("--project", approved.root, "export", "--as-of", "100000", "--out", tmp_path / "x.html")
    assert res.returncode == 2 and "has no entry 100000" in _flat(res.stderr) and not (tmp_path / "x.html").exists()


def test_the_pdf_renders_with_the_kpi_table_on_page_one(approved, tmp_path):
    pdf = tmp_path / "scope.pdf"
    res = run_cli("--project", approved.root, "export", "--gate", "scope_approval", "--out", pdf)
    assert res.returncode == 0, _flat(res.stdout) + _flat(res.stderr)
    assert "PDF by weasyprint" in _flat(res.stdout).replace("\n", " ")
    page1 = page_text(pdf)
    assert "KPIs → model metrics and targets" in page1
    assert "roc_auc" in page1 and "recall_at_top_k" in page1 and "Product KPI" in page1
    png = page_png(pdf, tmp_path / "page1.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


@pytest.mark.browser
def test_the_record_opens_in_chromium_with_the_network_off(record, page):
    from playwright.sync_api import expect

    # Given a browser with no network: every request other than the file itself is refused and noted
    page.context.set_offline(True)
    asked: list[str] = []

    def refuse(route):
        asked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(?!file:).*"), refuse)
    # When the record is opened from disk (as from an e-mail attachment)
    page.goto(record.as_uri())
    # Then it shows the KPI table, the signers with their signature status, and the journal's hashes
    kpis = page.get_by_role("table", name="KPIs").first
    expect(kpis).to_contain_text("roc_auc")
    expect(kpis).to_contain_text("at least 0.8")
    signers = page.get_by_role("table", name="Signers")
    expect(signers).to_contain_text("product owner")
    expect(signers).to_contain_text("valid Ed25519 signature")
    journal = page.get_by_role("table", name="Journal")
    expect(journal.locator("tbody tr")).to_have_count(len(_embedded(record.read_text(encoding="utf-8"))["entries"]))
    expect(journal).to_contain_text("sha256:")
    assert asked == []  # it needed nothing from any network
