"""Load validated plan files into the database, and export stored plans back to plan files.

Loading is a synchronisation by code, in one transaction: rows whose fields already match are
left alone (so a second load of the same file changes nothing, not even a timestamp), changed
rows are updated in place, new ones created, and elements no longer in the file deleted with
their links. Queries are per table, never per element.

Every element created, changed or deleted gets a history row (``goldenthread.audit``), written a
table at a time after the load has settled, so each row shows the element — with its links,
framework references, trajectory and stated values — as the load left it. Unchanged elements
get none, so loading the same file again records nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from goldenthread.audit import records as audit
from goldenthread.planfile import schema
from goldenthread.planfile.periods import parse_period, resolve_due
from goldenthread.plans import models as m


class PlanLoadRefused(ValueError):
    """A load that would lose data a person loaded; raised before anything is deleted."""


class PlanNotFound(LookupError):
    def __init__(self, code: str):
        super().__init__(f"no plan with code '{code}'; see the codes with: goldenthread plan list")


@dataclass
class LoadReport:
    code: str
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_plan: bool = False

    @property
    def changed(self) -> bool:
        return self.new_plan or any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())

    def __str__(self) -> str:
        if not self.changed:
            return f"{self.code}: unchanged"

        def part(label: str, counts: dict[str, int]) -> str | None:
            items = [f"{n} {kind}" for kind, n in counts.items() if n]
            return f"{label} " + ", ".join(items) if items else None

        parts = [
            p
            for p in (part("created", self.created), part("updated", self.updated), part("deleted", self.deleted))
            if p
        ]
        verb = "loaded" if self.new_plan else "updated"
        return f"{self.code}: {verb} — " + "; ".join(parts)


def load_plans(plans: Iterable[schema.Plan], *, user=None) -> list[LoadReport]:
    """Load several plans atomically: all of them, or none. Changes are attributed to ``user``
    (default: the signed-in user of the current request, or the system for the command line)."""
    with transaction.atomic(), audit.acting_as(user or audit.current_user()):
        return [_load(plan) for plan in plans]


def load_plan(plan: schema.Plan, *, user=None) -> LoadReport:
    return load_plans([plan], user=user)[0]


# --- loading --------------------------------------------------------------------------------


def _values_differ(obj: models.Model, values: dict) -> bool:
    for name, value in values.items():
        current = getattr(obj, name)
        if isinstance(current, Decimal) and value is not None:
            if current != Decimal(value):
                return True
        elif current != value:
            return True
    return False


class _Syncer:
    """Creates, updates and deletes one plan's rows of one model, keyed by code."""

    def __init__(self, report: LoadReport, plan: m.Plan):
        self.report = report
        self.plan = plan
        self.stale: list[tuple[type[models.Model], list[int], str]] = []
        # for the audit trail: what this load created, and what it changed (fields, links or children)
        self.created: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.changed: dict[type[models.Model], dict[int, models.Model]] = defaultdict(dict)
        self.when = timezone.now()

    def mark_changed(self, model: type[models.Model], objs: Iterable[models.Model]) -> None:
        for obj in objs:
            self.changed[model][obj.pk] = obj

    def record_history(self) -> None:
        """One history row per element created or changed, as the load left it."""
        for model in list(dict.fromkeys([*self.created, *self.changed])):
            created = self.created.get(model, [])
            new = {obj.pk for obj in created}
            audit.record(model, created, "+", when=self.when)
            audit.record(
                model, [obj for pk, obj in self.changed.get(model, {}).items() if pk not in new], "~", when=self.when
            )

    def delete_stale(self) -> None:
        """Delete elements no longer in the file, dependents first, once every reference has moved;
        each deletion (and whatever cascades from it) is recorded in the audit trail. A metric that
        holds loaded data is never deleted this way: the load is refused, so no data is lost."""
        for model, pks, kind in self.stale:
            if model is m.Metric:
                held = sorted(
                    m.Metric.objects.filter(pk__in=pks, observations__isnull=False)
                    .values_list("code", flat=True)
                    .distinct()
                )
                if held:
                    raise PlanLoadRefused(
                        f"{self.plan.code}: the file no longer has metric(s) {', '.join(held)}, which hold loaded "
                        "data; nothing was loaded. Put them back in the file, or remove their data first"
                    )
        for model, pks, kind in reversed(self.stale):
            audit.delete([model.objects.filter(pk__in=pks)], when=self.when)
            self.report.deleted[kind] += len(pks)

    def sync(self, model: type[m.PlanElement], kind: str, desired: list[dict], *, keep=None) -> dict[str, models.Model]:
        existing = {obj.code: obj for obj in model.objects.filter(plan=self.plan)}
        to_create, to_update, fields = [], [], set()
        result = {}
        for position, values in enumerate(desired):
            values = _by_attname(model, {**values, "position": position})
            code = values.pop("code")
            obj = existing.pop(code, None)
            if obj is None:
                obj = model(plan=self.plan, code=code, **values)
                to_create.append(obj)
            elif _values_differ(obj, values):
                for name, value in values.items():
                    setattr(obj, name, value)
                fields.update(values)
                to_update.append(obj)
            result[code] = obj
        if to_create:
            model.objects.bulk_create(to_create)
            if to_create[0].pk is None:  # backends that cannot return ids from bulk inserts
                ids = dict(
                    model.objects.filter(plan=self.plan, code__in=[o.code for o in to_create]).values_list("code", "pk")
                )
                for obj in to_create:
                    obj.pk = ids[obj.code]
        if to_update:
            model.objects.bulk_update(to_update, sorted(fields))
        self.created[model].extend(to_create)
        self.mark_changed(model, to_update)
        stale = [obj.pk for obj in existing.values() if keep is None or not keep(obj)]
        if stale:
            self.stale.append((model, stale, kind))
        self.report.created[kind] += len(to_create)
        self.report.updated[kind] += len(to_update)
        return result

    def sync_children(
        self,
        model: type[models.Model],
        parent_field: str,
        parents: dict[str, models.Model],
        desired: dict[str, list[dict]],
        kind: str,
    ) -> None:
        """Child rows with no code of their own: replaced per parent when they differ."""
        current: dict[int, list[dict]] = defaultdict(list)
        names = [f.name for f in model._meta.concrete_fields if f.name not in ("id", parent_field)]
        for row in (
            model.objects.filter(**{f"{parent_field}__plan": self.plan})
            .order_by(parent_field, "position")
            .values(f"{parent_field}_id", *names)
        ):
            current[row.pop(f"{parent_field}_id")].append(row)
        replace_for, rows = [], []
        for code, parent in parents.items():
            wanted = [{**r, "position": i} for i, r in enumerate(desired.get(code, []))]
            have = current.get(parent.pk, [])
            if _normalise(have) != _normalise(wanted):
                replace_for.append(parent.pk)
                rows.extend(model(**{parent_field: parent}, **r) for r in wanted)
                if have:
                    self.report.updated[kind] += 1
                else:
                    self.report.created[kind] += len(wanted)
        if replace_for:
            model.objects.filter(**{f"{parent_field}_id__in": replace_for}).delete()
            model.objects.bulk_create(rows)
            by_pk = {parent.pk: parent for parent in parents.values()}
            self.mark_changed(model._meta.get_field(parent_field).related_model, (by_pk[pk] for pk in replace_for))

    def sync_links(
        self,
        through: type[models.Model],
        source_field: str,
        target_field: str,
        sources: dict[str, models.Model],
        targets: dict[str, models.Model],
        desired: dict[str, list[str]],
        kind: str,
    ) -> None:
        current = set(
            through.objects.filter(**{f"{source_field}__plan": self.plan}).values_list(
                f"{source_field}_id", f"{target_field}_id"
            )
        )
        wanted = {(sources[s].pk, targets[t].pk) for s, ts in desired.items() for t in ts}
        removed, added = current - wanted, wanted - current
        if removed:
            q = models.Q()
            for s, t in removed:
                q |= models.Q(**{f"{source_field}_id": s, f"{target_field}_id": t})
            through.objects.filter(q).delete()
        if added:
            through.objects.bulk_create(
                [through(**{f"{source_field}_id": s, f"{target_field}_id": t}) for s, t in added]
            )
        if removed or added:
            by_pk = {source.pk: source for source in sources.values()}
            self.mark_changed(
                through._meta.get_field(source_field).related_model,
                (by_pk[s] for s in sorted({s for s, _ in removed | added}) if s in by_pk),
            )
        self.report.created[kind] += len(added)
        self.report.deleted[kind] += len(removed)


