"""The quarterly cycle of seed 001 (nhsei-2019) for the demo: roles, the four quarters of 2019/20,
Medical's and Nursing's updates in every state, an accountability review with actions, and a
published plan and quarter. Everything goes through the same services the pages use, as the
people who would do it, so the audit trail reads as it would for real.

Idempotent: each piece is created only when it is missing (and never again once someone has
changed or withdrawn it), so running the demo again changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TextIO

from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, Publication, ReportingPeriod, ReturnMetric, Submission
from goldenthread.cycles.services import ReviewData, UpdateData
from goldenthread.plans import models as pm

PLAN = "nhsei-2019"

#: username -> (role, org unit code in seed 001, or "*" for a member of every plan, or None)
DEMO_ROLES = {
    "admin": (roles.ADMINISTRATOR, None),
    "planner": (roles.PLANNING_TEAM, "*"),
    "director": (roles.PLANNING_TEAM, "*"),  # and every plan's owner, who approves its changes
    "medical-lead": (roles.LEAD, "medical"),
    "nursing-lead": (roles.LEAD, "nursing"),
    "board": (roles.BOARD, None),
}

#: the plans' roles the demo accounts hold, so their "My meetings" has meetings: (plan, owner code)
DEMO_OWNERS = {
    "director": ("nhsei-2019", "NDTCD"),  # presents item 12 to the Joint Boards in Common, 27 June 2019
    "board": ("nhse-2013", "chair"),  # chairs NHS England's board
}


def grant_demo_roles() -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_ROLES)}
    plans = list(pm.Plan.objects.all())
    seed = next((p for p in plans if p.code == PLAN), None)
    for username, (role, where) in DEMO_ROLES.items():
        user = users.get(username)
        if user is None:
            continue
        if where == "*":
            for plan in plans:
                roles.grant(user, role, plan=plan)
        elif where and seed is not None:
            unit = pm.OrgUnit.objects.filter(plan=seed, code=where).first()
            roles.grant(user, role, org_unit=unit) if unit else roles.grant(user, role)
        else:
            roles.grant(user, role)
    owner = users.get("director")
    if owner is not None:  # the owner approves changes; only plans with none yet, so a choice made since stays
        for plan in pm.Plan.objects.filter(owner_account=None):
            plan.owner_account = owner
            plan.save(update_fields=["owner_account"])
    for username, (plan_code, code) in DEMO_OWNERS.items():
        if username in users:  # only roles nobody holds yet, so a link made since stays
            pm.Owner.objects.filter(plan__code=plan_code, code=code, user=None).update(user=users[username])


def _update(scope: services.Scope, quarter: int, unit: str, *, complete: bool) -> UpdateData:
    """Plausible content for one unit's quarterly update."""
    data = UpdateData(
        rag="amber" if (unit == "medical" and quarter == 2) else "green",
        rag_reason={
            "medical": "Programme governance is in place; Medical Examiner recruitment is behind plan in two regions.",
            "nursing": "All nurse-led programmes are running to plan; the Health Cadets negotiation is on track.",
        }[unit]
        if complete
        else "",
        commentary=f"Quarter {quarter} progress for the {unit} directorate." if complete else "",
    )
    for o in scope.objectives:
        data.objectives[o.pk] = {
            "rag": data.rag if complete else "",
            "rag_reason": f"{o.code} is progressing as planned." if complete else "",
        }
    for i, a in enumerate(scope.activities):
        status = pm.Activity.Status.IN_PROGRESS if quarter < 4 else pm.Activity.Status.COMPLETE
        data.activities[a.pk] = {"status": status, "commentary": "On track." if complete else ""}
        if complete:
            data.activities[a.pk].update(_progress(i, quarter))
    for x in scope.metrics:
        if x.aggregation == "ratio":
            den = Decimal(4000 + 100 * quarter)
            num = (den * Decimal("0.2") * quarter).quantize(Decimal(1))
            data.metrics[x.pk] = {
                "numerator": num,
                "denominator": den,
                "value": (num / den).quantize(Decimal("1e-8")),
                "note": "",
            }
        else:
            data.metrics[x.pk] = {"value": Decimal(10 * quarter), "numerator": None, "denominator": None, "note": ""}
    for r in scope.risks:
        data.risks[r.pk] = {"likelihood": 3, "impact": 3, "commentary": "No change.", "reviewed": complete}
    return data


def _progress(i: int, quarter: int) -> dict:
    """The RAG rating, per cent complete and forecast date of the ``i``th activity's update, for
    two activities in three (the third gives none, as the fields are optional)."""
    if i % 3 == 2:
        return {}
    done = 100 if quarter == 4 else min(90, (20 + 5 * i) * quarter)
    forecast = date(2020, 3, 31) if i % 3 == 0 else date(2020, 6, 30)
    return {"rag": "green" if i % 3 == 0 else "amber", "percent_complete": done, "forecast_on": forecast}


# (quarter, unit) -> the state the demo leaves the update in
STORY = {
    (1, "medical"): "approved",
    (1, "nursing"): "approved",
    (2, "medical"): "returned",
    (2, "nursing"): "submitted",
    (3, "medical"): "draft",
}


