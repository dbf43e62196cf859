"""An update's journey: draft → submitted → approved, or submitted → returned (with comments) →
submitted again; each step recorded as a :class:`~goldenthread.cycles.models.SubmissionEvent`."""

from __future__ import annotations

from datetime import datetime

from goldenthread.cycles.models import Submission, SubmissionEvent
from goldenthread.cycles.services.errors import CycleError
from goldenthread.cycles.services.people import display_name

S = Submission.Status
NOT_STARTED = "not_started"
STATUS_LABELS = {NOT_STARTED: "Not started", **dict(S.choices)}

_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # to status: (from statuses, the step as a message says it was done)
    S.SUBMITTED: ((S.DRAFT, S.RETURNED), "submitted"),
    S.APPROVED: ((S.SUBMITTED,), "approved"),
    S.RETURNED: ((S.SUBMITTED,), "returned"),
}


def move(submission: Submission, to: str, user, now: datetime, comments: str) -> None:
    """Move the update one step on its journey (saving it) and record the step."""
    was = submission.status
    allowed_from, done = _TRANSITIONS[to]
    if was not in allowed_from:
        raise CycleError(f"An update that is {STATUS_LABELS[was].lower()} cannot be {done}.")
    submission.status = to
    if to == S.SUBMITTED:
        submission.submitted_at, submission.submitted_by = now, user
        event = SubmissionEvent.Action.RESUBMITTED if was == S.RETURNED else SubmissionEvent.Action.SUBMITTED
    else:
        submission.decided_at, submission.decided_by, submission.decision_comments = now, user, comments
        event = SubmissionEvent.Action.APPROVED if to == S.APPROVED else SubmissionEvent.Action.RETURNED
    submission.save()
    SubmissionEvent(
        submission=submission,
        action=event,
        at=now,
        by=user,
        by_name=display_name(user),
        comments=comments,
        version=submission.version,
    ).save()
