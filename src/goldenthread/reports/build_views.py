"""The board pack PDF built in the background: ask for it, watch it, download it.

``POST /plans/<code>/reports/builds/`` (``period=2016/17 Q4``) asks the task queue for the pack
(:func:`goldenthread.reports.jobs.request_build`, which joins a build of the same pack already
under way) and leads to ``/plans/<code>/reports/builds/<pk>/``, which shows the steps done and
what it is doing, refreshing itself (``<meta http-equiv="refresh">``: no script) until the pack
is ready to download from ``…/<pk>/download`` or has failed, saying why. Who may do any of this
is who may download the board pack directly: the page rules (``report-build*`` in
:data:`goldenthread.access.policy.PAGES`), checked again here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from goldenthread.access import policy
from goldenthread.access.decorators import plan_view
from goldenthread.access.rules import may_view_all_updates
from goldenthread.formatting import date_time
from goldenthread.plans.models import Plan
from goldenthread.reports import jobs
from goldenthread.reports.documents import MEDIA_TYPES
from goldenthread.reports.models import PackBuild
from goldenthread.reports.views import asked_period

#: seconds between the progress page's refreshes while the pack is being built
REFRESH_SECONDS = 2
REFUSED = "build or download the board pack (it quotes every unit's updates)"


@dataclass
class BuildPage:
    """What the progress page shows of a build."""

    build: PackBuild
    title: str
    state: str  # queued, building, ready or failed (a stalled build is failed)
    requested: str
    finished: str
    refresh: int | None
    size: str


def build_page(build: PackBuild) -> BuildPage:
    state = PackBuild.FAILED if build.stalled() else build.state
    if state == PackBuild.FAILED and not build.error:
        build.error = "It stopped part-way, without finishing (its worker was stopped or restarted)."
    size = ""
    if state == PackBuild.READY and build.file:
        try:
            size = f"{max(build.file.size // 1024, 1):,} KB"
        except OSError:
            size = ""
    who = build.requested_by.get_username() if build.requested_by else "someone no longer here"
    return BuildPage(
        build=build,
        title=f"{build.get_kind_display()} for {build.period} ({build.get_format_display()})",
        state=state,
        requested=f"{date_time(build.requested_at)} by {who}",
        finished=date_time(build.finished_at),
        refresh=REFRESH_SECONDS if state in PackBuild.RUNNING else None,
        size=size,
    )


def _refused(request: HttpRequest) -> HttpResponse | None:
    if may_view_all_updates(request.user):
        return None
    return policy.forbidden(request, f"You do not have permission to {REFUSED}.")


def _build_of(plan: Plan, pk: int) -> PackBuild:
    build = PackBuild.objects.select_related("plan", "requested_by").filter(plan=plan, pk=pk).first()
    if build is None:
        raise Http404(f"{plan.code} has no pack build number {pk}")
    return build


@plan_view
def start(request: HttpRequest, plan: Plan, as_at) -> HttpResponse:
    """Ask for the board pack PDF for ``period`` (else the page's "as at" period)."""
    if request.method != "POST":
        return HttpResponse("Ask for a pack with the button on the scorecard page.", status=405)
    if refused := _refused(request):
        return refused
    period = asked_period(request.POST.get("period", ""), as_at, where="sent by the form")
    build = jobs.request_build(plan, period, request.user)
    return redirect("report-build", plan.code, build.pk)


@plan_view
def progress(request: HttpRequest, plan: Plan, as_at, pk: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    page = build_page(_build_of(plan, pk))
    return render(request, "reports/pack_build.html", {"plan": plan, "page": page, "now": timezone.now()})


@plan_view
def download(request: HttpRequest, plan: Plan, as_at, pk: int) -> HttpResponse:
    if refused := _refused(request):
        return refused
    build = _build_of(plan, pk)
    if build.state != PackBuild.READY:
        raise Http404(f"Pack build {pk} of {plan.code} is not ready; see its progress page")
    if not build.file:
        raise Http404(f"A newer build of this pack replaced the file of pack build {pk}; build the pack again")
    try:
        with build.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise Http404(f"The file of pack build {pk} is no longer kept; build the pack again") from None
    response = HttpResponse(data, content_type=MEDIA_TYPES[build.format])
    response["Content-Disposition"] = f'attachment; filename="{build.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
