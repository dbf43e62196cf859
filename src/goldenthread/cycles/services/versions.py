"""Optimistic saves of a unit's update or review for a period.

The caller says which version the person started from (0 for a new one); a save from an older
version is refused with :class:`~.errors.Conflict`, carrying what is stored now, so nobody's work
is ever overwritten silently. Both functions run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F

from goldenthread.cycles.models import AccountabilityReview, ReportingPeriod, Submission
from goldenthread.cycles.services.errors import Conflict
from goldenthread.plans import models as pm

Versioned = TypeVar("Versioned", Submission, AccountabilityReview)


def claim(
    model: type[Versioned],
    period: ReportingPeriod,
    unit: pm.OrgUnit,
    *,
    based_on: int,
    removed: str,
    conflict: Callable[[Versioned], str],
    check: Callable[[Versioned], None] = lambda row: None,
) -> Versioned:
    """The unit's row for the period, at the version after ``based_on``: version 1 when there is
    none yet. Refused when someone saved since (``conflict`` words the message from what they
    saved) or when the row the person started from has been removed (``removed`` says what to
    do); ``check`` may refuse a stored row before it is claimed."""
    row = model.objects.filter(period=period, org_unit=unit).first()
    if row is not None:
        check(row)
        next_version(row, based_on=based_on, conflict=conflict)
        return row
    if based_on != 0:
        raise Conflict(None, removed)
    row = model(period=period, org_unit=unit, version=1)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # someone else created it first
        current = model.objects.get(period=period, org_unit=unit)
        raise Conflict(current, conflict(current)) from None
    return row


def next_version(row: Versioned, *, based_on: int, conflict: Callable[[Versioned], str]) -> None:
    """Claim the version after ``based_on`` for a stored row; refused, with the row as it is stored
    now, when someone saved since."""
    if type(row).objects.filter(pk=row.pk, version=based_on).update(version=F("version") + 1) != 1:
        row.refresh_from_db()
        raise Conflict(row, conflict(row))
    row.version = based_on + 1
