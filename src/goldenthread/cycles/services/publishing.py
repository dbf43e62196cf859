"""What is on the public pages: a plan, and those of its periods the planning team has published."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import Publication, ReportingPeriod, Submission
from goldenthread.cycles.services.errors import CycleError
from goldenthread.plans import models as pm


def publish(plan: pm.Plan, period: ReportingPeriod | None = None, *, user) -> Publication:
    """Show the plan (or one of its periods) on the public pages; a period needs its plan published
    to be seen, and only its approved updates are shown."""
    if period is not None and period.plan_id != plan.pk:
        raise CycleError("That period belongs to another plan.")
    with transaction.atomic(), acting_as(user):
        live = Publication.objects.filter(plan=plan, period=period, withdrawn_at=None).first()
        if live is not None:
            return live
        publication = Publication(plan=plan, period=period, published_at=timezone.now(), published_by=user)
        publication.save()
    return publication


def withdraw(plan: pm.Plan, period: ReportingPeriod | None = None, *, user) -> None:
    with transaction.atomic(), acting_as(user):
        for publication in Publication.objects.filter(plan=plan, period=period, withdrawn_at=None):
            publication.withdrawn_at, publication.withdrawn_by = timezone.now(), user
            publication.save()


def publishing_warning(period: ReportingPeriod) -> str:
    """What to know before publishing ``period``: when none of its updates is approved, its public
    page would show no progress at all. Empty when there is nothing to warn of."""
    if Submission.objects.filter(period=period, status=Submission.Status.APPROVED).exists():
        return ""
    return (
        f"No update for {period.label} has been approved yet, so its public page would show no progress "
        "at all: only approved updates are published. Approve the updates first, or publish it anyway."
    )
