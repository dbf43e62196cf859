"""Views: each reads like the page it serves, asking a presenter for what the page shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goldenthread.access.decorators import plan_view, signed_in
from goldenthread.access.rules import may_create_plan, viewable_plans
from goldenthread.performance.definitions import definitions_in_force
from goldenthread.plans.models import Plan
from goldenthread.presenters import assurance as assurance_presenters
from goldenthread.presenters import deliverables as deliverables_presenter
from goldenthread.presenters import kept, params, readings
from goldenthread.presenters import plan as presenters
from goldenthread.presenters import plan_change as plan_change_presenter
from goldenthread.presenters import search as search_presenter
from goldenthread.presenters.as_at import AsAt
from goldenthread.presenters.cycle.plan_links import plan_cycle_links
from goldenthread.presenters.metric import download_rows
from goldenthread.presenters.paging import page_groups, page_number
from goldenthread.presenters.plan_version import assessment_version_line
from goldenthread.presenters.returns import returned_values
from goldenthread.presenters.tables import Table, plan_tables, reading_tables
from goldenthread.web.downloads import asked_format, download, table_response


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    plans = presenters.plan_list(viewable_plans(request.user))
    return render(request, "web/home.html", {"plans": plans, "may_create_plan": may_create_plan(request.user)})


def _plan_page(request: HttpRequest, template: str, plan: Plan, as_at: AsAt, current: str, **context) -> HttpResponse:
    """Render a page about one plan with the plan navigation and the as-at period form."""
    nav = presenters.plan_nav(plan, as_at, current)
    return render(
        request,
        template,
        {"plan": plan, "as_at": as_at, "nav": nav, "links": {item.name: item.href for item in nav}, **context},
    )


@plan_view
def plan_detail(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    definitions = definitions_in_force(plan, as_at.period.end)  # the version of the plan in force then
    editing = plan_change_presenter.edit_area(plan, request.user)  # with the quality check of the plan being edited
    asked = params.of(request)
    number = page_number(asked)  # a large plan's objectives a page at a time
    objective = "" if asked.raw("page") else asked.code("objective")  # or the page holding it
    tree = kept.plan_tree(plan, on=as_at.date, definitions=definitions)  # the quality check is kept below
    page = presenters.shown_page(tree, number, asked.query, objective)
    assessment, page.quality = kept.overview(
        plan, as_at=as_at.period, reports=page.reports, quality=editing is None, definitions=definitions
    )
    return _plan_page(
        request,
        "web/plan.html",
        plan,
        as_at,
        "plan",
        page=presenters.with_statuses(page, assessment.objectives),
        version_line=assessment_version_line(assessment),
        cycle_links=plan_cycle_links(plan, request.user, timezone.localdate()),
        editing=editing,
    )


def _reading(
    template: str, current: str, build: Callable[[Plan, AsAt], Any], table: Callable[[Plan, AsAt, Any], Table]
) -> Callable[..., HttpResponse]:
    """A page about one plan that shows what one presenter builds from the plan and the as-at
    period, and offers it as a ``table`` to download (``?format=``)."""

    def view(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
        fmt, page = asked_format(request), build(plan, as_at)
        if fmt:
            return download(table(plan, as_at, page), fmt)
        return _plan_page(request, template, plan, as_at, current, page=page)

    view.__name__ = view.__qualname__ = current.replace("-", "_")
    return plan_view(view)


by_priority = _reading("web/by_priority.html", "plan-by-priority", readings.by_priority, reading_tables.by_priority)


@plan_view
def by_directorate(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    page = readings.by_directorate(plan, as_at)
    if fmt := asked_format(request):  # every directorate, not one page of a long list
        return download(reading_tables.by_directorate(plan, as_at, page), fmt)
    asked = params.of(request)
    readings.paged_directorates(page, page_number(asked), asked.query)  # a large plan's, a page at a time
    return _plan_page(request, "web/by_directorate.html", plan, as_at, "plan-by-directorate", page=page)


matrix = _reading("web/matrix.html", "plan-matrix", readings.matrix, reading_tables.matrix)


@plan_view
def budgets(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    fmt = asked_format(request)
    if fmt:  # ?table=totals: the printed totals against the sums of the lines
        printed = params.of(request).choice("table", ("totals",), what="budget table")
        return download(plan_tables.budget_totals(plan) if printed else plan_tables.budgets(plan), fmt)
    return _plan_page(request, "web/budgets.html", plan, as_at, "plan-budgets", page=presenters.budgets_page(plan))


@plan_view
def exceptions(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    if fmt := asked_format(request):
        return download(plan_tables.exceptions(plan, as_at), fmt)
    page = assurance_presenters.exceptions(plan, as_at.period)
    asked = params.of(request)
    page.pager = page_groups(page.groups, page_number(asked), asked.query, "exceptions", lambda group: "")
    return _plan_page(request, "web/exceptions.html", plan, as_at, "exceptions", page=page)


@plan_view
def scorecard(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    """The scorecard, with the values units reported through their approved updates."""
    if fmt := asked_format(request):
        return download(plan_tables.scorecard(plan, as_at), fmt)
    page = assurance_presenters.scorecard(plan, as_at.period)
    returns = returned_values(plan, as_at.date)
    return _plan_page(request, "web/scorecard.html", plan, as_at, "scorecard", page=page, returns=returns)


@plan_view
def deliverables(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    asked = params.of(request)
    page = deliverables_presenter.deliverables(
        plan, as_at, **{name: asked.code(name) for name in ("directorate", "owner", "level")}
    )
    fmt = asked_format(request)
    if fmt and not any(f.error for f in page.filters):  # a bad filter is said on the page, never downloaded
        return download(plan_tables.deliverables(plan, page), fmt)
    page.pager = page_groups(page.groups, page_number(asked), asked.query, "activities", _state_anchor)
    response = _plan_page(request, "web/deliverables.html", plan, as_at, "plan-deliverables", page=page)
    if any(f.error for f in page.filters):  # a code the plan does not use: said on its filter
        response.status_code = 400
    return response


def _state_anchor(group: deliverables_presenter.StateGroup) -> str:
    return f"state-{group.state}"


@plan_view
def metric(request: HttpRequest, plan: Plan, as_at: AsAt, metric_code: str) -> HttpResponse:
    asked = params.of(request)
    where, fmt = asked.code("where"), asked.choice("format", ("csv", "xlsx"), what="download format")
    if where and not plan.org_units.filter(code=where).exists():
        raise params.BadParameter(
            "where", f"Plan {plan.code} has no org unit with code “{where}”; choose one from the list on the page."
        )
    page = kept.metric_page(plan, metric_code, as_at.period, where or None)
    if page is None:
        raise Http404(f"Plan {plan.code} has no metric {metric_code}")
    if fmt:
        header, rows = download_rows(page)
        where = page.where.code if page.where else "all"
        return table_response(
            f"{plan.code}-{page.metric.code}-{where}-{page.as_at.label}",
            header,
            rows,
            fmt,
            sheet=page.metric.code,
        )
    return _plan_page(
        request,
        "web/metric.html",
        plan,
        as_at,
        "scorecard",
        page=page,
        format_value=assurance_presenters.format_value,
        format_target=assurance_presenters.format_target,
    )


@signed_in
def search(request: HttpRequest) -> HttpResponse:
    # a long search is cut by the search itself, which says so; a control character is refused
    query = params.of(request).text("q", max_length=search_presenter.LONGEST_ADDRESS)
    page = search_presenter.search(query, viewable_plans(request.user))
    return render(request, "web/search.html", {"page": page})
