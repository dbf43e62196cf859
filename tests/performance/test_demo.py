"""The demo's A&E data: loaded as AE4HR of plan nhsi-2016, England's 2016/17 Q4 at 87.6%."""

from __future__ import annotations

import io
from datetime import date

import pytest

from goldenthread.performance import figures as ag
from goldenthread.performance.demo import AE_FILE, ae_table, load_ae_demo
from goldenthread.performance.models import LoadBatch, Observation

from ..conftest import PROJECT


@pytest.fixture
def nhsi(db):
    from goldenthread.planfile import validate_file
    from goldenthread.plans.models import Plan
    from goldenthread.plans.store import load_plan

    result = validate_file(PROJECT / "plans" / "nhsi-2016.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    return Plan.objects.get(code="nhsi-2016")


def test_ae_demo_loads_and_england_q4_is_87_6_percent(nhsi):
    out = io.StringIO()
    report = load_ae_demo(out)
    assert report.ok, report.problem_lines()[:5]
    assert (report.rows_read, report.created, len(report.units_added)) == (12_765, 12_765, 274)
    assert out.getvalue().startswith("A&E demo data: ") and "12,765 new" in out.getvalue()
    assert len(out.getvalue().strip().splitlines()) == 1

    metric = nhsi.metrics.get(code="AE4HR")
    row = Observation.objects.get(
        metric=metric, org_unit__code="RF4", breakdown="department_type=1", period_start=date(2017, 1, 1)
    )
    assert row.value == (row.numerator / row.denominator).quantize(row.value)
    assert "A&E attendances and emergency admissions" in row.source and "NHSRdatasets" in row.source
    provider = row.org_unit
    assert (provider.kind, provider.declared, provider.name, provider.parent.code) == (
        "provider",
        False,
        "RF4",
        "england",
    )

    q4 = ag.value_over(metric, date(2017, 1, 1), date(2017, 3, 31), "england")[ag.TOTAL]
    assert (q4.numerator, q4.denominator) == (4_947_305, 5_646_725)
    assert round(q4.value * 100, 1) == 87.6
    by_type = ag.value_over(metric, date(2017, 1, 1), date(2017, 3, 31), "england", dimension="department_type")
    assert set(by_type) == {"1", "2", "other"}
    assert sum(p.denominator for p in by_type.values()) == q4.denominator

    again = io.StringIO()
    second = load_ae_demo(again)
    assert not second.changed and second.unchanged == 12_765
    assert "unchanged" in again.getvalue()
    assert LoadBatch.objects.count() == 1


def test_rows_without_attendances_are_skipped_and_counted(tmp_path):
    path = tmp_path / "ae.csv"
    path.write_text(
        "period,org_code,type,attendances,breaches,admissions\n"
        "2017-01-01,RF4,1,100,10,5\n"
        "2017-01-01,RF4,2,0,0,0\n"
        "2017-02-01,RF4,1,50,5,5\n"
    )
    table, skipped = ae_table(path)
    assert skipped == 1
    columns = dict(zip(table.columns, table.cells, strict=True))
    assert list(table.lines) == [2, 4]
    assert list(columns["numerator"]) == ["90", "45"] and list(columns["denominator"]) == ["100", "50"]


def test_demo_skips_without_the_plan(db):
    out = io.StringIO()
    assert load_ae_demo(out) is None
    assert out.getvalue() == "A&E demo data: skipped, as plan nhsi-2016 is not loaded\n"
    assert AE_FILE.exists()
