"""The tables people look at, to take away: the scorecard, the deliverables, the exceptions, the
budgets and their printed totals, a reporting period's status and the actions — the same tables,
figures and words as their pages (:mod:`goldenthread.presenters.tables`), under the same rules as
the pages that show them.

Each is JSON by default (``format=json``: the headings, and each row as an object keyed by heading
with numbers as numbers and dates as ISO dates — what Power BI reads), or the page's own download
(``format=csv``, UTF-8 with a byte-order mark, or ``format=xlsx``, typed cells); text a spreadsheet
would run as a formula is held as text in both files. ``as_at`` is the period as the pages take it
(``2019/20 Q2``; by default the current quarter, or the plan's last when it is over).
"""

# no "from __future__ import annotations": django-ninja reads the parameters' types when it starts
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from goldenthread.access.policy import ALL_UPDATES_READER, PLAN_READER, subject
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail
from goldenthread.plans import models as pm
from goldenthread.presenters import deliverables as deliverables_presenter
from goldenthread.presenters import readings
from goldenthread.presenters.as_at import AsAt, as_at_choice
from goldenthread.presenters.cycle import action_row, period_page
from goldenthread.presenters.cycle.reviews import visible_actions
from goldenthread.presenters.params import BadParameter
from goldenthread.presenters.tables import Table, cycle_tables, plan_tables, reading_tables
from goldenthread.presenters.tables.files import CONTENT_TYPES, export, json_rows

router = Router(tags=["tables"])

Format = Literal["json", "csv", "xlsx"]
Row = dict[str, str | int | float | None]


class TableOut(Schema):
    """A table as its page shows it: its name (the downloaded file's, without the extension), what
    it is, its headings, and its rows keyed by heading."""

    name: str
    title: str
    columns: list[str]
    rows: list[Row]


