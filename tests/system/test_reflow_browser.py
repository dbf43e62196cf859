"""Reflow (WCAG 2.2 1.4.10; issue 19): no page scrolls sideways on a 320 CSS px wide screen or at
200% zoom (a 1280 px window at zoom 2: 640 CSS px). Every page type of the catalogue
(tests/system/pages_catalogue.py), as a role that may see it, in Chromium: the document is no wider
than the window (``document.documentElement.scrollWidth <= clientWidth``; a failure names the widest
element that runs past the window's right edge), and what scrolls sideways inside it is a region
named for screen readers that a keyboard can focus; the same for every form of the catalogue in its
error state. The scorecard's key columns — the measure,
Variation, Assurance and Status — are in view at 200% zoom without scrolling anything.

One live server with the demo content (:func:`pages_catalogue.module_live_server`) and the session's
browser serve the module; each role signs in once per screen size. Screenshots at 320 px of the
plans list, the scorecard and the AE4HR metric page are kept in test-artifacts/screenshots."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Error as PlaywrightError

from .conftest import screenshot, signed_in_page, watched_page
from .pages_catalogue import (  # noqa: F401  (demo_site, module_live_server: the module's fixtures)
    ANONYMOUS,
    FORMS,
    PAGES,
    PASSWORD,
    Form,
    Page,
    demo_site,
    module_live_server,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db, pytest.mark.one_database]

#: the screens, as (width, height) in CSS px and the device scale factor: a phone 320 px wide, and a
#: 1280 × 900 px window at 200% zoom
SCREENS = {"320px": (320, 640, 1), "zoom200": (640, 450, 2)}

#: who looks at the scorecards and the budget table
VIEWER = "board"

#: pages photographed at 320 px for people to look at (catalogue name -> file name)
SCREENSHOTS = {"plans": "reflow-320-plans", "scorecard-with-data": "reflow-320-scorecard", "metric": "reflow-320-ae4hr"}

#: how wide the document is, and, when it is wider than the window, the widest element whose right
#: edge runs past the window (not held inside a box that clips or scrolls it)
_OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const path = (el) => {
    const names = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) names.unshift(describe(e));
    return names.slice(-4).join(" > ");
  };
  const heldInside = (el) => {
    for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  let widest = null;
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right + window.scrollX <= width + 1 || (box.width === 0 && box.height === 0) || heldInside(el)) continue;
      if (!widest || box.width > widest.width) {
        widest = { element: path(el), width: Math.round(box.width), right: Math.round(box.right + window.scrollX),
                   text: (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 80) };
      }
    }
  }
  return { scrollWidth: root.scrollWidth, clientWidth: width, widest };
}"""

#: boxes that scroll sideways but are not a named region a keyboard can focus
_UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll("body *")].filter((el) => {
  const style = getComputedStyle(el);
  if (!["auto", "scroll"].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) return false;
  return !(el.getAttribute("role") === "region" && el.getAttribute("aria-label") && el.tabIndex >= 0);
}).map((el) => el.outerHTML.slice(0, 160))"""

#: the scorecard's key cells (a row's measure, variation, assurance and status) not wholly in view:
#: past the window's edges or outside a box that clips or scrolls them
_KEY_CELLS_OUT_OF_VIEW = """() => {
  const width = document.documentElement.clientWidth, out = [];
  const table = document.querySelector("table.gt-scorecard");
  if (!table) return ["no scorecard on the page"];
  const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  const columns = ["Measure", "Variation", "Assurance", "Status"].map((h) => headings.indexOf(h));
  if (columns.includes(-1)) return ["scorecard headings: " + headings.join(", ")];
  for (const row of table.querySelectorAll("tbody tr")) {
    const cells = row.querySelectorAll("td");
    if (cells.length < headings.length) continue;
    for (const column of columns) {
      const box = cells[column].getBoundingClientRect();
      let left = 0, right = width;
      for (let p = cells[column].parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") {
          const clip = p.getBoundingClientRect();
          left = Math.max(left, clip.left); right = Math.min(right, clip.right);
        }
      }
      if (box.left < left - 1 || box.right > right + 1) {
        const where = Math.round(box.left) + "–" + Math.round(box.right) + " px";
        const shown = Math.round(left) + "–" + Math.round(right) + " px";
        const measure = cells[0].textContent.trim().slice(0, 40);
        out.push(headings[column] + " of " + measure + ": " + where + ", in view " + shown);
      }
    }
  }
  return out;
}"""

#: charts whose drawing is wider than its container (layout.css clips it there rather than let it push
#: the page wider, so a drawing that does not fit would be cut off unseen by the measures above)
_CHARTS_CUT = """() => [...document.querySelectorAll(".gt-chart__canvas")]
  .filter((c) => c.scrollWidth > c.clientWidth + 1)
  .map((c) => c.id + ": " + c.scrollWidth + " px in " + c.clientWidth)"""

#: every chart on the page drawn (or said it could not be), so the layout measured is the final one
_CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-chart]")].every(
  (e) => e.getAttribute("data-drawn") === "true" || e.textContent.startsWith("The chart could not"))"""


def show_at(page, screen: str):
    """Size ``page``'s window as ``screen`` says, its zoom as the device scale factor (Chromium's own
    emulation, as Playwright's viewport is; it holds while the returned session lives)."""
    width, height, scale = SCREENS[screen]
    session = page.context.new_cdp_session(page)
    metrics = {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False}
    session.send("Emulation.setDeviceMetricsOverride", metrics)
    return session


