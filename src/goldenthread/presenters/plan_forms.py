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
from typing import Any, get_args

from goldenthread.planfile import governance, schema

TEXT, TEXTAREA, SELECT, CODE, CODES, NUMBER, CHECKBOX, ROWS = (
    "text",
    "textarea",
    "select",
    "code",
    "codes",
    "number",
    "checkbox",
    "rows",
)

PERCENT_HINT = "Percentages as a fraction (0.95) or with a per cent sign (95%, saved as 0.95)."
PERIOD_HINT = "A date or period, e.g. 2019-09-30, 2019/20 Q2, 2019-09 or 2019/20."


@dataclass(frozen=True)
class Spec:
    """One field of a form."""

    name: str  # the path in the element's data: "title", "target.value"; a group's list: "trajectory"
    label: str
    widget: str = TEXT
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # SELECT: (value, label)
    codes: str = ""  # CODE, CODES: the section whose codes are offered
    blank: str = ""  # SELECT, CODE: the label of the "none" choice; "" when one must be chosen
    percent: bool = False  # NUMBER: "95%" is accepted and saved as 0.95
    columns: tuple[Spec, ...] = ()  # ROWS: the fields of each row
    required: bool = False  # shown as such; validation says so when it is missing
    width: str = ""  # an NHS.UK width class for short inputs

    @property
    def group(self) -> str:
        """The sub-object the field belongs to ("target" for "target.value"), or ""."""
        return self.name.rpartition(".")[0]

    @property
    def key(self) -> str:
        return self.name.rpartition(".")[2]


@dataclass(frozen=True)
class SectionForm:
    """The form of one kind of element: its plan-file list, how it is named, its parts."""

    section: str  # the plan-file list ("metrics"), or "plan" for the plan's own fields
    kind: str  # "metric"
    parts: tuple[tuple[str, tuple[Spec, ...]], ...]  # (heading, fields)
    plural: str = ""
    retire: bool = True  # whether elements of the kind may be retired (removed from the plan)
    note: str = ""  # what the form does not edit, and where to change it

    @property
    def fields(self) -> tuple[Spec, ...]:
        return tuple(spec for _, specs in self.parts for spec in specs)

    @property
    def title(self) -> str:
        return self.plural or (self.kind + "s")


