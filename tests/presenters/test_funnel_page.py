"""The funnel plot on the metric page (presenters/funnel.py, web/_funnel.html): AE4HR's providers in
March 2017, the latest month of 2016/17 Q4, compared allowing for their sizes, with the units
outside the limits listed; a unit's name with markup in it shown as text."""

from __future__ import annotations

import csv
import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from goldenthread.assurance.funnel import funnel
from goldenthread.performance.demo import AE_FILE
from goldenthread.presenters.metric import metric_page
from goldenthread.presenters.values import format_value

from ..reports.conftest import AE_PERIOD, ae_plan  # noqa: F401  (the fixture: nhsi-2016 with the real A&E data)


def march_2017() -> dict[str, list[int]]:
    """Each provider's (seen within four hours, attendances) in March 2017, from the file itself."""
    sums: dict[str, list[int]] = {}
    with AE_FILE.open(newline="") as handle:
        for r in csv.DictReader(handle):
            if r["period"] == "2017-03-01" and int(r["attendances"]) > 0:
                s = sums.setdefault(r["org_code"], [0, 0])
                s[0] += int(r["attendances"]) - int(r["breaches"])
                s[1] += int(r["attendances"])
    return sums


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def reader(client):
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    return client


@pytest.mark.django_db
def test_ae4hr_funnel_is_the_engines_on_the_files_figures(ae_plan):  # noqa: F811
    sums = march_2017()
    codes = sorted(sums)
    expected = funnel([sums[c][0] for c in codes], [sums[c][1] for c in codes])
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    f = page.funnel
    assert f is not None and f.period == "Mar 2017" and f.units == len(codes)
    assert f.target == pytest.approx(sum(s[0] for s in sums.values()) / sum(s[1] for s in sums.values()), rel=1e-12)
    assert f.phi == pytest.approx(expected.phi, rel=1e-9) and f.adjusted == expected.adjusted
    outside = {codes[i] for i in range(len(codes)) if expected.outside95[i]}
    assert {o.name for o in f.outside} == outside and outside
    for o in f.outside:
        assert (o.numerator, o.denominator) == tuple(sums[o.name])
        assert o.value == pytest.approx(sums[o.name][0] / sums[o.name][1])
    assert [o.limit for o in f.outside] == sorted((o.limit for o in f.outside), key=lambda x: x != "99.8%")
    # the chart's points are the units, with their values and sizes
    points = f.spec["layer"][2]["data"]["values"]
    assert sorted((p["unit"], p["size"]) for p in points) == sorted((c, float(sums[c][1])) for c in codes)


@pytest.mark.django_db
def test_metric_page_shows_the_funnel_beside_the_organisations(ae_plan, reader):  # noqa: F811
    response = reader.get("/plans/nhsi-2016/metrics/AE4HR/", {"as_at": "2016/17 Q4"})
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert text.index("By organisation, Mar 2017") < text.index("Funnel plot by organisation, Mar 2017")
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    f = page.funnel
    assert f.counts_text in text and f.dispersion_text in text
    spec = json.loads(re.search(r'<script id="funnel-spec" type="application/json">(.*?)</script>', html, re.S)[1])
    assert spec == json.loads(json.dumps(f.spec))
    first = f.outside[0]
    row = f"{first.name} {format_value(first.value, 'percentage')} {first.numerator:,.0f} {first.denominator:,.0f}"
    assert row in text
    assert f"Units outside the limits ({len(f.outside)})" in text


@pytest.mark.django_db
def test_markup_in_a_units_name_stays_text_on_the_page(ae_plan, reader):  # noqa: F811
    code = metric_page(ae_plan, "AE4HR", AE_PERIOD, None).funnel.outside[0].name
    hostile = '<img src=x onerror="alert(1)"> <b>Trust</b>'
    ae_plan.org_units.filter(code=code).update(name=hostile)
    html = reader.get("/plans/nhsi-2016/metrics/AE4HR/", {"as_at": "2016/17 Q4"}).content.decode()
    assert "<img src=x" not in html and "<b>Trust</b>" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &lt;b&gt;Trust&lt;/b&gt; (" + code + ")" in html
    spec = re.search(r'<script id="funnel-spec" type="application/json">(.*?)</script>', html, re.S)[1]
    assert "<img" not in spec and "\\u003Cimg src=x" in spec  # json_script escapes < > & in the data
    assert {p["unit"] for p in json.loads(spec)["layer"][2]["data"]["values"]} >= {f"{hostile} ({code})"}


@pytest.mark.django_db
def test_no_funnel_for_too_few_units_says_why(ae_plan):  # noqa: F811
    from goldenthread.performance.models import Observation

    march = Observation.objects.filter(metric__plan=ae_plan, period_start="2017-03-01")
    keep = sorted(set(march.values_list("org_unit_id", flat=True)))[:9]
    march.exclude(org_unit_id__in=keep).delete()
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    assert page.funnel is None
    assert page.funnel_note == (
        "No funnel plot: 9 units report Mar 2017 with a count and a size; a funnel plot needs at least 10 to "
        "estimate how much they vary."
    )
