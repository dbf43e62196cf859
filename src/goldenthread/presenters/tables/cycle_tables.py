"""The tables of the quarterly cycle's pages: a reporting period's status (each unit's update and
review) and the actions agreed at reviews and meetings, each built from its page's presenter."""

from __future__ import annotations

from goldenthread.cycles.models import Action, Submission
from goldenthread.presenters.cycle.overdue import OverdueGroup
from goldenthread.presenters.cycle.period import PeriodPage
from goldenthread.presenters.cycle.reviews import ActionRow
from goldenthread.presenters.tables import Table, day, moment


def cycle_status(page: PeriodPage) -> Table:
    """The period page's table: each directorate's and region's update and accountability review."""
    period = page.period
    # the moments the page writes in words, for Excel's typed cells: one query for every unit
    submitted_at = dict(Submission.objects.filter(period=period).values_list("org_unit_id", "submitted_at"))
    header = ["Directorate or region", "Code", "Status", "RAG", "Submitted", "Accountability review"]
    table = Table(f"{period.plan.code}-status-{period.label}", f"Updates {period.label}", header)
    for row in page.rows:
        submitted = moment(submitted_at.get(row.unit.pk) if row.submitted else None)
        table.rows.append(
            [
                row.unit.name,
                row.unit.code,
                row.status.text,
                row.rag.text if row.rag else "",
                submitted,
                row.review,
            ]
        )
    return table


def actions(rows: list[ActionRow], name: str) -> Table:
    """The actions page's two lists in one table, open (earliest due first) then closed."""
    header = ["Action", "Plan", "Agreed at", "Owner", "Due by", "Status", "Closed", "Closing note"]
    table = Table(name, "Actions", header)
    ordered = [r for r in rows if r.action.is_open] + [r for r in rows if r.action.status == Action.Status.CLOSED]
    for row in ordered:
        table.rows.append(
            [
                row.action.description,
                row.plan.code,
                row.where,
                row.action.owner,
                day(row.action.due_on),
                row.status.text,
                row.closed,
                row.action.closure_note,
            ]
        )
    return table


def overdue(groups: list[OverdueGroup], name: str) -> Table:
    """The overdue page's lists in one table: each update past its due date that is not yet with
    the planning team, by plan and period as the page groups them."""
    header = ["Plan", "Period", "Due by", "Directorate or region", "Code", "Status", "Last saved"]
    table = Table(name, "Overdue updates", header)
    for g in groups:
        for row in g.rows:
            saved = row.submission.updated_at if row.submission is not None else None
            table.rows.append(
                [
                    g.period.plan.code,
                    g.period.label,
                    day(g.period.closes_on),
                    row.unit.name,
                    row.unit.code,
                    row.status_label,
                    moment(saved),
                ]
            )
    return table