@pytest.fixture(scope="module", params=list(SCREENS))
def screen(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def csp_found() -> list[str]:
    """The module's Content-Security-Policy violations; each test fails on any (:func:`assert_reflows`)."""
    return []


@pytest.fixture(scope="module")
def people(screen, browser, module_live_server, csp_found):  # noqa: F811
    """Role -> a page of that person at ``screen``: each role the pages and forms are seen as, signed
    in once, before any test (whose own writes are rolled back)."""
    pages, sessions = {}, []
    for role in sorted({p.roles[0] for p in PAGES} | {f.role for f in FORMS} | {VIEWER}):
        if role == ANONYMOUS:
            pages[role] = watched_page(browser, module_live_server, csp_found)
        else:
            pages[role] = signed_in_page(browser, module_live_server, csp_found, role, PASSWORD)
        sessions.append(show_at(pages[role], screen))
    yield pages
    for page in pages.values():
        page.context.close()


def open_page(page, page_type: Page) -> None:
    """Open ``page_type`` and wait for its charts; a document the product hands over as a download
    (the HTML packs) is opened from its content, as someone opening the saved file would see it."""
    try:
        response = page.goto(page_type.url)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        fetched = page.context.request.get(page_type.url)
        assert fetched.status == page_type.status, (page_type.url, fetched.status)
        page.goto("about:blank")  # a document of no origin: the live server's policy would refuse the pack's style
        page.set_content(fetched.text())
        return
    assert response is not None and response.status == page_type.status, (page_type.url, page.url)
    page.wait_for_function(_CHARTS_DRAWN)


def _pages() -> list:
    return [pytest.param(p, id=p.name) for p in PAGES if p.name != "sign-out"]


def assert_reflows(page, screen: str, what: str, csp_found: list[str]) -> None:
    """The page, shown at ``screen``, is no wider than its window, and whatever scrolls sideways in it
    is a named region a keyboard can focus, no chart is cut off at its container's edge, and no page
    broke the Content-Security-Policy."""
    measured = page.evaluate(_OVERFLOW)
    assert measured["clientWidth"] == SCREENS[screen][0], measured  # the window is the screen's
    assert measured["scrollWidth"] <= measured["clientWidth"], (
        f"{what} is {measured['scrollWidth']} px wide in a window of {measured['clientWidth']} px; "
        f"the widest element past its edge: {json.dumps(measured['widest'], indent=1)}"
    )
    unreachable = page.evaluate(_UNREACHABLE_SCROLLERS)
    assert not unreachable, f"{what}: scrolls sideways but is no named, focusable region:\n" + "\n".join(unreachable)
    cut = page.evaluate(_CHARTS_CUT)
    assert not cut, f"{what}: charts drawn wider than their container, so cut off: {cut}"
    csp, csp_found[:] = list(csp_found), []
    assert not csp, "Content-Security-Policy violations:\n" + "\n".join(csp)


@pytest.mark.parametrize("page_type", _pages())
def test_no_page_scrolls_sideways(people, screen, csp_found, page_type: Page):
    page = people[page_type.roles[0]]
    open_page(page, page_type)
    assert_reflows(page, screen, f"{page_type.url} as {page_type.roles[0]}", csp_found)
    if page_type.name in SCREENSHOTS and screen == "320px":
        screenshot(page, SCREENSHOTS[page_type.name])


@pytest.mark.parametrize("form", [pytest.param(f, id=f.name) for f in FORMS])
def test_no_form_in_its_error_state_scrolls_sideways(people, screen, csp_found, form: Form):
    page = people[form.role]
    form.refuse(page)
    assert_reflows(page, screen, f"{form.url} as {form.role}, refused", csp_found)


@pytest.mark.parametrize("url", ["/plans/nhsi-2016/scorecard/", "/public/plans/nhsei-2019/2019-20-q1/scorecard/"])
def test_scorecard_key_columns_in_view(people, screen, url):
    """The measure, Variation, Assurance and Status of every row are in view without scrolling
    anything sideways: at 640 CSS px (200% zoom) and at 320 px each row stacks under its headings."""
    page = people[VIEWER]
    page.goto(url)
    out_of_view = page.evaluate(_KEY_CELLS_OUT_OF_VIEW)
    assert not out_of_view, "\n".join(out_of_view)
    if screen == "zoom200" and url.startswith("/plans/"):
        screenshot(page, "reflow-200-scorecard")


def test_a_wide_table_scrolls_inside_its_region(people):
    """The budget table of nhse-2013 needs more room than either screen has: it scrolls inside its
    named region, which takes keyboard focus and shows it, while the page stays put; the first column
    (the directorate or line) stays in view as the region scrolls."""
    page = people[VIEWER]
    page.goto("/plans/nhse-2013/budgets/")
    region = page.get_by_role("region", name="Budget 2013/14 by directorate and category")
    content = region.evaluate("(el) => ({scrollWidth: el.scrollWidth, clientWidth: el.clientWidth})")
    assert content["scrollWidth"] > content["clientWidth"], content
    region.focus()
    assert region.evaluate("(el) => el === document.activeElement && el.matches(':focus-visible')") or (
        region.evaluate("(el) => getComputedStyle(el).boxShadow") != "none"
    )
    first = region.locator("tbody th").first
    before = first.bounding_box()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    # Chromium animates keyboard scrolling: wait for the region to move, then to come to rest.
    handle = region.element_handle()
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=handle, timeout=10_000)
    page.wait_for_function(
        """(el) => new Promise((done) => {
            const start = el.scrollLeft;
            requestAnimationFrame(() => requestAnimationFrame(() => done(el.scrollLeft === start)));
        })""",
        arg=handle,
        timeout=10_000,
    )
    after = first.bounding_box()
    assert before is not None and after is not None and abs(after["x"] - before["x"]) < 1, (before, after)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
