"""What someone may do with a plan, a unit, an update or an action: the ``may_*`` checks that
views, services and presenters ask (see :mod:`goldenthread.access.roles` for the roles)."""

from __future__ import annotations

from django.db.models import QuerySet

from goldenthread.access.roles import CONTRIBUTOR, LEAD, PLANNING_TEAM, person, signed_in
from goldenthread.plans import models as pm


def is_published(plan: pm.Plan) -> bool:
    """Published on the public pages and not withdrawn (the cycle's ``Publication`` rows)."""
    return published_plans().filter(pk=plan.pk).exists()


def is_period_published(period) -> bool:
    """A reporting period is public when it and its plan are published."""
    return is_published(period.plan) and period.publications.filter(withdrawn_at=None).exists()


def viewable_plans(user) -> QuerySet[pm.Plan]:
    """The plans ``user`` may read on the signed-in pages; the public pages use :func:`published_plans`."""
    if signed_in(user):
        return pm.Plan.objects.all()
    return published_plans()


def published_plans() -> QuerySet[pm.Plan]:
    """Plans with a live (not withdrawn) publication of the plan itself."""
    live = {
        "publications__isnull": False,
        "publications__period__isnull": True,
        "publications__withdrawn_at__isnull": True,
    }
    return pm.Plan.objects.filter(**live).distinct()


def may_view_plan(user, plan: pm.Plan) -> bool:
    return signed_in(user) or is_published(plan)


def may_edit_plan(user, plan: pm.Plan) -> bool:
    """Change a plan's elements and run its cycle: its planning team and administrators."""
    p = person(user)
    return p.is_admin or (PLANNING_TEAM in p.roles and plan.pk in p.planning_plan_ids)


may_run_cycle = may_edit_plan


def may_approve_change(user, plan: pm.Plan) -> bool:
    """Approve or reject changes to a plan after its baseline: the plan's owner and
    administrators (never one of the change's own editors: :func:`goldenthread.plans.changes.approve`)."""
    p = person(user)
    return p.is_admin or (p.signed_in and plan.owner_account_id is not None and plan.owner_account_id == user.pk)


def may_create_plan(user) -> bool:
    """Create a new plan in the browser: administrators and members of any plan's planning team
    (the creator joins the new plan's planning team)."""
    p = person(user)
    return p.is_admin or PLANNING_TEAM in p.roles


def may_load_data(user, plan: pm.Plan) -> bool:
    """Load performance data into a plan (it changes what every board paper and dashboard of the
    plan says): the plan's planning team and administrators — not a flag on the account."""
    return may_edit_plan(user, plan)


def loadable_plans(user) -> QuerySet[pm.Plan]:
    """The plans ``user`` may load data into (:func:`may_load_data`), by code."""
    p = person(user)
    if p.is_admin:
        return pm.Plan.objects.order_by("code")
    if PLANNING_TEAM in p.roles:
        return pm.Plan.objects.filter(pk__in=p.planning_plan_ids).order_by("code")
    return pm.Plan.objects.none()


def may_load_some_data(user) -> bool:
    """Whether :func:`loadable_plans` has any plan, from the person's roles alone (no query for
    plans: the navigation asks on every page)."""
    p = person(user)
    return p.is_admin or (PLANNING_TEAM in p.roles and bool(p.planning_plan_ids))


def may_work_on_unit(user, unit_id: int | None) -> bool:
    """Update a unit's objectives, activities and submissions: its lead and contributors."""
    p = person(user)
    return p.is_admin or (unit_id is not None and bool(p.roles & {LEAD, CONTRIBUTOR}) and unit_id in p.unit_ids)


def may_lead_unit(user, unit_id: int | None) -> bool:
    p = person(user)
    return p.is_admin or (unit_id is not None and LEAD in p.roles and unit_id in p.led_unit_ids)


def may_view_objective(user, objective: pm.Objective) -> bool:
    return may_view_plan(user, objective.plan)


