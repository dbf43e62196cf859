"""nhsei-2019 with quarterly data for MED-2-M1 and a change approved in force from 2019/20 Q3: its
target revised from "= 100% by 2020-03" to "≥ 90% by 2019/20 Q4" with a trajectory, and a metric
added — for the tests of reports and assessments as at a past period (the version in force then)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from goldenthread.planfile import validate_file, validate_text
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from . import factories
from .conftest import PROJECT
from .factories import PLAN_WITH_DATA

Q1, Q2, Q3, Q4 = (parse_period(f"2019/20 Q{n}") for n in range(1, 5))
#: the target as version 1 (the seed) and version 2 (the change) write it, and the verdicts on the data
OLD_TARGET, NEW_TARGET = "= 100.0% by 2020-03", "≥ 90.0% by 2019/20 Q4"
OLD_VERDICT, NEW_VERDICT = "target missed in the latest period", "target met in the latest period"
ADDED = "MED-2-M2"
#: version 2 retitles objective MED-2 ("Introduction of Medical Examiners") and adds MED-3
RETITLED, NEW_OBJECTIVE = "Medical Examiners in every acute trust", "Learning from deaths"


def nhsei_with_data() -> m.Plan:
    """The seed plan (version 1, in force from its start) with 95% to 98% for MED-2-M1 over the year."""
    result = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    assert result.plan is not None, result.problems
    load_plan(result.plan)
    plan = m.Plan.objects.get(code="nhsei-2019")
    for quarter, share in ((Q1, 95), (Q2, 96), (Q3, 97), (Q4, 98)):
        factories.add(plan, "MED-2-M1", "medical", quarter.start, share, 100)
    return plan


def approve_change(plan: m.Plan, edit, *, in_force: str = "2019/20 Q3") -> m.PlanVersion:
    """A change made with ``edit(change, user)``, submitted in force from ``in_force`` and approved
    by another person, as the change-control pages do it."""
    users = get_user_model()
    planner, owner = (users.objects.get_or_create(username=name)[0] for name in ("as-at-planner", "as-at-owner"))
    change = changes.draft_change(plan, planner)
    edit(change, planner)
    changes.submit(change, planner, in_force_label=in_force, summary="Target revised by the board")
    return changes.approve(change, owner)


def revise_target(change: m.PlanChange, user) -> None:
    """Objective MED-2 retitled and MED-3 added; MED-2-M1's target to ≥ 90% by 2019/20 Q4, with a
    trajectory, and measuring MED-3 too; a metric added."""
    objective = {**(changes.element_data(change, "objectives", "MED-2") or {}), "title": RETITLED}
    changes.save_element(change, "objectives", "MED-2", objective, reason="Retitled", user=user, seen=None)
    new = {"code": "MED-3", "level": "dir-priority", "title": NEW_OBJECTIVE, "org_unit": "medical"}
    changes.save_element(change, "objectives", None, new, reason="A priority the board added", user=user, seen=None)
    data = dict(changes.element_data(change, "metrics", "MED-2-M1") or {})
    data["target"] = {"value": "0.9", "comparison": ">=", "by": "2019/20 Q4", "text": "At least 90% by March 2020"}
    data["trajectory"] = [{"period": "2019/20 Q2", "value": "0.85"}]
    data["objectives"] = ["MED-2", "MED-3"]
    changes.save_element(
        change, "metrics", "MED-2-M1", data, reason="Target revised by the board", user=user, seen=None
    )
    added = {"code": ADDED, "title": "Medical Examiner offices open", "objectives": ["MED-2"], "unit": "count"}
    changes.save_element(change, "metrics", None, added, reason="A measure the board asked for", user=user, seen=None)


def nhsei_with_a_change() -> m.Plan:
    """Version 1 (the seed) in force from 2019/20; version 2, the revised target, from 2019/20 Q3."""
    plan = nhsei_with_data()
    version = approve_change(plan, revise_target)
    assert (version.number, version.in_force_from) == (2, date(2019, 10, 1))
    return plan


def move_a1(change: m.PlanChange, user) -> None:
    """The factory plan's A1, due 30 September 2016, retitled and moved to 31 March 2017."""
    data = {**(changes.element_data(change, "activities", "A1") or {}), "due": "2017-03-31", "title": "Publish later"}
    changes.save_element(change, "activities", "A1", data, reason="Moved by the board", user=user, seen=None)


def factory_plan_with_a_moved_activity() -> m.Plan:
    """The factory plan (version 1) and a change from 2016/17 Q4 moving A1 (version 2)."""
    load_plan(validate_text(PLAN_WITH_DATA).plan)
    plan = m.Plan.objects.get(code="t")
    approve_change(plan, move_a1, in_force="2016/17 Q4")
    return plan
