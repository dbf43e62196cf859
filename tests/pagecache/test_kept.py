"""The pages' assessments kept in the database (presenters/kept.py, pagecache/store.py): read again
while nothing has changed, and a new figure at once after anything that could change one — data
loaded (the loader, the upload page), a value revised, a plan loaded or a change approved, an
update approved, another as-at period — never across plans nor to anyone who may not read them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.access import roles
from goldenthread.pagecache.models import Kept
from goldenthread.performance.assessment import to_data
from goldenthread.performance.loading import load_file
from goldenthread.planfile import validate_text
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters import kept, reported

from ..factories import PLAN_WITH_DATA, add, months, plan_with_data

pytestmark = pytest.mark.django_db

SCORECARD = "/plans/t/scorecard/?as_at=2018/19 Q1"
METRIC = "/plans/t/metrics/FOUR/?as_at=2018/19 Q1"
Q1 = parse_period("2018/19 Q1")


@pytest.fixture
def plan():
    return plan_with_data()


@pytest.fixture
def board(client, plan):
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(user, roles.BOARD)
    client.force_login(user)
    return client


def words(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def observation_reads(queries) -> list[str]:
    """The queries that read observations (the stamp reads none: it counts the plan's load batches)."""
    return [q["sql"] for q in queries if "performance_observation" in q["sql"]]


def load_csv(tmp_path, plan, rows: str, name: str = "more.csv"):
    path = tmp_path / name
    path.write_text("metric,org_unit,period,numerator,denominator\n" + rows, encoding="utf-8")
    report = load_file(path, plan)
    assert report.ok, report.problem_lines()
    return report


def test_a_page_read_again_reads_the_kept_assessment_with_the_same_figures(board, plan):
    first = words(board.get(SCORECARD))
    assert Kept.objects.filter(plan=plan, what="assessment").count() == 1
    with CaptureQueriesContext(connection) as again:
        second = words(board.get(SCORECARD))
    assert second == first
    assert observation_reads(again.captured_queries) == []  # no figure worked out again
    assert not any(q["sql"].startswith("INSERT") for q in again.captured_queries)
    # the kept assessment is the one the plan's assessment gives
    assert to_data(kept.assess(plan, as_at=Q1)) == to_data(reported.assess(plan, as_at=Q1))


def test_the_metric_page_is_kept_too(board, plan):
    first = words(board.get(METRIC))
    with CaptureQueriesContext(connection) as again:
        assert words(board.get(METRIC)) == first
    assert observation_reads(again.captured_queries) == []
    assert Kept.objects.filter(plan=plan, what="metric-page").count() == 1


def test_a_cold_cache_computes_and_keeps(board, plan):
    first = words(board.get(SCORECARD))
    Kept.objects.all().delete()
    assert words(board.get(SCORECARD)) == first
    assert Kept.objects.filter(plan=plan).count() == 1


def test_data_loaded_shows_at_once(board, plan, tmp_path):
    assert "Mar 2018" in words(board.get(SCORECARD))
    assert "Apr 2018" not in words(board.get(SCORECARD))
    load_csv(tmp_path, plan, "FOUR,north,2018-04-01,10,100\nFOUR,south,2018-04-01,10,100\n")
    page = words(board.get(SCORECARD))
    assert "Apr 2018" in page and "10.0%" in page
    assert "10.0%" in words(board.get(METRIC))


def test_a_revised_value_shows_at_once(board, plan, tmp_path):
    load_csv(tmp_path, plan, "FOUR,north,2018-04-01,10,100\nFOUR,south,2018-04-01,10,100\n")
    assert "10.0%" in words(board.get(METRIC))
    load_csv(tmp_path, plan, "FOUR,north,2018-04-01,30,100\nFOUR,south,2018-04-01,30,100\n", "revised.csv")
    page = words(board.get(METRIC))
    assert "30.0%" in page and "10.0%" not in page


def test_a_plan_load_that_changes_a_target_shows_at_once(board, plan):
    assert "95.0%" in words(board.get(SCORECARD))
    load_plan(validate_text(PLAN_WITH_DATA.replace("value: 0.95", "value: 0.8")).plan)
    page = words(board.get(SCORECARD))
    assert "80.0%" in page and "95.0%" not in page


def test_an_approved_plan_change_shows_at_once(board, plan):
    users = get_user_model()
    editor, owner = users.objects.create_user("priya"), users.objects.create_user("dee")
    assert "95.0%" in words(board.get(SCORECARD))
    change = changes.draft_change(plan, editor)
    data = {**changes.element_data(change, "metrics", "FOUR"), "target": {"value": 0.8, "by": "2016/17 Q4"}}
    changes.save_element(change, "metrics", "FOUR", data, reason="Lower", user=editor, seen=None)
    changes.submit(change, editor, in_force_label="2016/17", summary="A lower target")
    assert "95.0%" in words(board.get(SCORECARD))  # submitted, not yet approved: as before
    changes.approve(change, owner)
    page = words(board.get(SCORECARD))
    assert "80.0%" in page and "95.0%" not in page


def test_the_overview_keeps_its_plan_tree_and_shows_a_plan_load_at_once(board, plan):
    overview = "/plans/t/?as_at=2018/19 Q1"
    first = words(board.get(overview))
    assert "Publish the plan" in first and "Annual survey" in first
    assert Kept.objects.filter(plan=plan, what="plan-tree").count() == 1
    with CaptureQueriesContext(connection) as queries:
        assert words(board.get(overview)) == first
    rows = ('SELECT "plans_activity".', 'SELECT "plans_budgetline".', 'SELECT "plans_frameworkreference".')
    assert not [q["sql"] for q in queries if q["sql"].startswith(rows)]  # the tree's rows are not read again
    # every page of the tree, and any other address, is cut from the one kept tree
    for more in ("&page=1", "&objective=S2", "&utm_source=mail", "&x=1&y=2"):
        assert words(board.get(overview + more)) == first
    assert Kept.objects.filter(plan=plan, what="plan-tree").count() == 1
    load_plan(
        validate_text(
            PLAN_WITH_DATA.replace("title: Survey, due: Annual survey", "title: Survey, due: Biennial survey")
        ).plan
    )
    page = words(board.get(overview))
    assert "Biennial survey" in page and "Annual survey" not in page


def test_another_as_at_period_is_another_assessment(board, plan):
    assert "Mar 2017" in words(board.get("/plans/t/scorecard/?as_at=2016/17 Q4"))
    assert "Mar 2018" not in words(board.get("/plans/t/scorecard/?as_at=2016/17 Q4"))
    assert "Mar 2018" in words(board.get(SCORECARD))
    assert Kept.objects.filter(plan=plan, what="assessment").count() == 2


def test_each_plan_reads_its_own_and_only_those_who_may(board, plan, client):
    text = PLAN_WITH_DATA.replace("code: t\n", "code: u\n").replace("Test plan with data", "Other")
    load_plan(validate_text(text).plan)
    other = m.Plan.objects.get(code="u")
    for month in months(12, date(2017, 4, 1)):
        add(other, "FOUR", "north", month, 50, 100)
    assert "Other" not in words(board.get(SCORECARD))
    assert "Other" in words(board.get("/plans/u/scorecard/?as_at=2018/19 Q1"))
    assert words(board.get("/plans/t/reports/board.html?period=2018/19 Q1"))
    assert "50.0%" in words(board.get("/plans/u/scorecard/?as_at=2018/19 Q1"))
    assert "50.0%" not in words(board.get(SCORECARD))
    assert {k.plan_id for k in Kept.objects.all()} == {plan.pk, other.pk}
    # kept or not, the page's own rule decides: the board pack quotes every unit's updates
    client.force_login(get_user_model().objects.create_user("nobody", password="a-long-password"))
    assert client.get("/plans/t/reports/board.html?period=2018/19 Q1").status_code == 403
    client.logout()
    assert client.get(SCORECARD).status_code == 302


def test_the_warm_task_keeps_the_pages_default_assessments(board, plan):
    assert kept.warm(plan.pk).startswith("kept t as at")
    # England's, and the board pack's (England's with each metric's value over the quarter)
    assert Kept.objects.filter(plan=plan, what="assessment").count() == 2
    assert Kept.objects.filter(plan=plan, what="overview").count() == 1  # all data held, and the quality check
    assert Kept.objects.filter(plan=plan, what="plan-tree").count() == 1  # the overview's tree, as it opens
    assert Kept.objects.filter(plan=plan, what="board-pack-html").count() == 1  # the board pack page
    assert kept.warm(0) == "no such plan"
    # the pages that open with them read them: no figure worked out, nothing stored
    for url in ("/plans/t/", "/plans/t/scorecard/"):
        with CaptureQueriesContext(connection) as read:
            words(board.get(url))
        assert observation_reads(read.captured_queries) == [], url
        assert not any(q["sql"].startswith("INSERT") for q in read.captured_queries), url


def test_the_overview_keeps_its_quality_check_with_the_assessment(board, plan):
    def findings(page: str) -> int:
        return int(re.search(r"Plan quality check: (\d+) things", page).group(1))

    first = words(board.get("/plans/t/?as_at=2018/19 Q1"))
    with CaptureQueriesContext(connection) as again:
        assert words(board.get("/plans/t/?as_at=2018/19 Q1")) == first
    assert not any("plans_risk" in q["sql"] for q in again.captured_queries)  # the plan is not exported again
    extra = "  - {code: S3, level: s, title: Unowned, parent: P1}\nactivities:"  # no metric, no owner
    load_plan(validate_text(PLAN_WITH_DATA.replace("activities:", extra, 1)).plan)
    assert findings(words(board.get("/plans/t/?as_at=2018/19 Q1"))) > findings(first)
