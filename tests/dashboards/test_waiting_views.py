""""What needs me" first, rendered without a browser: the overview opens with the viewer and what waits for them."""

from __future__ import annotations

import re

from phasebook.core.events import Actor
from phasebook.dashboards.context import Viewer
from phasebook.dashboards.overview import overview_parts

PRODUCT = Viewer(name="product owner", role="product", verified=True)


def _first_card(html: str) -> str:
    start = html.index('<section class="card pb-waiting"')
    return html[start:html.index("</section>", start)]


def test_the_overview_opens_with_the_gate_waiting_for_the_viewer_and_its_sign_link(filled_project):
    html = overview_parts(filled_project, "", who=PRODUCT)[0]
    card = _first_card(html)
    assert html.index("pb-waiting") < html.index('aria-label="Flow"')  # before the flow and the gates
    g = filled_project.status().gates["scope_approval"]
    assert "Signed in as <b>product owner</b> (product)" in card
    assert f"{g.step} {g.title}: waiting for your approval".replace("&", "&amp;") in card
    link = re.search(r'<a class="pb-button"[^>]*>Sign</a>', card)[0]
    assert 'href="signoff.ipynb?gate=scope_approval"' in link and 'target="_self"' in link
    # And every other sign-off link of the page opens in the same tab too
    assert all('target="_self"' in a for a in re.findall(r"<a [^>]*signoff\.ipynb[^>]*>", html))


def test_a_shared_link_names_nobody_and_an_approval_empties_the_list(filled_project):
    shared = Viewer(name=None, verified=False)
    assert "Not signed in personally" in _first_card(overview_parts(filled_project, "", who=shared)[0])
    filled_project.sign_off("scope_approval", Actor(name="product owner", role="product"), "approve")
    assert "nothing waits for you" in _first_card(overview_parts(filled_project, "", who=PRODUCT)[0])


def test_the_flow_has_a_legend_and_run_durations_read_in_seconds(filled_project):
    html = "".join(overview_parts(filled_project, "", who=PRODUCT))
    assert 'class="pb-legend' in html and "gate waiting for sign-off" in html
    assert "<th>Took</th>" in html and re.search(r'<td( data-label="Took")?>4.2 s</td>', html)


def test_a_pending_gate_of_a_phase_not_reached_shows_as_to_do_not_waiting(filled_project):
    from phasebook.dashboards.overview import flow_grid

    st = filled_project.status()
    flow = filled_project.flow
    later = [g for g in st.gates.values() if flow.work_phases.index(g.phase) > flow.work_phases.index(st.phase)]
    current = [g for g in st.gates.values() if g.phase == st.phase and g.state == "pending"]
    assert later and current and all(g.state == "pending" for g in later)
    html = str(flow_grid(filled_project, st))

    def shown(step):
        return re.search(rf'<div data-step="{re.escape(step)}"><span class="badge" data-state="(\w+)"', html)[1]

    assert {shown(g.step) for g in later} == {"todo"}  # nobody is asked to sign a phase not reached yet
    assert {shown(g.step) for g in current} == {"pending"}  # the current phase's gate does wait
