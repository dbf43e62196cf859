"""The real A&E data (``/work/shared/data/ae_attendances.csv``) as observations of nhsi-2016's
AE4HR, for the tests that need the board pack's A&E exception — a fallback used only when the
performance app's own demo loader (``goldenthread.performance.demo.load_ae_demo``) is missing.

Four-hour performance is a ratio: numerator = attendances − breaches, denominator = attendances,
one row per provider, department type and month. Providers hang under an ``england`` unit the
data creates (``declared=False``), so the plan's scorecard shows England.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from goldenthread.performance.models import Observation
from goldenthread.plans import models as m

AE_CSV = Path("/work/shared/data/ae_attendances.csv")


def load_ae(plan: m.Plan, path: Path = AE_CSV) -> int:
    metric = plan.metrics.get(code="AE4HR")
    england, _ = m.OrgUnit.objects.get_or_create(
        plan=plan,
        code="england",
        defaults={"name": "England", "kind": m.OrgUnit.Kind.ORGANISATION, "declared": False, "position": 1000},
    )
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = sorted({r["org_code"] for r in rows})
    existing = {u.code: u for u in plan.org_units.filter(code__in=codes)}
    new = [
        m.OrgUnit(
            plan=plan, code=c, name=c, kind=m.OrgUnit.Kind.PROVIDER, parent=england, declared=False, position=1001 + i
        )
        for i, c in enumerate(codes)
        if c not in existing
    ]
    m.OrgUnit.objects.bulk_create(new)
    units = {u.code: u for u in plan.org_units.filter(code__in=codes)}
    observations = []
    for r in rows:
        attendances, breaches = int(r["attendances"]), int(r["breaches"])
        if attendances == 0:
            continue
        num = attendances - breaches
        observations.append(
            Observation(
                metric=metric,
                org_unit=units[r["org_code"]],
                breakdown=f"department_type={r['type']}",
                period_start=date.fromisoformat(r["period"]),
                numerator=num,
                denominator=attendances,
                value=(Decimal(num) / Decimal(attendances)).quantize(Decimal("0.00000001")),
                source="NHS England A&E attendances and emergency admissions (NHSRdatasets ae_attendances)",
            )
        )
    Observation.objects.bulk_create(observations, batch_size=2000)
    return len(observations)
