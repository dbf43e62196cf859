"""Which version of the plan a page or a pack shows, when it is not the latest: "Plan as at
2019/20 Q1: version 1, in force from 2019/20 — the current version is 3". Said only then; a
page showing the latest version says nothing."""

from __future__ import annotations

from goldenthread.performance.assessment import PlanAssessment
from goldenthread.performance.definitions import VersionInForce, version_in_force
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m


def version_line(as_at: Period, version: VersionInForce | None) -> str:
    """The line for a page or pack as at ``as_at`` judged against ``version``; "" for the latest."""
    if version is None or version.is_latest:
        return ""
    return (
        f"Plan as at {as_at.label}: version {version.number}, in force from {version.from_text} "
        f"— the current version is {version.latest}"
    )


def assessment_version_line(assessment: PlanAssessment) -> str:
    return version_line(assessment.as_at, assessment.version)


def plan_version_line(plan: m.Plan, as_at: Period) -> str:
    """The line for a plan page as at ``as_at`` (one query: the plan's version numbers and dates)."""
    return version_line(as_at, version_in_force(plan, as_at.end))


def not_in_version(assessment: PlanAssessment, code: str) -> str:
    """For a metric the version in force did not have, shown as the latest version defines it."""
    definitions, version = assessment.definitions, assessment.version
    codes = definitions.metric_codes() if definitions else None
    if version is None or codes is None or code in codes:
        return ""
    return (
        f"Metric {code} is not in version {version.number} of the plan, in force at {assessment.as_at.label}; "
        f"it was added later, and is shown as the current version {version.latest} defines it."
    )
