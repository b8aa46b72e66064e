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