#: the operations' responses: the table as JSON, CSV or Excel, and the errors
RESPONSES: dict[int, Any] = {200: TableOut, 400: Detail, 403: Detail, 404: Detail}
FILES = {
    "responses": {
        200: {
            "description": "The table: JSON (format=json), CSV (format=csv) or an Excel workbook (format=xlsx)",
            "content": {
                CONTENT_TYPES["csv"]: {"schema": {"type": "string"}},
                CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


def _answer(table: Table, fmt: Format) -> TableOut | HttpResponse:
    if fmt == "json":
        return TableOut(name=table.name, title=table.title, columns=table.header, rows=json_rows(table))
    written = export(table, fmt)
    response = HttpResponse(written.content, content_type=written.content_type)
    response["Content-Disposition"] = f'attachment; filename="{written.filename}"'
    return response


def _plan(request: HttpRequest) -> pm.Plan:
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    return plan


def _as_at(plan: pm.Plan, raw: str | None) -> AsAt:
    """The period ``as_at`` names, as the plan's pages read it; a 400 saying what is wrong."""
    try:
        return as_at_choice(plan, raw or "", today=timezone.localdate())
    except BadParameter as exc:
        raise HttpError(400, f"as_at: {exc.message}") from None


@router.get("/{code}/tables/scorecard/", response=RESPONSES, openapi_extra=FILES, summary="The scorecard table")
@guarded(PLAN_READER)
def scorecard_table(request: HttpRequest, code: str, format: Format = "json", as_at: str | None = None) -> Any:
    """The scorecard page's table as at a period: each headline measure (every metric when the plan
    marks none) with its latest value, target and verdicts, variation, assurance and status."""
    plan = _plan(request)
    return _answer(plan_tables.scorecard(plan, _as_at(plan, as_at)), format)


@router.get("/{code}/tables/deliverables/", response=RESPONSES, openapi_extra=FILES, summary="The deliverables table")
@guarded(PLAN_READER)
def deliverables_table(
    request: HttpRequest,
    code: str,
    format: Format = "json",
    as_at: str | None = None,
    directorate: str = "",
    owner: str = "",
    level: str = "",
) -> Any:
    """The deliverables page's activities as at a period, by state then due date, narrowed as the
    page narrows them by the codes of a directorate (with the units within it), an owner and an
    objective's level; a code the plan's activities do not use is a 400."""
    plan = _plan(request)
    page = deliverables_presenter.deliverables(
        plan, _as_at(plan, as_at), directorate=directorate, owner=owner, level=level
    )
    refused = [f"{f.name}: {f.error.replace('; showing all.', '.')}" for f in page.filters if f.error]
    if refused:
        raise HttpError(400, " ".join(refused) + " Use a code from the plan, or leave the filter out.")
    return _answer(plan_tables.deliverables(plan, page), format)


@router.get("/{code}/tables/exceptions/", response=RESPONSES, openapi_extra=FILES, summary="The exceptions table")
@guarded(PLAN_READER)
def exceptions_table(request: HttpRequest, code: str, format: Format = "json", as_at: str | None = None) -> Any:
    """The exceptions page's items as at a period: fired triggers, special causes of concern,
    targets the process limits say will be missed and overdue deliverables, with their reasons."""
    plan = _plan(request)
    return _answer(plan_tables.exceptions(plan, _as_at(plan, as_at)), format)


@router.get("/{code}/tables/budgets/", response=RESPONSES, openapi_extra=FILES, summary="The budgets table")
@guarded(PLAN_READER)
def budgets_table(request: HttpRequest, code: str, format: Format = "json") -> Any:
    """The budgets page's lines: each year's amounts by directorate (or line) and category, with
    totals computed from the lines (pounds; the CSV in £ million as the page prints them)."""
    return _answer(plan_tables.budgets(_plan(request)), format)


@router.get(
    "/{code}/tables/budget-totals/", response=RESPONSES, openapi_extra=FILES, summary="The printed budget totals"
)
@guarded(PLAN_READER)
def budget_totals_table(request: HttpRequest, code: str, format: Format = "json") -> Any:
    """The totals printed in the plan's document against the sums of the lines they cover."""
    return _answer(plan_tables.budget_totals(_plan(request)), format)


@router.get("/{code}/tables/matrix/", response=RESPONSES, openapi_extra=FILES, summary="The matrix table")
@guarded(PLAN_READER)
def matrix_table(request: HttpRequest, code: str, format: Format = "json", as_at: str | None = None) -> Any:
    """The matrix of directorates and priorities: each contributing objective a row, with its
    directorate and the priority, its owner, status, metrics and activities."""
    plan = _plan(request)
    when = _as_at(plan, as_at)
    return _answer(reading_tables.matrix(plan, when, readings.matrix(plan, when)), format)


@router.get("/{code}/tables/by-priority/", response=RESPONSES, openapi_extra=FILES, summary="The plan by priority")
@guarded(PLAN_READER)
def by_priority_table(request: HttpRequest, code: str, format: Format = "json", as_at: str | None = None) -> Any:
    """Each priority's contributing objectives by directorate, as the by-priority page reads the plan."""
    plan = _plan(request)
    when = _as_at(plan, as_at)
    return _answer(reading_tables.by_priority(plan, when, readings.by_priority(plan, when)), format)


@router.get(
    "/{code}/tables/by-directorate/", response=RESPONSES, openapi_extra=FILES, summary="The plan by directorate"
)
@guarded(PLAN_READER)
def by_directorate_table(request: HttpRequest, code: str, format: Format = "json", as_at: str | None = None) -> Any:
    """Each directorate's objectives, and the activities it leads and metrics it owns for objectives
    held elsewhere, as the by-directorate page reads the plan."""
    plan = _plan(request)
    when = _as_at(plan, as_at)
    return _answer(reading_tables.by_directorate(plan, when, readings.by_directorate(plan, when)), format)


@router.get(
    "/{code}/tables/cycle-status/{period}/",
    response=RESPONSES,
    openapi_extra=FILES,
    summary="A reporting period's status table",
)
@guarded(ALL_UPDATES_READER)
def cycle_status_table(request: HttpRequest, code: str, period: str, format: Format = "json") -> Any:
    """The reporting period page's table (``period``: its slug, 2019-20-q1): each directorate's and
    region's update status, RAG rating, when it was submitted and its accountability review — for
    those who read every unit's updates, as the page."""
    found = subject(request).period
    assert found is not None  # the guard found it
    return _answer(cycle_tables.cycle_status(period_page(found, caller(request).user, timezone.localdate())), format)


@router.get("/{code}/tables/actions/", response=RESPONSES, openapi_extra=FILES, summary="The actions table")
@guarded(PLAN_READER)
def actions_table(request: HttpRequest, code: str, format: Format = "json") -> Any:
    """The plan's actions agreed at accountability reviews and meetings that the caller may see (as
    the actions page lists them: open, earliest due first, then closed)."""
    plan = _plan(request)
    user, today = caller(request).user, timezone.localdate()
    of_plan = Q(review__period__plan=plan) | Q(agenda_item__meeting__plan=plan)
    rows = [action_row(a, user, today) for a in visible_actions(user).filter(of_plan).order_by("due_on", "pk")]
    return _answer(cycle_tables.actions(rows, f"{plan.code}-actions-{today.isoformat()}"), format)
