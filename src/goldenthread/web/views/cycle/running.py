"""Running a plan's cycle: its reporting periods and their dates, the metrics collected by return,
reminders, publishing, and what is overdue."""

from __future__ import annotations

from django.contrib import messages
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.access import policy, rules
from goldenthread.cycles import services
from goldenthread.cycles.forms import PeriodForm
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.cycles.services.publishing import publishing_warning
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm
from goldenthread.presenters import cycle as presenters
from goldenthread.presenters.tables import cycle_tables
from goldenthread.web.downloads import asked_format, download
from goldenthread.web.views.cycle.lookup import period_or_404, plan_or_404, render_form, today


@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    fmt, groups = asked_format(request), presenters.overdue_page(request.user, today())
    if fmt:  # every overdue update this person may see, as the page lists them
        return download(cycle_tables.overdue(groups, f"overdue-{today().isoformat()}"), fmt)
    return render(request, "cycles/overdue.html", {"groups": groups, "today": long_date(today())})


@require_http_methods(["GET", "POST"])
def plan_cycle(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_or_404(request)
    problem = ""
    if request.method == "POST":
        if not rules.may_run_cycle(request.user, plan):
            return policy.forbidden(request, "Only this plan's planning team can change its cycle.")
        try:
            if _change_cycle(request, plan):
                return redirect("cycles:plan_cycle", plan.code)
            problem = "Choose what to do: create the reporting periods, or save the metrics collected by return."
        except services.CycleError as exc:
            problem = str(exc)
    page = presenters.plan_cycle(plan, request.user, today())
    return render(request, "cycles/plan_cycle.html", {"page": page, "problem": problem}, status=400 if problem else 200)


def _change_cycle(request: HttpRequest, plan: pm.Plan) -> bool:
    """Create the reporting periods, or choose the metrics collected by return, as the form asks;
    False when it asks neither."""
    action = request.POST.get("action")
    if action == "generate":
        created = services.generate_periods(plan, request.POST.get("frequency", "quarterly"), user=request.user)
        messages.success(
            request,
            f"Created {len(created)} reporting period(s)."
            if created
            else "Every reporting period already exists; nothing was created.",
        )
        return True
    if action == "return_metrics":
        try:
            chosen = {int(x) for x in request.POST.getlist("metric")}
        except ValueError:
            raise services.CycleError(
                "The list of metrics was not understood; reload the page and choose again."
            ) from None
        services.set_return_metrics(plan, chosen, user=request.user)
        messages.success(request, f"{len(chosen)} metric(s) are now collected by return.")
        return True
    return False


@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_or_404(request)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can publish it.")
    slug = request.POST.get("period", "")
    if slug and not slug_re.fullmatch(slug):  # never a NUL or other text a database refuses
        raise Http404(f"{plan.code} has no reporting period like that")
    period = ReportingPeriod.objects.filter(plan=plan, slug=slug).first() if slug else None
    if slug and (period is None or period.slug != slug):
        raise Http404(f"{plan.code} has no reporting period '{slug}'")
    what = period.label if period else "The plan"
    if request.POST.get("action") == "withdraw":
        services.withdraw(plan, period, user=request.user)
        messages.success(request, f"{what} is no longer on the public pages.")
    else:
        if (confirming := _confirm_publishing(request, period)) is not None:
            return confirming
        services.publish(plan, period, user=request.user)
        if period is not None and not rules.is_published(plan):
            messages.success(
                request,
                f"{period.label} is published; it will show on the public pages once the plan is published too.",
            )
        else:
            messages.success(request, f"{what} is published on the public pages.")
    if period is not None:
        return redirect("cycles:period", plan.code, period.slug)
    return redirect("cycles:plan_cycle", plan.code)


def _confirm_publishing(request: HttpRequest, period: ReportingPeriod | None) -> HttpResponse | None:
    """The warning to confirm before publishing a period none of whose updates is approved; None
    when there is none, or the person has confirmed it."""
    warning = publishing_warning(period) if period is not None else ""
    if not warning or request.POST.get("confirm") == "yes":
        return None
    return render(request, "cycles/publish_confirm.html", {"period": period, "warning": warning})


@require_GET
def period(request: HttpRequest, code: str, period: str) -> HttpResponse:
    page = presenters.period_page(period_or_404(request), request.user, today())
    if fmt := asked_format(request):
        return download(cycle_tables.cycle_status(page), fmt)
    return render(request, "cycles/period.html", {"page": page})


@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan, the_period = plan_or_404(request), period_or_404(request)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can change its reporting periods.")
    form = PeriodForm(the_period, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        days = form.clean()
        if days is not None:
            services.update_period_dates(the_period, *days, user=request.user)
            messages.success(request, f"The dates for {the_period.label} are saved.")
            return redirect("cycles:period", plan.code, the_period.slug)
    return render_form(request, "cycles/period_edit.html", form, "", 200, period=the_period)


@require_POST
def remind(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan, the_period = plan_or_404(request), period_or_404(request)
    if not rules.may_run_cycle(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team can send reminders.")
    results = services.send_reminders(
        the_period, today=today(), user=request.user, site=request.build_absolute_uri("/")
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
