"""Change control: edits to a plan gathered in a draft change, submitted, and approved or rejected.

A change holds the working plan — its base version with every edit applied — as a plan file
document, so each edit is validated as a whole plan by the same code that validates a file
(:func:`goldenthread.planfile.validate_data`), with the same messages; nothing is saved unless the
whole plan is valid. Each edit keeps its reason, who, when, and the element before and after.
Approval loads the working plan into the live tables (:func:`goldenthread.plans.store.load_plan`,
which writes the audit trail) and records the next version (:mod:`.versions`).

Two people editing the same element: a form carries the element's :func:`fingerprint` as it was
shown, and a save whose element has changed since is refused (:class:`EditConflict`), so the
second save never overwrites the first unseen.
"""

from __future__ import annotations

import copy

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from goldenthread.audit import records as audit
from goldenthread.planfile import Problem, fields, plan_document, schema, validate_data
from goldenthread.planfile.periods import PeriodError
from goldenthread.plans import models as m
from goldenthread.plans.documents import (
    LISTS,
    PLAN,
    Document,
    differences,
    fingerprint,
    index_of,
    plan_fields,
    referring,
)
from goldenthread.plans.store import PlanLoadRefused, export_plan, load_plan
from goldenthread.plans.store.syncing import records_held
from goldenthread.plans.versions import in_force_date, record_version, version_plan


class ChangeRefused(Exception):
    """The change cannot do what was asked; the message says why and what to do."""


class EditProblems(Exception):
    """The plan would not be valid: every problem, located by field path. Nothing was saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in problems))
        self.problems = problems


class EditConflict(Exception):
    """Someone saved the element since the form was shown. Nothing was saved."""


# --- a new plan ---------------------------------------------------------------------------------


def create_plan(spec: schema.Plan, user, *, how: str, note: str) -> m.PlanVersion:
    """A new plan from ``spec``, stored as its first version (``how``, ``note``). Refused when a
    plan with its code exists, also one someone else created while this one was being checked.
    The pages and the API both create plans here; each grants its creator's role itself."""
    taken = ChangeRefused(f"A plan with the code '{spec.code}' already exists; choose another code")
    try:
        with transaction.atomic():
            if m.Plan.objects.filter(code=spec.code).exists():
                raise taken
            load_plan(spec, user=user, record_version=False)
            plan = m.Plan.objects.get(code=spec.code)
            return record_version(plan, spec, how=how, user=user, note=note)
    except IntegrityError:
        raise taken from None


# --- reading ------------------------------------------------------------------------------------


def latest_version(plan: m.Plan) -> m.PlanVersion:
    """The plan's latest version; the baseline is made from the stored plan when it has none
    (a plan loaded before versions were kept)."""
    version = m.PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if version is not None:
        return version
    return record_version(plan, export_plan(plan.code), how=m.PlanVersion.How.LOADED, note="Baseline: the plan as held")


def ensure_baselines() -> int:
    """The baseline of every plan that has no version yet; how many were made."""
    plans = list(m.Plan.objects.filter(versions__isnull=True))
    for plan in plans:
        latest_version(plan)
    return len(plans)


def open_change(plan: m.Plan) -> m.PlanChange | None:
    """The plan's change in draft or awaiting approval, if any."""
    return m.PlanChange.objects.filter(plan=plan, status__in=m.PlanChange.OPEN).first()


def working_plan(change: m.PlanChange) -> schema.Plan:
    return schema.Plan.model_validate(change.document)


def element_data(change: m.PlanChange, section: str, code: str) -> dict | None:
    """An element of the working plan as data; for ``plan``, the plan's own fields."""
    if section == PLAN:
        return plan_fields(change.document)
    items = change.document.get(section, [])
    i = index_of(items, code)
    return None if i is None else items[i]


# --- drafting ------------------------------------------------------------------------------------


