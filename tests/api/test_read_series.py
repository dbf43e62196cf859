"""A metric's series through the API gives exactly the figures the metric page shows: the A&E
four-hour metric of nhsi-2016 (the real attendances) and seed 001's Medical Examiner metric, each
compared with the metric page's presenter; a breakdown's series by the same rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from goldenthread.performance import figures
from goldenthread.planfile.periods import parse_period
from goldenthread.presenters import metric as metric_presenter

from ..factories import add
from ..reports.conftest import ae_plan  # noqa: F401  (the fixture: nhsi-2016 with the real A&E data)

pytestmark = pytest.mark.django_db


def _same_figures(api: dict, page: metric_presenter.MetricPage) -> None:
    """The API's series is the page's: every point, the limits, flags, verdicts and chart."""
    a = page.assessment
    assert api["chart"] == page.chart_kind and api["centre_label"] == page.centre_label
    assert api["variation"] == (a.spc.variation if a.spc else None)
    assert api["assurance"] == (a.spc.assurance if a.spc else None)
    assert (api["variation_text"], api["assurance_text"]) == (page.variation_text, page.assurance_text)
    assert (api["status"], api["reason"]) == (page.status.rating, page.status.reason)
    assert api["notes"] == page.notes
    assert [t["message"] for t in api["triggers"]] == [f.message for f in page.fired]
    assert len(api["points"]) == len(page.table) > 0
    for point, row in zip(api["points"], page.table, strict=True):
        assert point["period"] == row.period.isoformat() and point["name"] == row.name
        assert point["value"] == pytest.approx(row.value, rel=1e-12, abs=0)
        assert (point["centre"], point["lower_limit"], point["upper_limit"]) == (row.mean, row.lpl, row.upl)
        assert (point["special_cause"], point["point_label"], point["planned"]) == (
            row.special_cause,
            row.point_type,
            row.planned,
        )
    numerators = [p["numerator"] for p in api["points"]]
    assert numerators == [None if x != x else x for x in a.series.numerators.tolist()]


@pytest.fixture
def reader(login):
    return login(get_user_model().objects.create_user("reader", password="a-long-password"))


def test_the_ae_series_is_the_metric_pages(ae_plan, reader):  # noqa: F811
    as_at = parse_period("2016/17 Q4")
    response = reader.get("/api/v1/plans/nhsi-2016/metrics/AE4HR/series/", {"where": "england", "as_at": "2016/17 Q4"})
    assert response.status_code == 200, response.content
    api = response.json()
    page = metric_presenter.metric_page(ae_plan, "AE4HR", as_at, "england")  # worked out afresh
    assert api["where"] == "england" and api["as_at"] == "2016/17 Q4" and api["chart"] == "pp"
    _same_figures(api, page)
    assert any(p["point_type"] == "special_cause_concern" for p in api["points"])
    assert all(p["denominator"] and p["numerator"] <= p["denominator"] for p in api["points"])
    # without a place, the page's place (England); the plan's own default "as at" too
    default = reader.get("/api/v1/plans/nhsi-2016/metrics/AE4HR/series/", {"as_at": "2016/17 Q4"}).json()
    assert default["points"] == api["points"]


@pytest.fixture
def seed_with_data(world):
    """seed 001's Medical Examiner metric with 14 quarters of deaths scrutinised, by sex, in two directorates."""
    quarters = [date(2016 + (3 + 3 * i) // 12, (3 + 3 * i) % 12 + 1, 1) for i in range(14)]
    for i, quarter in enumerate(quarters):
        for unit, base in (("medical", 40), ("nursing", 60)):
            add(world.plan, "MED-2-M1", unit, quarter, base + i, 100 + (i % 3), breakdown="sex=F")
            add(world.plan, "MED-2-M1", unit, quarter, base + 2 * i, 120, breakdown="sex=M")
    return world


def test_seed_001s_series_is_the_metric_pages_for_each_place(seed_with_data, login):
    world = seed_with_data
    client = login(world.users["norole"])
    as_at = parse_period("2019/20 Q3")
    for where in ("medical", "nhsei"):
        response = client.get(
            "/api/v1/plans/nhsei-2019/metrics/MED-2-M1/series/", {"where": where, "as_at": as_at.label}
        )
        assert response.status_code == 200, response.content
        api = response.json()
        assert api["where"] == where
        _same_figures(api, metric_presenter.metric_page(world.plan, "MED-2-M1", as_at, where))


def test_a_breakdowns_series_is_its_rows_by_the_same_rule(seed_with_data, login):
    world = seed_with_data
    client = login(world.users["norole"])
    address = "/api/v1/plans/nhsei-2019/metrics/MED-2-M1/series/"
    api = client.get(address, {"where": "medical", "breakdown": "sex=F", "as_at": "2019/20 Q3"}).json()
    metric = world.plan.metrics.get(code="MED-2-M1")
    held = figures.series_by(metric, "sex", world.medical, end=parse_period("2019/20 Q3").end)["F"]
    assert api["breakdown"] == "sex=F"
    assert [(p["period"], p["numerator"], p["denominator"]) for p in api["points"]] == [
        (h.period_start.isoformat(), h.numerator, h.denominator) for h in held
    ]
    assert [p["value"] for p in api["points"]] == pytest.approx([h.value for h in held])
    # the p′ chart's centre line is the pooled proportion: all deaths scrutinised over all deaths
    assert api["chart"] == "pp"
    pooled = sum(h.numerator for h in held) / sum(h.denominator for h in held)
    assert api["points"][-1]["centre"] == pytest.approx(pooled)
    assert api["variation"] and api["assurance"]
    whole = client.get(address, {"where": "medical", "as_at": "2019/20 Q3"}).json()
    assert [p["value"] for p in whole["points"]] != [p["value"] for p in api["points"]]

    refused = client.get(address, {"where": "medical", "breakdown": "sex=X"})
    assert refused.status_code == 404 and "sex=F" in refused.json()["detail"]
    bad_place = client.get(address, {"where": "Medical"})
    assert bad_place.status_code == 400 and bad_place.json()["detail"].startswith("where:")
    bad_period = client.get(address, {"as_at": "soon"})
    assert bad_period.status_code == 400 and "as_at" in bad_period.json()["detail"]
    assert client.get("/api/v1/plans/nhsei-2019/metrics/NOPE/series/").status_code == 404
    assert client.get(address, {"breakdown": "sex=\x00"}).status_code == 400
    assert client.get("/api/v1/plans/nhsei-2019/metrics/MED%00/series/").status_code == 400