def _by_attname(model: type[models.Model], values: dict) -> dict:
    """Foreign keys as ``<name>_id`` = pk, so comparing a row never fetches the related row."""
    out = {}
    for name, value in values.items():
        f = model._meta.get_field(name)
        if f.many_to_one:
            out[f.attname] = value.pk if value is not None else None
        else:
            out[name] = value
    return out


def _normalise(rows: list[dict]) -> list[tuple]:
    out = []
    for row in rows:
        out.append(
            tuple(
                sorted(
                    (k, Decimal(v) if isinstance(v, (Decimal, int, float)) and not isinstance(v, bool) else v)
                    for k, v in row.items()
                )
            )
        )
    return out


def _text(value: str | None) -> str:
    return value or ""


def _load(spec: schema.Plan) -> LoadReport:
    report = LoadReport(spec.code)
    organisation, _ = m.Organisation.objects.get_or_create(
        code=spec.organisation.code, defaults={"name": spec.organisation.name}
    )
    if organisation.name != spec.organisation.name:
        organisation.name = spec.organisation.name
        organisation.save(update_fields=["name"])
    doc = spec.source_document
    plan_values = {
        "title": spec.title,
        "organisation": organisation,
        "start": spec.start,
        "end": spec.end,
        "status": spec.status,
        "description": spec.description,
        "source_title": doc.title if doc else "",
        "source_date": _text(doc.date) if doc else "",
        "source_file": _text(doc.file) if doc else "",
        "activity_rules": [r.model_dump() for r in spec.activity_rules],
    }
    plan = m.Plan.objects.filter(code=spec.code).first()
    if plan is None:
        plan = m.Plan.objects.create(code=spec.code, **plan_values)
        report.new_plan = True
        report.created["plan"] += 1
    elif _values_differ(plan, plan_values):
        for name, value in plan_values.items():
            setattr(plan, name, value)
        plan.save()
        report.updated["plan"] += 1

    sync = _Syncer(report, plan)
    levels = sync.sync(m.Level, "level", [{"code": x.code, "name": x.name} for x in spec.levels])

    # Org units: upsert without parents, then set parents, so order in the file does not matter.
    units = sync.sync(
        m.OrgUnit,
        "org_unit",
        [
            {"code": u.code, "name": u.name, "kind": u.type, "source": _text(u.source), "declared": True}
            for u in spec.org_units
        ],
        keep=lambda unit: not unit.declared,
    )
    sync.mark_changed(m.OrgUnit, _set_parents(m.OrgUnit, units, {u.code: u.parent for u in spec.org_units}))
    owners = sync.sync(
        m.Owner,
        "owner",
        [
            {"code": o.code, "title": o.title, "name": _text(o.name), "org_unit": units.get(o.org_unit)}
            for o in spec.owners
        ],
    )
    objectives = sync.sync(
        m.Objective,
        "objective",
        [
            {
                "code": o.code,
                "level": levels[o.level],
                "title": o.title,
                "description": o.description,
                "org_unit": units.get(o.org_unit),
                "owner": owners.get(o.owner),
                "assessed_by": [a.model_dump() for a in o.assessed_by],
                "assessment": o.assessment,
                "source": _text(o.source),
            }
            for o in spec.objectives
        ],
    )
    sync.mark_changed(m.Objective, _set_parents(m.Objective, objectives, {o.code: o.parent for o in spec.objectives}))
    sync.sync_links(
        m.Objective.contributes_to.through,
        "from_objective",
        "to_objective",
        objectives,
        objectives,
        {o.code: o.contributes_to for o in spec.objectives},
        "contributes_to link",
    )
    sync.sync_children(
        m.FrameworkReference,
        "objective",
        objectives,
        {o.code: [{"framework": r.framework, "ref": r.ref} for r in o.framework_refs] for o in spec.objectives},
        "framework references",
    )
    activities = sync.sync(
        m.Activity,
        "activity",
        [
            {
                "code": a.code,
                "objective": objectives[a.objective],
                "title": a.title,
                "description": a.description,
                "kind": a.type,
                "owner": owners.get(a.owner),
                "org_unit": units.get(a.org_unit),
                "start_text": _text(a.start),
                "start_date": parse_period(a.start).start if a.start else None,
                "due_text": _text(a.due),
                "due_date": resolve_due(a.due),
                "status": a.status,
                "source": _text(a.source),
            }
            for a in spec.activities
        ],
    )
    sync.sync_links(
        m.Activity.partners.through,
        "activity",
        "orgunit",
        activities,
        units,
        {a.code: a.partners for a in spec.activities},
        "activity partner link",
    )
    metrics = sync.sync(m.Metric, "metric", [_metric_values(x, owners) for x in spec.metrics])
    sync.sync_links(
        m.Metric.objectives.through,
        "metric",
        "objective",
        metrics,
        objectives,
        {x.code: x.objectives for x in spec.metrics},
        "metric link",
    )
    sync.sync_children(
        m.TrajectoryPoint,
        "metric",
        metrics,
        {x.code: [_period_row(p.period, p.value) for p in x.trajectory] for x in spec.metrics},
        "trajectories",
    )
    sync.sync_children(
        m.StatedValue,
        "metric",
        metrics,
        {
            x.code: [
                {
                    "period": v.period,
                    "period_start": parse_period(v.period).start,
                    "value": v.value,
                    "source": _text(v.source),
                }
                for v in x.stated_values
            ]
            for x in spec.metrics
        },
        "stated values",
    )
    sync.sync(
        m.BudgetLine,
        "budget_line",
        [
            {
                "code": b.code,
                "title": b.title,
                "org_unit": units.get(b.org_unit),
                "category": b.category,
                "amount": b.amount,
                "period": b.period,
                "source": _text(b.source),
            }
            for b in spec.budget_lines
        ],
    )
    totals = sync.sync(
        m.StatedTotal,
        "stated_total",
        [
            {
                "code": t.code,
                "title": t.title,
                "amount": t.amount,
                "period": t.period,
                "category": t.category or "",
                "source": _text(t.source),
            }
            for t in spec.stated_totals
        ],
    )
    sync.sync_links(
        m.StatedTotal.org_units.through,
        "statedtotal",
        "orgunit",
        totals,
        units,
        {t.code: t.org_units for t in spec.stated_totals},
        "stated total link",
    )
    sync.sync(
        m.Risk,
        "risk",
        [
            {
                "code": r.code,
                "title": r.title,
                "objective": objectives.get(r.objective),
                "owner": owners.get(r.owner),
                "likelihood": r.likelihood,
                "impact": r.impact,
                "mitigation": r.mitigation,
                "source": _text(r.source),
            }
            for r in spec.risks
        ],
    )
    sync.record_history()
    sync.delete_stale()
    return report


