"""The change-control pages: a plan's open change (its edits with their reasons, before and after),
the plan quality check as a to-do list, the "Edit this plan" area of the plan page, and the plan
changes on My work.

Edits are shown as the core keeps them (:mod:`goldenthread.plans.changes`): the element's data
before and after, in plan-file form; what changed is worked out field by field here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse
from pydantic import ValidationError

from goldenthread.access import rules
from goldenthread.formatting import date_time
from goldenthread.planfile import schema
from goldenthread.planfile.compare import compare
from goldenthread.planfile.quality import CHECKS, Finding, check_plan
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan
from goldenthread.presenters.drafted import DraftReview, review

#: a quality finding's kind -> the plan-file list its element is in (the edit form's ``section``)
SECTION_OF_KIND = {"objective": "objectives", "metric": "metrics", "activity": "activities"}

#: a plan-file list (an edit's ``section``) -> what one of its elements is called
SECTION_NAMES = {
    "plan": "The plan's details",
    "levels": "Level",
    "org_units": "Organisational unit",
    "owners": "Owner",
    "objectives": "Objective",
    "activities": "Activity",
    "metrics": "Metric",
    "budget_lines": "Budget line",
    "stated_totals": "Printed total",
    "risks": "Risk",
    "bodies": "Governance body",
    "meetings": "Meeting",
}

#: an edit's action as people read it
ACTION_WORDS = {"added": "Added", "changed": "Changed", "moved": "Moved", "removed": "Retired"}

#: the links to start editing: (words, section)
ADD_LINKS = (("Add an objective", "objectives"), ("Add a metric", "metrics"), ("Add an activity", "activities"))

NONE = "(none)"

#: a change's status -> the NHS.UK tag colour it is shown in
TAG_CLASSES = {
    "draft": "nhsuk-tag--grey",
    "submitted": "nhsuk-tag--blue",
    "approved": "nhsuk-tag--green",
    "rejected": "nhsuk-tag--red",
    "withdrawn": "nhsuk-tag--grey",
}


# --- before and after -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str  # as people read it, e.g. "target value"
    before: str
    after: str


def field_changes(section: str, before: dict | None, after: dict | None) -> list[FieldChange]:
    """What differs between two versions of an element (plan-file data), field by field, as the
    versions comparison writes it (:mod:`goldenthread.planfile.compare`: nested records by their
    own fields, percentages and money with their human form); a moved element's place."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    if set(before) == {"position"} or set(after) == {"position"}:
        return [FieldChange("position", _text(before.get("position")), _text(after.get("position")))]
    try:
        compared = compare(
            schema.Plan.model_validate(_shell(section, before)), schema.Plan.model_validate(_shell(section, after))
        )
    except ValidationError:
        return _plain_changes(before, after)
    if section == changes.PLAN:
        found = compared.plan
    else:
        listed = compared.section(section)
        elements = listed.elements if listed is not None else ()
        if len(elements) != 1 or elements[0].action not in ("changed", "moved"):
            return _plain_changes(before, after)
        found = elements[0].fields
    return [FieldChange(f.path.replace("_", " ").replace(".", " "), f.old, f.new) for f in found]


#: the least plan an element can be compared in
_SHELL: dict[str, Any] = {
    "code": "shell",
    "title": "shell",
    "organisation": {"code": "shell", "name": "shell"},
    "start": "2000/01",
    "end": "2000/01",
    "levels": [{"code": "shell", "name": "shell"}],
}


def _shell(section: str, data: dict) -> dict:
    if section == changes.PLAN:
        return {**data, "levels": _SHELL["levels"]}
    return {**_SHELL, section: [data]}


def _plain_changes(before: dict, after: dict) -> list[FieldChange]:
    """Field by field, when the versions comparison cannot read the data."""
    old, new = _flat(before), _flat(after)
    names = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(name.replace("_", " ").replace(".", " "), _text(old.get(name)), _text(new.get(name)))
        for name in names
        if old.get(name) != new.get(name)
    ]


def _flat(data: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _text(value: Any) -> str:
    """A value of a plan's field as text; markup stays text (templates escape it)."""
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return str(value)


# --- the edits of a change ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditRow:
    number: int
    section: str
    kind: str  # "Metric", "Objective" …
    code: str
    title: str
    action: str  # "Added", "Changed", "Moved", "Retired"
    reason: str
    by: str
    at: str
    changes: list[FieldChange]
    href: str | None  # the element's form in the draft, while the change is a draft


def _title(edit: m.PlanEdit) -> str:
    if edit.section == changes.PLAN:
        return ""
    for data in (edit.after, edit.before):
        if isinstance(data, dict) and (data.get("title") or data.get("name")):
            return str(data.get("title") or data.get("name"))
    return ""


def _element_titles(change: m.PlanChange) -> dict[tuple[str, str], str]:
    """(section, code) -> title, from the working plan (a moved element's edit holds its position only)."""
    return {
        (section, str(item.get("code"))): str(item.get("title") or item.get("name") or "")
        for section, items in change.document.items()
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict)
    }


