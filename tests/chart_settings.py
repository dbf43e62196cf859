"""A plan with every chart setting on a metric, for the tests of chart settings (plan file,
store, workbook, editor): the example plan with its nursing vacancy metric given a chart, two
rebases, fix-after-n and annotations, one of them markup that must stay text."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).parent / "fixtures" / "example.yaml"

SETTINGS = """    chart: p
    rebase:
      - date: 2019/20 Q2
        reason: New recruitment drive
      - date: 2020-01
        reason: "Establishment re-counted: <script>alert(1)</script>"
    fix_after_n: 12
    annotations:
      - date: 2019-08-05
        text: "<b>Winter</b> plan =HYPERLINK(\\"x\\")"
      - date: 2019/20 Q3
        text: Agency cap
"""
ANCHOR = "    trigger: Two consecutive quarters above trajectory\n"


def example_with_settings(settings: str = SETTINGS) -> str:
    """The example plan's text with ``settings`` added to its nursing vacancy metric (NUR-VAC)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(ANCHOR) == 1
    return text.replace(ANCHOR, ANCHOR + settings)
