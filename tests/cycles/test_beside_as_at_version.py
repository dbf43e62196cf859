"""The update form's note beside a metric gives the target of the version of the plan in force at
the end of the update's period: a target revised from 2019/20 Q3 leaves Q1's update with the old one."""

from __future__ import annotations

import pytest

from goldenthread.presenters.cycle import beside_update

from ..versioned import NEW_TARGET, OLD_TARGET, approve_change, revise_target

pytestmark = pytest.mark.django_db


def test_the_target_beside_an_update_is_the_one_in_force_for_its_period(world):
    approve_change(world.plan, revise_target)
    metric = world.plan.metrics.get(code="MED-2-M1")
    scope = world.scope()
    assert metric in scope.metrics

    def target(q: int) -> str:
        notes = beside_update(world.period(q), world.medical, scope).notes[f"m{metric.pk}"]
        return dict(notes)["Target"]

    assert (target(1), target(2), target(3), target(4)) == (OLD_TARGET, OLD_TARGET, NEW_TARGET, NEW_TARGET)
