"""Reminders: who is behind, e-mailed through Django's mail backend (locmem in tests)."""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.cli.main import main
from goldenthread.cycles import services
from goldenthread.cycles.models import Reminder

TODAY = date(2019, 7, 30)  # 2019/20 Q1 ended 30 June and was due on 21 July


def test_outstanding_updates_are_listed_with_their_state(world):
    services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"])
    rows = services.outstanding([world.period(1), world.period(2)], TODAY)
    assert [(r.period.label, r.unit.code, r.status_label, r.overdue) for r in rows] == [
        ("2019/20 Q1", "medical", "Draft", True),
        ("2019/20 Q1", "nursing", "Not started", True),
        ("2019/20 Q2", "medical", "Not started", False),
        ("2019/20 Q2", "nursing", "Not started", False),
    ]
    assert services.outstanding([world.period(3)], TODAY) == []  # not open yet


def test_reminders_go_to_the_people_behind(world, mailoutbox):
    sub = services.save_update(
        world.period(1),
        world.nursing,
        world.complete(world.nursing),
        based_on=0,
        user=world.users["other_lead"],
        submit=True,
    )
    assert sub.status == "submitted"
    results = services.send_reminders(
        world.period(1), today=TODAY, user=world.users["planner"], site="https://gt.example"
    )
    assert [(r.recipient, r.email, r.sent) for r in results] == [
        ("Contributor", "contributor@example.org", True),
        ("Lead", "lead@example.org", True),
    ]
    assert len(mailoutbox) == 2
    mail = mailoutbox[1]
    assert mail.to == ["lead@example.org"] and mail.subject == "Overdue: Medical update for 2019/20 Q1"
    assert "was due by 21 July 2019" in mail.body and "Its status is: Not started" in mail.body
    assert "https://gt.example/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/" in mail.body
    assert Reminder.objects.filter(sent_by=world.users["planner"], overdue=True).count() == 2


def test_a_dry_run_sends_and_records_nothing(world, mailoutbox):
    results = services.send_reminders(world.period(1), today=TODAY, dry_run=True)
    assert len(results) == 3 and not any(r.sent for r in results)
    assert mailoutbox == [] and not Reminder.objects.exists()


def test_people_without_an_address_are_reported(world, mailoutbox):
    world.users["other_lead"].email = ""
    world.users["other_lead"].save()
    results = services.send_reminders(world.period(1), today=TODAY)
    unsent = [r for r in results if not r.sent]
    assert [(r.recipient, r.note) for r in unsent] == [("Other Lead", "no e-mail address; add one in the admin site")]
    assert len(mailoutbox) == 2


def test_returned_updates_quote_the_planning_teams_comments(world, mailoutbox):
    sub = services.save_update(
        world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True
    )
    services.decide(sub, "return", comments="Add the breakdown", based_on=sub.version, user=world.users["planner"])
    services.send_reminders(world.period(1), today=TODAY)
    lead_mail = next(m for m in mailoutbox if m.to == ["lead@example.org"])
    assert "Its status is: Returned" in lead_mail.body and "Add the breakdown" in lead_mail.body


def test_remind_command(world, mailoutbox, capsys):
    assert main(["remind", "--period", "2019/20 Q1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "nhsei-2019 2019/20 Q1: would e-mail Lead <lead@example.org> — Medical: not started, overdue" in out
    assert "3 reminder(s) to send (dry run: nothing sent)" in out and mailoutbox == []
    assert main(["remind", "--period", "2019/20-Q1", "--plan", "nhsei-2019"]) == 0
    assert "3 reminder(s) sent" in capsys.readouterr().out and len(mailoutbox) == 3


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--period", "2019/20 Q5"], 2, "is not a period"),
        (["--period", "2030/31 Q1"], 1, "no reporting period 2030/31 Q1"),
        (["--period", "2019/20 Q1", "--plan", "nope"], 1, "no reporting period 2019/20 Q1 of plan 'nope'"),
    ],
)
def test_remind_command_says_what_is_wrong(world, capsys, args, code, message):
    assert main(["remind", *args]) == code
    assert message in capsys.readouterr().err


def test_remind_command_asks_for_the_plan_when_periods_clash(world, capsys):
    services.generate_periods(world.other_plan)
    assert main(["remind", "--period", "2019/20 Q1"]) == 2
    assert "several plans (example-2019, nhsei-2019); choose one with --plan" in capsys.readouterr().err.replace(
        "nhsei-2019, example-2019", "example-2019, nhsei-2019"
    )


def test_overdue_page_and_reminder_button(world, login, mailoutbox):
    planner = login(world.users["planner"])
    page = planner.get("/overdue/").content.decode()
    assert "nhsei-2019 2019/20 Q1" in page and "Medical" in page and "Send reminders for nhsei-2019 2019/20 Q1" in page
    response = planner.post("/plans/nhsei-2019/periods/2019-20-q1/remind/", {"back": "overdue"}, follow=True)
    assert response.redirect_chain[-1][0] == "/overdue/"
    assert "Sent 3 reminder(s) for 2019/20 Q1" in response.content.decode()
    assert len(mailoutbox) == 3


def test_overdue_download_is_the_page(world, login):
    import csv
    import io

    services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"])
    planner = login(world.users["planner"])
    page = planner.get("/overdue/").content.decode()
    assert '<a href="/overdue/?format=csv" download>Download CSV' in page
    response = planner.get("/overdue/?format=csv")
    assert response["Content-Disposition"].startswith('attachment; filename="overdue-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Plan", "Period", "Due by", "Directorate or region", "Code", "Status", "Last saved"]
    held = {(r[0], r[1], r[4], r[5]) for r in rows[1:]}
    assert {
        ("nhsei-2019", "2019/20 Q1", "medical", "Draft"),
        ("nhsei-2019", "2019/20 Q1", "nursing", "Not started"),
    } <= held
    for plan, period, _, status in held:
        assert f"{plan} {period}" in page and status in page
    drafted = next(r for r in rows[1:] if r[4] == "medical" and r[1] == "2019/20 Q1")
    assert drafted[6] and not next(r for r in rows[1:] if r[4] == "nursing" and r[1] == "2019/20 Q1")[6]
    assert login(world.users["lead"]).get("/overdue/?format=csv").status_code == 403  # the page's own rule
