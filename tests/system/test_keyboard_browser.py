"""The key pages by keyboard alone, in Chromium: pressing Tab from the top of the page reaches every
control on it (links, buttons, fields, selects, summaries, anything with tabindex="0") in the order
of the page, each with a focus indicator people can see, and leads out of the page at the end (no
keyboard trap); Shift+Tab walks back the same way.

The pages are those of tests/system/pages_catalogue.py, with the demo content loaded once for the
module; a planner reads the plan pages and the medical lead fills in the quarterly update."""

from __future__ import annotations

import pytest

from .conftest import signed_in_page
from .pages_catalogue import (  # noqa: F401  (demo_site, module_live_server: the module's fixtures)
    CYCLE,
    MEDICAL,
    PASSWORD,
    PLANNER,
    Q3_MEDICAL,
    demo_site,
    module_live_server,
)

pytestmark = [pytest.mark.system, pytest.mark.django_db]

KEY_PAGES = {
    "plans": ("/", PLANNER),
    "plan-overview": (f"{CYCLE}/", PLANNER),
    "matrix": (f"{CYCLE}/matrix/", PLANNER),
    "scorecard": ("/plans/dh-2014/scorecard/", PLANNER),
    "metric": ("/plans/nhsi-2016/metrics/AE4HR/", PLANNER),
    "update-form": (f"{Q3_MEDICAL}/update/", MEDICAL),
}

# Numbers every control a person can reach by keyboard (data-kb, in the order of the page), and keeps
# how each looks unfocused. A radio group is one stop of the Tab key: its radios share a number.
_MARK_CONTROLS = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  // not hidden, nor inside a closed <details> (whose content Chromium keeps laid out but unrendered)
  const rendered = (e) => e.checkVisibility({visibilityProperty: true});
  const groups = new Map();
  let next = 0;
  const controls = [...document.querySelectorAll(selector)].filter((e) =>
    e.tabIndex >= 0 && !e.disabled && e.type !== "hidden" && !e.closest("[inert]")
    && (e.getAttribute("tabindex") === null || e.getAttribute("tabindex") === "0")
    && rendered(e));
  for (const e of controls) {
    const group = e.type === "radio" && e.name ? (e.form ? e.form.id || "form" : "") + "/" + e.name : null;
    if (group && groups.has(group)) { e.dataset.kb = groups.get(group); continue; }
    e.dataset.kb = String(next);
    if (group) groups.set(group, e.dataset.kb);
    next += 1;
  }
  return next;
}"""

# What a focus indicator can change: on the control, its ::before and ::after, its label's (a NHS.UK
# radio or checkbox draws its ring on the label) and its first child's (a summary's text).
_LOOKS = """(e) => {
  const parts = [[e, null], [e, "::before"], [e, "::after"]];
  for (const label of e.labels || []) parts.push([label, null], [label, "::before"], [label, "::after"]);
  if (e.firstElementChild) parts.push([e.firstElementChild, null]);
  return parts.map(([el, pseudo]) => {
    const s = getComputedStyle(el, pseudo);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      ? s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor : "none";
    return {outline: outline, shadow: s.boxShadow, background: s.backgroundColor};
  });
}"""

_ACTIVE = "() => document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.kb : null"


def looks(page, selector: str) -> list[dict]:
    return page.locator(selector).first.evaluate(_LOOKS)


def visible_focus(unfocused: list[dict], focused: list[dict]) -> bool:
    """The NHS.UK focus style (a yellow background, a thick shadow beneath) or any outline or shadow
    the focus adds."""
    return any(
        (now["outline"] != "none" and now["outline"] != before["outline"])
        or (now["shadow"] != "none" and now["shadow"] != before["shadow"])
        or now["background"] != before["background"]
        for before, now in zip(unfocused, focused, strict=True)
    )


@pytest.fixture(scope="module")
def people(browser, module_live_server):  # noqa: F811  (the fixture imported above)
    found: list[str] = []
    pages = {role: signed_in_page(browser, module_live_server, found, role, PASSWORD) for role in (PLANNER, MEDICAL)}
    yield pages
    for page in pages.values():
        page.context.close()
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.mark.parametrize("name", list(KEY_PAGES))
def test_tab_reaches_every_control_in_order_with_focus_visible(people, name):
    url, role = KEY_PAGES[name]
    page = people[role]
    page.goto(url)
    page.wait_for_function(
        '() => [...document.querySelectorAll("[data-chart]")].every((e) => e.getAttribute("data-drawn") === "true")'
    )
    count = page.evaluate(_MARK_CONTROLS)
    assert count > 0
    unfocused = {str(n): looks(page, f'[data-kb="{n}"]') for n in range(count)}
    # nothing has the focus yet: the first Tab goes to the first control (the skip link)
    reached, unseen = [], []
    for _ in range(count + 10):
        page.keyboard.press("Tab")
        at = page.evaluate(_ACTIVE)
        if at is None and page.evaluate("() => document.activeElement === document.body"):
            break  # out of the page
        if at is None:
            continue  # focusable, but not a control of the page (Chromium lets the keyboard scroll a scroller)
        if reached and at == reached[0]:
            break  # round to the top again
        assert not reached or at != reached[-1], f"{url}: the focus is stuck on control {at}"  # a keyboard trap
        reached.append(at)
        if not visible_focus(unfocused[at], looks(page, ":focus")):
            unseen.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)"))
    expected = [str(n) for n in range(count)]
    missed = [
        page.locator(f'[data-kb="{n}"]').first.evaluate("(e) => e.outerHTML.slice(0, 160)")
        for n in expected
        if n not in reached
    ]
    assert not missed, f"{url}: Tab never reaches:\n" + "\n".join(missed)
    assert reached == expected, f"{url}: Tab goes out of the page's order: {reached}"
    assert not unseen, f"{url}: no visible focus on:\n" + "\n".join(unseen)
    # and back: Shift+Tab from the last control walks the same way in reverse
    page.locator(f'[data-kb="{count - 1}"]').first.focus()
    back = [page.evaluate(_ACTIVE)]
    for _ in range(min(count - 1, 15)):
        page.keyboard.press("Shift+Tab")
        back.append(page.evaluate(_ACTIVE))
    assert back == expected[::-1][: len(back)], f"{url}: Shift+Tab goes another way: {back}"
