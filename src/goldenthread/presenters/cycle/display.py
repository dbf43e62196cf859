"""How the cycle's pages show things: status and rating tags, people, metric values, and the
addresses of a unit's update and review."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from goldenthread.audit.records import normal
from goldenthread.cycles.models import RAG, ReportingPeriod, Submission
from goldenthread.cycles.services import NOT_STARTED, STATUS_LABELS, display_name
from goldenthread.plans import models as pm

S = Submission.Status
RAG_LABELS = dict(RAG.choices)
TAG_CLASSES = {
    NOT_STARTED: "nhsuk-tag--grey",
    S.DRAFT: "nhsuk-tag--white",
    S.SUBMITTED: "nhsuk-tag--blue",
    S.RETURNED: "nhsuk-tag--orange",
    S.APPROVED: "nhsuk-tag--green",
    "red": "nhsuk-tag--red",
    "amber": "nhsuk-tag--yellow",
    "green": "nhsuk-tag--green",
    "open": "nhsuk-tag--blue",
    "in_progress": "nhsuk-tag--aqua-green",
    "closed": "nhsuk-tag--grey",
    "overdue": "nhsuk-tag--red",
}


def name_of(user) -> str:
    return display_name(user) if user is not None else ""


@dataclass
class Tag:
    text: str
    classes: str


def status_tag(status: str) -> Tag:
    return Tag(STATUS_LABELS.get(status, status), TAG_CLASSES.get(status, ""))


def rag_tag(rag: str) -> Tag | None:
    return Tag(RAG_LABELS[rag], TAG_CLASSES[rag]) if rag else None


def submission_href(period: ReportingPeriod, unit: pm.OrgUnit, edit: bool = False) -> str:
    name = "cycles:submission_edit" if edit else "cycles:submission"
    return reverse(name, args=[period.plan.code, period.slug, unit.code])


def review_href(period: ReportingPeriod, unit: pm.OrgUnit, edit: bool = False) -> str:
    return reverse("cycles:review_edit" if edit else "cycles:review", args=[period.plan.code, period.slug, unit.code])


def metric_value_text(metric: pm.Metric, value, numerator=None, denominator=None) -> str:
    if value is None:
        return ""
    if metric.unit == "percentage":
        text = f"{Decimal(value) * 100:.1f}%"
    elif metric.unit == "currency":
        text = f"£{Decimal(value):,.2f}"
    else:
        text = f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")
    if numerator is not None and denominator is not None:
        text += f" ({normal(numerator)} of {normal(denominator)})"
    return text
