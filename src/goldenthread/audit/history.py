"""History pages: for one element, every change — who, when, and each field before → after.

Read straight from the history tables, so an element deleted since still has its history, and
the page has nothing to edit: the trail can only be read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from goldenthread.access import roles, rules
from goldenthread.audit.models import RELATED_LABELS
from goldenthread.audit.records import history_model, normal
from goldenthread.cycles import models as cm
from goldenthread.formatting import date_time, long_date
from goldenthread.performance.models import Observation
from goldenthread.plans import models as pm

#: kind in the address -> (model, what to call it)
KINDS: dict[str, tuple[type[models.Model], str]] = {
    "plan": (pm.Plan, "Plan"),
    "org-unit": (pm.OrgUnit, "Org unit"),
    "owner": (pm.Owner, "Owner"),
    "level": (pm.Level, "Level"),
    "objective": (pm.Objective, "Objective"),
    "activity": (pm.Activity, "Activity"),
    "metric": (pm.Metric, "Metric"),
    "budget-line": (pm.BudgetLine, "Budget line"),
    "stated-total": (pm.StatedTotal, "Stated total"),
    "risk": (pm.Risk, "Risk"),
    "observation": (Observation, "Observation"),
    "period": (cm.ReportingPeriod, "Reporting period"),
    "submission": (cm.Submission, "Update"),
    "review": (cm.AccountabilityReview, "Accountability review"),
    "action": (cm.Action, "Action"),
    "publication": (cm.Publication, "Publication"),
}
KIND_OF_MODEL = {model: kind for kind, (model, _) in KINDS.items()}

# dependent rows shown on their parent's history page: model -> (foreign key to parent, label field)
_CHILDREN = {
    "submission": [
        (cm.ObjectiveUpdate, "submission", "objective", "Objective update"),
        (cm.ActivityUpdate, "submission", "activity", "Activity update"),
        (cm.MetricReturn, "submission", "metric", "Metric value"),
        (cm.RiskReview, "submission", "risk", "Risk review"),
    ],
    "review": [
        (cm.ReviewAttendee, "review", None, "Attendee"),
        (cm.ReviewDecision, "review", None, "Decision"),
        (cm.Action, "review", None, "Action"),
    ],
}
HIDDEN = {
    "id",
    "position",
    "loaded_at",
    "version",
    "updated_at",
    "updated_by",
    "created_at",
    "plan",
    "submission",
    "review",
}
VERBS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def history_link(obj: models.Model) -> str | None:
    from django.urls import reverse

    kind = KIND_OF_MODEL.get(type(obj))
    return reverse("cycles:history", args=[kind, obj.pk]) if kind else None


def _latest(kind: str, pk) -> models.Model | None:
    if kind not in KINDS:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return history_model(KINDS[kind][0]).objects.filter(id=pk).order_by("-history_date", "-history_id").first()


def may_view_history(user, kind: str, pk) -> bool:
    if not roles.signed_in(user):
        return False
    row = _latest(kind, pk)
    if row is None:
        return True  # the view says there is no such history (404)
    if kind in ("submission", "review"):
        return rules.may_view_unit_updates(user, pm.OrgUnit(pk=row.org_unit_id))
    if kind == "action":
        review = (
            history_model(cm.AccountabilityReview).objects.filter(id=row.review_id).order_by("-history_date").first()
        )
        return review is not None and rules.may_view_unit_updates(user, pm.OrgUnit(pk=review.org_unit_id))
    return True  # plan elements, observations, periods and publications: every signed-in person reads the plans


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    when: datetime
    who: str
    verb: str
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def when_text(self) -> str:
        return date_time(self.when, seconds=True)


@dataclass
class HistoryPage:
    kind: str
    kind_label: str
    title: str
    exists: bool
    entries: list[Entry]
    back_href: str | None


def _safe_str(obj, default: str) -> str:
    try:
        return str(obj)
    except Exception:  # an element whose related rows are gone since
        return default


def _who(row) -> str:
    if row.history_username:
        user = row.history_user
        return (user.get_full_name() or row.history_username) if user else row.history_username
    return "System (command line or data load)"


class _Namer:
    """Names for the values of foreign keys, fetched a table at a time."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = {}
        self.names: dict[tuple[type, object], str] = {}

    def want(self, f: models.Field, value) -> None:
        if f.is_relation and value is not None:
            self.wanted.setdefault(f.related_model, set()).add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            if model is get_user_model():
                found = {u.pk: u.get_full_name() or u.get_username() for u in model.objects.filter(pk__in=ids)}
            else:
                found = {o.pk: str(o) for o in model.objects.filter(pk__in=ids)}
            for pk in ids:
                self.names[(model, pk)] = found.get(pk, f"#{pk} (deleted)")

    def show(self, f: models.Field, value) -> str:
        if value is None or value == "":
            return ""
        if f.is_relation:
            return self.names.get((f.related_model, value), f"#{value}")
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%d %B %Y %H:%M")
        if isinstance(value, date):
            return long_date(value)
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return str(normal(value))


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN]


def _entries(rows: list, model: type[models.Model], subject_of, namer: _Namer) -> list[tuple]:
    """(row, previous row) pairs per element, in time order."""
    previous: dict[int, object] = {}
    pairs = []
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        pairs.append((row, previous.get(row.id), model, subject_of))
        previous[row.id] = row
        for f in _fields(model):
            namer.want(f, getattr(row, f.attname))
    return pairs


def _changes(row, before, model, namer: _Namer) -> list[Change]:
    out = []
    if row.history_type == "-":
        return out
    for f in _fields(model):
        new = namer.show(f, getattr(row, f.attname))
        old = namer.show(f, getattr(before, f.attname)) if before is not None else ""
        if new != old:
            out.append(Change(str(f.verbose_name).capitalize(), old, new))
    old_rel = (before.related or {}) if before is not None else {}
    for name, value in (row.related or {}).items():
        old_value = old_rel.get(name, [])
        if value != old_value:
            out.append(
                Change(RELATED_LABELS.get(name, name), "; ".join(map(str, old_value)), "; ".join(map(str, value)))
            )
    return out


def history_page(kind: str, pk) -> HistoryPage | None:
    latest = _latest(kind, pk)
    if latest is None:
        return None
    model, kind_label = KINDS[kind]
    hist = history_model(model)
    namer = _Namer()
    rows = list(hist.objects.filter(id=latest.id).select_related("history_user"))
    pairs = _entries(rows, model, lambda r: kind_label, namer)
    for child, fk, label_fk, label in _CHILDREN.get(kind, []):
        child_rows = list(history_model(child).objects.filter(**{f"{fk}_id": latest.id}).select_related("history_user"))
        if label_fk:
            f = child._meta.get_field(label_fk)
            for r in child_rows:
                namer.want(f, getattr(r, f.attname))

            def subject(r, f=f, label=label):
                return f"{label}: {namer.show(f, getattr(r, f.attname))}"
        else:

            def subject(r, label=label):
                return f"{label}: {_safe_str(r.history_object, str(r.id))[:80]}"

        pairs.extend(_entries(child_rows, child, subject, namer))
    namer.fetch()
    entries = [
        Entry(
            row.history_date,
            _who(row),
            VERBS.get(row.history_type, row.history_type),
            subject_of(row),
            _changes(row, before, m, namer),
        )
        for row, before, m, subject_of in pairs
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    live = model.objects.filter(pk=latest.id).first()
    title = _safe_str(live if live is not None else latest.history_object, f"{kind_label} {latest.id}")
    return HistoryPage(kind, kind_label, title, live is not None, entries, None)
