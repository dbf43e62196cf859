"""The planning team's decision on a submitted update: approve it — its values collected by return
then become the metrics' data — or return it with comments saying what to change."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.access import rules
from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import Submission
from goldenthread.cycles.services.errors import CycleError, Incomplete
from goldenthread.cycles.services.journey import STATUS_LABELS, S, move
from goldenthread.cycles.services.updates import same
from goldenthread.cycles.services.versions import next_version
from goldenthread.performance.models import Observation


def decide(submission: Submission, decision: str, *, comments: str, based_on: int, user) -> Submission:
    """Approve a submitted update, or return it with comments saying what to change."""
    if decision not in ("approve", "return"):
        raise CycleError("Choose whether to approve the update or return it with comments.")
    if not rules.may_decide(user, submission.period.plan):
        raise CycleError("Only the plan's planning team can approve or return updates.")
    comments = comments.strip()
    if decision == "return" and not comments:
        raise Incomplete([("comments", "Say what needs to change before the update can be approved")])
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        next_version(submission, based_on=based_on, conflict=_changed_message)
        move(submission, S.APPROVED if decision == "approve" else S.RETURNED, user, now, comments)
        if decision == "approve":
            _returns_to_observations(submission, user)
    return submission


def _changed_message(submission: Submission) -> str:
    return (
        f"This update changed after you opened it (it is now "
        f"{STATUS_LABELS[submission.status].lower()}). Read the latest version, then decide again."
    )


def _returns_to_observations(submission: Submission, user) -> None:
    """Approved values of quarterly metrics collected by return become the metric's data for the
    unit and period — a new revision where a different value is held — so nobody retypes them."""
    period = submission.period
    now = timezone.now()
    for r in submission.metric_returns.select_related("metric"):
        if r.value is None or r.metric.frequency != "quarterly":
            continue
        current = Observation.objects.filter(
            metric=r.metric, org_unit=submission.org_unit, breakdown="", period_start=period.start, superseded_at=None
        ).first()
        if current is not None:
            if (
                same(current.value, r.value)
                and same(current.numerator, r.numerator)
                and same(current.denominator, r.denominator)
            ):
                continue
            current.superseded_at = now
            current.save()
        Observation(
            metric=r.metric,
            org_unit=submission.org_unit,
            breakdown="",
            period_start=period.start,
            value=r.value,
            numerator=r.numerator,
            denominator=r.denominator,
            status=Observation.Status.FINAL,
            loaded_by=user,
            source=f"Quarterly return: {submission.org_unit.name}, {period.label} (approved)",
        ).save()
