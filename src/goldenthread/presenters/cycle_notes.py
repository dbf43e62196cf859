"""What the quarterly cycle adds to a pack: the latest submitted update's commentary and the
actions agreed at accountability reviews.

Both functions return an empty list when there is no cycle data (no reporting periods, no
submitted update, no review) — or when the cycle app is not installed — so a pack for a plan that
does not run its cycle through goldenthread simply has no commentary, never an error.
Only updates that were submitted (or approved) are quoted: a draft is not yet the unit's word,
and a returned update is being revised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from goldenthread.cycles import models
from goldenthread.formatting import long_date
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as pm
from goldenthread.presenters.reported import progress_words


@dataclass
class Note:
    label: str  # "Overall", "Commentary", "Objective 5.1-1", "Metric AE4HR", "Activity A1"
    text: str


@dataclass
class Commentary:
    unit: str
    period: str  # the reporting period the update is for, e.g. "2019/20 Q1"
    status: str  # "Submitted" or "Approved"
    rag: str  # "Red", "Amber", "Green" or ""
    notes: list[Note] = field(default_factory=list)


@dataclass
class AgreedAction:
    description: str
    owner: str
    due: str
    status: str  # "Open", "Overdue" or "Closed"
    agreed_at: str  # "Medical accountability review, 2019/20 Q1 (25 July 2019)"
    closure_note: str = ""


def _joined(*parts: str) -> str:
    """The parts that say something, joined with a dash: "Amber — recruitment is behind"."""
    return " — ".join(x for x in parts if x)


RAG_LABELS = dict(models.RAG.choices)
ACTIVITY_STATUS_LABELS = dict(pm.Activity.Status.choices)


def _notes(
    s: models.Submission, objective_ids: set[int], metric_ids: set[int], activity_ids: set[int], everything: bool
) -> list[Note]:
    """What the update says overall, and about the given objectives, metrics and activities."""
    notes = []
    if s.rag or s.rag_reason:
        notes.append(Note("Overall", _joined(RAG_LABELS.get(s.rag, ""), s.rag_reason)))
    if s.commentary:
        notes.append(Note("Commentary", s.commentary))
    for u in s.objective_updates.select_related("objective"):
        if (everything or u.objective_id in objective_ids) and (u.rag or u.rag_reason):
            notes.append(Note(f"Objective {u.objective.code}", _joined(RAG_LABELS.get(u.rag, ""), u.rag_reason)))
    for r in s.metric_returns.select_related("metric"):
        if (everything or r.metric_id in metric_ids) and r.note:
            notes.append(Note(f"Metric {r.metric.code}", r.note))
    for a in s.activity_updates.select_related("activity"):
        if (everything or a.activity_id in activity_ids) and (a.status or a.commentary):
            status = progress_words(a.rag, a.percent_complete, a.forecast_on, ACTIVITY_STATUS_LABELS.get(a.status, ""))
            notes.append(Note(f"Activity {a.activity.code}", _joined(status, a.commentary)))
    return notes


def latest_commentary(
    plan: pm.Plan,
    as_at: Period,
    unit_ids: Iterable[int],
    *,
    objective_ids: Iterable[int] = (),
    metric_ids: Iterable[int] = (),
    activity_ids: Iterable[int] = (),
    everything: bool = False,
) -> list[Commentary]:
    """Per unit, its latest submitted or approved update for a period ending by ``as_at``: the
    overall rating and commentary, and what it says about the given objectives, metrics and
    activities (with ``everything``, about all of them)."""
    units = [u for u in dict.fromkeys(unit_ids) if u is not None]
    if not units:
        return []
    S = models.Submission.Status
    submissions = (
        models.Submission.objects.filter(
            period__plan=plan,
            org_unit_id__in=units,
            status__in=[S.SUBMITTED, S.APPROVED],
            period__end__lte=as_at.end,
        )
        .select_related("period", "org_unit")
        .order_by("org_unit__position", "-period__start")
    )
    latest: dict[int, models.Submission] = {}
    for s in submissions:
        latest.setdefault(s.org_unit_id, s)
    chosen = set(objective_ids), set(metric_ids), set(activity_ids)
    return [
        Commentary(
            s.org_unit.name,
            s.period.label,
            s.get_status_display(),
            RAG_LABELS.get(s.rag, ""),
            _notes(s, *chosen, everything),
        )
        for s in latest.values()
    ]


def agreed_actions(plan: pm.Plan, as_at: Period, unit_ids: Iterable[int]) -> list[AgreedAction]:
    """Actions agreed at the units' accountability reviews of periods ending by ``as_at``: every
    action of each unit's latest review, and any still open from earlier reviews. Overdue means
    open and due before the end of ``as_at``."""
    unit_ids = [u for u in dict.fromkeys(unit_ids) if u is not None]
    if not unit_ids:
        return []
    reviews = list(
        models.AccountabilityReview.objects.filter(
            period__plan=plan, org_unit_id__in=unit_ids, period__end__lte=as_at.end
        )
        .select_related("period", "org_unit")
        .order_by("org_unit__position", "-period__start")
    )
    latest: dict[int, int] = {}
    for r in reviews:
        latest.setdefault(r.org_unit_id, r.pk)
    out = []
    for review in reviews:
        for a in review.actions.order_by("position", "pk"):
            if review.pk != latest[review.org_unit_id] and not a.is_open:
                continue  # earlier reviews' actions are carried while open (open or in progress)
            if a.status == models.Action.Status.CLOSED:
                status = f"Closed {long_date(a.closed_on.date())}" if a.closed_on else "Closed"
            elif a.is_overdue(as_at.end):
                status = "Overdue"
            else:
                status = a.get_status_display()
            held = f" ({long_date(review.held_on)})" if review.held_on else ""
            out.append(
                AgreedAction(
                    a.description,
                    a.owner,
                    long_date(a.due_on) or "no date",
                    status,
                    f"{review.org_unit.name} accountability review, {review.period.label}{held}",
                    a.closure_note,
                )
            )
    return out


@dataclass
class ReviewRecord:
    period: str
    status: str
    held_on: str
    chair: str
    attendees: list[str]
    summary: str
    decisions: list[str]


def latest_review(plan: pm.Plan, as_at: Period, unit_id: int) -> ReviewRecord | None:
    """The unit's latest accountability review of a period ending by ``as_at``, or None."""
    review = (
        models.AccountabilityReview.objects.filter(period__plan=plan, org_unit_id=unit_id, period__end__lte=as_at.end)
        .select_related("period")
        .order_by("-period__start")
        .first()
    )
    if review is None:
        return None
    return ReviewRecord(
        review.period.label,
        review.get_status_display(),
        long_date(review.held_on),
        review.chair,
        [str(a) for a in review.attendees.all()],
        review.summary,
        [d.text for d in review.decisions.all()],
    )