def _period_row(period: str, value: Decimal) -> dict:
    span = parse_period(period)
    return {"period": period, "period_start": span.start, "period_end": span.end, "value": value}


def _metric_values(x: schema.Metric, owners: dict) -> dict:
    target = x.target
    return {
        "code": x.code,
        "title": x.title,
        "definition": x.definition,
        "unit": x.unit,
        "scale_min": x.scale_min,
        "scale_max": x.scale_max,
        "polarity": x.polarity,
        "aggregation": x.aggregation,
        "frequency": x.frequency,
        "target_value": target.value if target else None,
        "target_comparison": target.comparison if target else "",
        "target_by": _text(target.by) if target else "",
        "target_by_date": parse_period(target.by).end if target and target.by else None,
        "target_text": _text(target.text) if target else "",
        "review_when": _text(x.review.when) if x.review else "",
        "review_by": _text(x.review.by) if x.review else "",
        "trigger": _text(x.trigger),
        "trigger_rules": [r.model_dump(exclude_none=True) for r in x.trigger_rules],
        "data_source": _text(x.data_source),
        "owner": owners.get(x.owner),
        "to_be_confirmed": x.to_be_confirmed,
        "headline": x.headline,
        "source": _text(x.source),
    }


def _set_parents(
    model: type[models.Model], objs: dict[str, models.Model], parents: dict[str, str | None]
) -> list[models.Model]:
    changed = []
    for code, obj in objs.items():
        wanted = objs[parents[code]].pk if parents.get(code) else None
        if obj.parent_id != wanted:
            obj.parent_id = wanted
            changed.append(obj)
    if changed:
        model.objects.bulk_update(changed, ["parent"])
    return changed


