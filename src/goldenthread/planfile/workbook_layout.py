"""The plan workbook's layout: its sheets, their columns and the lists behind the drop-downs.

One sheet per element kind, each row an element, each column a plan-file field named as the
file names it (``target.value`` for a field of a nested mapping). Lists of codes are one cell,
``a; b; c``; trigger rules are one readable cell, ``below_target_for 3; special_cause_concern``.
The lists inside an element that hold more than codes (an objective's framework references and
"assessed by" lines, a metric's trajectory, stated values, rebase dates and annotations) have
sheets of their own, each row naming its element in the first column. The writer (:mod:`.workbook_write`) and the reader
(:mod:`.workbook_read`) both follow this one description, so what is written reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from goldenthread.planfile import governance, schema
from goldenthread.planfile.charts import CHART_TYPES

Kind = Literal["text", "number", "integer", "codes", "yes_no", "rules"]

#: the fixed vocabularies, each a column of the hidden Lists sheet
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "org_unit_type": get_args(schema.OrgUnitType),
    "activity_type": get_args(schema.ActivityType),
    "activity_status": get_args(schema.ActivityStatus),
    "unit": get_args(schema.MetricUnit),
    "polarity": get_args(schema.Polarity),
    "aggregation": get_args(schema.Aggregation),
    "frequency": get_args(schema.Frequency),
    "comparison": get_args(schema.Comparison),
    "budget_category": get_args(schema.BudgetCategory),
    "plan_status": get_args(schema.PlanStatus),
    "yes_no": ("yes", "no"),
    "score": ("1", "2", "3", "4", "5"),
    "trigger_rule": get_args(schema.TriggerRuleName),
    "body_type": get_args(governance.BodyType),
    "meets": get_args(governance.Meets),
    "every": get_args(governance.Every),
    "purpose": get_args(governance.Purpose),
    "element_kind": tuple(schema.SECTIONS.values()),
    "chart": CHART_TYPES,
}


@dataclass(frozen=True)
class Column:
    """One column: its header (the field's name in the plan file), how its cells are written and
    read, whether every row must give it, and its drop-down: a vocabulary (``VOCABULARIES``) or
    the sheet whose first column lists the codes it refers to (``refers``)."""

    name: str
    kind: Kind = "text"
    required: bool = False
    choices: str | None = None
    refers: str | None = None
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    """A sheet of elements: the plan-file list it holds (``section``) and its columns. A sheet of
    an element's inner list (``inner``, e.g. ``trajectory``) names its element in its first
    column, whose header is ``owner_column`` ("metric")."""

    name: str
    section: str
    columns: tuple[Column, ...]
    inner: str | None = None
    owner_column: str | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _c(name: str, kind: Kind = "text", **options: object) -> Column:
    return Column(name, kind, **options)  # type: ignore[arg-type]


CODE = _c("code", required=True, width=14)
SOURCE = _c("source", width=18)
PERIOD = _c("period", required=True, width=14)
VALUE = _c("value", "number", required=True, width=12)


def _inner(name: str, owner: str, inner: str, *columns: Column) -> Sheet:
    """A sheet of an element's inner list: each row names its element (``owner``: objective,
    metric, body or meeting) by code in the first column."""
    owners = {
        "objective": ("objectives", "Objectives"),
        "metric": ("metrics", "Metrics"),
        "body": ("bodies", "Bodies"),
        "meeting": ("meetings", "Meetings"),
    }
    section, sheet = owners[owner]
    return Sheet(name, section, (_c(owner, required=True, refers=sheet), *columns), inner=inner, owner_column=owner)


PLAN_SHEET = "Plan"
LISTS_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"

#: the Plan sheet: one row per field of the plan itself, its name then its value
PLAN_FIELDS: tuple[Column, ...] = (
    _c("code", required=True),
    _c("title", required=True),
    _c("organisation.code", required=True),
    _c("organisation.name", required=True),
    _c("start", required=True),
    _c("end", required=True),
    _c("status", choices="plan_status"),
    _c("description"),
    _c("source_document.title"),
    _c("source_document.date"),
    _c("source_document.file"),
    _c("activity_rules", "rules"),
)

TITLE = _c("title", required=True, width=50)
DESCRIPTION = _c("description", width=40)
ORG_UNIT = _c("org_unit", refers="Org units")
OWNER = _c("owner", refers="Owners")
OBJECTIVE = _c("objective", refers="Objectives")
MONEY = (_c("amount", "number", required=True, width=14), _c("period", required=True, width=10))


def _sheet(name: str, section: str, *columns: Column) -> Sheet:
    """A sheet of elements, each row one element, its code in the first column."""
    return Sheet(name, section, (CODE, *columns))


#: a body's columns: who chairs and sits on it, its remit, what it oversees, how it meets
BODY_COLUMNS: tuple[Column, ...] = (
    _c("name", required=True, width=40),
    _c("type", choices="body_type", width=16),
    _c("parent", refers="Bodies"),
    _c("chair", refers="Owners"),
    _c("members", "codes", width=24),
    _c("terms_of_reference", width=50),
    _c("terms_source", width=18),
    _c("oversees.plan", "yes_no", choices="yes_no", width=10),
    *(_c(f"oversees.{name}", "codes") for name in ("objectives", "org_units", "metrics")),
    _c("meets", choices="meets", width=12),
    _c("public", "yes_no", choices="yes_no", width=10),
    SOURCE,
)

SHEETS: tuple[Sheet, ...] = (
    _sheet("Levels", "levels", _c("name", required=True, width=30)),
    _sheet(
        "Org units",
        "org_units",
        _c("name", required=True, width=36),
        _c("type", choices="org_unit_type", width=14),
        _c("parent", refers="Org units"),
        SOURCE,
    ),
    _sheet("Owners", "owners", _c("title", required=True, width=36), _c("name", width=24), ORG_UNIT),
    _sheet(
        "Objectives",
        "objectives",
        _c("level", required=True, refers="Levels"),
        TITLE,
        DESCRIPTION,
        _c("parent", refers="Objectives"),
        ORG_UNIT,
        OWNER,
        _c("contributes_to", "codes"),
        _c("assessment", width=40),
        SOURCE,
    ),
    _inner(
        "Assessed by",
        "objective",
        "assessed_by",
        _c("text", required=True, width=50),
        _c("bracketed", "yes_no", choices="yes_no", width=10),
    ),
    _inner(
        "Framework references",
        "objective",
        "framework_refs",
        _c("framework", required=True, width=30),
        _c("ref", required=True, width=20),
    ),
    _sheet(
        "Activities",
        "activities",
        _c("objective", required=True, refers="Objectives"),
        TITLE,
        DESCRIPTION,
        _c("type", choices="activity_type", width=14),
        OWNER,
        ORG_UNIT,
        _c("partners", "codes"),
        _c("start"),
        _c("due"),
        _c("status", choices="activity_status", width=14),
        SOURCE,
    ),
    _sheet(
        "Metrics",
        "metrics",
        TITLE,
        _c("objectives", "codes"),
        _c("definition", width=40),
        _c("unit", choices="unit", width=12),
        _c("scale_min", "number", width=10),
        _c("scale_max", "number", width=10),
        _c("polarity", choices="polarity"),
        _c("aggregation", choices="aggregation", width=12),
        _c("frequency", choices="frequency", width=12),
        _c("target.value", "number", width=12),
        _c("target.comparison", choices="comparison", width=10),
        _c("target.by", width=12),
        _c("target.text", width=30),
        _c("review.when", width=14),
        _c("review.by", width=20),
        _c("trigger", width=40),
        _c("trigger_rules", "rules", width=30),
        _c("data_source", width=24),
        OWNER,
        _c("to_be_confirmed", "yes_no", choices="yes_no", width=10),
        _c("headline", "yes_no", choices="yes_no", width=10),
        _c("chart", choices="chart", width=8),
        _c("fix_after_n", "integer", width=10),
        SOURCE,
    ),
    _inner("Trajectories", "metric", "trajectory", PERIOD, VALUE),
    _inner("Stated values", "metric", "stated_values", PERIOD, VALUE, SOURCE),
    _inner(
        "Rebase dates", "metric", "rebase", _c("date", required=True, width=14), _c("reason", required=True, width=50)
    ),
    _inner(
        "Annotations", "metric", "annotations", _c("date", required=True, width=14), _c("text", required=True, width=50)
    ),
    _sheet(
        "Budget lines",
        "budget_lines",
        _c("title", required=True, width=40),
        ORG_UNIT,
        _c("category", required=True, choices="budget_category"),
        *MONEY,
        SOURCE,
    ),
    _sheet(
        "Stated totals",
        "stated_totals",
        _c("title", required=True, width=40),
        *MONEY,
        _c("category", choices="budget_category"),
        _c("org_units", "codes"),
        SOURCE,
    ),
    _sheet(
        "Risks",
        "risks",
        TITLE,
        OBJECTIVE,
        OWNER,
        _c("likelihood", "integer", choices="score", width=10),
        _c("impact", "integer", choices="score", width=10),
        _c("mitigation", width=40),
        SOURCE,
    ),
    _sheet("Bodies", "bodies", *BODY_COLUMNS),
    _inner(
        "Cycle of business",
        "body",
        "business",
        TITLE,
        _c("considers", "codes", width=24),
        _c("every", choices="every", width=12),
        SOURCE,
    ),
    _sheet(
        "Meetings",
        "meetings",
        _c("body", required=True, refers="Bodies"),
        TITLE,
        _c("date", required=True, width=14),
        _c("public", "yes_no", choices="yes_no", width=10),
        SOURCE,
    ),
    _inner(
        "Agenda items",
        "meeting",
        "items",
        _c("number", required=True, width=8),
        TITLE,
        _c("purpose", choices="purpose", width=12),
        _c("presenter", refers="Owners"),
        _c("considers", "codes", width=24),
        _c("org_units", "codes"),
        _c("objectives", "codes"),
        _c("metrics", "codes"),
        _c("period", width=12),
        SOURCE,
    ),
    #: the ``added`` notes of every kind of element: each row names its element by kind and code
    Sheet(
        "Added details",
        "",
        (
            _c("kind", required=True, choices="element_kind", width=14),
            CODE,
            _c("fields", "codes", required=True, width=30),
            _c("note", required=True, width=60),
        ),
        inner="added",
        owner_column="code",
    ),
)

ADDED_SHEET = "Added details"

#: every sheet a plan workbook may have, in order; problems are sorted in this order
SHEET_ORDER: tuple[str, ...] = (PLAN_SHEET, *(s.name for s in SHEETS), INSTRUCTIONS_SHEET, LISTS_SHEET)

#: the sheet of each code a column may refer to, and the column that holds those codes
REFERRED: dict[str, str] = {sheet.name: "A" for sheet in SHEETS if not sheet.inner}

RULE_COUNTS = {"periods", "grace_days"}


def rules_text(rules: list[dict[str, object]]) -> str:
    """Trigger rules as one cell: ``below_target_for 3; special_cause_concern``."""
    out = []
    for rule in rules:
        count = rule.get("periods", rule.get("grace_days"))
        out.append(f"{rule['rule']} {count}" if count is not None else str(rule["rule"]))
    return "; ".join(out)


def rules_data(text: str, count: str) -> list[dict[str, object]]:
    """The rules a cell gives, each ``{rule, <count>: N}``; ``count`` is ``periods`` for a
    metric's trigger rules, ``grace_days`` for the plan's activity rules. A word after the number
    ("3 periods") is allowed; anything else is left for validation to refuse."""
    rules: list[dict[str, object]] = []
    for item in split_list(text):
        words = item.split()
        rule: dict[str, object] = {"rule": words[0]}
        rest = words[1:]
        if len(rest) == 2 and rest[1].lower() in ("period", "periods", "day", "days"):
            rest = rest[:1]
        if rest:
            rule[count] = " ".join(rest)
        rules.append(rule)
    return rules


def split_list(text: str) -> list[str]:
    """``a; b; c`` (commas too) as its items, without blanks."""
    return [item.strip() for item in text.replace(",", ";").split(";") if item.strip()]


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
