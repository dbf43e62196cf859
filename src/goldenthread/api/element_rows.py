"""A plan's stored elements as the plan file writes them (:mod:`goldenthread.planfile.schema`), a
page of rows at a time: the API's element lists and single elements have the plan file's shape and
field names, with references as codes.

Each page is made in a fixed number of queries whatever its length: the page's rows, then the codes
they refer to and their links and child rows (framework references, trajectories, stated values),
each read once for the whole page (:class:`Paged`). The conversion is the export's own
(:mod:`goldenthread.plans.store.mapping`), so an element reads here as in ``goldenthread plan
export``; numbers are written exactly, without the database's trailing zeros ("0.95", not
"0.95000000").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from ninja.errors import HttpError
from pydantic import BaseModel

from goldenthread.planfile import schema
from goldenthread.planfile.fields import CODE_LENGTH, text_problem
from goldenthread.plans import models as m
from goldenthread.plans.store import mapping
from goldenthread.plans.store.mapping import LEVELS, OBJECTIVES, ORG_UNITS, OWNERS

#: the code tables a reference names, and their models
_TABLES: dict[str, type[models.Model]] = {
    LEVELS: m.Level,
    ORG_UNITS: m.OrgUnit,
    OWNERS: m.Owner,
    OBJECTIVES: m.Objective,
}


def checked(name: str, value: str, max_length: int = CODE_LENGTH) -> str:
    """A text the address gives (a code, a slug), refused with a 400 naming it when no plan could
    hold it: too long, or with a character the database refuses (NUL) or that hides text."""
    problem = text_problem(value, max_length=max_length)
    if problem:
        raise HttpError(400, f"{name}: this text {problem}; give a code as the plan writes it")
    return value


class Paged:
    """A queryset that ninja's ``LimitOffsetPagination`` reads a page at a time: it counts the rows
    and slices them, and each slice's rows are made into plan file elements together."""

    def __init__(self, rows: models.QuerySet, convert: Callable[[list[Any]], list[BaseModel]]):
        self.rows = rows
        self.convert = convert

    def all(self) -> Paged:
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, part: slice) -> list[BaseModel]:
        return self.convert(list(self.rows[part]))


def plain(value: Decimal) -> Decimal:
    """A stored number without the column's trailing zeros, never in exponent form: 0.95, 78700000."""
    return Decimal(format(value.normalize(), "f"))


