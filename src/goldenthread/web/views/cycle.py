"""The cycle's pages. Access to every page is enforced by :class:`goldenthread.access.middleware.AccessMiddleware`
(rules in :data:`goldenthread.access.rules.PAGES`); views check object-level permissions again before
acting, and every write goes through :mod:`.services` in one transaction."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.access import policy, rules
from goldenthread.audit import history as history_module
from goldenthread.cycles import services
from goldenthread.cycles.forms import CloseActionForm, DecisionForm, PeriodForm, ReviewForm, UpdateForm
from goldenthread.cycles.models import AccountabilityReview, Action, ReportingPeriod, Submission
from goldenthread.plans import models as pm
from goldenthread.presenters import cycle as presenters


def _plan(code: str) -> pm.Plan:
    return get_object_or_404(pm.Plan.objects.select_related("organisation"), code=code)


def _period(plan: pm.Plan, slug: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(plan=plan, slug=slug).select_related("plan").first()
    if period is None:
        raise Http404(f"{plan.code} has no reporting period '{slug}'")
    return period


def _unit(plan: pm.Plan, code: str) -> pm.OrgUnit:
    unit = pm.OrgUnit.objects.filter(plan=plan, code=code).first()
    if unit is None:
        raise Http404(f"{plan.code} has no org unit '{code}'")
    return unit


def _today():
    return timezone.localdate()


# --- my updates, actions, overdue -----------------------------------------------------------------


@require_GET
def my_updates(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/my_updates.html", {"page": presenters.my_updates(request.user, _today())})


@require_GET
def actions(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/actions.html", {"page": presenters.actions_page(request.user, _today())})


@require_http_methods(["GET", "POST"])
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("review__period__plan", "review__org_unit"), pk=pk)
    if not rules.may_close_action(request.user, action):
        return policy.forbidden(request, "You do not have permission to close this action.")
    row = presenters.action_row(action, request.user, _today())
    form = CloseActionForm(request.POST if request.method == "POST" else None)
    problem = ""
    if request.method == "POST":
        note = form.clean()
        if note is not None:
            try:
                services.close_action(action, note, user=request.user)
            except services.Incomplete as exc:
                for name, message in exc.problems:
                    form.error(name, message)
            except services.CycleError as exc:
                problem = str(exc)
            else:
                messages.success(request, "The action is closed.")
                return redirect(row.review_href)
    return render(
        request,
        "cycles/action_close.html",
        {"row": row, "form": form, "problem": problem},
        status=400 if form.errors or problem else 200,
    )


@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cycles/overdue.html",
        {"groups": presenters.overdue_page(request.user, _today()), "today": presenters.long_date(_today())},
    )


# --- a plan's cycle and its periods ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_cycle(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    problem = ""
    if request.method == "POST":
        if not rules.may_run_cycle(request.user, plan):
            return policy.forbidden(request, "Only this plan's planning team can change its cycle.")
        try:
            if request.POST.get("action") == "generate":
                created = services.generate_periods(plan, request.POST.get("frequency", "quarterly"), user=request.user)
                messages.success(
                    request,
                    f"Created {len(created)} reporting period(s)."
                    if created
                    else "Every reporting period already exists; nothing was created.",
                )
                return redirect("cycles:plan_cycle", plan.code)
            if request.POST.get("action") == "return_metrics":
                try:
                    chosen = {int(x) for x in request.POST.getlist("metric")}
                except ValueError:
                    raise services.CycleError(
                        "The list of metrics was not understood; reload the page and choose again."
                    ) from None
                services.set_return_metrics(plan, chosen, user=request.user)
                messages.success(request, f"{len(chosen)} metric(s) are now collected by return.")
                return redirect("cycles:plan_cycle", plan.code)
            problem = "Choose what to do: create the reporting periods, or save the metrics collected by return."
        except services.CycleError as exc:
            problem = str(exc)
    page = presenters.plan_cycle(plan, request.user, _today())
    return render(request, "cycles/plan_cycle.html", {"page": page, "problem": problem}, status=400 if problem else 200)


@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can publish it.")
    slug = request.POST.get("period", "")
    period = _period(plan, slug) if slug else None
    if request.POST.get("action") == "withdraw":
        services.withdraw(plan, period, user=request.user)
        messages.success(request, f"{period.label if period else 'The plan'} is no longer on the public pages.")
    else:
        services.publish(plan, period, user=request.user)
        if period is not None and not rules.is_published(plan):
            messages.success(
                request,
                f"{period.label} is published; it will show on the public pages once the plan is published too.",
            )
        else:
            messages.success(request, f"{period.label if period else 'The plan'} is published on the public pages.")
    if period is not None:
        return redirect("cycles:period", plan.code, period.slug)
    return redirect("cycles:plan_cycle", plan.code)


@require_GET
def period(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan = _plan(code)
    page = presenters.period_page(_period(plan, period), request.user, _today())
    return render(request, "cycles/period.html", {"page": page})


@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan = _plan(code)
    the_period = _period(plan, period)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can change its reporting periods.")
    form = PeriodForm(the_period, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        days = form.clean()
        if days is not None:
            services.update_period_dates(the_period, *days, user=request.user)
            messages.success(request, f"The dates for {the_period.label} are saved.")
            return redirect("cycles:period", plan.code, the_period.slug)
    return render(
        request, "cycles/period_edit.html", {"period": the_period, "form": form}, status=400 if form.errors else 200
    )


@require_POST
def remind(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan = _plan(code)
    the_period = _period(plan, period)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can send reminders.")
    results = services.send_reminders(
        the_period, today=_today(), user=request.user, site=request.build_absolute_uri("/")
    )
    sent = [r for r in results if r.sent]
    unsent = [r for r in results if not r.sent]
    if sent:
        messages.success(
            request,
            f"Sent {len(sent)} reminder(s) for {the_period.label}: "
            + "; ".join(f"{r.recipient} ({r.unit.name})" for r in sent)
            + ".",
        )
    if unsent:
        messages.warning(
            request, "Not sent: " + "; ".join(f"{r.recipient or r.unit.name}: {r.note}" for r in unsent) + "."
        )
    if not results:
        messages.success(
            request, f"Every update for {the_period.label} is with the planning team; nobody needed reminding."
        )
    if request.POST.get("back") == "overdue":
        return redirect("cycles:overdue")
    return redirect("cycles:period", plan.code, the_period.slug)


# --- one unit's update ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan = _plan(code)
    the_period, the_unit = _period(plan, period), _unit(plan, unit)
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
            problem = "This update is not waiting for a decision: it has not been submitted, or someone has already decided it."
            status = 409
        else:
            form = DecisionForm(page.submission, request.POST)
            cleaned = form.clean()
            if cleaned is not None:
                decision, comments = cleaned
                try:
                    services.decide(
                        page.submission, decision, comments=comments, based_on=form.version, user=request.user
                    )
                except services.Conflict as exc:
                    problem, status = str(exc), 409
                except services.Incomplete as exc:
                    for name, message in exc.problems:
                        form.error(name, message)
                except services.CycleError as exc:
                    problem, status = str(exc), 409
                else:
                    done = (
                        "approved" if decision == "approve" else "returned to " + the_unit.name + " with your comments"
                    )
                    messages.success(request, f"The {the_unit.name} update for {the_period.label} is {done}.")
                    return redirect("cycles:submission", plan.code, the_period.slug, the_unit.code)
            if form.errors and status == 200:
                status = 400
        page = presenters.submission_page(the_period, the_unit, request.user)
    return render(request, "cycles/submission.html", {"page": page, "form": form, "problem": problem}, status=status)


@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan = _plan(code)
    the_period, the_unit = _period(plan, period), _unit(plan, unit)
    if not rules.may_edit_submission(request.user, the_unit):
        return policy.forbidden(request, f"Only {the_unit.name}'s lead and contributors can edit its update.")
    scope = services.unit_scope(plan, the_unit)
    current = Submission.objects.filter(period=the_period, org_unit=the_unit).first()
    today = _today()
    if request.method == "GET" and current is not None and not current.editable:
        return redirect("cycles:submission", plan.code, the_period.slug, the_unit.code)
    form = UpdateForm(scope, current, request.POST if request.method == "POST" else None)
    problem, conflict, status = "", False, 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        data = form.clean()
        if not the_period.is_open(today):
            problem, status = (
                f"Updates for {the_period.label} open on {presenters.long_date(the_period.opens_on)}; "
                "your text is kept below — save it then.",
                409,
            )
        elif data is not None:
            try:
                saved = services.save_update(
                    the_period, the_unit, data, based_on=form.version, user=request.user, submit=submit
                )
            except services.Conflict as exc:
                problem, conflict, status = str(exc), True, 409
                if exc.current is not None:
                    form.show_stored(exc.current)
                else:
                    form.version = 0
            except services.Incomplete as exc:
                form.apply_problems(exc.problems)
                problem, status = "Nothing has been saved. You can save the update as a draft while you finish it.", 400
            except services.CycleError as exc:
                problem, status = str(exc) + " Your text is kept below so you can copy it.", 409
            else:
                if submit:
                    messages.success(
                        request, f"The {the_unit.name} update for {the_period.label} is submitted to the planning team."
                    )
                    return redirect("cycles:submission", plan.code, the_period.slug, the_unit.code)
                messages.success(request, f"Your draft is saved (version {saved.version}).")
                return redirect("cycles:submission_edit", plan.code, the_period.slug, the_unit.code)
        if form.errors and status == 200:
            status = 400
    return render(
        request,
        "cycles/submission_edit.html",
        {
            "period": the_period,
            "unit": the_unit,
            "form": form,
            "submission": current,
            "problem": problem,
            "conflict": conflict,
            "can_submit": rules.may_submit(request.user, the_unit),
            "view_href": presenters.submission_href(the_period, the_unit),
            "open": the_period.is_open(today),
        },
        status=status,
    )


# --- accountability reviews -----------------------------------------------------------------------


@require_GET
def review(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan = _plan(code)
    the_period, the_unit = _period(plan, period), _unit(plan, unit)
    if not rules.may_view_unit_updates(request.user, the_unit):
        return policy.forbidden(request, f"You do not have permission to see {the_unit.name}'s reviews.")
    return render(
        request, "cycles/review.html", {"page": presenters.review_page(the_period, the_unit, request.user, _today())}
    )


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, code: str, period: str, unit: str) -> HttpResponse:
    plan = _plan(code)
    the_period, the_unit = _period(plan, period), _unit(plan, unit)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can record accountability reviews.")
    current = AccountabilityReview.objects.filter(period=the_period, org_unit=the_unit).first()
    form = ReviewForm(current, request.POST if request.method == "POST" else None)
    problem, status = "", 200
    if request.method == "POST":
        data = form.clean()
        if data is not None:
            try:
                services.save_review(the_period, the_unit, data, based_on=form.version, user=request.user)
            except services.Conflict as exc:
                problem, status = str(exc), 409
                if exc.current is not None:
                    form.show_stored(exc.current)
            except services.CycleError as exc:
                problem, status = str(exc), 409
            else:
                messages.success(
                    request, f"The accountability review of {the_unit.name} for {the_period.label} is saved."
                )
                return redirect("cycles:review", plan.code, the_period.slug, the_unit.code)
        if form.errors and status == 200:
            status = 400
    return render(
        request,
        "cycles/review_edit.html",
        {
            "period": the_period,
            "unit": the_unit,
            "form": form,
            "review": current,
            "problem": problem,
            "view_href": presenters.review_href(the_period, the_unit),
        },
        status=status,
    )


# --- history --------------------------------------------------------------------------------------


@require_GET
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    page = history_module.history_page(kind, pk)
    if page is None:
        raise Http404(f"No history for {kind} {pk}")
    if not history_module.may_view_history(request.user, kind, pk):
        return policy.forbidden(request, "You do not have permission to see this history.")
    return render(request, "cycles/history.html", {"page": page})


# --- public pages ---------------------------------------------------------------------------------


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/public_home.html", {"plans": rules.published_plans().order_by("code")})


@require_GET
def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    plan = rules.published_plans().filter(code=code).first()
    if plan is None:
        raise Http404(f"No published plan with code {code}")
    return render(request, "cycles/public_plan.html", {"page": presenters.public_plan(plan)})


@require_GET
def public_period(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan = rules.published_plans().filter(code=code).first()
    the_period = ReportingPeriod.objects.filter(plan=plan, slug=period).select_related("plan").first() if plan else None
    if the_period is None or not rules.is_period_published(the_period):
        raise Http404(f"No published period {period} of {code}")
    return render(request, "cycles/public_period.html", {"page": presenters.public_period(the_period)})