# --- exporting ------------------------------------------------------------------------------


def _opt(value: str) -> str | None:
    return value or None


def export_plan(code: str) -> schema.Plan:
    """The stored plan as a plan file model: a fixed point of load → export."""
    plan = m.Plan.objects.select_related("organisation").filter(code=code).first()
    if plan is None:
        raise PlanNotFound(code)
    levels = list(plan.levels.all())
    level_code = {x.pk: x.code for x in levels}
    units = list(plan.org_units.filter(declared=True))
    unit_code = {u.pk: u.code for u in plan.org_units.all()}
    owners = list(plan.owners.all())
    owner_code = {o.pk: o.code for o in owners}
    objectives = list(plan.objectives.all())
    objective_code = {o.pk: o.code for o in objectives}
    position = {o.pk: o.position for o in objectives}
    contributes: dict[int, list[int]] = defaultdict(list)
    for s, t in m.Objective.contributes_to.through.objects.filter(from_objective__plan=plan).values_list(
        "from_objective_id", "to_objective_id"
    ):
        contributes[s].append(t)
    refs: dict[int, list] = defaultdict(list)
    for r in m.FrameworkReference.objects.filter(objective__plan=plan).order_by("objective_id", "position"):
        refs[r.objective_id].append(schema.FrameworkRef(framework=r.framework, ref=r.ref))
    metrics = list(plan.metrics.all())
    metric_objectives: dict[int, list[int]] = defaultdict(list)
    for s, t in m.Metric.objectives.through.objects.filter(metric__plan=plan).values_list("metric_id", "objective_id"):
        metric_objectives[s].append(t)
    trajectory: dict[int, list] = defaultdict(list)
    for p in m.TrajectoryPoint.objects.filter(metric__plan=plan).order_by("metric_id", "position"):
        trajectory[p.metric_id].append(schema.TrajectoryPoint(period=p.period, value=p.value))
    stated: dict[int, list] = defaultdict(list)
    for v in m.StatedValue.objects.filter(metric__plan=plan).order_by("metric_id", "position"):
        stated[v.metric_id].append(schema.StatedValue(period=v.period, value=v.value, source=_opt(v.source)))
    total_units: dict[int, list[int]] = defaultdict(list)
    for s, t in m.StatedTotal.org_units.through.objects.filter(statedtotal__plan=plan).values_list(
        "statedtotal_id", "orgunit_id"
    ):
        total_units[s].append(t)
    partners: dict[int, list[int]] = defaultdict(list)
    for s, t in m.Activity.partners.through.objects.filter(activity__plan=plan).values_list(
        "activity_id", "orgunit_id"
    ):
        partners[s].append(t)
    unit_position = {u.pk: u.position for u in plan.org_units.all()}

    def ordered(ids: list[int], by: dict[int, int], codes: dict[int, str]) -> list[str]:
        return [codes[i] for i in sorted(ids, key=lambda i: by[i])]

    def ref(table: dict[int, str], pk: int | None) -> str | None:
        return table[pk] if pk is not None else None

    def metric(x: m.Metric) -> schema.Metric:
        target = None
        if x.target_value is not None:
            target = schema.Target(
                value=x.target_value,
                comparison=x.target_comparison or ">=",
                by=_opt(x.target_by),
                text=_opt(x.target_text),
            )
        review = (
            schema.Review(when=_opt(x.review_when), by=_opt(x.review_by)) if (x.review_when or x.review_by) else None
        )
        return schema.Metric(
            code=x.code,
            title=x.title,
            objectives=ordered(metric_objectives[x.pk], position, objective_code),
            definition=x.definition,
            unit=x.unit,
            scale_min=x.scale_min,
            scale_max=x.scale_max,
            polarity=x.polarity,
            aggregation=x.aggregation,
            frequency=x.frequency,
            target=target,
            trajectory=trajectory[x.pk],
            review=review,
            trigger=_opt(x.trigger),
            trigger_rules=x.trigger_rules,
            data_source=_opt(x.data_source),
            owner=ref(owner_code, x.owner_id),
            to_be_confirmed=x.to_be_confirmed,
            headline=x.headline,
            stated_values=stated[x.pk],
            source=_opt(x.source),
        )

    return schema.Plan(
        code=plan.code,
        title=plan.title,
        organisation=schema.Organisation(code=plan.organisation.code, name=plan.organisation.name),
        start=plan.start,
        end=plan.end,
        status=plan.status,
        description=plan.description,
        source_document=schema.SourceDocument(
            title=plan.source_title, date=_opt(plan.source_date), file=_opt(plan.source_file)
        )
        if plan.source_title
        else None,
        levels=[schema.Level(code=x.code, name=x.name) for x in levels],
        org_units=[
            schema.OrgUnit(
                code=u.code, name=u.name, type=u.kind, parent=ref(unit_code, u.parent_id), source=_opt(u.source)
            )
            for u in units
        ],
        owners=[
            schema.Owner(code=o.code, title=o.title, name=_opt(o.name), org_unit=ref(unit_code, o.org_unit_id))
            for o in owners
        ],
        objectives=[
            schema.Objective(
                code=o.code,
                level=level_code[o.level_id],
                title=o.title,
                description=o.description,
                parent=ref(objective_code, o.parent_id),
                org_unit=ref(unit_code, o.org_unit_id),
                owner=ref(owner_code, o.owner_id),
                contributes_to=ordered(contributes[o.pk], position, objective_code),
                assessed_by=o.assessed_by,
                assessment=o.assessment,
                framework_refs=refs[o.pk],
                source=_opt(o.source),
            )
            for o in objectives
        ],
        activities=[
            schema.Activity(
                code=a.code,
                objective=objective_code[a.objective_id],
                title=a.title,
                description=a.description,
                type=a.kind,
                owner=ref(owner_code, a.owner_id),
                org_unit=ref(unit_code, a.org_unit_id),
                partners=ordered(partners[a.pk], unit_position, unit_code),
                start=_opt(a.start_text),
                due=_opt(a.due_text),
                status=a.status,
                source=_opt(a.source),
            )
            for a in plan.activities.all()
        ],
        metrics=[metric(x) for x in metrics],
        budget_lines=[
            schema.BudgetLine(
                code=b.code,
                title=b.title,
                org_unit=ref(unit_code, b.org_unit_id),
                category=b.category,
                amount=b.amount,
                period=b.period,
                source=_opt(b.source),
            )
            for b in plan.budget_lines.all()
        ],
        stated_totals=[
            schema.StatedTotal(
                code=t.code,
                title=t.title,
                amount=t.amount,
                period=t.period,
                category=t.category or None,
                org_units=ordered(total_units[t.pk], unit_position, unit_code),
                source=_opt(t.source),
            )
            for t in plan.stated_totals.all()
        ],
        risks=[
            schema.Risk(
                code=r.code,
                title=r.title,
                objective=ref(objective_code, r.objective_id),
                owner=ref(owner_code, r.owner_id),
                likelihood=r.likelihood,
                impact=r.impact,
                mitigation=r.mitigation,
                source=_opt(r.source),
            )
            for r in plan.risks.all()
        ],
        activity_rules=plan.activity_rules,
    )


def plan_summaries() -> list[dict]:
    plans = m.Plan.objects.annotate(
        n_objectives=Count("objectives", distinct=True), n_metrics=Count("metrics", distinct=True)
    ).order_by("code")
    return [
        {
            "code": p.code,
            "title": p.title,
            "period": p.period_label,
            "status": p.status,
            "objectives": p.n_objectives,
            "metrics": p.n_metrics,
        }
        for p in plans
    ]
