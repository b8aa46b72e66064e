"""``phasebook serve`` is a locked room: a real server, a real Chromium, a viewer trying every door.

Given a filled project served with a users file (a product owner, an
operator with admin rights), a shared token, and a trusted proxy header
that needs the proxy's secret.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from phasebook.dashboards.identity import SECRET_HEADER, add_user
from phasebook.dashboards.serving import ensure_dashboards
from phasebook.project import Project

from tests.servers import Server, free_port, running

from .fixtures import build_filled_project

PAGE_TIMEOUT = 90_000
SIGNOFF = "voila/render/workbooks/dashboards/signoff.ipynb?gate=scope_approval"
PROXY_SECRET = secrets.token_hex(16)


@dataclass
class Room:
    server: Server
    project: Project
    product_token: str
    admin_token: str
    success_token: str  # a second viewer, used only by the cap test
    runtime: Path  # the server's Jupyter runtime folder (kernel connection files and sockets)

    def viewer(self, method: str, path: str, token: str | None = None, **kw):
        return self.server.request(method, path, token=False,
                                   headers={"Authorization": f"token {token or self.product_token}", **kw.pop("headers", {})},
                                   **kw)

    def kernels(self) -> list:
        status, body = self.server.get("api/kernels")
        assert status == 200, body
        return json.loads(body)

    def rss_mb(self) -> float:
        """Resident memory of the server and its kernels (the whole process group), in MB."""
        import os

        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.getpgid(int(pid)) != self.server.process.pid:
                    continue
                with open(f"/proc/{pid}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ProcessLookupError):
                continue
        return total / 1e6


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    base = tmp_path_factory.mktemp("room")
    project = build_filled_project(base / "churn-risk")
    ensure_dashboards(project)
    users = base / "users.yaml"
    product_token = add_user(users, "product owner", "product")
    admin_token = add_user(users, "operator", None, admin=True)
    success_token = add_user(users, "customer success lead", "customer_success")
    port = free_port()
    exe = shutil.which("phasebook") or sys.executable
    argv = [exe, "serve", str(project.root), "--port", str(port), "--token", secrets.token_hex(16), "--users",
            str(users), "--allow-root", "--trusted-header", "X-Forwarded-User", "--trusted-header-secret", PROXY_SECRET]
    # a short runtime folder: pytest's own (under popen-gw0/...) is too deep for a socket path, and the
    # server would then fall back to TCP (serving.kernel_transport)
    runtime = Path(tempfile.mkdtemp(prefix="pbrt-", dir="/tmp"))
    try:
        with running(argv, port=port, token=admin_token, cwd=base, env={"JUPYTER_RUNTIME_DIR": str(runtime)}) as server:
            yield Room(server, project, product_token, admin_token, success_token, runtime)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _open(room: Room, page, url: str, what: str):
    """``page.goto(url)``; on a timeout, the failure shows the server's log (what the kernel was doing)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return page.goto(url)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"{what} did not load: {exc}\n--- server log (tail) ---\n{room.server.log()[-6000:]}") from None


def _digest(project: Project) -> str:
    return hashlib.sha256(project.plan_path.read_bytes()).hexdigest()


@pytest.mark.parametrize("path", [
    "voila/render/workbooks/01_scoping.ipynb",
    "voila/render/workbooks/dashboards/..%2F01_scoping.ipynb",
    "voila/render/workbooks/dashboards/../01_scoping.ipynb",
    "voila/render/phasebook.yaml",
    "voila/tree",
    "voila",
    "voila/api/contents",
    "voila/api/contents/workbooks",
    "voila/files/phasebook.yaml",
])
def test_a_viewer_reaches_the_dashboards_only(room, path):
    before = _digest(room.project)
    for token in (room.product_token, room.admin_token):  # not even the operator renders a phase notebook here
        status, body = room.viewer("GET", path, token=token)
        assert status in (403, 404), (path, status)
        assert b"phasebook.yaml" not in body and b"01_scoping" not in body
    assert _digest(room.project) == before


def test_a_dashboard_renders_and_its_page_sets_the_xsrf_cookie(room):
    status, body = room.viewer("GET", SIGNOFF, timeout=180)
    assert status == 200 and b"application/vnd.jupyter.widget-view+json" in body


def test_the_trusted_header_needs_the_proxys_secret(room):
    # A direct request naming the operator in the header alone is refused
    status, _ = room.server.request("GET", "api/kernels", token=False, headers={"X-Forwarded-User": "operator"})
    assert status == 403
    status, _ = room.server.request("GET", "api/status", token=False,
                                    headers={"X-Forwarded-User": "operator", SECRET_HEADER: "wrong"})
    assert status == 403
    # Through the proxy (the secret added), the header names the person
    status, _ = room.server.request("GET", "api/kernels", token=False,
                                    headers={"X-Forwarded-User": "operator", SECRET_HEADER: PROXY_SECRET})
    assert status == 200


def test_bodies_over_the_limit_are_refused_fast(room):
    import socket

    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", room.server.port), timeout=5) as sock:
        sock.sendall((f"POST /api/contents/x.ipynb HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {200 << 20}\r\n"
                      f"Authorization: token {room.admin_token}\r\n\r\n").encode())
        reply = sock.recv(200)  # the server answers or hangs up, without reading 200 MB
    assert time.monotonic() - start < 1.0
    assert reply == b"" or reply.startswith(b"HTTP/1.1 4")


