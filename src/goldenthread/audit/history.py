"""History pages: for one element, every change — who, when, and each field before → after.

Read straight from the history tables, so an element deleted since still has its history, and
the page has nothing to edit: the trail can only be read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from goldenthread.access import roles, rules
from goldenthread.audit import observations
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
    "body": (pm.Body, "Governance body"),
    "meeting": (pm.Meeting, "Meeting"),
    "observation": (Observation, "Observation"),
    "period": (cm.ReportingPeriod, "Reporting period"),
    "submission": (cm.Submission, "Update"),
    "review": (cm.AccountabilityReview, "Accountability review"),
    "action": (cm.Action, "Action"),
    "publication": (cm.Publication, "Publication"),
}
KIND_OF_MODEL = {model: kind for kind, (model, _) in KINDS.items()}

#: dependent rows shown on their parent's history page: (model, foreign key to the parent, the
#: foreign key that names the row or None to name it by itself, what to call it)
_CHILDREN: dict[str, list[tuple[type[models.Model], str, str | None, str]]] = {
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


def _latest(kind: str, pk: str | int | None) -> HistoricalRow | None:
    if kind not in KINDS or pk is None:
        return None
    try:
        number = int(pk)
    except ValueError:
        return None
    if kind == "observation":  # its own history (audit.observations): no history table
        return number if observations.exists(number) else None
    return history_model(KINDS[kind][0]).objects.filter(id=number).order_by("-history_date", "-history_id").first()


def may_view_history(user, kind: str, pk: str | int | None) -> bool:
    if not roles.signed_in(user):
        return False
    row = _latest(kind, pk)
    if row is None:
        return True  # the view says there is no such history (404)
    if kind in ("submission", "review"):
        return rules.may_view_unit_updates(user, pm.OrgUnit(pk=row.org_unit_id))
    if kind == "action" and row.review_id is None:  # agreed at a meeting: open to the meeting page's readers
        return True
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
    reason: str = ""  # e.g. "Plan change 3, approved …": where the change's own account is kept

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


#: a row of a historical table (simple_history makes those models at run time)
HistoricalRow = Any


class _Namer:
    """Names for the values of foreign keys, fetched a table at a time."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[object]] = {}
        self.names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, f: models.Field, value: object) -> None:
        related = f.related_model
        if isinstance(related, type) and value is not None:
            self.wanted.setdefault(related, set()).add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            rows = model._default_manager.filter(pk__in=ids)
            found = {o.pk: _name(o) for o in rows}
            for pk in ids:
                self.names[(model, pk)] = found.get(pk, f"#{pk} (deleted)")

    def show(self, f: models.Field, value: object) -> str:
        if value is None or value == "":
            return ""
        related = f.related_model
        if isinstance(related, type):
            return self.names.get((related, value), f"#{value}")
        return _shown(f, value)


def _name(obj: models.Model) -> str:
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def _shown(f: models.Field, value: object) -> str:
    """A field's value (not a reference) as the page shows it."""
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


@dataclass
class _Version:
    """A history row with the one before it for the same element, and what to call the element."""

    row: HistoricalRow
    before: HistoricalRow | None
    model: type[models.Model]
    subject: Callable[[HistoricalRow], str]

    def entry(self, namer: _Namer) -> Entry:
        row = self.row
        verb = VERBS.get(row.history_type, row.history_type)
        return Entry(
            row.history_date,
            _who(row),
            verb,
            self.subject(row),
            _changes(row, self.before, self.model, namer),
            row.history_change_reason or "",
        )


def _versions(
    rows: list[HistoricalRow], model: type[models.Model], subject: Callable[[HistoricalRow], str], namer: _Namer
) -> list[_Version]:
    """Each row with the previous row of the same element, in time order."""
    previous: dict[int, HistoricalRow] = {}
    out = []
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        out.append(_Version(row, previous.get(row.id), model, subject))
        previous[row.id] = row
        for f in _fields(model):
            namer.want(f, getattr(row, f.attname))
    return out


def _changes(
    row: HistoricalRow, before: HistoricalRow | None, model: type[models.Model], namer: _Namer
) -> list[Change]:
    out: list[Change] = []
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


def _child_subject(child: type[models.Model], label_fk: str | None, label: str, namer: _Namer) -> Callable[[Any], str]:
    """What a dependent row is called on its parent's page: by the element it is about, or itself."""
    if label_fk:
        f = child._meta.get_field(label_fk)
        assert isinstance(f, models.Field)
        return lambda r: f"{label}: {namer.show(f, getattr(r, f.attname))}"
    return lambda r: f"{label}: {_safe_str(r.history_object, str(r.id))[:80]}"


def _observation_page(pk: int) -> HistoryPage | None:
    """Every revision of the observation's key, each loaded, superseded, deleted (ADR 0012)."""
    found = observations.revisions(pk)
    if found is None:
        return None
    rows, held = found
    namer = _Namer()
    versions = _versions(rows, Observation, lambda r: "Observation" if r.id == pk else "Other revision", namer)
    namer.fetch()
    entries = sorted((v.entry(namer) for v in versions), key=lambda e: e.when, reverse=True)
    title = observations.title(next(r for r in rows if r.id == pk))
    return HistoryPage("observation", "Observation", title, held, entries, None)


def history_page(kind: str, pk: str | int) -> HistoryPage | None:
    if kind == "observation" and _latest(kind, pk) is not None:
        return _observation_page(int(pk))
    latest = _latest(kind, pk)
    if latest is None:
        return None
    model, kind_label = KINDS[kind]
    namer = _Namer()
    rows = list(history_model(model).objects.filter(id=latest.id).select_related("history_user"))
    versions = _versions(rows, model, lambda r: kind_label, namer)
    for child, fk, label_fk, label in _CHILDREN.get(kind, []):
        child_rows = history_model(child).objects.filter(**{f"{fk}_id": latest.id}).select_related("history_user")
        versions.extend(_versions(list(child_rows), child, _child_subject(child, label_fk, label, namer), namer))
    namer.fetch()
    entries = sorted((v.entry(namer) for v in versions), key=lambda e: e.when, reverse=True)
    live = model._default_manager.filter(pk=latest.id).first()
    title = _safe_str(live if live is not None else latest.history_object, f"{kind_label} {latest.id}")
    return HistoryPage(kind, kind_label, title, live is not None, entries, None)
