"""The plan's versions as the pages and the command line show them: the list of versions, one
version with what changed since the one before, and any two versions compared.

The comparison itself is the pure engine :mod:`goldenthread.planfile.compare`; this module
finds the versions an address or a command names (:func:`find_version`, with a message a
person can act on when there is none) and turns a comparison into rows a table reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from goldenthread.formatting import date_time, long_date
from goldenthread.planfile.compare import Action, Comparison, ElementChange, FieldChange, compare
from goldenthread.plans import models as m
from goldenthread.plans.versions import version_plan

HOW = {"loaded": "Loaded from a file", "created": "Created", "changed": "Approved change"}
ACTION_TAGS = {
    "added": ("Added", "green"),
    "changed": ("Changed", "blue"),
    "moved": ("Moved", "grey"),
    "removed": ("Removed", "red"),
}
KIND_NAMES = {
    "level": "Level",
    "org_unit": "Org unit",
    "owner": "Owner",
    "objective": "Objective",
    "activity": "Activity",
    "metric": "Metric",
    "budget_line": "Budget line",
    "stated_total": "Stated total",
    "risk": "Risk",
}


class VersionNotFound(Exception):
    """An address or a command names a version the plan does not have; the message says which
    versions it has."""


# --- finding versions -----------------------------------------------------------------------------


def versions_of(plan: m.Plan) -> list[m.PlanVersion]:
    """The plan's versions, first to last, each with its approved change (one query)."""
    return list(m.PlanVersion.objects.filter(plan=plan).select_related("change", "made_by").order_by("number"))


def _range(numbers: list[int]) -> str:
    if not numbers:
        return "no versions yet"
    return f"version {numbers[0]}" if len(numbers) == 1 else f"versions {numbers[0]} to {numbers[-1]}"


def find_version(plan: m.Plan, text: object, what: str = "version") -> m.PlanVersion:
    """The version ``text`` numbers (as typed in an address or a command); VersionNotFound, with
    what is wrong and the versions there are, when it is missing, not a number or not one of them."""
    numbers = list(m.PlanVersion.objects.filter(plan=plan).order_by("number").values_list("number", flat=True))
    given = str(text).strip() if text is not None else ""
    has = f"plan {plan.code} has {_range(numbers)}"
    if not given:
        raise VersionNotFound(f"Give the {what}: a version number ({has})")
    if not given.isdigit() or not given.isascii():
        raise VersionNotFound(f"The {what} '{given}' is not a version number; give a whole number ({has})")
    version = m.PlanVersion.objects.filter(plan=plan, number=int(given)).select_related("change", "made_by").first()
    if version is None:
        raise VersionNotFound(f"There is no version {int(given)} of plan {plan.code}: it has {_range(numbers)}")
    return version


# --- the list of versions -------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    """One version as the list shows it."""

    number: int
    how: str  # "Loaded from a file", "Created", "Approved change 2"
    in_force: str  # the period it is in force from, by name: "2019/20 Q3"
    note: str  # the load's note or the change's summary
    by: str
    when: str
    href: str
    latest: bool


def how_words(version: m.PlanVersion) -> str:
    words = HOW.get(version.how, version.how)
    if version.change is not None:
        return f"Approved change {version.change.number}"
    return words


def version_row(version: m.PlanVersion, code: str, *, latest: bool) -> VersionRow:
    by = version.made_by_name or (version.made_by.get_username() if version.made_by else "") or "the system"
    note = version.note
    if version.change is not None and version.change.summary:
        note = version.change.summary
    return VersionRow(
        number=version.number,
        how=how_words(version),
        in_force=version.in_force_label or long_date(version.in_force_from),
        note=note,
        by=by,
        when=date_time(version.made_at),
        href=reverse("plan-version", args=[code, version.number]),
        latest=latest,
    )


@dataclass(frozen=True)
class OpenChange:
    number: int
    status: str
    summary: str
    href: str  # "" until the change page is installed


@dataclass(frozen=True)
class CompareForm:
    """The form that asks for two versions to compare (a GET form: the address can be shared)."""

    action: str
    choices: list[tuple[int, str]]
    from_value: str
    to_value: str


@dataclass(frozen=True)
class VersionsPage:
    rows: list[VersionRow]  # newest first
    open_change: OpenChange | None
    form: CompareForm | None  # None with fewer than two versions


def _href(name: str, *args: object) -> str:
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return ""


def _open_change(plan: m.Plan) -> OpenChange | None:
    change = m.PlanChange.objects.filter(plan=plan, status__in=m.PlanChange.OPEN).first()
    if change is None:
        return None
    return OpenChange(change.number, change.get_status_display(), change.summary, _href("plan-change", plan.code))


def compare_form(plan: m.Plan, versions: list[m.PlanVersion], from_value: str = "", to_value: str = "") -> CompareForm:
    """The compare form, by default the latest version against the one before."""
    choices = [(v.number, f"Version {v.number} — {how_words(v)}, {long_date(v.made_at.date())}") for v in versions]
    if not from_value and not to_value and len(versions) >= 2:
        from_value, to_value = str(versions[-2].number), str(versions[-1].number)
    return CompareForm(reverse("plan-compare", args=[plan.code]), choices, from_value, to_value)


def versions_page(plan: m.Plan) -> VersionsPage:
    versions = versions_of(plan)
    rows = [version_row(v, plan.code, latest=i == len(versions) - 1) for i, v in enumerate(versions)]
    form = compare_form(plan, versions) if len(versions) >= 2 else None
    return VersionsPage(list(reversed(rows)), _open_change(plan), form)


