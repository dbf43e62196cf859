"""The tables of the pages about one plan as at a period — the scorecard, the deliverables, the
exceptions and the budgets — each built from the presenter its page renders."""

from __future__ import annotations

from goldenthread.plans import models as m
from goldenthread.presenters import assurance
from goldenthread.presenters.as_at import AsAt
from goldenthread.presenters.deliverables import DeliverablesPage
from goldenthread.presenters.kept import assess
from goldenthread.presenters.metric import default_where
from goldenthread.presenters.plan import budgets_page
from goldenthread.presenters.returns import returned_values
from goldenthread.presenters.tables import Cell, Table, day, metric_value, millions

NOT_NAMED = "Not named"


def _stem(plan: m.Plan, what: str, as_at: AsAt | None = None) -> str:
    return f"{plan.code}-{what}" + (f"-{as_at.period.label}" if as_at is not None else "")


def scorecard(plan: m.Plan, as_at: AsAt) -> Table:
    """The scorecard page's table: each measure with its latest value, target and verdicts,
    variation, assurance and status, and the values units reported in their approved updates."""
    where = default_where(plan)
    assessment = assess(plan, as_at=as_at.period, where_code=where.code if where else None)
    page = assurance.scorecard(plan, as_at.period, assessment)
    latest = {a.metric.code: (a.latest[1] if a.latest else None, a.metric.unit) for a in assessment.metrics}
    returns = returned_values(plan, as_at.date)
    header = ["Code", "Measure", "Objectives", "Latest", "Latest period", "Target", "Verdicts", "Variation"]
    header += ["Assurance", "Trend", "Status", "Reason", "Reported in updates", "To be confirmed"]
    table = Table(_stem(plan, "scorecard", as_at), f"Scorecard {page.as_at.label}", header)
    for row in page.rows:
        value, unit = latest[row.code]
        table.rows.append(
            [
                row.code,
                row.title,
                ", ".join(code for code, _ in row.objectives),
                metric_value(value, unit, row.latest_value),
                row.latest_period,
                row.target,
                "; ".join(v.text for v in row.verdicts),
                row.not_judged or row.variation_text,
                row.not_judged or row.assurance_text,
                row.trend,
                row.status_label,
                row.reason,
                "; ".join(v.text for v in returns.get(row.code, [])),
                "To be confirmed" if row.to_be_confirmed else "",
            ]
        )
    return table


def deliverables(plan: m.Plan, page: DeliverablesPage) -> Table:
    """The deliverables page's activities — all that match its filters, not only the page of a
    long list shown — in its order: by state, then by due date."""
    header = ["State", "Code", "Activity", "Objective", "Level", "Directorate", "Owner", "Due", "Due date"]
    header += ["When", "Reported status", "Reported", "Not reported"]
    table = Table(_stem(plan, "deliverables", page.as_at), "Deliverables", header)
    for group in page.groups:
        for d in group.items:
            table.rows.append(
                [
                    group.heading,
                    d.code,
                    d.title,
                    d.objective,
                    d.level,
                    d.unit or NOT_NAMED,
                    d.owner or NOT_NAMED,
                    d.due_text,
                    day(d.due_date),
                    d.when,
                    d.reported,
                    d.reported_source,
                    d.missing,
                ]
            )
    return table


def exceptions(plan: m.Plan, as_at: AsAt) -> Table:
    """The exceptions page's items, by objective, newest first, each with its reasons."""
    page = assurance.exceptions(plan, as_at.period)
    header = ["Objective", "Directorate", "Kind", "Code", "Title", "Latest or status", "Period or due"]
    header += ["Target", "Owner", "Also serves", "Why"]
    table = Table(_stem(plan, "exceptions", as_at), f"Exceptions {page.as_at.label}", header)
    for group in page.groups:
        objective = f"{group.objective_code} {group.objective_title}".strip()
        for item in group.items:
            table.rows.append(
                [
                    objective,
                    group.directorate,
                    "Metric" if item.kind == "metric" else "Activity",
                    item.code,
                    item.title,
                    item.value,
                    item.period,
                    item.target,
                    item.owner or "None named",
                    "; ".join(f"{code} {title}" for code, title in item.also_serves),
                    "; ".join(item.what),
                ]
            )
    return table


def budgets(plan: m.Plan) -> Table:
    """The budgets page's tables in one: for each year, each directorate's (or line's) amount in
    each category and its total, then the total of the lines; £ million as the page prints them
    (the amounts themselves in Excel)."""
    page = budgets_page(plan)
    labels: dict[str, str] = {}
    for budget in page.tables:
        labels.update(budget.categories)
    codes = [code for code, _ in m.BudgetLine.Category.choices if code in labels]
    header = ["Year", "Directorate or line", *(labels[c] for c in codes), "Total"]
    table = Table(_stem(plan, "budgets"), "Budgets", header)
    for budget in page.tables:
        used = {code for code, _ in budget.categories}
        for row in budget.rows:
            cells: list[Cell] = [millions(row["amounts"][c]) if c in row["amounts"] else "–" for c in codes]
            cells = [cell if c in used else "" for c, cell in zip(codes, cells, strict=True)]
            table.rows.append([budget.period, row["name"], *cells, millions(row["total"])])
        totals: list[Cell] = [millions(budget.totals[c]) if c in used else "" for c in codes]
        table.rows.append([budget.period, "Total of the lines", *totals, millions(budget.grand_total)])
    return table


def budget_totals(plan: m.Plan) -> Table:
    """The totals printed in the plan's document against the sum of the lines they cover."""
    header = ["Year", "Printed total", "Source", "As printed", "Sum of lines", "Difference"]
    table = Table(_stem(plan, "budget-totals"), "Printed totals", header)
    for budget in budgets_page(plan).tables:
        for t in budget.stated:
            difference = t["difference"]
            if difference > 0:
                words = f"lines exceed it by {millions(difference).text}"
            elif difference < 0:
                words = f"lines fall short by {millions(-difference).text}"
            else:
                words = "none"
            table.rows.append(
                [budget.period, t["title"], t["source"], millions(t["stated"]), millions(t["computed"]), words]
            )
    return table
