"""Org units that data brings with it: England, and providers a plan file does not list.

A plan file declares the bodies that own its objectives (directorates, regions). National data
sets report for hundreds of providers, and a plan's figures are judged for England as a whole;
neither belongs in the plan file. Both are created here as undeclared units (``declared=False``),
which a reload of the plan file keeps, so the data loaded against them stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from goldenthread.audit import records as audit
from goldenthread.plans.models import OrgUnit, Plan

ENGLAND = "england"


def is_whole_scope(unit: OrgUnit | None) -> bool:
    """England stands for everything the plan holds, whatever the unit tree looks like."""
    return unit is None or unit.code.lower() == ENGLAND


def england_unit(plan: Plan, *, create: bool = True, user=None) -> OrgUnit | None:
    """The plan's England unit: the one the plan file declares, else one created on demand."""
    unit = plan.org_units.filter(code__iexact=ENGLAND).first()
    if unit is None and create:
        position = (plan.org_units.aggregate(last=Max("position"))["last"] or 0) + 1
        unit, created = OrgUnit.objects.get_or_create(
            plan=plan,
            code=ENGLAND,
            defaults={
                "name": "England",
                "kind": OrgUnit.Kind.ORGANISATION,
                "declared": False,
                "position": position,
                "source": "created for data covering the whole plan",
            },
        )
        if created:
            audit.record(OrgUnit, [unit], "+", user=user)
    return unit


def add_units(plan: Plan, codes: Iterable[str], kind: str | None, *, source: str = "", user=None) -> dict[str, int]:
    """Create undeclared units under England, named by their codes; return code -> id.

    A code spelling England (any case) gets the England unit itself. Set-based: one insert for
    all the units and one query to read their ids back.
    """
    codes = sorted(set(codes))
    if not codes:
        return {}
    parent = england_unit(plan, user=user)
    assert parent is not None  # created when missing
    ids = {code: parent.pk for code in codes if code.casefold() == ENGLAND}
    codes = [code for code in codes if code not in ids]
    if not codes:
        return ids
    if kind is None:
        raise ValueError(f"org units {', '.join(codes)} need a kind to be added as, e.g. provider")
    first = (plan.org_units.aggregate(last=Max("position"))["last"] or 0) + 1
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                plan=plan,
                code=code,
                name=code,
                kind=kind,
                parent=parent,
                declared=False,
                position=first + i,
                source=source[:300],
            )
            for i, code in enumerate(codes)
        ],
        batch_size=500,
    )
    created: list[OrgUnit] = []
    for start in range(0, len(codes), 500):
        for unit in plan.org_units.filter(code__in=codes[start : start + 500]):
            ids[unit.code] = unit.pk
            created.append(unit)
    audit.record(OrgUnit, created, "+", user=user)
    return ids
