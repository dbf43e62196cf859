"""Everyone's own work: "My work" (where people land after signing in), the "Quarterly cycle" page
(each plan's current period) and an action's page, with
its progress notes and the form to add one, change its status or close it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from goldenthread.access import policy, rules
from goldenthread.cycles import services
from goldenthread.cycles.forms import ActionNoteForm
from goldenthread.presenters import cycle as presenters
from goldenthread.presenters import params
from goldenthread.presenters.governance_work import my_meetings
from goldenthread.presenters.plan_change_work import my_plan_changes
from goldenthread.presenters.tables import work_tables
from goldenthread.web.downloads import asked_format, download
from goldenthread.web.views.cycle.lookup import action_or_404, attempt, render_form, today


@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    fmt, which = asked_format(request), params.of(request).choice("table", work_tables.MY_WORK_TABLES, what="table")
    page, meetings = presenters.my_work(request.user, today()), my_meetings(request.user, today())
    if fmt:  # one of the page's tables (its updates, unless it names another): the person's own work
        return download(work_tables.my_work(page, meetings, which, today()), fmt)
    context = {"page": page, "plan_changes": my_plan_changes(request.user), "meetings": meetings}
    return render(request, "cycles/my_work.html", context)


@require_GET
def cycles(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/cycles.html", {"periods": presenters.cycles_page(request.user, today())})


@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, pk: int) -> HttpResponse:
    found = action_or_404(request, pk)
    if not rules.may_view_action(request.user, found):
        return policy.forbidden(request, "You do not have permission to see this action.")
    form, problem = ActionNoteForm(found), None
    if request.method == "POST":
        if not rules.may_update_action(request.user, found):
            return policy.forbidden(
                request, "Only the action's owner, its unit's lead and the planning team can update it."
            )
        form = ActionNoteForm(found, request.POST)
        cleaned = form.clean()
        if cleaned is not None:
            problem = attempt(form, lambda: services.add_note(found, *cleaned, user=request.user))
            if problem is None:
                messages.success(request, "Your note is added." if found.is_open else "The action is closed.")
                return redirect("cycles:action", found.pk)
    page = presenters.action_page(found, request.user, today())
    return render_form(request, "cycles/action.html", form, problem or "", 409 if problem else 200, page=page)