def draft_change(plan: m.Plan, user) -> m.PlanChange:
    """The plan's draft change, opened from the latest version when there is none."""
    with transaction.atomic():
        m.Plan.objects.select_for_update().filter(pk=plan.pk).first()
        change = open_change(plan)
        if change is not None:
            _must_be_draft(change)
            return change
        base = latest_version(plan)
        number = (m.PlanChange.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
        return m.PlanChange.objects.create(
            plan=plan,
            number=number,
            base=base,
            document=copy.deepcopy(base.document),
            opened_by=_account(user),
            opened_at=timezone.now(),
        )


def _must_be_draft(change: m.PlanChange) -> None:
    if change.status == m.PlanChange.Status.SUBMITTED:
        raise ChangeRefused(
            f"Change {change.number} to this plan is awaiting the plan owner's decision; no edits can be made "
            "until it is approved or rejected (or withdrawn by the planning team)"
        )
    if change.status != m.PlanChange.Status.DRAFT:
        raise ChangeRefused(f"Change {change.number} is {change.get_status_display().lower()}; it takes no more edits")


def _account(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _locked(change: m.PlanChange) -> m.PlanChange:
    """The change re-read under a row lock, so edits to one change are made one at a time."""
    locked = m.PlanChange.objects.select_for_update().get(pk=change.pk)
    _must_be_draft(locked)
    return locked


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        message = "Say why this is changing, e.g. 'Target revised by the board'"
        raise EditProblems([Problem("", 0, 0, "reason", message)])
    problem = fields.text_problem(reason, max_length=fields.DESCRIPTION_LENGTH)
    if problem:  # the plan file's own rule for its texts: nothing the database refuses or shows reversed
        raise EditProblems([Problem("", 0, 0, "reason", f"The reason {problem}")])
    return reason


def _validated(change: m.PlanChange, document: Document) -> Document:
    """The document, checked as a whole plan and written in its canonical form."""
    result = validate_data(document, f"change {change.number}")
    if result.plan is None:
        raise EditProblems(result.problems)
    if result.plan.code != change.plan.code:
        raise EditProblems([Problem("", 0, 0, "code", "The plan's code cannot change; create a new plan instead")])
    return plan_document(result.plan)


def _commit(change: m.PlanChange, document: Document, edits: list[m.PlanEdit], user) -> None:
    change.document = document
    change.revision += 1
    change.save(update_fields=["document", "revision"])
    now, name = timezone.now(), _name(user)
    for edit in edits:
        edit.change, edit.made_by, edit.made_by_name, edit.made_at = change, _account(user), name, now
    m.PlanEdit.objects.bulk_create(edits)


def _name(user) -> str:
    account = _account(user)
    return (account.get_full_name() or account.get_username()) if account else "the system"


def save_element(
    change: m.PlanChange, section: str, code: str | None, data: dict, *, reason: str, user, seen: str | None
) -> m.PlanEdit | None:
    """Add (``code`` None) or replace the element ``code`` of ``section`` with ``data`` (which may
    rename it or give it another parent). None when nothing changed."""
    if section not in LISTS:
        raise ChangeRefused(f"'{section}' is not a kind of plan element")
    reason = _reason(reason)
    with transaction.atomic():
        change = _locked(change)
        document = copy.deepcopy(change.document)
        items = document.setdefault(section, [])
        if code is None:
            before, at = None, len(items)
            items.append(data)
        else:
            at = _current_index(change, section, code, seen)
            before, items[at] = items[at], data
        document = _validated(change, document)
        after = document[section][at]
        if after == before:
            return None
        action = m.PlanEdit.Action.ADDED if before is None else m.PlanEdit.Action.CHANGED
        edit = m.PlanEdit(section=section, code=after["code"], action=action, reason=reason, before=before, after=after)
        _commit(change, document, [edit], user)
        return edit


def _current_index(change: m.PlanChange, section: str, code: str, seen: str | None) -> int:
    """Where the element is now; EditConflict when it has gone or changed since it was shown."""
    items = change.document.get(section, [])
    at = index_of(items, code)
    if at is None:
        raise EditConflict(
            f"'{code}' is no longer in the draft: someone renamed or retired it after you opened the form. "
            "Your values are shown below; find the element again on the change page"
        )
    if seen is not None and fingerprint(items[at]) != seen:
        last = change.edits.filter(section=section, code=code).order_by("-made_at", "-pk").first()
        who = f"{last.made_by_name} changed it at {timezone.localtime(last.made_at):%H:%M}" if last else "It changed"
        raise EditConflict(
            f"{who} after you opened this form, so your save was not made. Their version is now in the "
            "draft; check your values below against it and save again"
        )
    return at


def save_plan_fields(change: m.PlanChange, data: dict, *, reason: str, user, seen: str | None) -> m.PlanEdit | None:
    """Change the plan's own fields (title, period, description, status, source document…)."""
    reason = _reason(reason)
    with transaction.atomic():
        change = _locked(change)
        before = plan_fields(change.document)
        if seen is not None and fingerprint(before) != seen:
            raise EditConflict(
                "Someone changed the plan's details after you opened this form, so your save was not made; "
                "check your values below and save again"
            )
        lists = {k: v for k, v in change.document.items() if k in LISTS}
        document = _validated(change, {**data, **lists})
        after = plan_fields(document)
        if after == before:
            return None
        code = change.plan.code
        edit = m.PlanEdit(section=PLAN, code=code, action="changed", reason=reason, before=before, after=after)
        _commit(change, document, [edit], user)
        return edit


def remove_element(change: m.PlanChange, section: str, code: str, *, reason: str, user, seen: str | None) -> m.PlanEdit:
    """Retire an element: from the next version on it is no longer in the plan (earlier versions,
    and the papers for the periods they were in force, keep it)."""
    reason = _reason(reason)
    with transaction.atomic():
        change = _locked(change)
        at = _current_index(change, section, code, seen)
        document = copy.deepcopy(change.document)
        named_by = referring(document, section, code)
        if named_by:
            raise ChangeRefused(
                f"'{code}' cannot be retired while other elements name it: {', '.join(named_by)}. "
                "Retire them or point them elsewhere first"
            )
        _refuse_losing_records(change.plan, section, code)
        before = document[section].pop(at)
        document = _validated(change, document)
        edit = m.PlanEdit(section=section, code=code, action=m.PlanEdit.Action.REMOVED, reason=reason, before=before)
        _commit(change, document, [edit], user)
        return edit


_RECORD_KEEPERS: dict[str, type[m.PlanElement]] = {
    "objectives": m.Objective,
    "activities": m.Activity,
    "metrics": m.Metric,
    "meetings": m.Meeting,
}


def _refuse_losing_records(plan: m.Plan, section: str, code: str) -> None:
    """An element holding what people loaded or wrote stays in the plan, so nothing is lost."""
    model = _RECORD_KEEPERS.get(section)
    if model is None:
        return
    held = records_held(model, model._default_manager.filter(plan=plan, code=code).values_list("pk", flat=True))
    if held:
        instead = " Mark it cancelled instead." if section == "activities" else ""
        raise ChangeRefused(f"{held[0]}, so retiring it would lose them; it stays in the plan.{instead}")


def move_element(
    change: m.PlanChange, section: str, code: str, *, to_position: int, reason: str, user, seen: str | None
) -> m.PlanEdit | None:
    """Put an element at another place in its list (0 is first); None when it is there already."""
    reason = _reason(reason)
    with transaction.atomic():
        change = _locked(change)
        at = _current_index(change, section, code, seen)
        document = copy.deepcopy(change.document)
        items = document[section]
        to = max(0, min(to_position, len(items) - 1))
        if to == at:
            return None
        element = items.pop(at)
        items.insert(to, element)
        document = _validated(change, document)
        edit = m.PlanEdit(
            section=section,
            code=code,
            action=m.PlanEdit.Action.MOVED,
            reason=reason,
            before={"position": at + 1},
            after={"position": to + 1},
        )
        _commit(change, document, [edit], user)
        return edit


def replace_plan(change: m.PlanChange, spec: schema.Plan, *, reason: str, user) -> list[m.PlanEdit]:
    """The whole working plan replaced by ``spec`` (an uploaded workbook or file): one edit for each
    element added, changed, moved or retired, all with ``reason``."""
    reason = _reason(reason)
    with transaction.atomic():
        change = _locked(change)
        document = _validated(change, plan_document(spec))
        edits = differences(change.document, document, change.plan.code, reason)
        if edits:
            _commit(change, document, edits, user)
        return edits


# --- deciding ------------------------------------------------------------------------------------


def submit(change: m.PlanChange, user, *, in_force_label: str, summary: str) -> m.PlanChange:
    """Send the draft to the plan's owner, saying from which period it is to be in force."""
    with transaction.atomic():
        change = _locked(change)
        if not change.edits.exists():
            raise ChangeRefused("This change has no edits yet; make an edit before submitting it")
        label = (in_force_label or "").strip()
        if not label:
            raise ChangeRefused("Say from which period the change is in force, e.g. 2019/20 Q3")
        try:
            change.in_force_from = in_force_date(change.plan, label)
        except PeriodError as exc:
            raise ChangeRefused(f"In force from: {exc}") from None
        change.in_force_label = label
        change.summary = (summary or "").strip()
        change.status = m.PlanChange.Status.SUBMITTED
        change.submitted_by, change.submitted_at = _account(user), timezone.now()
        change.save()
        return change


def _submitted(change: m.PlanChange) -> m.PlanChange:
    locked = m.PlanChange.objects.select_for_update().select_related("plan").get(pk=change.pk)
    if locked.status != m.PlanChange.Status.SUBMITTED:
        raise ChangeRefused(
            f"Change {locked.number} is {locked.get_status_display().lower()}; only a change awaiting approval "
            "can be approved or rejected"
        )
    return locked


def editors(change: m.PlanChange) -> set[int]:
    """The accounts that made or submitted the change's edits."""
    ids = set(change.edits.exclude(made_by=None).values_list("made_by_id", flat=True))
    return ids | ({change.submitted_by_id} if change.submitted_by_id else set())


def approve(change: m.PlanChange, user, comment: str = "") -> m.PlanVersion:
    """Make the change the plan's next version: the working plan loaded into the live tables, in
    force from the period the change gives. The approver is not one of its editors."""
    with transaction.atomic():
        change = _submitted(change)
        account = _account(user)
        if account is not None and account.pk in editors(change):
            raise ChangeRefused(
                "You made or submitted edits in this change, so another person must approve it: the plan's owner "
                "or an administrator"
            )
        latest = latest_version(change.plan)
        if latest.pk != change.base_id:
            raise ChangeRefused(
                f"The plan has moved on since this change was opened from version {change.base.number}: version "
                f"{latest.number} ({latest.get_how_display().lower()}) is now current. Reject this change and make "
                "its edits again on the current plan"
            )
        spec = working_plan(change)
        try:
            with audit.because(f"Plan change {change.number}, approved (its edits give each reason)"):
                load_plan(spec, user=account, record_version=False)
        except PlanLoadRefused as exc:
            raise ChangeRefused(str(exc)) from None
        version = record_version(
            change.plan,
            spec,
            how=m.PlanVersion.How.CHANGED,
            user=account,
            note=change.summary or f"Change {change.number}",
            in_force_from=change.in_force_from,
            in_force_label=change.in_force_label,
            change=change,
        )
        _decide(change, account, m.PlanChange.Status.APPROVED, comment)
        return version


def _decide(change: m.PlanChange, account, status: str, comment: str) -> None:
    change.status = status
    change.decided_by, change.decided_at = account, timezone.now()
    change.decision_comment = (comment or "").strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])


