"""The stored plans in a line each: what ``goldenthread plan list`` and the plans page show."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from goldenthread.plans import models as m


def plan_summaries() -> list[dict[str, Any]]:
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
