"""A unit's update: "My updates", the update page with the planning team's decision, and writing
the update."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.access import policy, rules
from goldenthread.cycles import services
from goldenthread.cycles.forms import DecisionForm, UpdateForm
from goldenthread.cycles.models import ReportingPeriod, Submission
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm
from goldenthread.presenters import cycle as presenters
from goldenthread.presenters import kept
from goldenthread.presenters.tables import work_tables
from goldenthread.web.downloads import asked_format, download
from goldenthread.web.views.cycle.lookup import render_form, today, unit_period_or_404

NOT_WAITING = "This update is not waiting for a decision: it has not been submitted, or someone has already decided it."


@require_GET
def my_updates(request: HttpRequest) -> HttpResponse:
    fmt, page = asked_format(request), presenters.my_updates(request.user, today())
    if fmt:  # the page's two lists: the person's own updates and those waiting for their decision
        return download(work_tables.my_updates(page, today()), fmt)
    return render(request, "cycles/my_updates.html", {"page": page})


@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan, the_period, the_unit = unit_period_or_404(request)
    if not rules.may_view_unit_updates(request.user, the_unit):
        return policy.forbidden(request, f"You do not have permission to see {the_unit.name}'s updates.")
    page = presenters.submission_page(the_period, the_unit, request.user)
    form, problem, status = None, "", 200
    if page.submission is not None and page.can_decide:
        form = DecisionForm(page.submission)
    if request.method == "POST":
        if not rules.may_decide(request.user, plan):
            return policy.forbidden(request, "Only this plan's planning team can approve or return updates.")
        if page.submission is None or page.submission.status != Submission.Status.SUBMITTED:
            problem, status = NOT_WAITING, 409
        else:
            form = DecisionForm(page.submission, request.POST)
            decided = _decide(request, page.submission, form)
            if isinstance(decided, HttpResponse):
                return decided
            problem, status = decided
            if form.errors and status == 200:
                status = 400
        page = presenters.submission_page(the_period, the_unit, request.user)
    return render(request, "cycles/submission.html", {"page": page, "form": form, "problem": problem}, status=status)


def _decide(request: HttpRequest, submission: Submission, form: DecisionForm) -> HttpResponse | tuple[str, int]:
    """Approve or return the update as the form says: where to go next, or the problem to show and
    the page's status."""
    cleaned = form.clean()
    if cleaned is None:
        return "", 200
    decision, comments = cleaned
    try:
        services.decide(submission, decision, comments=comments, based_on=form.version, user=request.user)
    except services.Incomplete as exc:
        form.apply_problems(exc.problems)
        return "", 200
    except services.CycleError as exc:  # a conflict, or a decision the rules do not allow
        return str(exc), 409
    unit, period = submission.org_unit, submission.period
    if decision == "approve":  # the plan's state changed: the task worker keeps its pages again
        kept.request_warm(period.plan)
    done = "approved" if decision == "approve" else "returned to " + unit.name + " with your comments"
    messages.success(request, f"The {unit.name} update for {period.label} is {done}.")
    return redirect("cycles:submission", period.plan.code, period.slug, unit.code)


@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan, the_period, the_unit = unit_period_or_404(request)
    if not rules.may_edit_submission(request.user, the_unit):
        return policy.forbidden(request, f"Only {the_unit.name}'s lead and contributors can edit its update.")
    current = Submission.objects.filter(period=the_period, org_unit=the_unit).first()
    if request.method == "GET" and current is not None and not current.editable:
        return redirect("cycles:submission", plan.code, the_period.slug, the_unit.code)
    scope = services.unit_scope(plan, the_unit)
    form = UpdateForm(scope, current, request.POST if request.method == "POST" else None)
    problem, conflict, status = "", False, 200
    if request.method == "POST":
        saved = _save(request, the_period, the_unit, form)
        if isinstance(saved, HttpResponse):
            return saved
        problem, conflict, status = saved
    return render_form(
        request,
        "cycles/submission_edit.html",
        form,
        problem,
        status,
        period=the_period,
        unit=the_unit,
        submission=current,
        conflict=conflict,
        can_submit=rules.may_submit(request.user, the_unit),
        view_href=presenters.submission_href(the_period, the_unit),
        open=the_period.is_open(today()),
        beside=presenters.beside_update(the_period, the_unit, scope),
    )


def _save(
    request: HttpRequest, period: ReportingPeriod, unit: pm.OrgUnit, form: UpdateForm
) -> HttpResponse | tuple[str, bool, int]:
    """Save the update (and submit it, when asked): where to go next, or the problem to show, whether
    it is a conflict, and the page's status."""
    submit = request.POST.get("action") == "submit"
    data = form.clean()
    if not period.is_open(today()):
        return (
            f"Updates for {period.label} open on {long_date(period.opens_on)}; your text is kept below — save it then.",
            False,
            409,
        )
    if data is None:
        return "", False, 200
    try:
        saved = services.save_update(period, unit, data, based_on=form.version, user=request.user, submit=submit)
    except services.Conflict as exc:
        if isinstance(exc.current, Submission):
            form.show_stored(exc.current)
        else:
            form.version = 0
        return str(exc), True, 409
    except services.Incomplete as exc:
        form.apply_problems(exc.problems)
        return "Nothing has been saved. You can save the update as a draft while you finish it.", False, 400
    except services.CycleError as exc:
        return str(exc) + " Your text is kept below so you can copy it.", False, 409
    args = (period.plan.code, period.slug, unit.code)
    if submit:
        messages.success(request, f"The {unit.name} update for {period.label} is submitted to the planning team.")
        return redirect("cycles:submission", *args)
    messages.success(request, f"Your draft is saved (version {saved.version}).")
    return redirect("cycles:submission_edit", *args)