def load_cycle_demo(out: TextIO) -> None:
    grant_demo_roles()
    plan = pm.Plan.objects.filter(code=PLAN).first()
    if plan is None:
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_ROLES)}
    planner = users.get("planner")
    created = services.generate_periods(plan, user=planner)
    if created:
        print(f"{PLAN}: created reporting periods {', '.join(p.label for p in created)}", file=out)
    if not ReturnMetric.history.filter(plan_id=plan.pk).exists():
        metric = plan.metrics.filter(code="MED-2-M1").first()
        if metric is not None:
            services.set_return_metrics(plan, {metric.pk}, user=planner)
    periods = {p.label: p for p in ReportingPeriod.objects.filter(plan=plan)}
    made = _updates(plan, periods, users)
    if made:
        print(f"{PLAN}: demo updates {'; '.join(made)}", file=out)
    _review(plan, periods.get("2019/20 Q1"), users, out)
    for period in (None, periods.get("2019/20 Q1")):
        if not Publication.history.filter(plan_id=plan.pk, period_id=period.pk if period else None).exists():
            services.publish(plan, period, user=planner)
            print(f"{PLAN}: published {period.label if period else 'the plan'}", file=out)


def _updates(plan: pm.Plan, periods: dict[str, ReportingPeriod], users: dict) -> list[str]:
    """The units' updates as :data:`STORY` tells, each made once: what was made."""
    made = []
    for (q, unit_code), state in STORY.items():
        period = periods.get(f"2019/20 Q{q}")
        unit = pm.OrgUnit.objects.filter(plan=plan, code=unit_code).first()
        lead = users.get(f"{unit_code}-lead")
        if period is None or unit is None or lead is None:
            continue
        if Submission.history.filter(period_id=period.pk, org_unit_id=unit.pk).exists():
            continue  # made before (and perhaps changed since): leave it alone
        _update_story(period, unit, q, state, lead, users.get("planner"))
        made.append(f"{unit.name} {period.label} ({state})")
    return made


def _update_story(period: ReportingPeriod, unit: pm.OrgUnit, q: int, state: str, lead, planner) -> None:
    """One unit's update, taken as far as ``state``: draft, submitted, returned or approved."""
    scope = services.unit_scope(period.plan, unit)
    sub = services.save_update(
        period, unit, _update(scope, q, unit.code, complete=state != "draft"), based_on=0, user=lead
    )
    if state != "draft":
        sub = services.save_update(
            period, unit, services.stored_data(sub), based_on=sub.version, user=lead, submit=True
        )
    if state == "returned":
        services.decide(
            sub,
            "return",
            comments="Please add the regional breakdown of Medical Examiner appointments "
            "and say when the two regions behind plan will catch up.",
            based_on=sub.version,
            user=planner,
        )
    elif state == "approved":
        services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)


def _review(plan: pm.Plan, period: ReportingPeriod | None, users: dict, out: TextIO) -> None:
    """Medical's Q1 review: attended by the medical lead and the planner (linked to their accounts
    by name), with one action owned by the medical lead's account (still open, so overdue on their
    My work and carried into Medical's later reviews) and one by the planner's (closed)."""
    planner, lead = users.get("planner"), users.get("medical-lead")
    unit = pm.OrgUnit.objects.filter(plan=plan, code="medical").first()
    if (
        period is None
        or unit is None
        or AccountabilityReview.history.filter(period_id=period.pk, org_unit_id=unit.pk).exists()
    ):
        return
    review = services.save_review(
        period,
        unit,
        ReviewData(
            status=AccountabilityReview.Status.HELD,
            held_on=date(2019, 7, 25),
            chair="Chief Financial Officer",
            pack="Medical directorate Q1 2019/20 review pack (v2)",
            summary="The directorate reported green overall. "
            "Members discussed Medical Examiner recruitment in the regions.",
            attendees=[
                (services.display_name(lead) if lead else "National Medical Director", "Medical directorate"),
                ("Director of Strategy", "Planning team"),
                (services.display_name(planner) if planner else "Head of PMO", "Planning team"),
            ],
            decisions=[
                "Agree the Q1 update as submitted.",
                "Recruitment trajectory for Medical Examiners to be reviewed at Q2.",
            ],
            actions={},
            new_actions=[
                {
                    "description": "Share the regional Medical Examiner recruitment trajectory",
                    "owner": services.display_name(lead) if lead else "National Medical Director",
                    "owner_account": lead,
                    "due_on": date(2019, 9, 30),
                },
                {
                    "description": "Confirm AMR programme board terms of reference",
                    "owner": services.display_name(planner) if planner else "Head of PMO",
                    "owner_account": planner,
                    "due_on": date(2019, 8, 31),
                },
            ],
        ),
        based_on=0,
        user=planner,
    )
    action = review.actions.latest("position")
    services.close_action(
        action, "Terms of reference agreed at the AMR programme board on 20 August 2019.", user=planner
    )
    print(f"{PLAN}: demo accountability review of {unit.name} for {period.label}", file=out)