def reject(change: m.PlanChange, user, comment: str) -> m.PlanChange:
    """Refuse the change with a comment; the live plan stays as it is."""
    if not (comment or "").strip():
        raise ChangeRefused("Say why the change is rejected, so the planning team can act on it")
    with transaction.atomic():
        change = _submitted(change)
        _decide(change, _account(user), m.PlanChange.Status.REJECTED, comment)
        return change


def withdraw(change: m.PlanChange, user) -> m.PlanChange:
    """The planning team abandons an open change; its edits are kept with it, unapplied."""
    with transaction.atomic():
        locked = m.PlanChange.objects.select_for_update().get(pk=change.pk)
        if not locked.is_open:
            raise ChangeRefused(f"Change {locked.number} is {locked.get_status_display().lower()} already")
        _decide(locked, _account(user), m.PlanChange.Status.WITHDRAWN, "")
        return locked


__all__ = [
    "LISTS",
    "PLAN",
    "ChangeRefused",
    "EditConflict",
    "EditProblems",
    "approve",
    "draft_change",
    "ensure_baselines",
    "element_data",
    "fingerprint",
    "latest_version",
    "move_element",
    "open_change",
    "referring",
    "reject",
    "remove_element",
    "replace_plan",
    "save_element",
    "save_plan_fields",
    "submit",
    "version_plan",
    "withdraw",
    "working_plan",
]