def may_edit_objective(user, objective: pm.Objective) -> bool:
    return may_edit_plan(user, objective.plan) or may_work_on_unit(user, objective.org_unit_id)


def activity_unit_id(activity: pm.Activity) -> int | None:
    return activity.org_unit_id if activity.org_unit_id is not None else activity.objective.org_unit_id


def may_view_activity(user, activity: pm.Activity) -> bool:
    return may_view_plan(user, activity.plan)


def may_edit_activity(user, activity: pm.Activity) -> bool:
    return may_edit_plan(user, activity.plan) or may_work_on_unit(user, activity_unit_id(activity))


def may_view_unit_updates(user, unit: pm.OrgUnit) -> bool:
    """Read a unit's submissions, reviews and actions: whoever reads everything, and the unit's people."""
    p = person(user)
    return p.reads_everything or may_work_on_unit(user, unit.pk)


def may_view_all_updates(user) -> bool:
    return person(user).reads_everything


def may_edit_submission(user, unit: pm.OrgUnit) -> bool:
    """Type into a unit's update (whether the update's status allows it is the service's business)."""
    return may_work_on_unit(user, unit.pk)


def may_submit(user, unit: pm.OrgUnit) -> bool:
    return may_lead_unit(user, unit.pk)


def may_decide(user, plan: pm.Plan) -> bool:
    """Approve or return submitted updates."""
    return may_run_cycle(user, plan)


def owns_action(user, action) -> bool:
    """The action's owner, by account (:attr:`Action.owner_account`)."""
    return signed_in(user) and action.owner_account_id is not None and action.owner_account_id == user.pk


def may_view_action(user, action) -> bool:
    """See an action and its progress notes: whoever may read its unit's updates, and its owner;
    an action agreed at a governance body's meeting, whoever reads the meeting's page (everyone
    signed in who reads its plan)."""
    if action.review_id is None:
        return (signed_in(user) and may_view_plan(user, action.plan)) or owns_action(user, action)
    return may_view_unit_updates(user, action.review.org_unit) or owns_action(user, action)


def may_close_action(user, action) -> bool:
    """Add progress notes to an action, change its status or close it: its owner, the lead of its
    unit, and the plan's planning team; for an action from a meeting, its owner and whoever may
    record the meeting (:func:`may_record_meeting`)."""
    if action.review_id is None:
        return may_record_meeting(user, action.agenda_item.meeting) or owns_action(user, action)
    review = action.review
    return (
        may_run_cycle(user, review.period.plan) or may_lead_unit(user, review.org_unit_id) or owns_action(user, action)
    )


may_update_action = may_close_action


def chairs_body(user, body) -> bool:
    """The body's chair is an owner (a named role of the plan) linked to ``user``'s account."""
    return signed_in(user) and body.chair_id is not None and body.chair.user_id == user.pk


def sits_on_body(user, body) -> bool:
    """``user`` chairs the body or is one of its members, through an owner linked to their account."""
    return chairs_body(user, body) or (signed_in(user) and body.members.filter(user_id=user.pk).exists())


def may_record_meeting(user, meeting) -> bool:
    """Record a meeting of a governance body — decisions and actions on its agenda items, and its
    minutes while they are a draft: the plan's planning team (and administrators), and the body's
    chair and members through owners linked to their accounts."""
    return may_run_cycle(user, meeting.plan) or sits_on_body(user, meeting.body)


def may_approve_minutes(user, meeting) -> bool:
    """Mark a meeting's minutes approved, and publish the approved minutes of a meeting held in
    public (or take them off the public page): the plan's planning team and the body's chair."""
    return may_run_cycle(user, meeting.plan) or chairs_body(user, meeting.body)


def may_chase_updates(user) -> bool:
    """See the overdue list: the planning team and administrators."""
    p = person(user)
    return p.is_admin or PLANNING_TEAM in p.roles


def may_administer(user) -> bool:
    return person(user).is_admin
