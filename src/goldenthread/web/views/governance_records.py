"""Recording a governance body's meeting: a decision or an action on an agenda item, the minutes
(drafted, approved) and publishing approved minutes of a meeting held in public.

Who may (:mod:`goldenthread.access.rules`): the plan's planning team and administrators, and the
body's chair and members through owners of the plan linked to their accounts, record decisions,
actions and draft minutes (:func:`~goldenthread.access.rules.may_record_meeting`); the planning
team and the chair approve minutes and publish them
(:func:`~goldenthread.access.rules.may_approve_minutes`). The page rule lets any signed-in reader
of the plan reach these addresses; each view checks the person against the meeting before it
shows a form or writes anything.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.access import policy, rules
from goldenthread.access.policy import PLAN_READER, Rule
from goldenthread.cycles import services
from goldenthread.cycles.forms.meeting import ItemActionForm, ItemDecisionForm, MinutesForm
from goldenthread.cycles.models import ItemDecision, Minutes
from goldenthread.cycles.services import meetings as meeting_services
from goldenthread.plans import models as pm
from goldenthread.presenters.governance_links import item_anchor, meeting_href, meeting_name
from goldenthread.web.views.cycle.lookup import attempt, plan_or_404, render_form
from goldenthread.web.views.governance import find_meeting

#: reaching a form's address: a signed-in reader of the plan; the view then checks the meeting's rule
RECORDS = Rule(read=PLAN_READER.read, write=PLAN_READER.read, purpose="record this meeting")
#: publishing minutes, or taking back a decision, is a form's action only (no page to read)
PUBLISHES = Rule(read=policy.nobody, write=PLAN_READER.read, purpose="change this meeting's records")
NOT_YOURS = (
    "Only the plan's planning team and the chair and members of {body} (through a role of the plan linked "
    "to their account) can record its meetings."
)
NOT_CHAIR = "Only the plan's planning team and the chair of {body} can approve and publish its minutes."


def _records(view, page_rule: Rule = RECORDS):
    """A form of a meeting: signed in, the page rule :data:`RECORDS`."""
    return policy.rule(page_rule)(login_required(view))


def _meeting(request: HttpRequest, code: str) -> tuple[pm.Plan, pm.Meeting]:
    plan = plan_or_404(request)
    return plan, find_meeting(plan, code)


def _item(meeting: pm.Meeting, pk: int) -> pm.AgendaItem:
    found = meeting.items.filter(pk=pk).first()
    if found is None:
        raise Http404(f"The meeting {meeting.code} has no agenda item number {pk} in its addresses")
    return found


def _item_form_page(request: HttpRequest, plan, the_meeting, item, form, problem: str, what: str) -> HttpResponse:
    back = meeting_href(plan, the_meeting)
    return render_form(
        request,
        "governance/item_form.html",
        form,
        problem,
        409 if problem else 200,
        plan=plan,
        meeting=the_meeting,
        meeting_name=meeting_name(the_meeting),
        item=item,
        what=what,
        back_href=back,
    )


def _record_on_item(request: HttpRequest, meeting: str, item: int, what: str, make_form, write) -> HttpResponse:
    """A form that records something on an agenda item (``what``: "decision" or "action"):
    ``make_form(plan, meeting, post)`` builds it, ``write(item, data)`` saves what it cleaned."""
    plan, the_meeting = _meeting(request, meeting)
    the_item = _item(the_meeting, item)
    if not rules.may_record_meeting(request.user, the_meeting):
        return policy.forbidden(request, NOT_YOURS.format(body=the_meeting.body.name))
    form = make_form(plan, the_meeting, request.POST if request.method == "POST" else None)
    problem: str | None = ""
    data = form.clean() if request.method == "POST" else None
    if data is not None:
        problem = attempt(form, lambda: write(the_item, data))
        if problem is None:
            messages.success(request, f"The {what} on item {the_item.number} is recorded.")
            return redirect(meeting_href(plan, the_meeting) + "#" + item_anchor(the_item))
    return _item_form_page(request, plan, the_meeting, the_item, form, problem or "", what)


def _people(plan: pm.Plan, the_meeting: pm.Meeting) -> list:
    """Who an action may be given to: the plan's people, and the accounts linked to the body's
    chair and members."""
    people = {p.pk: p for p in services.plan_people(plan)}
    body = the_meeting.body
    owners = list(body.members.select_related("user")) + ([body.chair] if body.chair is not None else [])
    for owner in owners:
        if owner.user is not None and owner.user.is_active:
            people.setdefault(owner.user.pk, owner.user)
    return sorted(people.values(), key=lambda u: (services.display_name(u).lower(), u.pk))


def _decision_form(plan: pm.Plan, the_meeting: pm.Meeting, post) -> ItemDecisionForm:
    return ItemDecisionForm(post)


def _action_form(plan: pm.Plan, the_meeting: pm.Meeting, post) -> ItemActionForm:
    return ItemActionForm(post, _people(plan, the_meeting))


@_records
@require_http_methods(["GET", "POST"])
def item_record(request: HttpRequest, code: str, meeting: str, item: int, what: str) -> HttpResponse:
    """Record a decision or an action on an agenda item (``what``, from the address's pattern)."""
    if what == "decision":
        return _record_on_item(
            request,
            meeting,
            item,
            what,
            _decision_form,
            lambda the_item, text: meeting_services.record_decision(the_item, text, user=request.user),
        )
    return _record_on_item(
        request,
        meeting,
        item,
        "action",
        _action_form,
        lambda the_item, data: meeting_services.record_action(the_item, data, user=request.user),
    )


@partial(_records, page_rule=PUBLISHES)
@require_POST
def take_back(request: HttpRequest, code: str, meeting: str, decision: int) -> HttpResponse:
    """Take back a decision recorded by mistake (whoever may record the meeting)."""
    plan, the_meeting = _meeting(request, meeting)
    if not rules.may_record_meeting(request.user, the_meeting):
        return policy.forbidden(request, NOT_YOURS.format(body=the_meeting.body.name))
    found = ItemDecision.objects.filter(pk=decision, item__meeting=the_meeting).select_related("item").first()
    if found is None:
        raise Http404(f"The meeting {the_meeting.code} has no decision number {decision}")
    meeting_services.take_back_decision(found, user=request.user)
    messages.success(request, f"The decision on item {found.item.number} is taken back.")
    return redirect(meeting_href(plan, the_meeting) + "#" + item_anchor(found.item))


@_records
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, code: str, meeting: str) -> HttpResponse:
    plan, the_meeting = _meeting(request, meeting)
    if not rules.may_record_meeting(request.user, the_meeting):
        return policy.forbidden(request, NOT_YOURS.format(body=the_meeting.body.name))
    current = Minutes.objects.filter(meeting=the_meeting).first()
    form = MinutesForm(current, request.POST if request.method == "POST" else None)
    if form.approve and not rules.may_approve_minutes(request.user, the_meeting):
        return policy.forbidden(request, NOT_CHAIR.format(body=the_meeting.body.name))
    problem, status = "", 200
    text = form.clean() if request.method == "POST" else None
    if text is not None:
        try:
            meeting_services.save_minutes(
                the_meeting, text, based_on=form.version, user=request.user, approve=form.approve
            )
        except services.CycleError as exc:
            problem, status = str(exc), 409
            if isinstance(exc, services.Conflict) and isinstance(exc.current, Minutes):
                form.show_stored(exc.current)
        else:
            messages.success(request, "The minutes are approved." if form.approve else "The draft minutes are saved.")
            return redirect(meeting_href(plan, the_meeting) + "#minutes")
    return render_form(
        request,
        "governance/minutes_form.html",
        form,
        problem,
        status,
        plan=plan,
        meeting=the_meeting,
        meeting_name=meeting_name(the_meeting),
        minutes=current,
        may_approve=rules.may_approve_minutes(request.user, the_meeting),
        back_href=meeting_href(plan, the_meeting),
    )


@partial(_records, page_rule=PUBLISHES)
@require_POST
def publish(request: HttpRequest, code: str, meeting: str) -> HttpResponse:
    plan, the_meeting = _meeting(request, meeting)
    if not rules.may_approve_minutes(request.user, the_meeting):
        return policy.forbidden(request, NOT_CHAIR.format(body=the_meeting.body.name))
    showing = request.POST.get("publish", "yes") != "no"
    try:
        meeting_services.publish_minutes(the_meeting, user=request.user, publish=showing)
    except services.CycleError as exc:
        messages.error(request, str(exc))
    else:
        done = "published on the plan's public page" if showing else "taken off the plan's public page"
        messages.success(request, f"The minutes are {done}.")
    return redirect(meeting_href(plan, the_meeting) + "#minutes")