# --- a comparison, as a table reads it ------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    label: str  # "Target value"
    path: str  # "target.value", as validation names the field
    old: str
    new: str
    detail: str  # for a list of codes: "added MED-2; removed MED-1"


@dataclass(frozen=True)
class ElementRow:
    action: str  # added | changed | moved | removed
    action_label: str
    colour: str  # the NHS.UK tag colour
    kind: str  # "Metric"
    code: str
    old_code: str  # the code it had, when it was renamed
    title: str
    fields: list[FieldRow]


@dataclass(frozen=True)
class KindGroup:
    section: str
    label: str  # "Metrics"
    summary: str  # "1 added, 2 changed"
    rows: list[ElementRow]


@dataclass(frozen=True)
class ComparisonView:
    older: VersionRow
    newer: VersionRow
    heading: str  # "Version 1 → version 3"
    summary: str  # "3 added, 1 changed" or "No differences"
    plan_fields: list[FieldRow]
    groups: list[KindGroup]

    @property
    def empty(self) -> bool:
        return not self.plan_fields and not self.groups


def field_label(path: str) -> str:
    """'target.value' -> 'Target value'; 'to_be_confirmed' -> 'To be confirmed'."""
    return path.replace(".", " ").replace("_", " ").capitalize()


def field_row(change: FieldChange) -> FieldRow:
    return FieldRow(field_label(change.path), change.path, change.old, change.new, change.detail)


def element_row(change: ElementChange) -> ElementRow:
    label, colour = ACTION_TAGS[change.action]
    return ElementRow(
        action=change.action,
        action_label=label,
        colour=colour,
        kind=KIND_NAMES.get(change.kind, change.kind),
        code=change.code,
        old_code=(change.old_code or "") if change.renamed else "",
        title=change.title,
        fields=[field_row(field) for field in change.fields],
    )


def counts_words(counts: Mapping[Action, int]) -> str:
    return ", ".join(f"{count} {action}" for action, count in counts.items()) or "No differences"


def comparison_rows(comparison: Comparison) -> tuple[list[FieldRow], list[KindGroup]]:
    groups = [
        KindGroup(s.section, s.label, counts_words(s.counts), [element_row(e) for e in s.elements])
        for s in comparison.sections
    ]
    return [field_row(change) for change in comparison.plan], groups


def comparison_view(plan: m.Plan, older: m.PlanVersion, newer: m.PlanVersion) -> ComparisonView:
    comparison = compare(version_plan(older), version_plan(newer))
    plan_fields, groups = comparison_rows(comparison)
    latest = m.PlanVersion.objects.filter(plan=plan).order_by("-number").values_list("number", flat=True).first()
    counts = comparison.counts
    summary = counts_words(counts)
    if plan_fields:
        own = f"{len(plan_fields)} of the plan’s own field{'s' if len(plan_fields) != 1 else ''} changed"
        summary = own if not counts else f"{summary}; {own}"
    return ComparisonView(
        older=version_row(older, plan.code, latest=older.number == latest),
        newer=version_row(newer, plan.code, latest=newer.number == latest),
        heading=f"Version {older.number} → version {newer.number}",
        summary=summary,
        plan_fields=plan_fields,
        groups=groups,
    )


# --- one version, and the compare page ------------------------------------------------------------


class Download(NamedTuple):
    label: str
    href: str


@dataclass(frozen=True)
class VersionPage:
    version: VersionRow
    previous: VersionRow | None
    comparison: ComparisonView | None  # with the previous version; None for the first
    downloads: list[Download]
    next_href: str  # the next version's page, if any


def version_page(plan: m.Plan, version: m.PlanVersion) -> VersionPage:
    versions = versions_of(plan)
    numbers = [v.number for v in versions]
    latest = numbers[-1] if numbers else version.number
    earlier = [v for v in versions if v.number < version.number]
    later = [v for v in versions if v.number > version.number]
    previous = earlier[-1] if earlier else None
    here = reverse("plan-version", args=[plan.code, version.number])
    downloads = [Download("Plan file (YAML)", f"{here}?format=yaml")]
    workbook = _href("plan-download", plan.code, "xlsx")
    if workbook:
        downloads.append(Download("Excel workbook", f"{workbook}?{urlencode({'version': version.number})}"))
    return VersionPage(
        version=version_row(version, plan.code, latest=version.number == latest),
        previous=version_row(previous, plan.code, latest=False) if previous else None,
        comparison=comparison_view(plan, previous, version) if previous else None,
        downloads=downloads,
        next_href=reverse("plan-version", args=[plan.code, later[0].number]) if later else "",
    )


@dataclass(frozen=True)
class ComparePage:
    form: CompareForm
    comparison: ComparisonView | None
    errors: list[tuple[str, str]]  # (field id, message): what is wrong with the address

    @property
    def error_list(self) -> list[dict[str, str]]:
        """The errors as the NHS.UK error summary lists them, each linking to its field."""
        return [{"text": message, "href": f"#{field}"} for field, message in self.errors]


def compare_page(plan: m.Plan, from_text: str | None, to_text: str | None) -> ComparePage:
    """Versions ``from`` and ``to`` compared; every problem with them as a message, never an error page."""
    errors: list[tuple[str, str]] = []
    found: dict[str, m.PlanVersion] = {}
    for name, text, what in (("from", from_text, "version to compare from"), ("to", to_text, "version to compare to")):
        try:
            found[name] = find_version(plan, text, what)
        except VersionNotFound as exc:
            errors.append((f"compare-{name}", str(exc)))
    form = compare_form(plan, versions_of(plan), (from_text or "").strip(), (to_text or "").strip())
    if errors:
        return ComparePage(form, None, errors)
    return ComparePage(form, comparison_view(plan, found["from"], found["to"]), [])
