"""Dashboard views without a browser: escaping, rendering, the sign-off widget, the hook, identity, authorization."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

from phasebook.core.events import Actor
from phasebook.dashboards import context
from phasebook.dashboards.authz import DashboardAuthorizer, DashboardKernelManager, PENDING_OWNER
from phasebook.dashboards.hooks import prelaunch_hook, viewer_payload
from phasebook.dashboards.html import esc, table
from phasebook.dashboards.identity import PhasebookIdentityProvider, add_user, hash_token, load_users
from phasebook.dashboards.monitoring import monitoring_parts
from phasebook.dashboards.overview import overview_parts
from phasebook.dashboards.render import content_diff
from phasebook.dashboards.signoff import SignoffWidget, gate_header, signoff_page
from phasebook.core.errors import BadInputError
from phasebook.project import Project
from phasebook.store import guard

from .fixtures import SCOPE, XSS


@pytest.fixture(autouse=True)
def clean_context(monkeypatch):
    """Each test starts outside a viewer kernel (set_context locks the process's store to sign-offs)."""
    context._CONTEXT.clear()
    guard._LOCKED.clear()
    monkeypatch.delenv("QUERY_STRING", raising=False)
    yield
    context._CONTEXT.clear()
    guard._LOCKED.clear()


def test_user_text_is_escaped_everywhere(filled_project):
    # Given an XSS payload in the product need
    filled_project.save_section("product_need", {"statement": XSS})
    # When the sign-off page and the overview render
    page = signoff_page(str(filled_project.root), "scope_approval")
    html = "".join(getattr(c, "value", "") for c in page.children)
    # Then the payload is text, never markup
    assert "<script>" not in html and "<img" not in html
    assert esc(XSS) in html
    assert '<td data-label="x">&lt;b&gt;</td>' in table(["x"], [["<b>"]])
    assert 'data-label="&lt;i&gt;"' in table(["<i>"], [["b"]])  # the phone layout's labels are escaped too


def test_scope_renders_as_kpi_table(filled_project):
    page = signoff_page(str(filled_project.root), "scope_approval")
    html = page.children[1].value
    assert 'aria-label="KPIs"' in html and "Churners caught before renewal" in html and "at least 0.8" in html


def test_query_string_selects_gate_and_never_echoes_token(filled_project, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "gate=solution_validation&token=SECRET123")
    monkeypatch.chdir(filled_project.root / "workbooks" / "dashboards")
    page = signoff_page()
    html = "".join(getattr(c, "value", "") for c in page.children)
    assert "Scope &amp; KPIs validation" in html and "Cost estimate" in html
    assert "SECRET123" not in html
    # the cost breakdown is shown once (its table), not again in the field list
    assert html.count(">compute<") == 1 and html.count("Cost breakdown") == 0


def test_project_param_cannot_leave_the_served_root(filled_project, monkeypatch):
    context.set_context(json.dumps({"viewer": {}, "root_dir": str(filled_project.root / "workbooks")}))
    monkeypatch.setenv("QUERY_STRING", "project=../../")
    page = signoff_page()
    assert "outside the served folder" in page.value


def test_unverified_signoff_needs_a_name_and_a_comment_to_send_back(filled_project):
    widget = SignoffWidget(filled_project, "scope_approval", context.viewer())
    widget.submit("approve")
    assert "Type your name" in widget.status.value
    widget.name.value = "product owner"
    widget.buttons["request_changes"].click()
    assert "comment is required" in widget.status.value
    assert not [e for e in filled_project.events() if e.kind == "sign_off"]
    widget.comment.value = "KPIs look right"
    widget.buttons["approve"].click()
    last = filled_project.events()[-1]
    assert last.kind == "sign_off" and last.actor == Actor(name="product owner", role="product", verified=False)
    assert last.data["content_hash"] == filled_project.gate_content("scope_approval")["content_hash"]


def test_verified_viewer_cannot_sign_as_someone_else(filled_project):
    context.set_context(json.dumps({"viewer": {"name": "product owner", "role": "product", "verified": True}}))
    context.set_context(json.dumps({"viewer": {"name": "someone else", "verified": True}}))  # first call wins
    widget = SignoffWidget(filled_project, "scope_approval", context.viewer())
    assert widget.name is None and widget.role is None
    widget.buttons["approve"].click()
    assert filled_project.events()[-1].actor == Actor(name="product owner", role="product", verified=True)


def test_stale_header_shows_the_diff(filled_project):
    filled_project.sign_off("scope_approval", Actor(name="product owner", role="product", verified=True), "approve")
    changed = json.loads(json.dumps(SCOPE))
    changed["kpis"][0]["metrics"][0]["target"] = 0.85
    filled_project.save_section("scope", changed)
    html = gate_header(filled_project, "scope_approval")
    assert 'data-state="stale"' in html and "What changed" in html
    assert "target: 0.85" in html and "target: 0.8" in html
    assert "diff-add" in content_diff({"scope": {"a": 1}}, {"scope": {"a": 2}})


def test_overview_and_monitoring_parts(filled_project):
    parts = overview_parts(filled_project)
    assert 'aria-label="Flow"' in parts[0] and "(current)" in parts[0] and "open sign-off" in parts[0]
    assert 'aria-label="KPI scoreboard"' in parts[1] and parts[1].count("<svg") == 2 and "target &gt;= 0.8" in parts[1]
    assert "iterate" in parts[1] and "customers_2024" in parts[1]
    (mon,) = monitoring_parts(filled_project)  # one static fragment: no plotly figure, no script
    assert 'aria-label="Drift by column"' in mon and "dataset drifted" in mon and "<script" not in mon
    # the drifted column first, with its sentence and chart; the stable one collapsed
    drifted, stable = mon.index('data-column="tenure_months"'), mon.index("<details><summary>The 1 stable column")
    assert drifted < stable < mon.index('aria-label="plan: reference vs current"')
    assert "tenure_months: the middle value moved from about" in mon
    assert mon.count('role="img"') == 4  # two overlays and the trend of each of the two hard metrics


def test_overview_counts_segments_meeting_each_hard_metric(filled_project):
    # Given no per-segment test, the overview has no per-segment block
    assert 'aria-label="Per segment"' not in overview_parts(filled_project)[1]
    # When three regions are tested, one meeting the roc_auc target and two not
    for region, auc in (("north", 0.9), ("south", 0.6), ("east", 0.7)):
        filled_project.test_model({"roc_auc": auc}, model="regional", segment=region)
    board = overview_parts(filled_project)[1]
    # Then the block counts them per metric and names the failing regions
    assert 'aria-label="Per segment"' in board
    assert "1/3 meet" in board and "south" in board and "east" in board
    # and the scoreboard's history is not cluttered by the per-segment tests
    assert "regional" not in board.split('aria-label="Per segment"')[0]
    # (recall_at_top_k was not measured, so no region meets every hard metric)
    assert "0 of 3 segments meet every hard metric" in board and "0/3 meet" in board


class FakeReq:
    def __init__(self, user, provider, root="/srv"):
        self.current_user, self.identity_provider, self.settings = user, provider, {"server_root_dir": root}


def test_hook_injects_the_server_identity(tmp_path):
    users = tmp_path / "users.yaml"
    token = add_user(users, "product owner", "product")
    assert "token_sha256: " + hash_token(token) in users.read_text() and token not in users.read_text()
    provider = PhasebookIdentityProvider(users_file=str(users), token="shared")
    person = provider._person("product owner")
    nb = types.SimpleNamespace(cells=[{"metadata": {}}])
    prelaunch_hook(FakeReq(person, provider), nb, "/srv")
    assert "set_context" in nb.cells[0].source and PENDING_OWNER.get() == "pb:product owner"
    assert viewer_payload(FakeReq(person, provider))["viewer"] == {"name": "product owner", "role": "product",
                                                                   "verified": True}
    anon = types.SimpleNamespace(username="0f3c", name="Anonymous Io", display_name="Anonymous Io")
    assert viewer_payload(FakeReq(anon, provider))["viewer"]["verified"] is False


def test_hook_payload_cannot_break_out_of_the_cell(tmp_path):
    provider = PhasebookIdentityProvider(token="shared", trusted_header="X-Forwarded-User")
    evil = provider._person("x')\nimport os; os.system('id')#")
    nb = types.SimpleNamespace(cells=[])
    prelaunch_hook(FakeReq(evil, provider), nb, "/srv")
    namespace: dict = {}
    exec(compile(nb.cells[0].source, "cell", "exec"), namespace)  # noqa: S102 - proves the literal is inert
    assert context.viewer().name == "x')\nimport os; os.system('id')#"


def test_bad_users_file_is_refused_with_what_to_do(tmp_path):
    from phasebook.cli.exits import cli_message

    with pytest.raises(BadInputError, match="does not exist") as caught:
        load_users(tmp_path / "missing.yaml")
    assert "serve-user" in cli_message(caught.value)  # the command is the CLI's hint, not the error's message


def test_authorizer_lets_viewers_use_only_their_own_kernels():
    provider = PhasebookIdentityProvider(token="shared")
    auth = DashboardAuthorizer(identity_provider=provider)
    km = types.SimpleNamespace(kernel_owners={"k1": "pb:product owner"})
    req = types.SimpleNamespace(method="GET", path="/api/kernels")
    me = provider._person("product owner")

    def handler(kernel_id=None):
        return types.SimpleNamespace(kernel_id=kernel_id, kernel_manager=km, request=req, path_kwargs={})

    assert auth.is_authorized(handler("k1"), me, "execute", "kernels")
    assert auth.is_authorized(handler("k1"), me, "read", "kernels")
    assert not auth.is_authorized(handler("k2"), me, "execute", "kernels")
    assert not auth.is_authorized(handler(), me, "write", "kernels")
    assert not auth.is_authorized(handler(), me, "write", "contents")
    assert not auth.is_authorized(handler(), me, "read", "contents")
    assert not auth.is_authorized(handler(), me, "read", "lab")
    assert DashboardKernelManager.start_kernel is not None


def test_trusted_proxy_header_and_jupyterhub_users_are_persons():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from phasebook.dashboards.identity import is_personal, person_of

    from tornado.web import HTTPError

    from phasebook.dashboards.identity import SECRET_HEADER

    def user_for(provider, headers, ip="10.0.0.9"):
        handler = types.SimpleNamespace(request=types.SimpleNamespace(headers=headers, remote_ip=ip))
        with ThreadPoolExecutor(1) as pool:  # a fresh thread: the browser tests may leave a loop running here
            return pool.submit(asyncio.run, provider.get_user(handler)).result()

    provider = PhasebookIdentityProvider(token="shared", trusted_header="X-Forwarded-User", trusted_header_secret="s3cret")
    user = user_for(provider, {"X-Forwarded-User": "product owner", SECRET_HEADER: "s3cret"})
    assert person_of(user) == "product owner" and is_personal(user, provider)
    # the header alone, or with a wrong secret, is refused: nobody becomes "product owner" by typing a header
    for headers in ({"X-Forwarded-User": "product owner"}, {"X-Forwarded-User": "operator", SECRET_HEADER: "guess"}):
        with pytest.raises(HTTPError) as refused:
            user_for(provider, headers)
        assert refused.value.status_code == 403
    # or trust a proxy by its address
    by_address = PhasebookIdentityProvider(token="shared", trusted_header="X-Forwarded-User", trusted_proxies=["127.0.0.1"])
    assert person_of(user_for(by_address, {"X-Forwarded-User": "product owner"}, ip="127.0.0.1")) == "product owner"
    with pytest.raises(HTTPError):
        user_for(by_address, {"X-Forwarded-User": "product owner"}, ip="10.0.0.9")
    hub = type("HubIdentityProvider", (), {"__module__": "jupyterhub.services.auth"})()
    hub_user = types.SimpleNamespace(username="product-owner", name="product-owner", display_name="Product Owner")
    assert is_personal(hub_user, hub)
    assert viewer_payload(FakeReq(hub_user, hub))["viewer"] == {"name": "product-owner", "role": None, "verified": True}
    shared = types.SimpleNamespace(username="5148cc10", name="Anonymous Io", display_name="Anonymous Io")
    assert not is_personal(shared, provider)


def test_the_shared_link_signs_only_when_nobody_is_identified_or_the_operator_allows_it(tmp_path):
    """``phasebook serve --users F`` (or --trusted-header) stops the shared link signing unless --shared-can-sign."""
    from phasebook.dashboards.serving import ServeOptions, serve_config

    users = tmp_path / "users.yaml"
    add_user(users, "product owner", "product")
    anon = types.SimpleNamespace(username="0f3c", name="Anonymous Io", display_name="Anonymous Io")
    cases = [(PhasebookIdentityProvider(token="shared"), True),
             (PhasebookIdentityProvider(users_file=str(users), token="shared"), False),
             (PhasebookIdentityProvider(trusted_header="X-Forwarded-User", token="shared"), False),
             (PhasebookIdentityProvider(users_file=str(users), token="shared", shared_can_sign=True), True)]
    for provider, may in cases:
        payload = viewer_payload(FakeReq(anon, provider))
        assert payload["shared_can_sign"] is may
        context._CONTEXT.clear()
        context.set_context(json.dumps(payload))
        assert context.viewer().shared_can_sign is may
    config = serve_config(ServeOptions(root=tmp_path, port=1, ip="127.0.0.1", token="t", users_file=str(users),
                                       shared_can_sign=True))
    assert config.PhasebookIdentityProvider.shared_can_sign is True


def test_a_viewer_kernel_writes_nothing_but_the_viewers_own_signoff(filled_project):
    from phasebook.core.errors import ViewerWriteRefusedError

    # Given a viewer kernel (the server's first cell ran) for a verified product owner
    context.set_context(json.dumps({"viewer": {"name": "product owner", "role": "product", "verified": True}}))
    plan_before, events_before = filled_project.plan_path.read_bytes(), len(filled_project.events())
    project = context.open_dashboard_project(str(filled_project.root))
    # When the page's code tries anything but reading and signing as the viewer
    for attempt in (lambda: project.save_section("product_need", {"statement": "hacked"}),
                    lambda: project.check_source("customers"),
                    lambda: project.decide("iterate", "x"),
                    lambda: project.record("section_saved", {}),
                    lambda: project.sign_off("scope_approval", Actor(name="CEO", role="product", verified=True), "approve"),
                    # even a Project opened directly: the store itself is locked to sign-offs
                    lambda: Project.open(filled_project.root).save_section("product_need", {"statement": "hacked"}),
                    lambda: Project.open(filled_project.root).record("data_check", {"source": "/etc/shadow"})):
        with pytest.raises(ViewerWriteRefusedError):
            attempt()
    # Then the plan and the journal are unchanged, and reading still works
    assert filled_project.plan_path.read_bytes() == plan_before and len(filled_project.events()) == events_before
    assert project.status().gates["scope_approval"].state
    # And the viewer's own sign-off is recorded, as the viewer
    event = project.sign_off("scope_approval", Actor(name="product owner", role="product", verified=True), "approve")
    assert event.actor == Actor(name="product owner", role="product", verified=True)


def test_only_dashboard_notebooks_of_a_project_are_served(filled_project, tmp_path):
    from phasebook.dashboards.serverext import is_dashboard

    root = filled_project.root
    assert is_dashboard(root, "workbooks/dashboards/signoff.ipynb")
    outside = tmp_path / "elsewhere.ipynb"
    outside.write_text("{}")
    (root / "workbooks" / "dashboards" / "link.ipynb").symlink_to(root / "workbooks" / "01_scoping.ipynb")
    for rel in ("workbooks/01_scoping.ipynb", "workbooks/dashboards/../01_scoping.ipynb",
                "workbooks/dashboards/link.ipynb", "workbooks/dashboards/%2E%2E/01_scoping.ipynb",
                "phasebook.yaml", "/etc/passwd", "../elsewhere.ipynb", "workbooks/dashboards/missing.ipynb",
                "workbooks/dashboards/signoff.ipynb\x00", "a" * 5000, ""):
        assert not is_dashboard(root, rel), rel


def test_every_dashboard_page_renders_in_a_locked_viewer_kernel(filled_project, monkeypatch):
    """A page calls only what the viewer facade lets it read: a new Project read used by a page must be listed."""
    from phasebook.dashboards import monitoring_page, overview_page, signoff_page

    # Given a viewer kernel (the server's first cell ran: the store is locked to sign-offs)
    context.set_context(json.dumps({"viewer": {"name": "product owner", "role": "product", "verified": True}}))
    monkeypatch.chdir(filled_project.root / "workbooks" / "dashboards")
    plan_before = filled_project.plan_path.read_bytes()
    # When every page is built for every gate of the flow
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    for gate in filled_project.flow.gates:
        assert signoff_page(str(filled_project.root), gate) is not None
    overview_page(str(filled_project.root))
    monitoring_page(str(filled_project.root))
    # Then nothing was refused, something was shown, and nothing was written
    assert shown and filled_project.plan_path.read_bytes() == plan_before


def test_dashboard_kernels_use_unix_sockets_where_their_paths_fit(tmp_path, monkeypatch):
    """Kernels on TCP race other processes for the ports the server picked; ``phasebook serve`` uses IPC
    unless the runtime folder is too deep for a socket path (then TCP, which still works)."""
    from phasebook.dashboards.serving import SOCKET_PATH_MAX, ServeOptions, kernel_transport, serve_config

    import tempfile

    short = Path(tempfile.mkdtemp(prefix="pbrt-", dir="/tmp"))  # pytest's tmp_path may be too deep itself
    assert kernel_transport(str(short)) == "ipc"
    deep = short / ("d" * (SOCKET_PATH_MAX - len(str(short))))
    assert kernel_transport(str(deep)) == "tcp"
    # the longest folder that fits still leaves room for the longest socket name
    import socket

    fits = "/tmp/" + "f" * 200
    while kernel_transport(fits) == "tcp":
        fits = fits[:-1]
    name = fits + f"/kernel-{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}-ipc-99999"
    with socket.socket(socket.AF_UNIX) as s:
        s.connect_ex(name)  # no such socket: what matters is that the path is accepted, not "AF_UNIX path too long"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(short))
    assert serve_config(ServeOptions(root=tmp_path, port=1, token="t")).KernelManager.transport == "ipc"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(deep))
    assert "transport" not in serve_config(ServeOptions(root=tmp_path, port=1, token="t")).KernelManager