def _plain_numbers(model: BaseModel) -> BaseModel:
    """The element with every number made :func:`plain`, nested elements too (set in place: the
    numbers were checked when the element was made)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Decimal):
            setattr(model, name, plain(value))
        elif isinstance(value, BaseModel):
            _plain_numbers(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    _plain_numbers(item)
    return model


def _codes(wanted: dict[str, Iterable[int | None]]) -> dict[str, dict[int, str]]:
    """pk -> code of the elements each code table's given pks name: one query a table."""
    out: dict[str, dict[int, str]] = {}
    for table, pks in wanted.items():
        ids = {pk for pk in pks if pk is not None}
        model = _TABLES[table]
        out[table] = dict(model._default_manager.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
    return out


def _linked(link: mapping.Link, pks: list[int]) -> dict[int, list[int]]:
    """The ids each of the given elements links to, in the order the file listed them."""
    source, target = link.ends
    rows = (
        link.through._default_manager.filter(**{f"{source}_id__in": pks})
        .order_by("pk")
        .values_list(f"{source}_id", f"{target}_id")
    )
    out: dict[int, list[int]] = defaultdict(list)
    for s, t in rows:
        out[s].append(t)
    return out


def _refs(rows: list[Any], names: Iterable[str]) -> list[int | None]:
    return [getattr(row, f"{name}_id") for row in rows for name in names]


def objectives(rows: list[m.Objective]) -> list[BaseModel]:
    pks = [o.pk for o in rows]
    contributes = _linked(mapping.CONTRIBUTES_TO, pks)
    codes = _codes(
        {
            LEVELS: _refs(rows, ["level"]),
            ORG_UNITS: _refs(rows, ["org_unit"]),
            OWNERS: _refs(rows, ["owner"]),
            OBJECTIVES: [*_refs(rows, ["parent"]), *(t for ts in contributes.values() for t in ts)],
        }
    )
    refs: dict[int, list[schema.FrameworkRef]] = defaultdict(list)
    for r in m.FrameworkReference.objects.filter(objective_id__in=pks).order_by("objective_id", "position"):
        refs[r.objective_id].append(schema.FrameworkRef(framework=r.framework, ref=r.ref))
    return [
        _plain_numbers(
            schema.Objective(
                **mapping.OBJECTIVE.written(o, codes),
                parent=mapping.code_of(codes[OBJECTIVES], o.parent_id),
                contributes_to=[codes[OBJECTIVES][t] for t in contributes.get(o.pk, [])],
                framework_refs=refs[o.pk],
            )
        )
        for o in rows
    ]


def _target(x: m.Metric) -> schema.Target | None:
    if x.target_value is None:
        return None
    return schema.Target(
        value=x.target_value,
        comparison=x.target_comparison or ">=",  # type: ignore[arg-type]  # stored from the same choices
        by=x.target_by or None,
        text=x.target_text or None,
    )


def metrics(rows: list[m.Metric]) -> list[BaseModel]:
    pks = [x.pk for x in rows]
    measures = _linked(mapping.MEASURES, pks)
    codes = _codes({OWNERS: _refs(rows, ["owner"]), OBJECTIVES: [t for ts in measures.values() for t in ts]})
    trajectory: dict[int, list[schema.TrajectoryPoint]] = defaultdict(list)
    for p in m.TrajectoryPoint.objects.filter(metric_id__in=pks).order_by("metric_id", "position"):
        trajectory[p.metric_id].append(schema.TrajectoryPoint(period=p.period, value=p.value))
    stated: dict[int, list[schema.StatedValue]] = defaultdict(list)
    for v in m.StatedValue.objects.filter(metric_id__in=pks).order_by("metric_id", "position"):
        stated[v.metric_id].append(schema.StatedValue(period=v.period, value=v.value, source=v.source or None))
    out: list[BaseModel] = []
    for x in rows:
        review = (
            schema.Review(when=x.review_when or None, by=x.review_by or None) if x.review_when or x.review_by else None
        )
        metric = schema.Metric(
            **mapping.METRIC.written(x, codes),
            objectives=[codes[OBJECTIVES][t] for t in measures.get(x.pk, [])],
            target=_target(x),
            trajectory=trajectory[x.pk],
            review=review,
            stated_values=stated[x.pk],
        )
        out.append(_plain_numbers(metric))
    return out


def activities(rows: list[m.Activity]) -> list[BaseModel]:
    partners = _linked(mapping.PARTNERS, [a.pk for a in rows])
    codes = _codes(
        {
            OBJECTIVES: _refs(rows, ["objective"]),
            OWNERS: _refs(rows, ["owner"]),
            ORG_UNITS: [*_refs(rows, ["org_unit"]), *(t for ts in partners.values() for t in ts)],
        }
    )
    return [
        schema.Activity(
            **mapping.ACTIVITY.written(a, codes), partners=[codes[ORG_UNITS][t] for t in partners.get(a.pk, [])]
        )
        for a in rows
    ]


def org_units(rows: list[m.OrgUnit]) -> list[BaseModel]:
    codes = _codes({ORG_UNITS: _refs(rows, ["parent"])})
    return [
        schema.OrgUnit(**mapping.ORG_UNIT.written(u, codes), parent=mapping.code_of(codes[ORG_UNITS], u.parent_id))
        for u in rows
    ]


def owners(rows: list[m.Owner]) -> list[BaseModel]:
    codes = _codes({ORG_UNITS: _refs(rows, ["org_unit"])})
    return [schema.Owner(**mapping.OWNER.written(o, codes)) for o in rows]


def budget_lines(rows: list[m.BudgetLine]) -> list[BaseModel]:
    codes = _codes({ORG_UNITS: _refs(rows, ["org_unit"])})
    return [_plain_numbers(schema.BudgetLine(**mapping.BUDGET_LINE.written(b, codes))) for b in rows]


def risks(rows: list[m.Risk]) -> list[BaseModel]:
    codes = _codes({OBJECTIVES: _refs(rows, ["objective"]), OWNERS: _refs(rows, ["owner"])})
    return [schema.Risk(**mapping.RISK.written(r, codes)) for r in rows]
