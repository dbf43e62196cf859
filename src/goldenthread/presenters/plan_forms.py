"""What the plan's edit forms ask for: one declaration per kind of element (and one for the plan's
own fields), read by one form engine (:mod:`.plan_form_values`) and one set of templates.

A declaration lists the fields of a form in the plan file's own terms: ``name`` is the field's
path in the element's plan-file data (``title``, ``target.value``; a repeating group such as
``trajectory`` has columns), so a validation problem at ``metrics[5].target.value`` is shown
against the field named ``target.value``. Fixed vocabularies are the ``Literal`` values of
:mod:`goldenthread.planfile.schema`; code lists are the plan's own codes (its levels, objectives,
owners, org units). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from goldenthread.planfile import schema
from goldenthread.planfile.charts import CHART_NAMES, CHART_TYPES
from goldenthread.presenters.plan_form_fields import (
    CHECKBOX,
    CODE,
    CODES,
    NUMBER,
    PERCENT_HINT,
    PERIOD_HINT,
    ROWS,
    SELECT,
    TEXTAREA,
    SectionForm,
    Spec,
    code_field,
    element_form,
    part,
    source_field,
    vocabulary,
)
from goldenthread.presenters.plan_form_governance import BODIES, MEETINGS

COMPARISONS = vocabulary(
    schema.Comparison,
    {">=": "At least (>=)", ">": "More than (>)", "<=": "At most (<=)", "<": "Less than (<)", "=": "Exactly (=)"},
)
TRIGGER_RULES = vocabulary(
    schema.TriggerRuleName,
    {
        "below_target_for": "Below target for N periods",
        "special_cause_concern": "Special cause of concern (SPC)",
        "assurance_fail": "Process limits say the target will be missed",
        "trajectory_missed_for": "Trajectory missed for N periods",
        "no_data_since": "No data for N periods",
    },
)
ACTIVITY_RULES = vocabulary(
    schema.ActivityRule.model_fields["rule"].annotation, {"activity_overdue": "Overdue by more than the days' grace"}
)
CHARTS = tuple((chart, CHART_NAMES[chart]) for chart in CHART_TYPES)
CHART_DEFAULT = "Chosen from the unit and aggregation"
CHART_HINT = (
    "Left to be chosen: p′ for a percentage whose values add up as a ratio (numerators and denominators), "
    "u′ for any other ratio, c for a count that adds up as a sum, XmR otherwise. p, p′, u and u′ need "
    "values that add up as a ratio."
)
CATEGORIES = vocabulary(schema.BudgetCategory)
SCORES = tuple((str(n), str(n)) for n in range(1, 6))


def _owner() -> Spec:
    return Spec("owner", "Owner", CODE, codes="owners", blank="No owner")


def _year(name: str, label: str) -> Spec:
    return Spec(name, label, hint="e.g. 2019/20", required=True, width="nhsuk-input--width-10")


def _org_unit(label: str = "Org unit", hint: str = "") -> Spec:
    return Spec("org_unit", label, CODE, hint=hint, codes="org_units", blank="No org unit")


def _described(place: Spec) -> tuple[Spec, ...]:
    """An objective's or activity's first fields: its code, where it sits, its title and description."""
    return code_field(), place, Spec("title", "Title", required=True), Spec("description", "Description", TEXTAREA)


LEVELS = element_form(
    "levels",
    "level",
    part(
        "Level",
        code_field(),
        Spec("name", "Name", hint="The plan's own name, e.g. Directorate priority", required=True),
    ),
)

ORG_UNITS = element_form(
    "org_units",
    "org unit",
    part(
        "Org unit",
        code_field(),
        Spec("name", "Name", required=True),
        Spec("type", "Type", SELECT, choices=vocabulary(schema.OrgUnitType)),
        Spec("parent", "Part of", CODE, hint="The unit it belongs to, if any", codes="org_units", blank="None"),
        source_field(),
    ),
)

OWNERS = element_form(
    "owners",
    "owner",
    part(
        "Owner",
        code_field(),
        Spec("title", "Role title", hint="e.g. National Medical Director", required=True),
        Spec("name", "Name", hint="The person, where the plan names one"),
        _org_unit(),
    ),
)

UNDER_HINT = "The objective this one sits under; choose another to move it there"
FRAMEWORK_COLUMNS = (
    Spec("framework", "Framework", hint="e.g. Accountability Framework"),
    Spec("ref", "Reference", hint="e.g. paragraphs 12 to 31"),
)

OBJECTIVES = element_form(
    "objectives",
    "objective",
    part(
        "Objective",
        *_described(Spec("level", "Level", CODE, codes="levels", required=True)),
        Spec("parent", "Under", CODE, hint=UNDER_HINT, codes="objectives", blank="Nothing: a top-level objective"),
        _org_unit("Org unit", "The unit that owns the objective"),
        _owner(),
        Spec("contributes_to", "Contributes to", CODES, codes="objectives"),
    ),
    part(
        "How it is assessed",
        Spec(
            "assessed_by",
            "Assessed by",
            ROWS,
            hint="Tick 'Bracketed' for measures printed in [brackets]: provisional or to be confirmed",
            columns=(Spec("text", "Measure"), Spec("bracketed", "Bracketed", CHECKBOX)),
        ),
        Spec("assessment", "How are we doing?", TEXTAREA, hint="The plan's own assessment"),
        Spec("framework_refs", "Framework references", ROWS, columns=FRAMEWORK_COLUMNS),
        source_field(),
    ),
)

ACTIVITIES = element_form(
    "activities",
    "activity",
    part(
        "Activity or deliverable",
        *_described(Spec("objective", "Objective", CODE, codes="objectives", required=True)),
        Spec("type", "Type", SELECT, choices=vocabulary(schema.ActivityType)),
        _owner(),
        _org_unit("Lead org unit", "The unit that owns or leads it"),
        Spec("partners", "Partners", CODES, hint="Other units that share it", codes="org_units"),
    ),
    part(
        "Dates and status",
        Spec("start", "Start", hint=PERIOD_HINT, width="nhsuk-input--width-10"),
        Spec(
            "due",
            "Due",
            hint="A date, month, quarter or financial year (2019-09-30, 2019-09, 2019/20 Q2, 2019/20), "
            "or words such as 'Annual survey', kept as written.",
            width="nhsuk-input--width-20",
        ),
        Spec("status", "Status", SELECT, choices=vocabulary(schema.ActivityStatus)),
        source_field(),
    ),
    plural="activities",
)

METRICS = element_form(
    "metrics",
    "metric",
    part(
        "Metric",
        code_field(),
        Spec("title", "Title", required=True),
        Spec("objectives", "Objectives it measures", CODES, codes="objectives"),
        Spec("definition", "Definition", TEXTAREA),
        Spec("unit", "Unit", SELECT, choices=vocabulary(schema.MetricUnit)),
        Spec("scale_min", "Lowest possible value", NUMBER, hint=PERCENT_HINT, percent=True),
        Spec("scale_max", "Highest possible value", NUMBER, percent=True),
        Spec("polarity", "Polarity", SELECT, choices=vocabulary(schema.Polarity)),
        Spec("aggregation", "How values add up", SELECT, choices=vocabulary(schema.Aggregation)),
        Spec("frequency", "Frequency", SELECT, choices=vocabulary(schema.Frequency)),
        Spec("headline", "Headline metric (on the plan's scorecard)", CHECKBOX),
        Spec("to_be_confirmed", "To be confirmed: the plan has not yet defined this metric", CHECKBOX),
    ),
    part(
        "Target",
        Spec("target.value", "Target value", NUMBER, hint=PERCENT_HINT, percent=True),
        Spec("target.comparison", "Met when the value is", SELECT, choices=COMPARISONS),
        Spec("target.by", "By", hint="e.g. 2019/20 Q4 or 2020-03-31", width="nhsuk-input--width-10"),
        Spec("target.text", "Target as printed", hint="e.g. 8% or lower by Q4"),
    ),
    part(
        "Trajectory",
        Spec(
            "trajectory",
            "Planned values",
            ROWS,
            hint=f"One row per period, e.g. 2019/20 Q1. {PERCENT_HINT}",
            columns=(Spec("period", "Period"), Spec("value", "Value", NUMBER, percent=True)),
        ),
    ),
    part(
        "Review and triggers",
        Spec("review.when", "Reviewed", hint="e.g. Quarterly"),
        Spec("review.by", "Reviewed by", hint="e.g. Chief Nursing Officer"),
        Spec("trigger", "Trigger for mitigating action, as printed", TEXTAREA),
        Spec(
            "trigger_rules",
            "Trigger rules",
            ROWS,
            hint="The trigger as rules goldenthread checks against the data; "
            "N periods for the rules that count periods.",
            columns=(
                Spec("rule", "Rule", SELECT, choices=TRIGGER_RULES, blank="No rule"),
                Spec("periods", "N periods", NUMBER),
            ),
        ),
    ),
    part(
        "Chart",
        Spec("chart", "Chart", SELECT, choices=CHARTS, blank=CHART_DEFAULT, hint=CHART_HINT),
        Spec(
            "fix_after_n",
            "Fix the limits after",
            NUMBER,
            hint="A number of points: the limits are worked out from the first n points of each segment "
            "and then held. Blank: from every point.",
            width="nhsuk-input--width-4",
        ),
        Spec(
            "rebase",
            "Rebase dates",
            ROWS,
            hint="The limits are worked out again from each period, e.g. 2017-04 or 2017/18 Q1, "
            "each with what changed in the process.",
            columns=(Spec("date", "Period"), Spec("reason", "Reason")),
        ),
        Spec(
            "annotations",
            "Annotations",
            ROWS,
            hint="Dated events shown on the metric's charts and in the packs, e.g. 2017-01-09: Winter escalation.",
            columns=(Spec("date", "Date"), Spec("text", "Event")),
        ),
    ),
    part(
        "Ownership and data",
        _owner(),
        Spec("data_source", "Data source"),
        Spec(
            "stated_values",
            "Values the plan quotes",
            ROWS,
            hint="A baseline or survey result the plan itself gives",
            columns=(Spec("period", "Period"), Spec("value", "Value", NUMBER, percent=True), Spec("source", "Source")),
        ),
        source_field(),
    ),
)

MONEY_HINT = "Pounds: 78700000, or £78.7m, £1.2bn, £350k; (0.5) is negative."


def _money(label: str) -> Spec:
    return Spec("amount", label, hint=MONEY_HINT, required=True, width="nhsuk-input--width-10")


BUDGET_LINES = element_form(
    "budget_lines",
    "budget line",
    part(
        "Budget line",
        code_field(),
        Spec("title", "Title", required=True),
        _org_unit(),
        Spec("category", "Category", SELECT, choices=CATEGORIES, required=True),
        _money("Amount"),
        _year("period", "Financial year"),
        source_field(),
    ),
)

STATED_TOTALS = element_form(
    "stated_totals",
    "stated total",
    part(
        "Stated total",
        code_field(),
        Spec("title", "Title", required=True),
        _money("Amount as printed"),
        _year("period", "Financial year"),
        Spec(
            "category", "Category it totals", SELECT, choices=vocabulary(schema.BudgetCategory), blank="All categories"
        ),
        Spec("org_units", "Units it totals", CODES, hint="None ticked: all lines", codes="org_units"),
        source_field(),
    ),
)

RISKS = element_form(
    "risks",
    "risk",
    part(
        "Risk",
        code_field(),
        Spec("title", "The risk", required=True),
        Spec("objective", "Objective", CODE, codes="objectives", blank="No objective"),
        _owner(),
        Spec("likelihood", "Likelihood (1 to 5)", SELECT, choices=SCORES, blank="Not scored"),
        Spec("impact", "Impact (1 to 5)", SELECT, choices=SCORES, blank="Not scored"),
        Spec("mitigation", "Mitigation", TEXTAREA),
        source_field(),
    ),
)

PLAN_FIELDS = element_form(
    "plan",
    "plan",
    part(
        "The plan",
        Spec("title", "Title", required=True),
        Spec("organisation.code", "Organisation code", required=True, width="nhsuk-input--width-10"),
        Spec("organisation.name", "Organisation", required=True),
        _year("start", "First financial year"),
        _year("end", "Last financial year"),
        Spec("status", "Status", SELECT, choices=vocabulary(schema.PlanStatus)),
        Spec("description", "Description", TEXTAREA),
    ),
    part(
        "Triggers for every activity",
        Spec(
            "activity_rules",
            "Activity triggers",
            ROWS,
            hint="An activity is flagged when it is overdue by more than the days' grace",
            columns=(
                Spec("rule", "Rule", SELECT, choices=ACTIVITY_RULES, blank="No rule"),
                Spec("grace_days", "Days' grace", NUMBER),
            ),
        ),
    ),
    part(
        "Source document",
        Spec("source_document.title", "Title of the source document"),
        Spec("source_document.date", "Date", hint="As printed, e.g. 27 June 2019"),
        Spec("source_document.file", "File name"),
    ),
    retire=False,
)

#: section -> its form, in the plan file's order
FORMS: dict[str, SectionForm] = {
    form.section: form
    for form in (
        LEVELS,
        ORG_UNITS,
        OWNERS,
        OBJECTIVES,
        ACTIVITIES,
        METRICS,
        BUDGET_LINES,
        STATED_TOTALS,
        RISKS,
        BODIES,
        MEETINGS,
    )
}


def form_for(section: str) -> SectionForm | None:
    """The form of an element section, or None when there is no such section."""
    return FORMS.get(section)


@dataclass
class Choices:
    """The codes a form offers, each with its label ("MED-1 – Prevention …"), by section."""

    by_section: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: dict[str, Any]) -> Choices:
        found: dict[str, list[tuple[str, str]]] = {}
        for section in ("levels", "objectives", "owners", "org_units", "metrics", "bodies"):
            found[section] = [(str(item.get("code", "")), _label(item)) for item in document.get(section) or []]
        return cls(found)

    def get(self, section: str) -> list[tuple[str, str]]:
        return self.by_section.get(section, [])


def _label(item: dict[str, Any]) -> str:
    code = str(item.get("code", ""))
    name = item.get("title") or item.get("name") or ""
    text = f"{code} – {name}" if name else code
    return text if len(text) <= 120 else text[:117] + "…"
