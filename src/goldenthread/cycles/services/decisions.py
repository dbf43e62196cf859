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
from goldenthread.performance.models import LoadBatch, Observation


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
    unit and period — a new revision where a different value is held — so nobody retypes them.
    Written as a load of the returned values: with a load batch (who, when, how many), as every
    change to a plan's data is, so the data's history names it and the pages' kept figures,
    keyed by the plan's batches (:mod:`goldenthread.pagecache.store`), are computed again."""
    period = submission.period
    returns = [
        r
        for r in submission.metric_returns.select_related("metric")
        if r.value is not None and r.metric.frequency == "quarterly"
    ]
    source = f"Quarterly return: {submission.org_unit.name}, {period.label} (approved)"
    revised, new = _changed(submission, returns, source, user)
    if not new:
        return
    batch = LoadBatch.objects.create(
        plan=period.plan,
        file_name=source[:500],
        source=source[:500],
        rows_read=len(returns),
        rows_created=len(new) - len(revised),
        rows_revised=len(revised),
        rows_unchanged=len(returns) - len(new),
        loaded_by=user,
    )
    Observation.objects.filter(pk__in=[o.pk for o in revised]).update(superseded_at=timezone.now())
    for o in new:
        o.batch = batch
    Observation.objects.bulk_create(new)


def _changed(submission: Submission, returns: list, source: str, user) -> tuple[list[Observation], list[Observation]]:
    """The current observations the returned values revise, and the new observations."""
    held = {
        o.metric_id: o
        for o in Observation.objects.filter(
            metric__in=[r.metric for r in returns],
            org_unit=submission.org_unit,
            breakdown="",
            period_start=submission.period.start,
            superseded_at=None,
        )
    }
    revised, new = [], []
    for r in returns:
        current = held.get(r.metric_id)
        if current is not None:
            if (
                same(current.value, r.value)
                and same(current.numerator, r.numerator)
                and same(current.denominator, r.denominator)
            ):
                continue
            revised.append(current)
        new.append(
            Observation(
                metric=r.metric,
                org_unit=submission.org_unit,
                breakdown="",
                period_start=submission.period.start,
                value=r.value,
                numerator=r.numerator,
                denominator=r.denominator,
                status=Observation.Status.FINAL,
                loaded_by=user,
                source=source,
            )
        )
    return revised, new
