"""The "Upload data" page: the same loader as ``goldenthread data load``, for staff.

Loading data changes what every board paper and dashboard says, so only staff users may do it;
the page's rule is declared to the access middleware and checked again here. The upload is
all or nothing: any problem and the page lists every one with its row and column, and nothing
is written.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils.timezone import localtime
from django.views.decorators.csrf import csrf_protect

from goldenthread.plans.models import Plan

from .forms import UploadForm
from .loading import LoadReport, load_table, read_table
from .models import LoadBatch

try:  # the project-wide access rules (deny-by-default middleware)
    from goldenthread import access
except ImportError:  # pragma: no cover - before the roles work is installed
    access = None

PURPOSE = "load performance data"


def may_load_data(user) -> bool:
    """Staff users (the planning and performance team's analysts) load data; nobody else."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _rule(view):
    if access is None:
        return view
    check = lambda user, kwargs: may_load_data(user)  # noqa: E731
    return access.rule(access.Rule(read=check, write=check, purpose=PURPOSE))(view)


def _refuse(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if access is not None:
        return access.forbidden(request, f"You do not have permission to {PURPOSE}: only staff users may.")
    return HttpResponseForbidden(f"You do not have permission to {PURPOSE}.")


@_rule
@csrf_protect
def upload(request: HttpRequest) -> HttpResponse:
    if not may_load_data(request.user):
        return _refuse(request)
    plans = list(Plan.objects.order_by("code"))
    report: LoadReport | None = None
    status = 200
    if request.method == "POST":
        form = UploadForm.from_post(request.POST, request.FILES, plans)
        if form.is_valid():
            upload = form.file
            table = read_table(upload, name=upload.name)
            report = load_table(table, form.chosen_plan, metric=form.metric or None, mapping=form.mapping,
                                add_units=form.add_units or None, source=form.source, user=request.user)
            if not report.ok:
                status = 400
        else:
            status = 400
    else:
        form = UploadForm(plans=plans, plan=request.GET.get("plan", ""))
    batches = LoadBatch.objects.select_related("plan", "loaded_by").order_by("-loaded_at")[:10]
    return render(request, "performance/upload.html",
                  {"form": form, "report": report, "batches": batches, "localtime": localtime}, status=status)
