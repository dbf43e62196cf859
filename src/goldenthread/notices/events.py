"""E-mails on the cycle's events, queued when the cycle's records are saved (Django signals, so
``cycles`` does not know this app exists):

- an update submitted or resubmitted → the plan's planning team, with a link to review it;
- an update returned (with the comments) or approved → the unit's leads and whoever submitted it;
- an action given to an account → that account's owner (again only if it is given to someone else).
- a plan change submitted → the plan's owner (administrators, for a plan with no owner); approved
  or rejected → whoever opened, edited or submitted it.

Each is queued in the transaction that saved the record (:func:`goldenthread.notices.mail.queue`),
so nothing is sent if that transaction rolls back, and each (event, person) is mailed once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.urls import reverse

from goldenthread.cycles.models import Action, Submission, SubmissionEvent
from goldenthread.cycles.services.actions import ACTION_RELATIONS
from goldenthread.cycles.services.people import display_name, planning_team, unit_leads
from goldenthread.cycles.services.reminders import base_url
from goldenthread.formatting import long_date
from goldenthread.notices.mail import queue
from goldenthread.notices.models import Notification
from goldenthread.plans.changes import editors
from goldenthread.plans.models import PlanChange

E = SubmissionEvent.Action
SIGN_OFF = "goldenthread, for the planning team\n"


def connect() -> None:
    post_save.connect(_event_saved, sender=SubmissionEvent, dispatch_uid="notices.submission_event")
    post_save.connect(_action_saved, sender=Action, dispatch_uid="notices.action")
    post_save.connect(_plan_change_saved, sender=PlanChange, dispatch_uid="notices.plan_change")


def _event_saved(sender, instance: SubmissionEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        submission_event(instance)


def _action_saved(sender, instance: Action, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw and instance.owner_account_id is not None and instance.status in Action.OPEN_STATUSES:
        action_assigned(instance)


def _plan_change_saved(sender, instance: PlanChange, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw and instance.status != PlanChange.Status.DRAFT:
        plan_change_event(instance)


# --- what ---------------------------------------------------------------------------------------


def submission_event(event: SubmissionEvent) -> None:
    submission = Submission.objects.select_related("period__plan", "org_unit", "submitted_by").get(
        pk=event.submission_id
    )
    period, unit = submission.period, submission.org_unit
    where = f"{unit.name} update for {period.label} of {period.plan.title}"
    args = [period.plan.code, period.slug, unit.code]
    if event.action in (E.SUBMITTED, E.RESUBMITTED):
        people = planning_team(period.plan_id)
        kind, word = Notification.Kind.SUBMITTED, "To review"
        again = " again, with the changes asked for" if event.action == E.RESUBMITTED else ""
        text = f"{event.by_name} submitted the {where}{again}. It is waiting for the planning team to review it."
        link = ("Review it here", reverse("cycles:submission", args=args))
    elif event.action == E.RETURNED:
        people = unit_leads(unit.pk) + [submission.submitted_by]
        kind, word = Notification.Kind.RETURNED, "Returned"
        text = (
            f"{event.by_name} returned the {where} with these comments:\n\n{event.comments}\n\n"
            "Please revise it and submit it again."
        )
        link = ("Revise it here", reverse("cycles:submission_edit", args=args))
    else:
        people = unit_leads(unit.pk) + [submission.submitted_by]
        kind, word = Notification.Kind.APPROVED, "Approved"
        notes = f"\n\nTheir notes:\n{event.comments}" if event.comments else ""
        text = f"{event.by_name} approved the {where}.{notes}"
        link = ("Read it here", reverse("cycles:submission", args=args))
    subject = f"{word}: {unit.name} update for {period.label}"
    for person in _distinct(people):
        queue(f"submission-event:{event.pk}:user:{person.pk}", kind, person, subject, _letter(person, text, *link))


def action_assigned(action: Action) -> None:
    key = f"action-assigned:{action.pk}:user:{action.owner_account_id}"
    if Notification.objects.filter(key=key).exists():  # the usual case: an action saved again
        return
    action = Action.objects.select_related(*ACTION_RELATIONS).get(pk=action.pk)
    due = f", due by {long_date(action.due_on)}" if action.due_on else ""
    text = f"An action from {action.raised_at} is yours{due}:\n\n{action.description}"
    body = _letter(action.owner_account, text, "Your actions", reverse("cycles:actions"))
    subject = f"Action for you: {_short(action.description)}"
    queue(key, Notification.Kind.ACTION_ASSIGNED, action.owner_account, subject, body)


def action_overdue(action: Action) -> Notification | None:
    text = (
        f"Your action from {action.raised_at} was due by {long_date(action.due_on)} and is still open:\n\n"
        f"{action.description}\n\nPlease record its progress, or close it if it is done."
    )
    body = _letter(action.owner_account, text, "Your actions", reverse("cycles:actions"))
    subject = f"Overdue action: {_short(action.description)}"
    return queue(f"action-overdue:{action.pk}", Notification.Kind.ACTION_OVERDUE, action.owner_account, subject, body)


def _letter(person, text: str, link_text: str, path: str) -> str:
    return f"Dear {display_name(person)},\n\n{text}\n\n{link_text}: {base_url()}{path}\n\n{SIGN_OFF}"


def _short(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _distinct(people: list) -> list:
    seen: set[int] = set()
    out = []
    for person in people:
        if person is not None and person.pk not in seen and person.is_active:
            seen.add(person.pk)
            out.append(person)
    return out


def plan_change_event(change: PlanChange) -> None:
    """A plan change submitted (to the plan's owner) or decided (to its editors), once each."""
    S = PlanChange.Status
    if change.status not in (S.SUBMITTED, S.APPROVED, S.REJECTED):
        return
    change = PlanChange.objects.select_related("plan__owner_account", "submitted_by", "decided_by").get(pk=change.pk)
    plan = change.plan
    what = f"change {change.number} to {plan.title}"
    if change.status == S.SUBMITTED:
        people = [plan.owner_account] if plan.owner_account else list(_administrators())
        kind, subject = Notification.Kind.CHANGE_SUBMITTED, f"To decide: change {change.number} to {plan.code}"
        text = (
            f"{display_name(change.submitted_by)} submitted {what}, to be in force from {change.in_force_label}:"
            f"\n\n{change.summary}\n\nIt waits for your approval."
        )
        link = ("Approve or reject it here", reverse("plan-change", args=[plan.code]))
    else:
        approved = change.status == S.APPROVED
        ids = editors(change) | ({change.opened_by_id} if change.opened_by_id else set())
        people = list(get_user_model().objects.filter(pk__in=ids).order_by("username"))
        kind, word = Notification.Kind.CHANGE_DECIDED, "Approved" if approved else "Rejected"
        subject = f"{word}: change {change.number} to {plan.code}"
        comment = f"\n\nTheir comment:\n{change.decision_comment}" if change.decision_comment else ""
        text = f"{display_name(change.decided_by)} {word.lower()} {what}.{comment}"
        link = ("Read it here", reverse("plan-versions" if approved else "plan-change", args=[plan.code]))
    for person in _distinct(people):
        key = f"plan-change:{change.pk}:{change.status}:user:{person.pk}"
        queue(key, kind, person, subject, _letter(person, text, *link))


def _administrators():
    return get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("username")
