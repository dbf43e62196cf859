"""The five seed plans: valid, loaded by the demo, and faithful to their documents.

Every figure asserted here is read off the source documents in ../shared/seeds/.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from goldenthread.planfile import validate_file
from goldenthread.planfile.quality import check_plan
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

from ..conftest import PROJECT

SEEDS = {
    "dh-2014": "000",
    "nhsei-2019": "001",
    "nhsi-2016": "002",
    "developing-people": "003",
    "nhse-2013": "004",
}
pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    def load(code: str) -> m.Plan:
        result = validate_file(PROJECT / "plans" / f"{code}.yaml")
        assert result.ok, [str(p) for p in result.problems]
        load_plan(result.plan)
        return m.Plan.objects.get(code=code)

    return load


def codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


def level_count(plan: m.Plan, name: str) -> int:
    return plan.objectives.filter(level__name=name).count()


@pytest.mark.parametrize("code", SEEDS)
def test_seed_is_valid_and_every_element_has_provenance(code, seed):
    plan = seed(code)
    assert plan.source_file.startswith(SEEDS[code])
    for model in (m.Objective, m.Activity, m.Metric, m.BudgetLine):
        missing = codes(model.objects.filter(plan=plan, source=""))
        assert not missing, f"{model.__name__} without provenance: {missing}"


def test_dh_2014(seed):
    plan = seed("dh-2014")
    assert (plan.start, plan.end) == ("2014/15", "2014/15")
    assert level_count(plan, "Part") == 2
    assert level_count(plan, "Stewardship function") == 7
    assert level_count(plan, "Civil service reform theme") == 4
    for objective in plan.objectives.filter(level__name__in=["Stewardship function", "Civil service reform theme"]):
        assert objective.description and objective.assessment, objective.code
    assert plan.activities.count() >= 50
    table_rows = plan.metrics.exclude(review_when="")
    assert 38 <= table_rows.count() <= 45
    assert not table_rows.filter(objectives=None).exists()
    qcar = plan.metrics.get(trigger="One review missed for a directorate")
    assert qcar.title == "QCARs held every quarter" and qcar.review_when == "Review annually"

    def stated(metric: str) -> dict[str, float]:
        return {v.period: float(v.value) for v in m.StatedValue.objects.filter(metric__plan=plan, metric__code=metric)}

    assert stated("STAFF-ENG") == {"2012": 0.53, "2013": 0.57}
    assert stated("STAKE-POS") == {"2009": 0.57, "2013-07": 0.78}
    assert list(stated("CORR-20D").values()) == [0.98]
    assert list(stated("FOI-20D").values()) == [1.0]
    assert list(stated("PQ-TIME").values()) == [0.99]
    assert "QCAR" in plan.description


def test_nhsei_2019_reads_by_priority_and_by_directorate(seed):
    plan = seed("nhsei-2019")
    priorities = plan.objectives.filter(level__name="Organisational priority")
    assert [o.title for o in priorities] == [
        "Care Quality and Outcomes",
        "New Service Models",
        "Workforce",
        "Digital",
        "Sustainable Financial Balance",
        "Maintaining and Improving Operational Performance",
        "NHS England and NHS Improvement Integration",
    ]
    care = priorities.get(code="1")
    assert {"text": "Reducing health inequalities", "bracketed": True} in care.assessed_by
    assert [str(r) for r in care.framework_refs.all()] == ["Accountability Framework Paragraphs 12 to 31 & 47"]
    assert level_count(plan, "Supplementary work") == 4
    directorate = plan.objectives.filter(level__name="Directorate priority")
    assert directorate.count() == 4
    by_unit = {o.org_unit.code: sorted(codes(o.contributes_to.all())) for o in directorate.select_related("org_unit")}
    assert set(by_unit) == {"medical", "nursing"}
    assert sorted(codes(care.contributors.all())) == ["MED-1", "NUR-1"]
    assert sorted(codes(priorities.get(code="3").contributors.all())) == ["MED-2", "NUR-2"]
    assert plan.metrics.filter(to_be_confirmed=True).count() >= 2
    assert plan.activities.filter(kind="key_activity").count() >= 5
    assert plan.org_units.filter(kind="region").exists()


def test_nhsi_2016(seed):
    plan = seed("nhsi-2016")
    areas = plan.objectives.filter(parent=None)
    assert [o.title for o in areas] == [
        "Quality",
        "Finance and use of resources",
        "Operational performance",
        "Strategic change",
        "Leadership and improvement capability",
        "Building NHS Improvement",
    ]
    assert plan.objectives.exclude(parent=None).count() >= 20
    ae = plan.metrics.get(code="AE4HR")
    assert (ae.unit, ae.polarity, ae.aggregation, ae.frequency) == (
        "percentage",
        "higher_is_better",
        "ratio",
        "monthly",
    )
    assert (ae.target_value, ae.target_comparison, ae.target_by) == (Decimal("0.95"), ">=", "2016/17 Q4")
    assert ae.target_by_date.isoformat() == "2017-03-31"
    targets = {x.code: (float(x.target_value), x.target_by) for x in plan.metrics.exclude(target_value=None)}
    assert targets["FIN-EFF"] == (0.02, "2016/17")
    assert targets["EIP-2WK"][0] == 0.5 and plan.metrics.get(code="EIP-2WK").target_comparison == ">"
    assert targets["IAPT-6WK"][0] == 0.75 and targets["IAPT-18WK"][0] == 0.95
    assert targets["Q-GOOD12"][0] == 12 and targets["Q-SMEXIT"] == (0.25, "2016/17 Q4")
    assert targets["7DS-POP"][0] == 0.25 and targets["ECIP-PROV"][0] == 40 and targets["FIP-PROV"][0] == 20
    assert plan.org_units.filter(kind="region").count() == 4


def test_developing_people(seed):
    plan = seed("developing-people")
    conditions = plan.objectives.filter(level__name="Condition")
    assert conditions.count() == 5
    assert (
        conditions.get(code="C1").title
        == "Leaders equipped to develop high quality local health and care systems in partnership"
    )
    methods = set(plan.objectives.filter(level__name="Improvement method").values_list("title", flat=True))
    assert any("Statistical Process Control" in t for t in methods) and len(methods) == 8
    actions = plan.activities.filter(code__startswith="IA-")
    assert actions.count() >= 11
    assert not actions.filter(org_unit=None).exclude(code="IA-7b").exists()
    assert plan.org_units.filter(kind="partner").count() >= 9


def test_nhse_2013(seed):
    plan = seed("nhse-2013")
    assert (plan.start, plan.end) == ("2013/14", "2015/16")
    scorecard = plan.metrics.filter(code__regex=r"^SC\d+$")
    assert scorecard.count() == 11
    sc1 = scorecard.get(code="SC1")
    assert (sc1.unit, sc1.scale_min, sc1.scale_max) == ("score", Decimal(-100), Decimal(100))
    assert scorecard.get(code="SC11").title == "Actual spend versus budget"
    areas = plan.objectives.filter(level__name="Operating model area")
    assert codes(areas) == list("abcdefgh")
    assert m.Activity.objects.filter(objective__in=areas).count() >= 30
    mandate = plan.objectives.filter(level__code="mandate")
    assert mandate.count() == 24
    assert not mandate.filter(framework_refs=None).exists()
    assert mandate.get(code="M2").framework_refs.get().ref == "paragraph 1.2"
    assert m.Activity.objects.filter(objective__in=mandate).count() >= 100
    equality = plan.objectives.filter(code__in=["EQ1", "EQ2", "EQ3"])
    assert equality.count() == 3


def test_nhse_2013_table_3_totals_are_sums_of_the_printed_lines(seed):
    plan = seed("nhse-2013")
    # The total NHS CB budget covers every line but the non-recurrent transitional running costs,
    # which the table prints below it (and adds in "Total running costs including non-recurrent").
    lines = plan.budget_lines.filter(period="2013/14").exclude(org_unit__code="transitional-running")
    by_category = {row["category"]: row["total"] for row in lines.values("category").annotate(total=Sum("amount"))}
    total = sum(by_category.values())
    # Summed as printed the lines come to about £1,550.2m against a printed total of £1,550.0m.
    assert Decimal("1550100000") <= total <= Decimal("1550300000"), total
    assert by_category["programme"] == Decimal("1023000000.00")
    assert plan.budget_lines.get(org_unit__code="transitional-running").amount == Decimal("142000000")
    stated = {t.code: t.amount for t in plan.stated_totals.all()}
    assert stated["T3-CB-TOTAL"] == Decimal("1550000000.00")
    assert stated["T3-DIR-TOTAL"] == Decimal("1325800000.00")
    # NHS Direct/111 is held once, as programme.
    assert codes(plan.budget_lines.filter(org_unit__code="nhs-direct-111", amount=Decimal("78700000"))) == [
        "T3-111-PROG"
    ]
    # The page shows the printed totals beside the computed ones, with the difference.
    from goldenthread.presenters.plan import budget_tables

    table = budget_tables(plan)[0]
    rows = {t["code"]: t for t in table.stated}
    assert rows["T3-CB-TOTAL"]["computed"] == total
    assert rows["T3-CB-TOTAL"]["difference"] == total - Decimal("1550000000")
    directorates = rows["T3-DIR-TOTAL"]
    assert Decimal("1325900000") <= directorates["computed"] <= Decimal("1326100000")


@pytest.mark.parametrize("code", SEEDS)
def test_quality_check_finds_real_gaps(code, seed):
    seed(code)
    findings = check_plan(export_plan(code))
    assert findings
    if code == "nhsei-2019":
        kinds = {f.check for f in findings}
        assert {"metric_to_be_confirmed", "priority_without_contributor", "objective_without_metric"} <= kinds


def test_demo_loads_all_five(capsys):
    from goldenthread.demo import load_demo

    assert load_demo(out=__import__("sys").stdout) == 0
    assert set(codes(m.Plan.objects.all())) == set(SEEDS)
