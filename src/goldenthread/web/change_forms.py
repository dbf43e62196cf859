"""The forms of the change-control pages: submitting a change (from which period it is in force,
and a summary), the owner's decision, and a new plan (from scratch or from another plan as a
template). Each keeps what was typed and collects every problem at once (the cycle's form layer,
:mod:`goldenthread.cycles.forms.fields`); a new plan is validated by the plan file's own checks,
with each problem shown against its field."""

from __future__ import annotations

import re
from collections.abc import Mapping

from goldenthread.cycles.forms.fields import MAX_LINE, Field, Form
from goldenthread.planfile import Problem, plan_document, schema, validate_data
from goldenthread.planfile.periods import PeriodError
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan
from goldenthread.plans.versions import in_force_date

BLANK = ""


def _get(post: Mapping[str, str] | None):
    return (lambda name: post.get(name, "")) if post is not None else (lambda name: "")


class SubmitForm(Form):
    """Send the draft to the plan's owner."""

    def __init__(self, plan: m.Plan, post: Mapping[str, str] | None = None):
        super().__init__()
        self.plan = plan
        get = _get(post)
        self.add(
            Field(
                "in_force",
                "In force from",
                "text",
                get("in_force"),
                hint=f"The first period the changed plan applies to, e.g. {plan.end} Q3. Reports for earlier "
                f"periods keep the plan as it was. The plan runs {plan.period_label}.",
            )
        )
        self.add(
            Field("summary", "Summary", "textarea", get("summary"), hint="What the change does, for the plan's owner")
        )

    def clean(self) -> tuple[str, str] | None:
        label = self.text("in_force")
        if not label:
            self.error("in_force", f"Enter the period the change is in force from, e.g. {self.plan.end} Q3")
        else:
            try:
                in_force_date(self.plan, label)
            except PeriodError as exc:
                self.error("in_force", _sentence(str(exc)))
        summary = self.bounded("summary", "The summary")
        if not summary:
            self.error("summary", "Say in a sentence or two what the change does, for the plan's owner to decide on")
        return None if self.errors else (label, summary)


class DecisionForm(Form):
    """The plan owner's approval or rejection; rejecting needs a comment."""

    def __init__(self, post: Mapping[str, str] | None = None):
        super().__init__()
        self.add(
            Field(
                "comment",
                "Comment",
                "textarea",
                _get(post)("comment"),
                hint="Required when rejecting: say why, so the planning team can act on it",
            )
        )

    def clean(self, rejecting: bool) -> str | None:
        comment = self.bounded("comment", "The comment")
        if rejecting and not comment:
            self.error("comment", "Say why the change is rejected, so the planning team can act on it")
        return None if self.errors else comment


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- a new plan -------------------------------------------------------------------------------------

#: a new plan's field -> the plan file's field it fills (problems are shown against the form's field)
PLAN_FIELDS = {
    "code": "code",
    "title": "title",
    "org_code": "organisation.code",
    "org_name": "organisation.name",
    "start": "start",
    "end": "end",
    "levels": "levels",
}
_NOT_CODE = re.compile(r"[^A-Za-z0-9._/()-]+")


def level_codes(text: str) -> list[dict[str, str]]:
    """Levels typed as names separated by semicolons ("Priority; Objective"), each with a code made
    from its name ("priority", "objective"; a second "objective" is "objective-2")."""
    levels: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in text.split(";"):
        name = " ".join(raw.split())
        if not name:
            continue
        base = _NOT_CODE.sub("-", name.lower()).strip("-._/()") or "level"
        code, n = base, 1
        while code in seen:
            n += 1
            code = f"{base}-{n}"
        seen.add(code)
        levels.append({"code": code, "name": name})
    return levels