SCRIPT_IMG = 'Churn <script>window.__x=1</script><img src=x onerror="window.__y=1">'


@pytest.mark.browser
@pytest.mark.parametrize("page_path", [
    "voila/render/workbooks/dashboards/overview.ipynb?",
    "voila/render/workbooks/dashboards/signoff.ipynb?gate=scope_approval&",
    "voila/render/workbooks/dashboards/signoff.ipynb?gate=solution_validation&",
    "voila/render/workbooks/dashboards/monitoring.ipynb?",
])
def test_every_voila_page_shows_hostile_plan_text_as_text(room, chromium, page_path):
    # Given plan text with a script and an onerror handler (the product need and a literature title)
    need = room.project.section("product_need").model_dump(mode="json")
    if need["statement"] != SCRIPT_IMG:
        need["statement"] = SCRIPT_IMG
        room.project.save_section("product_need", need)
        lit = room.project.section("literature").model_dump(mode="json")
        lit["entries"][0]["title"] = SCRIPT_IMG
        room.project.save_section("literature", lit)
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_navigation_timeout(PAGE_TIMEOUT)
    try:
        # When a viewer opens the page and its widgets render
        page.goto(f"{room.server.url}{page_path}token={room.product_token}")
        page.locator(".pb").first.wait_for(timeout=PAGE_TIMEOUT)
        # Then nothing of it ran, and where the page shows it, it reads as typed
        assert page.evaluate("() => [typeof window.__x, typeof window.__y]") == ["undefined", "undefined"]
        assert page.locator(".pb script, .pb img[onerror]").count() == 0
        if "scope_approval" in page_path or "solution_validation" in page_path:
            expect(page.get_by_text(SCRIPT_IMG).first).to_be_visible()
    finally:
        page.close(run_before_unload=True)
        context.close()


@pytest.mark.browser
def test_fifty_closed_pages_free_their_kernels_and_one_viewer_hits_the_cap(room, chromium, capsys):
    baseline, rss_before = len(room.kernels()), room.rss_mb()
    context = chromium.new_context()
    context.set_default_navigation_timeout(PAGE_TIMEOUT)
    url = f"{room.server.url}{SIGNOFF}&token={room.product_token}"
    lifetimes, started = [], set()
    # When 50 sign-off pages are opened (each starts its kernel) and closed
    for i in range(50):
        before = {k["id"] for k in room.kernels()}
        page = context.new_page()
        _open(room, page, url, f"page {i + 1} of 50")
        expect(page.get_by_role("table", name="KPIs")).to_be_visible(timeout=PAGE_TIMEOUT)
        new = {k["id"] for k in room.kernels()} - before
        assert len(new) == 1, f"{len(new)} kernels started for one page"
        # its kernel listens on Unix sockets in the private runtime folder, not on TCP ports any process could take
        (kid,) = new
        info = json.loads((room.runtime / f"kernel-{kid}.json").read_text())
        assert info["transport"] == "ipc" and list(room.runtime.glob(f"kernel-{kid}-ipc-*")), info
        started |= new
        page.close(run_before_unload=True)
        closed = time.monotonic()
        while new & {k["id"] for k in room.kernels()}:  # its close beacon shuts the kernel down
            assert time.monotonic() - closed < 30, "a closed page's kernel is still running after 30 s"
            time.sleep(0.05)
        lifetimes.append(time.monotonic() - closed)
    context.close()
    rss_after = room.rss_mb()
    with capsys.disabled():
        print(f"\n[figures] kernels before/after 50 views: {baseline}/{len(room.kernels())}; "
              f"server+kernels RSS before/after: {rss_before:.0f}/{rss_after:.0f} MB; closed-tab kernel lifetime: "
              f"median {sorted(lifetimes)[len(lifetimes) // 2]:.2f} s, max {max(lifetimes):.2f} s")
    # Then the kernels are back to the baseline, each within seconds of its tab closing
    assert not started & {k["id"] for k in room.kernels()} and len(room.kernels()) <= baseline
    assert len(started) == 50 and max(lifetimes) < 30
    # and their connection files and sockets are gone with them
    assert not [f.name for f in room.runtime.glob("kernel-*") if f.name[7:43] in started]
    # And one viewer who never closes a page stops at the per-viewer cap
    context = chromium.new_context()
    context.set_default_navigation_timeout(PAGE_TIMEOUT)
    url = f"{room.server.url}{SIGNOFF}&token={room.success_token}"
    before = {k["id"] for k in room.kernels()}
    outcomes, pages = [], []
    for _ in range(30):
        page = context.new_page()
        response = _open(room, page, url, f"page {len(pages) + 1} of 30 (one viewer)")
        pages.append(page)
        if response.status == 429:
            expect(page.get_by_role("heading", name="Too many open pages")).to_be_visible()
            outcomes.append("refused")
        else:
            expect(page.get_by_role("table", name="KPIs")).to_be_visible(timeout=PAGE_TIMEOUT)
            outcomes.append("rendered")
    at_cap = {k["id"] for k in room.kernels()} - before
    for page in pages:
        page.close(run_before_unload=True)
    assert outcomes == ["rendered"] * 8 + ["refused"] * 22 and len(at_cap) == 8
    deadline = time.monotonic() + 30
    while at_cap & {k["id"] for k in room.kernels()}:  # and closing them frees them (the browser still runs)
        assert time.monotonic() < deadline
        time.sleep(0.1)
    context.close()
