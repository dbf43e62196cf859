"""The edit forms of a plan's governance: a body (a board, committee or panel) with its cycle of
business, and a meeting with its agenda. The cycle of business and the agenda are repeating
groups, one row per item, like a metric's trajectory; a row's lists (the papers it considers, the
org units, objectives and metrics it names) are typed in one cell as the plan file's lists are
written, "A; B". Pure: no Django.
"""

from __future__ import annotations

from typing import get_args

from goldenthread.planfile import governance
from goldenthread.presenters.plan_form_fields import (
    CHECKBOX,
    CODE,
    CODES,
    IN_THE_FILE,
    LIST,
    ROWS,
    SELECT,
    TEXTAREA,
    Spec,
    code_field,
    element_form,
    part,
    source_field,
    vocabulary,
)

PAPERS_HINT = "Papers, several separated by ';': " + "; ".join(get_args(governance.PaperKind)) + "."
EVERY = vocabulary(governance.Every, {each: "Every " + each.replace("_", " ") for each in get_args(governance.Every)})
ADDED_NOTE = f"The notes on details added from outside the document are kept as they are: {IN_THE_FILE}."

BUSINESS = Spec(
    "business",
    "Cycle of business",
    ROWS,
    hint=f"What the body takes, and how often; one row per item. {PAPERS_HINT}",
    columns=(
        Spec("title", "Business", width="gt-cell-wide"),
        Spec("considers", "Papers it takes", LIST),
        Spec("every", "How often", SELECT, choices=EVERY),
        Spec("source", "Source"),
    ),
)

AGENDA = Spec(
    "items",
    "Agenda items",
    ROWS,
    hint="The agenda, in order: each item's number as printed, once in the meeting (an item keeps its "
    f"decisions and actions by its number). {PAPERS_HINT} Org units (whose directorate packs it takes), "
    "objectives and metrics by their codes, e.g. MED-1; NUR-1. Period: the period its packs are as at, "
    "when not the meeting date's, e.g. 2019/20 Q1.",
    columns=(
        Spec("number", "Number"),
        Spec("title", "Title", width="gt-cell-wide"),
        Spec("purpose", "Purpose", SELECT, choices=vocabulary(governance.Purpose), blank="Not said"),
        Spec("presenter", "Presenter", CODE, codes="owners", blank="Not named"),
        Spec("considers", "Papers", LIST),
        Spec("org_units", "Org units", LIST),
        Spec("objectives", "Objectives", LIST),
        Spec("metrics", "Metrics", LIST),
        Spec("period", "Period"),
        Spec("source", "Source"),
    ),
)

BODIES = element_form(
    "bodies",
    "body",
    part(
        "Board, committee or panel",
        code_field(),
        Spec("name", "Name", required=True),
        Spec("type", "Type", SELECT, choices=vocabulary(governance.BodyType)),
        Spec("parent", "Reports to", CODE, hint="The body it is part of, if any", codes="bodies", blank="None"),
        Spec("chair", "Chair", CODE, codes="owners", blank="Not named"),
        Spec("members", "Members", CODES, codes="owners"),
        Spec("meets", "Meets", SELECT, choices=vocabulary(governance.Meets), blank="Not said"),
        Spec("public", "Meets in public: its agendas and approved minutes are published", CHECKBOX),
    ),
    part(
        "Remit",
        Spec("terms_of_reference", "Terms of reference", TEXTAREA, hint="As printed"),
        Spec("terms_source", "Where the document describes its remit", hint="e.g. para 2"),
        Spec("oversees.plan", "Oversees the plan as a whole", CHECKBOX),
        Spec("oversees.objectives", "Objectives it oversees", CODES, codes="objectives"),
        Spec("oversees.org_units", "Org units it oversees", CODES, codes="org_units"),
        Spec("oversees.metrics", "Metrics it oversees", CODES, codes="metrics"),
        source_field(),
    ),
    part("Cycle of business", BUSINESS),
    plural="bodies",
    note=ADDED_NOTE,
)

MEETINGS = element_form(
    "meetings",
    "meeting",
    part(
        "Meeting",
        code_field(),
        Spec("body", "Body", CODE, codes="bodies", required=True),
        Spec("title", "Title", required=True),
        Spec("date", "Date", hint="e.g. 27 June 2019 or 2019-06-27", required=True, width="nhsuk-input--width-10"),
        Spec("public", "In public", SELECT, choices=(("True", "Yes"), ("False", "No")), blank="As its body meets"),
        source_field(),
    ),
    part("Agenda", AGENDA),
    note=ADDED_NOTE,
)
