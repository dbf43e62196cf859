"""The pages as at a past period show the plan as it stood then and say which version that is: the
overview, scorecard, exceptions, metric and deliverables pages as at 2019/20 Q1 give version 1's
target after a change in force from 2019/20 Q3; as at Q4 (the latest version) they say nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldenthread.plans import models as m

from ..versioned import ADDED, NEW_TARGET, OLD_TARGET, factory_plan_with_a_moved_activity, nhsei_with_a_change
from .test_verdict import text_of

pytestmark = pytest.mark.django_db

LINE = "Plan as at 2019/20 Q1: version 1, in force from 2019/20 — the current version is 2"
Q1, Q4 = {"as_at": "2019/20 Q1"}, {"as_at": "2019/20 Q4"}


@pytest.fixture
def reader(client):
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    return client


@pytest.fixture
def plan() -> m.Plan:
    return nhsei_with_a_change()


def test_the_overview_as_at_q1_shows_version_1(plan, reader):
    old = text_of(reader.get("/plans/nhsei-2019/", Q1))
    assert LINE in old and "Target All hospital deaths subject to Medical Examiner scrutiny by March 2020" in old
    # the objectives' tables (the quality check is of the current plan, so it may name the new metric)
    assert f"Metric {ADDED}" not in old and "At least 90% by March 2020" not in old
    new = text_of(reader.get("/plans/nhsei-2019/", Q4))
    assert "Plan as at" not in new and f"Metric {ADDED}" in new and "Target At least 90% by March 2020" in new


def test_the_scorecard_exceptions_and_metric_pages_as_at_q1(plan, reader):
    card = text_of(reader.get("/plans/nhsei-2019/scorecard/", Q1))
    assert LINE in card and OLD_TARGET in card and NEW_TARGET not in card and ADDED not in card
    assert LINE in text_of(reader.get("/plans/nhsei-2019/exceptions/", Q1))
    metric = text_of(reader.get("/plans/nhsei-2019/metrics/MED-2-M1/", Q1))
    assert LINE in metric and f"Target {OLD_TARGET}" in metric
    later = text_of(reader.get("/plans/nhsei-2019/metrics/MED-2-M1/", Q4))
    assert "Plan as at" not in later and f"Target {NEW_TARGET}" in later
    added = text_of(reader.get(f"/plans/nhsei-2019/metrics/{ADDED}/", Q1))
    assert f"Metric {ADDED} is not in version 1 of the plan, in force at 2019/20 Q1" in added
    card = text_of(reader.get("/plans/nhsei-2019/scorecard/", Q4))
    assert "Plan as at" not in card and NEW_TARGET in card and ADDED in card


def test_pages_that_show_the_current_plan_say_no_version(plan, reader):
    assert "Plan as at" not in text_of(reader.get("/plans/nhsei-2019/budgets/", Q1))


def test_deliverables_as_at_a_period_have_the_dates_then_planned(reader):
    factory_plan_with_a_moved_activity()
    old = text_of(reader.get("/plans/t/deliverables/", {"as_at": "2016/17 Q3"}))
    assert "Plan as at 2016/17 Q3: version 1" in old
    assert "Publish" in old and "Publish later" not in old and "30 September 2016" in old
    new = text_of(reader.get("/plans/t/deliverables/", {"as_at": "2016/17 Q4"}))
    assert "Publish later" in new and "31 March 2017" in new and "Plan as at" not in new
