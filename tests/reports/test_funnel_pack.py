"""The funnel plot in the packs: AE4HR is an exception in nhsi-2016's 2016/17 Q4 board pack, and the
pack shows its providers' funnel plot (the metric page's, drawn from the same specification) with
the units outside the limits — in the HTML (and so the PDF) and in the Word document; a unit's name
with markup in it is printed as text."""

from __future__ import annotations

import re
from html import unescape

import pytest

from goldenthread.presenters.metric import metric_page
from goldenthread.presenters.values import format_value
from goldenthread.reports.board import board_pack
from goldenthread.reports.documents import render_pack

from .conftest import AE_PERIOD, docx, docx_text, pdf_text

CAPTION = "A&E four-hour performance: units outside the funnel plot's limits, Mar 2017"
HOSTILE = '<script>alert("x")</script> & <b>Trust</b>'


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.django_db
def test_board_pack_shows_the_funnel_plot_with_the_units_outside(ae_plan, tmp_path):
    pack = board_pack(ae_plan, AE_PERIOD)
    ae = next(e for e in pack.exceptions if e.code == "AE4HR")
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    assert ae.funnel is not None and ae.funnel.spec == page.funnel.spec
    html = render_pack(pack, "html").decode()
    section = html[html.index('id="exception-') :]
    section = section[: section.index("<h4>Commentary</h4>", section.index("AE4HR"))]
    # the chart, drawn as inline SVG with the funnel's text alternative; its axis title is text in it
    svg = re.search(
        r'<svg[^>]*aria-label="Funnel plot of A&amp;E four-hour performance[^"]*"[^>]*>.*?</svg>', section, re.S
    )
    assert svg is not None and "Size (denominator)" in svg[0]
    text = plain(section)
    assert ae.funnel.dispersion_text in text and CAPTION in text
    first = ae.funnel.outside[0]
    assert (
        f"{first.name} {format_value(first.value, 'percentage')} {first.numerator:,.0f} {first.denominator:,.0f}"
        in text
    )
    assert f"(the 25 furthest out of {len(ae.funnel.outside)}; the metric page lists them all)" in text
    # the Word pack prints the same table and the picture
    word = docx(render_pack(pack, "docx"))
    words = docx_text(word)
    assert CAPTION in words and f"{first.numerator:,.0f}" in words
    assert any(ae.funnel.description == s.get("descr") for s in _pictures(word))
    # and the PDF, laid out from the HTML, carries the caption as text
    assert CAPTION in re.sub(r"\s+", " ", pdf_text(render_pack(pack, "pdf"), tmp_path))


def _pictures(document):
    return [el.attrib for el in document.element.body.iter() if el.tag.endswith("}docPr")]


@pytest.mark.django_db
def test_markup_in_a_units_name_is_printed_as_text(ae_plan):
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    code = page.funnel.outside[0].name
    ae_plan.org_units.filter(code=code).update(name=HOSTILE)
    pack = board_pack(ae_plan, AE_PERIOD)
    ae = next(e for e in pack.exceptions if e.code == "AE4HR")
    assert ae.funnel.outside[0].name == f"{HOSTILE} ({code})"
    html = render_pack(pack, "html").decode()
    assert "<script>alert" not in html and "<b>Trust</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Trust&lt;/b&gt;" in html
