"""A small plan with one metric of each kind the loader treats differently, and helpers to load
files into it."""

from __future__ import annotations

from pathlib import Path

import pytest

PLAN = """\
code: perf
title: Plan for performance data tests
organisation: {code: perf-org, name: Test organisation}
start: 2016/17
end: 2017/18
levels: [{code: p, name: Priority}]
org_units:
  - {code: north, name: North, type: region}
  - {code: south, name: South, type: region}
  - {code: rx1, name: Provider one, type: provider, parent: north}
  - {code: rx2, name: Provider two, type: provider, parent: north}
objectives: [{code: P1, level: p, title: Urgent care}]
metrics:
  - {code: PCT, title: Share seen in four hours, objectives: [P1], unit: percentage, aggregation: ratio,
     frequency: monthly}
  - {code: CNT, title: Attendances, objectives: [P1], unit: count, aggregation: sum, frequency: quarterly}
  - {code: GBP, title: Surplus, objectives: [P1], unit: currency, aggregation: sum, frequency: annual}
  - {code: SCORE, title: Staff survey score, objectives: [P1], unit: score, aggregation: mean, frequency: weekly,
     scale_min: 1, scale_max: 5}
  - {code: CHPPD, title: Care hours per patient day, objectives: [P1], unit: rate, aggregation: ratio,
     frequency: monthly}
"""


@pytest.fixture
def plan(db):
    from goldenthread.planfile import validate_text
    from goldenthread.plans.models import Plan
    from goldenthread.plans.store import load_plan

    result = validate_text(PLAN)
    assert result.ok, result.problems
    load_plan(result.plan)
    return Plan.objects.get(code="perf")


@pytest.fixture
def write(tmp_path):
    """write("name.csv", text) -> the path of a new file with that text."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture
def load(plan, write):
    """load(csv_text, **options) -> LoadReport, for a file named data.csv."""
    from goldenthread.performance.loading import load_file

    def run(text: str, name: str = "data.csv", **options):
        return load_file(write(name, text), plan, **options)

    return run


@pytest.fixture
def data(load, plan):
    """PCT, CNT and SCORE loaded: rx1 and rx2 sit under north; south holds its own figures. In
    February rx1 splits by department type while rx2 gives a total — a mix of split and unsplit rows."""
    report = load(
        "metric,org_unit,period,value,numerator,denominator,breakdown.department_type\n"
        "PCT,rx1,2017-01,,90,100,\n"
        "PCT,rx2,2017-01,,1,10,\n"
        "PCT,south,2017-01,,50,100,\n"
        "PCT,rx1,2017-02,,40,50,1\n"
        "PCT,rx1,2017-02,,10,10,other\n"
        "PCT,rx2,2017-02,,5,10,\n"
        "CNT,rx1,2016/17 Q4,10,,,\n"
        "CNT,rx2,2016/17 Q4,20,,,\n"
        "SCORE,rx1,2017-01-02,3,,,\n"
        "SCORE,rx2,2017-01-02,5,,,\n"
    )
    assert report.ok, report.problem_lines()
    return {x.code: x for x in plan.metrics.all()}


@pytest.fixture
def own_var_folder(settings, tmp_path):
    """Files the upload page holds for confirmation go to this test's own folder."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def loader(client, django_user_model, plan):
    """A member of the plan's planning team: they load its data."""
    from goldenthread.access import roles

    user = django_user_model.objects.create_user("analyst", password="x" * 12)
    roles.grant(user, roles.PLANNING_TEAM, plan=plan)
    client.force_login(user)
    return user