class NewPlanForm(Form):
    """A plan from scratch (its levels typed), or from another plan: its levels, org units and
    owners copied."""

    def __init__(self, templates: list[m.Plan], post: Mapping[str, str] | None = None):
        super().__init__()
        get = _get(post)
        self.templates = {p.code: p for p in templates}
        choices = [(BLANK, "Start from scratch")] + [(p.code, f"{p.title} ({p.code})") for p in templates]
        self.add(
            Field(
                "template",
                "Start from",
                "select",
                get("template"),
                choices,
                hint="Another plan's levels, directorates and owners are copied; its objectives, metrics and "
                "activities are not",
            )
        )
        self.add(
            Field(
                "code",
                "Plan code",
                "text",
                get("code"),
                hint="Letters, digits and - . _ (it is part of the plan's web address), e.g. nhsei-2020",
            )
        )
        self.add(Field("title", "Title", "text", get("title")))
        self.add(Field("org_code", "Organisation code", "text", get("org_code"), hint="e.g. nhsei"))
        self.add(Field("org_name", "Organisation name", "text", get("org_name")))
        self.add(Field("start", "First financial year", "text", get("start"), hint="e.g. 2020/21"))
        self.add(
            Field("end", "Last financial year", "text", get("end"), hint="The same as the first for a one-year plan")
        )
        self.add(
            Field(
                "levels",
                "Levels of objectives",
                "text",
                get("levels"),
                hint="From the top, separated by semicolons, e.g. Priority; Objective. "
                "Leave blank when starting from another plan to use its levels",
            )
        )
        self.spec: schema.Plan | None = None

    def data(self) -> dict:
        """The plan file the form describes (before validation)."""
        data: dict = {
            "code": self.text("code"),
            "title": self.text("title"),
            "organisation": {"code": self.text("org_code"), "name": self.text("org_name")},
            "start": self.text("start"),
            "end": self.text("end"),
            "status": "draft",
            "levels": level_codes(self.text("levels")),
        }
        template = self.templates.get(self.text("template"))
        if template is not None:
            copied = plan_document(export_plan(template.code))
            if not data["levels"]:
                data["levels"] = copied["levels"]
            for section in ("org_units", "owners"):
                if copied.get(section):
                    data[section] = copied[section]
        return data

    def clean(self) -> schema.Plan | None:
        """The new plan, checked as a plan file is; None with every problem at its field."""
        if self.text("template") and self.text("template") not in self.templates:
            self.error("template", "Choose a plan from the list, or start from scratch")
        for name in PLAN_FIELDS:
            if len(self.text(name)) > MAX_LINE:
                self.error(name, f"{self.fields[name].label} must be {MAX_LINE} characters or fewer")
        data = self.data()
        if not data["levels"]:  # (validate_data fails on an empty list of levels)
            self.error("levels", "Give the plan's levels of objectives from the top, e.g. Priority; Objective")
        if self.errors:
            return None
        result = validate_data(data, "the new plan")
        for problem in result.problems:
            self.error(*_field_of(problem))
        code = self.text("code")
        if code and m.Plan.objects.filter(code__iexact=code).exists():
            self.error("code", code_taken(code))
        org = m.Organisation.objects.filter(code=self.text("org_code")).first()
        if org is not None and org.name != self.text("org_name"):
            self.error(
                "org_name",
                f"The organisation '{org.code}' is already called '{org.name}'; give that name, or another code",
            )
        self.spec = None if self.errors else result.plan
        return self.spec


def code_taken(code: str) -> str:
    """What "Create a plan" says of a code a plan already has, also in another case: plan codes are
    told apart without case (the document upload says the same)."""
    return f"A plan with the code '{code}' already exists; choose another code"


def _field_of(problem: Problem) -> tuple[str, str]:
    """The form's field a plan-file problem is about, and the message to show there."""
    for name, path in PLAN_FIELDS.items():
        if problem.path == path or problem.path.startswith((path + ".", path + "[")):
            return name, _sentence(problem.message)
    if problem.path == "organisation":
        return "org_code", _sentence(problem.message)
    where = f"{problem.path}: " if problem.path else ""
    return "template", f"In the plan copied: {where}{problem.message}"
