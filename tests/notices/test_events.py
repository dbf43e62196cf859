"""Each event of the cycle mails the right people, once, after its transaction commits.

The e-mails are sent by the worker's code (django-q2 runs the task in this process: its ``sync``
setting) into Django's locmem outbox. The real worker and a real SMTP server: test_worker.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, Action
from goldenthread.notices import mail
from goldenthread.notices.models import Notification

from .conftest import SITE

pytestmark = pytest.mark.usefixtures("worker_in_this_process")
Q1_UPDATE = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/"


def submitted(world, commit):
    with commit():
        return services.save_update(
            world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True
        )


def to(outbox) -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for m in outbox]


def test_a_submitted_update_mails_the_plans_planning_team_with_a_link_to_review_it(world, commit, mailoutbox):
    submitted(world, commit)
    assert to(mailoutbox) == [("planner@example.org", "To review: Medical update for 2019/20 Q1")]
    body = mailoutbox[0].body
    assert body.startswith("Dear Planner,\n\nLead submitted the Medical update for 2019/20 Q1 of ")
    assert f"Review it here: {SITE}{Q1_UPDATE}\n" in body
    row = Notification.objects.get()
    assert (row.state, row.recipient, row.kind, row.sent_at is not None) == (
        "sent",
        world.users["planner"],
        "submitted",
        True,
    )


def test_returned_then_resubmitted_then_approved(world, commit, mailoutbox):
    lead, planner = world.users["lead"], world.users["planner"]
    sub = submitted(world, commit)
    with commit():
        sub = services.decide(sub, "return", comments="Add the regional breakdown", based_on=sub.version, user=planner)
    assert to(mailoutbox)[1:] == [("lead@example.org", "Returned: Medical update for 2019/20 Q1")]
    assert "Planner returned the Medical update for 2019/20 Q1" in mailoutbox[1].body
    assert "with these comments:\n\nAdd the regional breakdown\n" in mailoutbox[1].body
    assert f"Revise it here: {SITE}{Q1_UPDATE}update/\n" in mailoutbox[1].body
    with commit():
        sub = services.save_update(
            world.period(1), world.medical, world.complete(), based_on=sub.version, user=lead, submit=True
        )
    assert to(mailoutbox)[2:] == [("planner@example.org", "To review: Medical update for 2019/20 Q1")]
    assert "submitted the Medical update for 2019/20 Q1 of" in mailoutbox[2].body
    assert "again, with the changes asked for" in mailoutbox[2].body
    with commit():
        services.decide(sub, "approve", comments="Thank you", based_on=sub.version, user=planner)
    assert to(mailoutbox)[3:] == [("lead@example.org", "Approved: Medical update for 2019/20 Q1")]
    assert "Their notes:\nThank you" in mailoutbox[3].body
    # the contributor, the other unit's lead and the other plan's planning team hear nothing
    assert {m.to[0] for m in mailoutbox} == {"planner@example.org", "lead@example.org"}


def test_the_person_who_submitted_hears_of_the_decision_as_well_as_the_lead(world, commit, mailoutbox):
    from goldenthread.access import roles

    deputy = world.users["contributor"]
    roles.grant(deputy, roles.LEAD, org_unit=world.nursing)  # leads nursing, so may submit nursing's update
    with commit():
        sub = services.save_update(
            world.period(1), world.nursing, world.complete(world.nursing), based_on=0, user=deputy, submit=True
        )
    with commit():
        services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    approved = [m.to[0] for m in mailoutbox if m.subject.startswith("Approved")]
    assert sorted(approved) == ["contributor@example.org", "other_lead@example.org"]


def test_nothing_is_sent_for_a_change_that_rolls_back(world, commit, mailoutbox):
    class Undo(Exception):
        pass

    with commit(), pytest.raises(Undo), transaction.atomic():
        services.save_update(
            world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True
        )
        raise Undo
    assert mailoutbox == [] and not Notification.objects.exists()


def test_a_second_task_for_the_same_e_mail_sends_nothing(world, commit, mailoutbox):
    submitted(world, commit)
    row = Notification.objects.get()
    assert "nothing to do" in mail.send(row.pk)
    with commit():
        mail.enqueue_after_commit([row.pk])  # a duplicated task, through the queue
    assert len(mailoutbox) == 1


def test_the_same_event_is_queued_once(world, commit, mailoutbox):
    sub = submitted(world, commit)
    with commit():
        from goldenthread.notices.events import submission_event

        submission_event(sub.events.get())  # the signal again, e.g. a record saved twice
    assert len(mailoutbox) == 1 and Notification.objects.count() == 1


def test_a_failed_sending_is_kept_with_its_reason(world, commit, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with pytest.raises(ConnectionRefusedError):  # the worker records the task as failed, too
        submitted(world, commit)
    row = Notification.objects.get()
    assert row.state == "failed" and "ConnectionRefusedError" in row.error and row.sent_at is None


def _review(world, period=1) -> AccountabilityReview:
    return AccountabilityReview.objects.create(period=world.period(period), org_unit=world.medical)


def test_an_action_given_to_an_account_mails_its_owner_once(world, commit, mailoutbox):
    lead = world.users["lead"]
    with commit():
        action = Action.objects.create(
            review=_review(world),
            description="Recruit two medical examiners",
            owner="Lead",
            owner_account=lead,
            due_on=date(2019, 9, 30),
        )
    assert to(mailoutbox) == [("lead@example.org", "Action for you: Recruit two medical examiners")]
    body = mailoutbox[0].body
    assert "An action from the Medical accountability review for 2019/20 Q1 of" in body
    assert "is yours, due by 30 September 2019:\n\nRecruit two medical examiners\n" in body
    assert f"Your actions: {SITE}/actions/\n" in body
    with commit():
        action.description = "Recruit two medical examiners by September"
        action.save()  # edited: not given to anyone new
    assert len(mailoutbox) == 1
    with commit():
        action.owner_account = world.users["other_lead"]
        action.save()
    assert to(mailoutbox)[1:] == [
        ("other_lead@example.org", "Action for you: Recruit two medical examiners by September")
    ]


def test_an_action_for_someone_outside_the_system_mails_nobody(world, commit, mailoutbox):
    with commit():
        Action.objects.create(review=_review(world), description="Write to the coroner", owner="Dr Outside")
    assert mailoutbox == []


def test_nothing_is_queued_while_muted_as_when_the_demo_loads(world, commit, mailoutbox):
    with mail.muted():
        submitted(world, commit)
    assert mailoutbox == [] and not Notification.objects.exists()
    sub = world.period(1).submissions.get()
    with commit():
        services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    assert to(mailoutbox) == [("lead@example.org", "Approved: Medical update for 2019/20 Q1")]  # muted no longer
