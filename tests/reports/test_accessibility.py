"""The HTML packs pass axe-core (WCAG 2.2 AA rules), opened in Chromium from the file itself."""

from __future__ import annotations

import json

import pytest

from goldenthread.reports.board import board_pack
from goldenthread.reports.directorate import directorate_pack, find_unit
from goldenthread.reports.documents import render_pack, render_summary
from goldenthread.reports.summary import plan_summary

from ..system.conftest import AXE
from .conftest import PERIOD

pytestmark = [pytest.mark.system, pytest.mark.django_db]


def violations(browser, html: str, tmp_path) -> list[dict]:  # noqa: F811
    path = tmp_path / "pack.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
    finally:
        context.close()
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def test_board_pack_html_passes_axe(browser, plan, tmp_path):  # noqa: F811
    found = violations(browser, render_pack(board_pack(plan, PERIOD), "html").decode(), tmp_path)
    assert not found, json.dumps(found, indent=2)


def test_directorate_pack_and_summary_html_pass_axe(browser, plan, tmp_path):  # noqa: F811
    pack = directorate_pack(plan, find_unit(plan, "north"), PERIOD)
    found = violations(browser, render_pack(pack, "html").decode(), tmp_path)
    found += violations(browser, render_summary(plan_summary(plan, PERIOD), "html").decode(), tmp_path)
    assert not found, json.dumps(found, indent=2)
