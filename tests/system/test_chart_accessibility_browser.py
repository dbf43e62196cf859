"""AE4HR's charts in a real browser (issue 19): each drawn chart is one image whose accessible name is
its summary, nothing inside the drawing reaches the accessibility tree, point types differ in shape in
the drawn legend, and at 320 px the title and legend lie inside the chart, nothing cut off."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.presenters.metric import metric_page

from ..reports.conftest import ae_plan  # noqa: F401  (the fixture: nhsi-2016 with the real A&E data)
from .conftest import signed_in_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

URL = "/plans/nhsi-2016/metrics/AE4HR/?as_at=2016/17%20Q4"

#: where every text of the drawn chart's title and legend lies, against the drawing and the window
PLACES = """() => {
  const svg = document.querySelector('#spc-chart svg');
  const box = svg.getBoundingClientRect();
  const texts = svg.querySelectorAll('.role-title text, .role-legend text');
  return {svg: [box.left, box.right], window: window.innerWidth,
          texts: Array.from(texts, t => { const r = t.getBoundingClientRect();
                                          return [t.textContent, r.left, r.right]; })};
}"""


@pytest.fixture
def reader(ae_plan, browser, live_server, csp_violations):  # noqa: F811
    get_user_model().objects.create_user("reader", password="a-long-password")
    page = signed_in_page(browser, live_server, csp_violations, "reader", "a-long-password")
    yield page
    page.context.close()


def _summaries() -> tuple[str, str]:
    shown = metric_page(m.Plan.objects.get(code="nhsi-2016"), "AE4HR", parse_period("2016/17 Q4"), None)
    assert shown is not None and shown.funnel is not None
    return shown.chart_summary, shown.funnel.description


def test_each_chart_is_one_image_named_by_its_summary(reader):
    page = reader
    page.goto(URL)
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    page.wait_for_selector("#funnel-chart[data-drawn='true'] svg")
    spc, funnel = _summaries()
    assert spc.startswith("Statistical process control chart of A&E four-hour performance for England, 12 points")
    expect(page.get_by_role("img", name=spc, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name=funnel, exact=True)).to_be_visible()
    # the drawing holds its texts (title, axes, legend, the target's label) and marks...
    assert page.locator("#spc-chart svg text").count() > 20
    # ...and none reaches the accessibility tree: the figure is its image and its caption, nothing more
    tree = page.locator("figure.gt-chart").first.aria_snapshot().splitlines()
    assert len(tree) == 3, tree
    assert re.match(r"\s*- '?img ", tree[1]) and spc.split(".")[0] in tree[1]  # (quoted when the name has ')
    assert tree[2].strip().startswith("- text: Each point's Making Data Count type is shown by its colour")
    for inside in ("Per cent", "Common cause", "Variation", "Apr 2016", "95.0%"):
        assert all(inside not in line for line in tree[2:]), inside
    # point types differ in shape as well as colour: the drawn legend's symbols are different shapes
    entries = page.locator("#spc-chart svg .role-legend-label text").all_text_contents()
    assert entries == ["Common cause", "Special cause – concern"]
    shapes = page.locator("#spc-chart svg .role-legend-symbol path").evaluate_all(
        "ps => ps.map(p => p.getAttribute('d'))"
    )
    assert len(shapes) == 2 and len(set(shapes)) == 2


def test_title_and_legend_fit_at_320_px(reader):
    page = reader
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(URL)
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    places = page.evaluate(PLACES)
    left, right = places["svg"]
    assert right <= places["window"]  # the drawing is no wider than the screen
    texts = places["texts"]
    assert {"Variation", "Common cause", "Special cause – concern"} <= {t[0] for t in texts}
    assert any("A&E four-hour performance" in t[0] for t in texts)
    for text, start, end in texts:
        assert left - 0.5 <= start and end <= right + 0.5, (text, start, end, places["svg"])


def test_a_chart_that_cannot_be_drawn_says_so_where_everybody_reads_it(reader):
    """The drawing's place is hidden from assistive technology; its failure must not be (issue 19)."""
    page = reader
    failing = "window.vegaEmbed = function () { return Promise.reject(new Error('no drawing here')); };"
    page.route("**/vega-embed.min.js", lambda route: route.fulfill(body=failing, content_type="text/javascript"))
    page.goto(URL)
    message = page.locator(".gt-chart__failed").first
    expect(message).to_be_visible()
    spc, _ = _summaries()
    assert message.inner_text() == f"The chart could not be drawn (no drawing here). {spc}"
    assert page.locator("#spc-chart").count() == 0  # the hidden drawing's place is gone with its image
