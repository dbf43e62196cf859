"""Export a stored plan back to a plan file model: a fixed point of load → export.

Every table is read once; links and child rows are gathered per element, and references are
written as codes, in the source document's order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from goldenthread.planfile import schema
from goldenthread.planfile.governance import AgendaItem, Oversees
from goldenthread.plans import models as m
from goldenthread.plans.store import mapping as fields
from goldenthread.plans.store.mapping import BODIES, LEVELS, METRICS, OBJECTIVES, ORG_UNITS, OWNERS, code_of

#: the links only governance has: a plan with no bodies (and so no meetings) has none of them
GOVERNANCE_LINKS = (fields.MEMBERS, *fields.OVERSEES, *fields.ITEM_LINKS)
LINKS = (fields.CONTRIBUTES_TO, fields.MEASURES, fields.TOTALLED, fields.PARTNERS, *GOVERNANCE_LINKS)


class PlanNotFound(LookupError):
    def __init__(self, code: str):
        super().__init__(f"no plan with code '{code}'; see the codes with: goldenthread plan list")


def _opt(value: str) -> str | None:
    return value or None


def _pairs(link: fields.Link, plan: m.Plan) -> dict[int, list[int]]:
    """The rows of a many-to-many table of the plan: element id -> ids of the elements it links to."""
    source, target = link.ends
    rows = (
        link.through._default_manager.filter(**{link.plan_path: plan})
        .order_by("pk")
        .values_list(f"{source}_id", f"{target}_id")
    )
    out: dict[int, list[int]] = defaultdict(list)
    for s, t in rows:
        out[s].append(t)
    return out


@dataclass
class _Stored:
    """A stored plan as the export reads it: each table once, with codes, links and child rows."""

    plan: m.Plan
    levels: list[m.Level] = field(default_factory=list)
    owners: list[m.Owner] = field(default_factory=list)
    objectives: list[m.Objective] = field(default_factory=list)
    codes: dict[str, dict[int, str]] = field(default_factory=dict)
    links: dict[fields.Link, dict[int, list[int]]] = field(default_factory=dict)
    refs: dict[int, list[schema.FrameworkRef]] = field(default_factory=lambda: defaultdict(list))
    trajectory: dict[int, list[schema.TrajectoryPoint]] = field(default_factory=lambda: defaultdict(list))
    stated: dict[int, list[schema.StatedValue]] = field(default_factory=lambda: defaultdict(list))
    governed: bool = False  # the plan has bodies (and so perhaps meetings)

    def read(self) -> None:
        plan = self.plan
        self.levels = list(plan.levels.all())
        self.owners = list(plan.owners.all())
        self.objectives = list(plan.objectives.all())
        units = list(plan.org_units.all())
        self.codes = {
            LEVELS: {x.pk: x.code for x in self.levels},
            ORG_UNITS: {u.pk: u.code for u in units},
            OWNERS: {o.pk: o.code for o in self.owners},
            OBJECTIVES: {o.pk: o.code for o in self.objectives},
            BODIES: dict(plan.bodies.values_list("pk", "code")),
        }
        # a meeting needs a body: a plan without bodies has no governance table worth reading
        self.governed = bool(self.codes[BODIES])
        # metrics are named by code only by what bodies oversee and agenda items consider
        self.codes[METRICS] = dict(plan.metrics.values_list("pk", "code")) if self.governed else {}
        self.links = {
            link: _pairs(link, plan) if self.governed or link not in GOVERNANCE_LINKS else {} for link in LINKS
        }
        for r in m.FrameworkReference.objects.filter(objective__plan=plan).order_by("objective_id", "position"):
            self.refs[r.objective_id].append(schema.FrameworkRef(framework=r.framework, ref=r.ref))
        for p in m.TrajectoryPoint.objects.filter(metric__plan=plan).order_by("metric_id", "position"):
            self.trajectory[p.metric_id].append(schema.TrajectoryPoint(period=p.period, value=p.value))
        for v in m.StatedValue.objects.filter(metric__plan=plan).order_by("metric_id", "position"):
            self.stated[v.metric_id].append(schema.StatedValue(period=v.period, value=v.value, source=_opt(v.source)))

    def linked(self, link: fields.Link, pk: int) -> list[str]:
        """Codes of the elements an element links to, in the order the file listed them."""
        codes = self.codes[link.table]
        return [codes[i] for i in self.links[link].get(pk, [])]

    def parent(self, table: str, row: m.Objective | m.OrgUnit | m.Body) -> str | None:
        return code_of(self.codes[table], row.parent_id)


def export_plan(code: str | m.Plan) -> schema.Plan:
    """The stored plan as a plan file model: a fixed point of load → export. Pass the plan (with
    its organisation selected) when it is read already."""
    plan = code if isinstance(code, m.Plan) else m.Plan.objects.select_related("organisation").filter(code=code).first()
    if plan is None:
        raise PlanNotFound(str(code))
    stored = _Stored(plan)
    stored.read()
    codes = stored.codes
    document = plan.source_title
    return schema.Plan(
        code=plan.code,
        title=plan.title,
        organisation=schema.Organisation(code=plan.organisation.code, name=plan.organisation.name),
        start=plan.start,
        end=plan.end,
        status=plan.status,
        description=plan.description,
        source_document=schema.SourceDocument(title=document, date=_opt(plan.source_date), file=_opt(plan.source_file))
        if document
        else None,
        levels=[schema.Level(**fields.LEVEL.written(x, codes)) for x in stored.levels],
        org_units=[
            schema.OrgUnit(**fields.ORG_UNIT.written(u, codes), parent=stored.parent(ORG_UNITS, u))
            for u in plan.org_units.filter(declared=True)
        ],
        owners=[schema.Owner(**fields.OWNER.written(o, codes)) for o in stored.owners],
        objectives=[_objective(o, stored) for o in stored.objectives],
        activities=[
            schema.Activity(**fields.ACTIVITY.written(a, codes), partners=stored.linked(fields.PARTNERS, a.pk))
            for a in plan.activities.all()
        ],
        metrics=[_metric(x, stored) for x in plan.metrics.all()],
        budget_lines=[schema.BudgetLine(**fields.BUDGET_LINE.written(b, codes)) for b in plan.budget_lines.all()],
        stated_totals=[
            schema.StatedTotal(
                **fields.STATED_TOTAL.written(t, codes),
                org_units=stored.linked(fields.TOTALLED, t.pk),
            )
            for t in plan.stated_totals.all()
        ],
        risks=[schema.Risk(**fields.RISK.written(r, codes)) for r in plan.risks.all()],
        bodies=[_body(b, stored) for b in plan.bodies.all()] if stored.governed else [],
        meetings=_meetings(plan, stored) if stored.governed else [],
        activity_rules=plan.activity_rules,
    )


def _objective(o: m.Objective, stored: _Stored) -> schema.Objective:
    return schema.Objective(
        **fields.OBJECTIVE.written(o, stored.codes),
        parent=stored.parent(OBJECTIVES, o),
        contributes_to=stored.linked(fields.CONTRIBUTES_TO, o.pk),
        framework_refs=stored.refs[o.pk],
    )


def _metric(x: m.Metric, stored: _Stored) -> schema.Metric:
    target = None
    if x.target_value is not None:
        target = schema.Target(
            value=x.target_value,
            comparison=x.target_comparison or ">=",
            by=_opt(x.target_by),
            text=_opt(x.target_text),
        )
    review = schema.Review(when=_opt(x.review_when), by=_opt(x.review_by)) if (x.review_when or x.review_by) else None
    return schema.Metric(
        **fields.METRIC.written(x, stored.codes),
        objectives=stored.linked(fields.MEASURES, x.pk),
        target=target,
        trajectory=stored.trajectory[x.pk],
        review=review,
        stated_values=stored.stated[x.pk],
    )


def _body(b: m.Body, stored: _Stored) -> schema.Body:
    oversees = {link.name: stored.linked(link, b.pk) for link in fields.OVERSEES}
    return schema.Body(
        **fields.BODY.written(b, stored.codes),
        parent=stored.parent(BODIES, b),
        members=stored.linked(fields.MEMBERS, b.pk),
        oversees=Oversees(plan=b.oversees_plan, **oversees) if b.oversees_plan or any(oversees.values()) else None,
    )


def _meetings(plan: m.Plan, stored: _Stored) -> list[schema.Meeting]:
    """The plan's meetings, each with its agenda in order."""
    agendas: dict[int, list[AgendaItem]] = defaultdict(list)
    owners = stored.codes[OWNERS]
    for i in m.AgendaItem.objects.filter(meeting__plan=plan).order_by("meeting_id", "position"):
        links = {link.name: stored.linked(link, i.pk) for link in fields.ITEM_LINKS}
        agendas[i.meeting_id].append(
            AgendaItem(
                number=i.number,
                title=i.title,
                purpose=_opt(i.purpose),
                presenter=code_of(owners, i.presenter_id),
                considers=i.considers,
                period=_opt(i.period),
                source=_opt(i.source),
                **links,
            )
        )
    return [schema.Meeting(**fields.MEETING.written(x, stored.codes), items=agendas[x.pk]) for x in plan.meetings.all()]
