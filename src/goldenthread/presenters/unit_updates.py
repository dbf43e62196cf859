"""The directorates' updates as the board reads them: each reporting unit's RAG rating and a
summary of its commentary from its latest **approved** update of a period ending by the pack's
period, labelled with that period and who reported it, and said to be missing when the unit's
update for the current period is not approved (see :mod:`goldenthread.presenters.reported`);
and the actions still open from every unit's accountability reviews.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.cycles.models import Submission
from goldenthread.cycles.services import display_name, reporting_units
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle_notes import AgreedAction, agreed_actions
from goldenthread.presenters.reported import RAG_LABELS, current_period

SUMMARY_CHARACTERS = 320
#: a RAG rating as the judgement rating whose colours the packs print (red as a concern, amber at risk)
RAG_RATINGS = {"red": "concern", "amber": "at_risk", "green": "on_track"}


@dataclass
class UnitUpdate:
    unit: str
    rag: str  # "Amber", or "" when no approved update gives one
    rating: str  # the rating whose colours a pack prints it in (see RAG_RATINGS), or ""
    period: str  # the approved update's period, "" with none
    by: str  # who reported (submitted) it
    summary: str  # the reason for the rating and the commentary, shortened
    missing: str  # "Not reported for 2019/20 Q4" when that period's update is not approved

    @property
    def source(self) -> str:
        return f"{self.period}, reported by {self.by}" if self.period else "No approved update"


def summarise(*parts: str, limit: int = SUMMARY_CHARACTERS) -> str:
    """The parts that say something, each ended as a sentence and joined, cut at a word before
    ``limit`` characters with "…"."""
    said = [" ".join(p.split()) for p in parts if p and p.strip()]
    text = " ".join(p if p[-1] in ".!?…" or p is said[-1] else p + "." for p in said)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return cut + "…"


def unit_updates(plan: pm.Plan, period: Period) -> list[UnitUpdate]:
    """Each reporting unit, in the plan's order, with its latest approved update by ``period``."""
    units = reporting_units(plan)
    current = current_period(plan, period.end)
    if not units or current is None:
        return []
    approved = (
        Submission.objects.filter(
            period__plan=plan,
            org_unit__in=units,
            status=Submission.Status.APPROVED,
            period__end__lte=period.end,
        )
        .select_related("period", "submitted_by")
        .order_by("org_unit_id", "-period__end")
    )
    latest: dict[int, Submission] = {}
    for row in approved:
        latest.setdefault(row.org_unit_id, row)
    out = []
    for unit in units:
        s = latest.get(unit.pk)
        missing = "" if s and s.period_id == current.pk else f"Not reported for {current.label}"
        if s is None:
            out.append(UnitUpdate(unit.name, "", "", "", "", "", missing))
            continue
        out.append(
            UnitUpdate(
                unit.name,
                RAG_LABELS.get(s.rag, ""),
                RAG_RATINGS.get(s.rag, ""),
                s.period.label,
                display_name(s.submitted_by),
                summarise(s.rag_reason, s.commentary),
                missing,
            )
        )
    return out


def open_actions(plan: pm.Plan, period: Period) -> list[AgreedAction]:
    """Every unit's actions agreed at accountability reviews by ``period`` that are not closed."""
    unit_ids = plan.org_units.values_list("pk", flat=True)
    return [a for a in agreed_actions(plan, period, unit_ids) if not a.status.startswith("Closed")]
