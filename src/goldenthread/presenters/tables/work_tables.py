"""The tables of everyone's own pages, "My work" and "My updates", each built from its page's
presenter, so a download holds the person's own work as the page lists it and nobody else's.

My work has three: the updates (its lists of updates overdue, returned, due and waiting for the
person's decision, in one table with the list each row is in), the open actions the person owns
(the actions page's table, :func:`~goldenthread.presenters.tables.cycle_tables.actions`) and
"My meetings". My updates has one: its updates and those waiting for a decision.
"""

from __future__ import annotations

from datetime import date

from goldenthread.presenters.cycle.my_updates import MyUpdates, UpdateRow
from goldenthread.presenters.cycle.my_work import MyWork
from goldenthread.presenters.governance_work import MyMeetings
from goldenthread.presenters.tables import WHOLE, Figure, Table, day
from goldenthread.presenters.tables.cycle_tables import actions

#: the tables My work offers (``table=`` in its address; the updates when it names none)
MY_WORK_TABLES = ("updates", "actions", "meetings")

UPDATES_HEADER = ["List", "Plan", "Period", "Directorate or region", "Code", "Due by", "Overdue", "Status", "Next step"]


def _updates(name: str, lists: list[tuple[str, list[UpdateRow]]]) -> Table:
    """Updates as the pages' tables show them (period and plan, unit, due date with its Overdue
    tag, status, what to do next), each row with the heading of the list it is in."""
    table = Table(name, "My updates", UPDATES_HEADER)
    for heading, rows in lists:
        for row in rows:
            table.rows.append(
                [
                    heading,
                    row.plan.code,
                    row.period.label,
                    row.unit.name,
                    row.unit.code,
                    day(row.period.closes_on),
                    "Overdue" if row.overdue else "",
                    row.status.text,
                    row.action,
                ]
            )
    return table


def my_work_updates(page: MyWork, name: str) -> Table:
    """My work's lists of updates in the page's order: overdue, returned, due, waiting for a decision."""
    return _updates(
        name,
        [
            ("Overdue updates", page.overdue),
            ("Returned to you", page.returned),
            ("Updates due", page.due),
            ("Waiting for your decision", page.awaiting_decision),
        ],
    )


def my_meetings(meetings: MyMeetings, name: str) -> Table:
    """My work's "My meetings": upcoming, recent, and those that gave the person open actions."""
    header = ["List", "Meeting", "Plan", "Body", "You", "Your open actions"]
    table = Table(name, "My meetings", header)
    for heading, rows in (
        ("Upcoming", meetings.upcoming),
        ("Recent", meetings.recent),
        ("With your open actions", meetings.with_actions),
    ):
        for row in rows:
            open_actions = Figure(row.open_actions, f"{row.open_actions:,}" if row.open_actions else "None", WHOLE)
            table.rows.append([heading, row.name, row.plan.code, row.body, row.role or "–", open_actions])
    return table


def my_work(page: MyWork, meetings: MyMeetings, which: str, today: date) -> Table:
    """The table of My work named ``which`` (one of :data:`MY_WORK_TABLES`; "" for the updates)."""
    stamp = today.isoformat()
    if which == "actions":
        return actions(page.actions, f"my-actions-{stamp}")
    if which == "meetings":
        return my_meetings(meetings, f"my-meetings-{stamp}")
    return my_work_updates(page, f"my-work-{stamp}")


def my_updates(page: MyUpdates, today: date) -> Table:
    """My updates' two lists: the updates of the person's units, and those waiting for their decision."""
    return _updates(
        f"my-updates-{today.isoformat()}",
        [
            ("Updates for your directorates and regions", page.mine),
            ("Waiting for your decision", page.awaiting_decision),
        ],
    )