def edit_rows(change: m.PlanChange) -> list[EditRow]:
    """The change's edits in the order they were made."""
    titles = _element_titles(change)
    draft = change.status == m.PlanChange.Status.DRAFT
    rows = []
    for i, edit in enumerate(change.edits.select_related("made_by").order_by("made_at", "pk"), start=1):
        live = (edit.section, edit.code) in titles
        rows.append(
            EditRow(
                number=i,
                section=edit.section,
                kind=SECTION_NAMES.get(edit.section, edit.section.replace("_", " ").capitalize()),
                code=edit.code,
                title=_title(edit) or titles.get((edit.section, edit.code), ""),
                action=ACTION_WORDS.get(edit.action, edit.action),
                reason=edit.reason,
                by=edit.made_by_name or _name(edit.made_by),
                at=date_time(edit.made_at),
                changes=[]
                if edit.action in ("added", "removed")
                else field_changes(edit.section, edit.before, edit.after),
                href=_element_href(change.plan.code, edit.section, edit.code) if draft and live else None,
            )
        )
    return rows


def _name(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def _element_href(code: str, section: str, element: str) -> str | None:
    if section == changes.PLAN:
        return reverse("plan-fields-edit", args=[code])
    if section not in SECTION_NAMES:
        return None
    return reverse("plan-element-edit", args=[code, section, element])


# --- the quality check as a to-do list ------------------------------------------------------------


@dataclass(frozen=True)
class ToDo:
    code: str
    title: str
    detail: str
    href: str | None  # the form that fixes it, for those who may edit


@dataclass(frozen=True)
class ToDoGroup:
    check: str
    heading: str
    items: list[ToDo]


def to_do(plan_code: str, findings: list[Finding], *, links: bool) -> list[ToDoGroup]:
    """The findings by check, in the order of :data:`CHECKS`; with ``links``, each to its element's form."""
    groups = []
    for check, heading in CHECKS.items():
        items = [
            ToDo(
                f.code,
                f.title,
                f.detail,
                reverse("plan-element-edit", args=[plan_code, SECTION_OF_KIND[f.kind], f.code])
                if links and f.kind in SECTION_OF_KIND
                else None,
            )
            for f in findings
            if f.check == check
        ]
        if items:
            groups.append(ToDoGroup(check, heading, items))
    return groups


def checked_plan(plan: m.Plan, change: m.PlanChange | None) -> schema.Plan:
    """The plan the quality check is run on: the open change's working plan, else the live plan."""
    return changes.working_plan(change) if change is not None else export_plan(plan.code)


# --- the change -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


@dataclass(frozen=True)
class ChangeSummary:
    number: int
    status: str  # draft, submitted, …
    status_text: str  # "Draft", "Awaiting approval" …
    opened_by: str
    opened_at: str
    edit_count: int
    revision: int
    in_force_label: str
    summary: str
    submitted: str  # "by … on …", when submitted
    decided: str  # "by … on …", when decided
    decision_comment: str
    href: str
    version_href: str = ""  # the version an approved change made

    @property
    def tag(self) -> Tag:
        return Tag(self.status_text, TAG_CLASSES.get(self.status, ""))


def summarised(found: QuerySet[m.PlanChange]) -> QuerySet[m.PlanChange]:
    """The changes with what :func:`change_summary` shows, in one query (no query per change)."""
    people = ("plan", "opened_by", "submitted_by", "decided_by", "version")
    return found.select_related(*people).annotate(edit_total=Count("edits", distinct=True))


def change_summary(change: m.PlanChange) -> ChangeSummary:
    submitted = (
        f"{_name(change.submitted_by)} on {date_time(change.submitted_at)}" if change.submitted_at is not None else ""
    )
    decided = f"{_name(change.decided_by)} on {date_time(change.decided_at)}" if change.decided_at is not None else ""
    return ChangeSummary(
        number=change.number,
        status=change.status,
        status_text=change.get_status_display(),
        opened_by=_name(change.opened_by),
        opened_at=date_time(change.opened_at),
        edit_count=change.edit_total if hasattr(change, "edit_total") else change.edits.count(),
        revision=change.revision,
        in_force_label=change.in_force_label,
        summary=change.summary,
        submitted=submitted,
        decided=decided,
        decision_comment=change.decision_comment,
        href=reverse("plan-change", args=[change.plan.code]),
        version_href=_version_href(change),
    )


def _version_href(change: m.PlanChange) -> str:
    if change.status != m.PlanChange.Status.APPROVED:
        return ""
    try:
        return reverse("plan-version", args=[change.plan.code, change.version.number])
    except m.PlanVersion.DoesNotExist:
        return ""


@dataclass(frozen=True)
class Link:
    text: str
    href: str


def add_links(plan_code: str) -> list[Link]:
    every = Link("Edit any part of the plan: its details and every element", reverse("plan-edit", args=[plan_code]))
    return [every, *(Link(text, reverse("plan-element-new", args=[plan_code, section])) for text, section in ADD_LINKS)]


@dataclass
class ChangePage:
    plan: m.Plan
    change: ChangeSummary | None
    edits: list[EditRow]
    to_do: list[ToDoGroup]
    finding_count: int
    may_edit: bool
    may_decide: bool  # the person may approve changes to this plan …
    is_editor: bool  # … but not this one, having made or submitted its edits
    add_links: list[Link]
    plan_period: str
    owner: str = ""  # who approves the plan's changes
    last_rejected: ChangeSummary | None = None
    earlier: list[ChangeSummary] = field(default_factory=list)  # decided or withdrawn, latest first
    drafted: DraftReview | None = None  # the elements drafted from the plan's document, for review

    @property
    def is_draft(self) -> bool:
        return self.change is not None and self.change.status == m.PlanChange.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.change is not None and self.change.status == m.PlanChange.Status.SUBMITTED

    @property
    def can_submit(self) -> bool:
        return self.may_edit and self.is_draft

    @property
    def can_withdraw(self) -> bool:
        return self.may_edit and self.change is not None

    @property
    def can_decide(self) -> bool:
        return self.may_decide and self.is_submitted and not self.is_editor


def change_page(plan: m.Plan, user, *, only_to_review: bool = False) -> ChangePage:
    """The plan's open change, for its planning team and its owner (``only_to_review``: of the
    elements drafted from its document, the table shows those still to review)."""
    change = changes.open_change(plan)
    checked = checked_plan(plan, change)
    findings = check_plan(checked)
    may_edit = rules.may_edit_plan(user, plan)
    editor_ids = changes.editors(change) if change is not None else set()
    rejected = None
    if change is None:
        last = summarised(m.PlanChange.objects.filter(plan=plan)).order_by("-number").first()
        rejected = change_summary(last) if last is not None and last.status == m.PlanChange.Status.REJECTED else None
    return ChangePage(
        plan=plan,
        change=change_summary(change) if change is not None else None,
        edits=edit_rows(change) if change is not None else [],
        to_do=to_do(plan.code, findings, links=may_edit and (change is None or _is_draft(change))),
        finding_count=len(findings),
        may_edit=may_edit,
        may_decide=rules.may_approve_change(user, plan),
        is_editor=user.pk in editor_ids,
        add_links=add_links(plan.code) if may_edit else [],
        plan_period=plan.period_label,
        owner=_name(plan.owner_account) if plan.owner_account_id else "an administrator (the plan has no owner)",
        last_rejected=rejected,
        earlier=[
            change_summary(c)
            for c in summarised(plan.changes.exclude(status__in=m.PlanChange.OPEN)).order_by("-number")
        ],
        drafted=review(change, checked if change is not None else None, only_to_review=only_to_review),
    )


def _is_draft(change: m.PlanChange) -> bool:
    return change.status == m.PlanChange.Status.DRAFT


# --- the plan page's "Edit this plan" area --------------------------------------------------------


@dataclass
class EditArea:
    change: ChangeSummary | None
    change_href: str
    add_links: list[Link]
    to_do: list[ToDoGroup]
    finding_count: int
    new_plan_href: str  # a new plan with this one's levels, units and owners


def edit_area(plan: m.Plan, user) -> EditArea | None:
    """For the plan's planning team (and administrators): where the open change stands, the links
    to start editing, and the quality check of the plan being edited as a to-do list with links to
    the forms. None for everyone else (they read the plan's own quality check)."""
    if not rules.may_edit_plan(user, plan):
        return None
    change = changes.open_change(plan)
    findings = check_plan(checked_plan(plan, change))
    return EditArea(
        change=change_summary(change) if change is not None else None,
        change_href=reverse("plan-change", args=[plan.code]),
        add_links=add_links(plan.code),
        to_do=to_do(plan.code, findings, links=change is None or _is_draft(change)),
        finding_count=len(findings),
        new_plan_href=f"{reverse('plan-new')}?{urlencode({'from': plan.code})}" if rules.may_create_plan(user) else "",
    )


# --- My work --------------------------------------------------------------------------------------


__all__ = [
    "ChangePage",
    "EditArea",
    "EditRow",
    "FieldChange",
    "ToDo",
    "ToDoGroup",
    "change_page",
    "change_summary",
    "edit_area",
    "field_changes",
    "to_do",
]
