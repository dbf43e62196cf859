"""The verdict the plan asks for on the web (issue 13): for each target period the plan names, the
metric page and the scorecard say the value over it, the target and whether it was met — the
judgement ``goldenthread assess --period`` prints — and the exceptions page lists each exception
once, with its value, target, owner and period."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from goldenthread.cli.main import main
from goldenthread.performance.assessment import default_as_at, target_periods
from goldenthread.planfile import validate_file
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters.assurance import exceptions
from goldenthread.presenters.metric import default_where, metric_page
from goldenthread.presenters.values import format_value, level_text

from ..conftest import PROJECT
from ..factories import PLAN_WITH_DATA, plan_with_data
from ..quarterly import quarterly_plan
from ..reports.conftest import ae_plan  # noqa: F401  (the fixture: nhsi-2016 with the real A&E data)

VERDICT = "2016/17 Q4: 87.6% against ≥ 95% — not met"
#: the factory plan with a trajectory: 90% planned for 2016/17 Q2, on the way to 95% by Q4
TRAJECTORY_PLAN = PLAN_WITH_DATA.replace(
    "    target: {value: 0.95, by: 2016/17 Q4}\n",
    "    target: {value: 0.95, by: 2016/17 Q4}\n    trajectory: [{period: 2016/17 Q2, value: 0.9}]\n",
)


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def reader(client):
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    return client


@pytest.mark.django_db
def test_ae4hr_page_and_scorecard_for_england_give_the_verdict_for_2016_17_q4(ae_plan, reader):  # noqa: F811
    page = text_of(reader.get("/plans/nhsi-2016/metrics/AE4HR/", {"as_at": "2016/17 Q4", "where": "england"}))
    assert VERDICT in page
    card = text_of(reader.get("/plans/nhsi-2016/scorecard/", {"as_at": "2016/17 Q4"}))
    assert VERDICT in card
    # as at an earlier quarter, the quarter's data is not yet held: no value, and the period not over
    earlier = text_of(reader.get("/plans/nhsi-2016/metrics/AE4HR/", {"as_at": "2016/17 Q2"}))
    assert "2016/17 Q4: no value held against ≥ 95% — no data (the period had not ended)" in earlier


@pytest.mark.django_db
def test_the_verdict_is_assess_periods_for_every_target_period_of_every_seed_plan(ae_plan, capsys):  # noqa: F811
    """The same judgement, one code path: the metric page's verdict against ``assess --period``'s
    JSON, for every metric of every seed plan that names a target period (nhsi-2016 with the A&E
    data; the others with none) and for the factory plans with data."""
    for path in sorted((PROJECT / "plans").glob("*.yaml")):
        if path.stem != "nhsi-2016":
            load_plan(validate_file(path).plan)
    compared = []
    for plan in m.Plan.objects.order_by("code"):
        compared += _compare_with_assess(plan, capsys)
    compared += _compare_with_assess(plan_with_data(TRAJECTORY_PLAN), capsys)
    compared += _compare_with_assess(quarterly_plan("q"), capsys)
    assert ("nhsi-2016", "AE4HR", "2016/17 Q4", "87.6%", False) in compared
    assert [c for c in compared if c[0] in ("t", "q")] == [
        ("t", "FOUR", "2016/17 Q2", "92.5%", True),  # against the trajectory's 90%
        ("t", "FOUR", "2016/17 Q4", "92.5%", False),
        ("q", "FOUR", "2016/17 Q4", "91.8%", False),
    ]
    assert ("nhse-2013", "ONLINE-RX-APPT", "2014-04", "", None) in compared  # a trajectory's period, no data
    page = metric_page(m.Plan.objects.get(code="t"), "FOUR", default_as_at(m.Plan.objects.get(code="t")), None)
    assert page is not None and [v.text for v in page.verdicts] == [
        "2016/17 Q2: 92.5% against ≥ 90% — met",
        "2016/17 Q4: 92.5% against ≥ 95% — not met",
    ]
    assert len({c[0] for c in compared}) >= 5  # every seed plan names target periods


def _compare_with_assess(plan: m.Plan, capsys) -> list[tuple]:
    as_at, where = default_as_at(plan), default_where(plan)
    out = []
    for metric in plan.metrics.order_by("position"):
        for period in target_periods(metric):
            page = metric_page(plan, metric.code, as_at, where.code if where else None)
            assert page is not None
            args = ["assess", plan.code, "--metric", metric.code, "--as-at", as_at.label, "--period", period.label]
            assert main([*args, *(["--where", where.code] if where else []), "--format", "json"]) == 0
            judged = json.loads(capsys.readouterr().out)["metrics"][0]
            verdict = next(v for v in page.verdicts if v.period == period.label)
            expected = format_value(judged["value"], metric.unit) if judged["value"] is not None else ""
            assert (verdict.value, verdict.met) == (expected, judged["target_met"]), (plan.code, metric.code)
            if judged["period_target"] is not None:
                level = level_text(judged["period_target"], judged["period_comparison"], metric.unit)
                assert verdict.target == level, (plan.code, metric.code, period.label)
            out.append((plan.code, metric.code, period.label, verdict.value, verdict.met))
    return out


@pytest.mark.django_db
def test_exceptions_are_listed_once_with_value_target_owner_and_period(ae_plan, reader):  # noqa: F811
    found = exceptions(ae_plan, target_periods(ae_plan.metrics.get(code="AE4HR"))[0])
    keys = [(i.kind, i.code) for g in found.groups for i in g.items]
    assert len(keys) == len(set(keys)) == found.count
    ae = next(i for g in found.groups for i in g.items if i.code == "AE4HR")
    assert [code for code, _ in ae.objectives] == ["5.1-1", "5.1-2"]  # it serves both, listed under the first
    page = text_of(reader.get("/plans/nhsi-2016/exceptions/", {"as_at": "2016/17 Q4"}))
    assert page.count("Metric AE4HR A&E four-hour performance") == 1
    assert f"Latest {ae.value} (Mar 2017) Target ≥ 95.0% by 2016/17 Q4 Owner None named" in page
    assert "Also serves 5.1-2 Deliver significantly improved winter A&E performance" in page


@pytest.mark.django_db
def test_a_quarterly_exception_is_listed_once_with_its_owner_and_quarter(reader):
    plan = quarterly_plan()
    owner = m.Owner.objects.create(plan=plan, code="coo", title="Chief Operating Officer")
    plan.metrics.filter(code="FOUR").update(owner=owner)
    page = text_of(reader.get("/plans/t/exceptions/", {"as_at": "2017/18 Q4"}))
    assert page.count("Metric FOUR Four-hour performance") == 1
    assert "(2017/18 Q4) Target ≥ 95.0% by 2016/17 Q4 Owner Chief Operating Officer" in page


@pytest.mark.django_db
def test_a_rule_written_twice_still_lists_its_exception_once():
    """The class of problem, not only the A&E case: an item is listed once however many groups,
    rules or reasons point at it."""
    text = PLAN_WITH_DATA.replace(
        "  - {rule: activity_overdue}\n", "  - {rule: activity_overdue}\n  - {rule: activity_overdue}\n"
    ).replace("      - {rule: special_cause_concern}\n", "      - {rule: special_cause_concern}\n" * 2)
    plan = plan_with_data(text)
    found = exceptions(plan, target_periods(plan.metrics.get(code="FOUR"))[0])
    items = [i for g in found.groups for i in g.items]
    assert sorted(i.code for i in items) == ["A1", "FOUR"] and found.count == 2
    assert all(len(i.what) == len(set(i.what)) for i in items)
    a1 = next(i for i in items if i.code == "A1")
    assert (a1.value, a1.target, a1.period) == ("In progress", "due 30 September 2016", "30 September 2016")


@pytest.mark.django_db
def test_assess_text_says_no_data_not_no_target_for_a_period_with_no_value(capsys):
    plan_with_data()
    assert main(["assess", "t", "--metric", "FOUR", "--where", "England", "--period", "2019/20 Q1"]) == 0
    assert "2019/20 Q1: no data, target 95.0% no data" in capsys.readouterr().out
    assert main(["assess", "t", "--metric", "FOUR", "--where", "England", "--period", "2016/17 Q4"]) == 0
    assert "2016/17 Q4: 92.5%, target 95.0% not met" in capsys.readouterr().out
