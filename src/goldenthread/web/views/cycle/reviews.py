"""Accountability reviews — a unit's review page and recording it — and the actions agreed at them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.access import policy, rules
from goldenthread.cycles import services
from goldenthread.cycles.forms import CloseActionForm, ReviewForm
from goldenthread.cycles.models import AccountabilityReview
from goldenthread.presenters import cycle as presenters
from goldenthread.presenters.tables import cycle_tables
from goldenthread.web.downloads import asked_format, download
from goldenthread.web.views.cycle.lookup import action_or_404, attempt, render_form, today, unit_period_or_404


@require_GET
def review(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    _, the_period, the_unit = unit_period_or_404(request)
    if not rules.may_view_unit_updates(request.user, the_unit):
        return policy.forbidden(request, f"You do not have permission to see {the_unit.name}'s reviews.")
    return render(
        request, "cycles/review.html", {"page": presenters.review_page(the_period, the_unit, request.user, today())}
    )


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan, the_period, the_unit = unit_period_or_404(request)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can record accountability reviews.")
    current = AccountabilityReview.objects.filter(period=the_period, org_unit=the_unit).first()
    people = services.plan_people(plan)
    form = ReviewForm(current, request.POST if request.method == "POST" else None, people)
    problem, status = "", 200
    data = form.clean() if request.method == "POST" else None
    if data is not None:
        try:
            services.save_review(the_period, the_unit, data, based_on=form.version, user=request.user)
        except services.CycleError as exc:
            problem, status = str(exc), 409
            if isinstance(exc, services.Conflict) and isinstance(exc.current, AccountabilityReview):
                form.show_stored(exc.current)
        else:
            messages.success(request, f"The accountability review of {the_unit.name} for {the_period.label} is saved.")
            return redirect("cycles:review", plan.code, the_period.slug, the_unit.code)
    return render_form(
        request,
        "cycles/review_edit.html",
        form,
        problem,
        status,
        period=the_period,
        unit=the_unit,
        review=current,
        carried=list(services.carried_into(the_unit, the_period)),
        view_href=presenters.review_href(the_period, the_unit),
    )


@require_GET
def actions(request: HttpRequest) -> HttpResponse:
    page = presenters.actions_page(request.user, today())
    if fmt := asked_format(request):  # the actions this person may see, as the page lists them
        return download(cycle_tables.actions(page.open + page.closed, f"actions-{today().isoformat()}"), fmt)
    return render(request, "cycles/actions.html", {"page": page})


@require_http_methods(["GET", "POST"])
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_or_404(request, pk)
    if not rules.may_close_action(request.user, action):
        return policy.forbidden(request, "You do not have permission to close this action.")
    row = presenters.action_row(action, request.user, today())
    form = CloseActionForm(request.POST if request.method == "POST" else None)
    problem: str | None = ""
    note = form.clean() if request.method == "POST" else None
    if note is not None:
        problem = attempt(form, lambda: services.close_action(action, note, user=request.user))
        if problem is None:
            messages.success(request, "The action is closed.")
            return redirect(row.review_href)
    return render_form(request, "cycles/action_close.html", form, problem or "", 400 if problem else 200, row=row)