def vocabulary(literal: Any, labels: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """The values of a schema ``Literal`` as choices, labelled in words ("lower_is_better" →
    "Lower is better") unless ``labels`` says otherwise."""
    labels = labels or {}
    return tuple((value, labels.get(value, value.replace("_", " ").capitalize())) for value in get_args(literal))


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
CATEGORIES = vocabulary(schema.BudgetCategory)
SCORES = tuple((str(n), str(n)) for n in range(1, 6))


def _code(required: bool = True) -> Spec:
    return Spec(
        "code",
        "Code",
        hint="Unique in the plan: letters, digits and . _ / ( ) -, e.g. MED-1 or 3.102. Other elements refer to it.",
        required=required,
        width="nhsuk-input--width-20",
    )


def _source() -> Spec:
    return Spec("source", "Where in the source document", hint="e.g. para 3.102, Table 3, Appendix Two")


def _owner() -> Spec:
    return Spec("owner", "Owner", CODE, codes="owners", blank="No owner")


def _year(name: str, label: str) -> Spec:
    return Spec(name, label, hint="e.g. 2019/20", required=True, width="nhsuk-input--width-10")


def _org_unit(label: str = "Org unit", hint: str = "") -> Spec:
    return Spec("org_unit", label, CODE, hint=hint, codes="org_units", blank="No org unit")


def _described(place: Spec) -> tuple[Spec, ...]:
    """An objective's or activity's first fields: its code, where it sits, its title and description."""
    return _code(), place, Spec("title", "Title", required=True), Spec("description", "Description", TEXTAREA)


def _part(heading: str, *specs: Spec) -> tuple[str, tuple[Spec, ...]]:
    return heading, specs


def _form(section: str, kind: str, *parts: tuple[str, tuple[Spec, ...]], **options: Any) -> SectionForm:
    return SectionForm(section, kind, parts, **options)


LEVELS = _form(
    "levels",
    "level",
    _part("Level", _code(), Spec("name", "Name", hint="The plan's own name, e.g. Directorate priority", required=True)),
)

ORG_UNITS = _form(
    "org_units",
    "org unit",
    _part(
        "Org unit",
        _code(),
        Spec("name", "Name", required=True),
        Spec("type", "Type", SELECT, choices=vocabulary(schema.OrgUnitType)),
        Spec("parent", "Part of", CODE, hint="The unit it belongs to, if any", codes="org_units", blank="None"),
        _source(),
    ),
)

OWNERS = _form(
    "owners",
    "owner",
    _part(
        "Owner",
        _code(),
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

OBJECTIVES = _form(
    "objectives",
    "objective",
    _part(
        "Objective",
        *_described(Spec("level", "Level", CODE, codes="levels", required=True)),
        Spec("parent", "Under", CODE, hint=UNDER_HINT, codes="objectives", blank="Nothing: a top-level objective"),
        _org_unit("Org unit", "The unit that owns the objective"),
        _owner(),
        Spec("contributes_to", "Contributes to", CODES, codes="objectives"),
    ),
    _part(
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
        _source(),
    ),
)

ACTIVITIES = _form(
    "activities",
    "activity",
    _part(
        "Activity or deliverable",
        *_described(Spec("objective", "Objective", CODE, codes="objectives", required=True)),
        Spec("type", "Type", SELECT, choices=vocabulary(schema.ActivityType)),
        _owner(),
        _org_unit("Lead org unit", "The unit that owns or leads it"),
        Spec("partners", "Partners", CODES, hint="Other units that share it", codes="org_units"),
    ),
    _part(
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
        _source(),
    ),
    plural="activities",
)

METRICS = _form(
    "metrics",
    "metric",
    _part(
        "Metric",
        _code(),
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
    _part(
        "Target",
        Spec("target.value", "Target value", NUMBER, hint=PERCENT_HINT, percent=True),
        Spec("target.comparison", "Met when the value is", SELECT, choices=COMPARISONS),
        Spec("target.by", "By", hint="e.g. 2019/20 Q4 or 2020-03-31", width="nhsuk-input--width-10"),
        Spec("target.text", "Target as printed", hint="e.g. 8% or lower by Q4"),
    ),
    _part(
        "Trajectory",
        Spec(
            "trajectory",
            "Planned values",
            ROWS,
            hint=f"One row per period, e.g. 2019/20 Q1. {PERCENT_HINT}",
            columns=(Spec("period", "Period"), Spec("value", "Value", NUMBER, percent=True)),
        ),
    ),
    _part(
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
    _part(
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
        _source(),
    ),
)

MONEY_HINT = "Pounds: 78700000, or £78.7m, £1.2bn, £350k; (0.5) is negative."


def _money(label: str) -> Spec:
    return Spec("amount", label, hint=MONEY_HINT, required=True, width="nhsuk-input--width-10")


BUDGET_LINES = _form(
    "budget_lines",
    "budget line",
    _part(
        "Budget line",
        _code(),
        Spec("title", "Title", required=True),
        _org_unit(),
        Spec("category", "Category", SELECT, choices=CATEGORIES, required=True),
        _money("Amount"),
        _year("period", "Financial year"),
        _source(),
    ),
)

STATED_TOTALS = _form(
    "stated_totals",
    "stated total",
    _part(
        "Stated total",
        _code(),
        Spec("title", "Title", required=True),
        _money("Amount as printed"),
        _year("period", "Financial year"),
        Spec(
            "category", "Category it totals", SELECT, choices=vocabulary(schema.BudgetCategory), blank="All categories"
        ),
        Spec("org_units", "Units it totals", CODES, hint="None ticked: all lines", codes="org_units"),
        _source(),
    ),
)

RISKS = _form(
    "risks",
    "risk",
    _part(
        "Risk",
        _code(),
        Spec("title", "The risk", required=True),
        Spec("objective", "Objective", CODE, codes="objectives", blank="No objective"),
        _owner(),
        Spec("likelihood", "Likelihood (1 to 5)", SELECT, choices=SCORES, blank="Not scored"),
        Spec("impact", "Impact (1 to 5)", SELECT, choices=SCORES, blank="Not scored"),
        Spec("mitigation", "Mitigation", TEXTAREA),
        _source(),
    ),
)

IN_THE_FILE = "change them in the plan file (download it, edit it and upload it), which holds every field"

BODIES = _form(
    "bodies",
    "body",
    _part(
        "Board, committee or panel",
        _code(),
        Spec("name", "Name", required=True),
        Spec("type", "Type", SELECT, choices=vocabulary(governance.BodyType)),
        Spec("parent", "Reports to", CODE, hint="The body it is part of, if any", codes="bodies", blank="None"),
        Spec("chair", "Chair", CODE, codes="owners", blank="Not named"),
        Spec("members", "Members", CODES, codes="owners"),
        Spec("meets", "Meets", SELECT, choices=vocabulary(governance.Meets), blank="Not said"),
        Spec("public", "Meets in public: its agendas and approved minutes are published", CHECKBOX),
    ),
    _part(
        "Remit",
        Spec("terms_of_reference", "Terms of reference", TEXTAREA, hint="As printed"),
        Spec("terms_source", "Where the document describes its remit", hint="e.g. para 2"),
        Spec("oversees.plan", "Oversees the plan as a whole", CHECKBOX),
        Spec("oversees.objectives", "Objectives it oversees", CODES, codes="objectives"),
        Spec("oversees.org_units", "Org units it oversees", CODES, codes="org_units"),
        Spec("oversees.metrics", "Metrics it oversees", CODES, codes="metrics"),
        _source(),
    ),
    plural="bodies",
    note=f"Its cycle of business and the notes on details added from outside the document are kept as they are: "
    f"{IN_THE_FILE}.",
)

MEETINGS = _form(
    "meetings",
    "meeting",
    _part(
        "Meeting",
        _code(),
        Spec("body", "Body", CODE, codes="bodies", required=True),
        Spec("title", "Title", required=True),
        Spec("date", "Date", hint="e.g. 27 June 2019 or 2019-06-27", required=True, width="nhsuk-input--width-10"),
        Spec("public", "In public", SELECT, choices=(("True", "Yes"), ("False", "No")), blank="As its body meets"),
        _source(),
    ),
    note=f"Its agenda items and the notes on details added from outside the document are kept as they are: "
    f"{IN_THE_FILE}.",
)

PLAN_FIELDS = _form(
    "plan",
    "plan",
    _part(
        "The plan",
        Spec("title", "Title", required=True),
        Spec("organisation.code", "Organisation code", required=True, width="nhsuk-input--width-10"),
        Spec("organisation.name", "Organisation", required=True),
        _year("start", "First financial year"),
        _year("end", "Last financial year"),
        Spec("status", "Status", SELECT, choices=vocabulary(schema.PlanStatus)),
        Spec("description", "Description", TEXTAREA),
    ),
    _part(
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
    _part(
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
