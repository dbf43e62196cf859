"""How each kind of plan element is written in the plan file and how it is stored, declared once.

The load reads a mapping one way (:meth:`Mapping.stored`: file element → column values) and the
export the other (:meth:`Mapping.written`: row → file fields), so the two stay each other's
inverse, which is what makes load → export a fixed point. What does not fit a plain mapping
(parents, links, child rows, a metric's target and review, dates worked out from periods) is
written out by the load and the export themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models

from goldenthread.plans import models as m
from goldenthread.plans.store.syncing import Elements

#: the code tables a reference can name, by the file's section name
LEVELS, ORG_UNITS, OWNERS, OBJECTIVES = "levels", "org_units", "owners", "objectives"
METRICS, BODIES = "metrics", "bodies"


class Element(Protocol):
    """A plan file element with a code of its own (the other fields are read by name)."""

    code: str


@dataclass(frozen=True)
class Mapping:
    """Fields of one kind of element, by how they go between the file and the database."""

    same: tuple[str, ...] = ()  # stored as written
    renamed: dict[str, str] = field(default_factory=dict)  # file name -> column, stored as written
    text: dict[str, str] = field(default_factory=dict)  # optional text, file name -> column: absent is ""
    refs: dict[str, str] = field(default_factory=dict)  # file name -> code table; the column is the foreign key
    required: tuple[str, ...] = ()  # references the element cannot be without
    rules: tuple[str, ...] = ()  # lists of small models, stored as JSON

    def stored(self, element: Element, tables: dict[str, Elements]) -> dict[str, Any]:
        """Column values for a file element; references are looked up in ``tables`` by code."""
        values: dict[str, Any] = {"code": element.code}
        values.update((name, getattr(element, name)) for name in self.same)
        values.update((column, getattr(element, name)) for name, column in self.renamed.items())
        values.update((column, getattr(element, name) or "") for name, column in self.text.items())
        for name, table in self.refs.items():
            code = getattr(element, name)
            values[name] = tables[table][code] if name in self.required else tables[table].get(code)
        values.update((name, [r.model_dump(exclude_none=True) for r in getattr(element, name)]) for name in self.rules)
        return values

    def written(self, row: Any, codes: dict[str, dict[int, str]]) -> dict[str, Any]:
        """File fields for a stored row; foreign keys become the codes ``codes`` gives them."""
        values: dict[str, Any] = {"code": row.code}
        values.update((name, getattr(row, name)) for name in self.same)
        values.update((name, getattr(row, column)) for name, column in self.renamed.items())
        values.update((name, getattr(row, column) or None) for name, column in self.text.items())
        values.update((name, code_of(codes[table], getattr(row, f"{name}_id"))) for name, table in self.refs.items())
        values.update((name, getattr(row, name)) for name in self.rules)
        return values


@dataclass(frozen=True)
class Link:
    """A list of codes in the file that is a many-to-many table in the database."""

    name: str  # the file field, e.g. "partners"
    through: type[models.Model]
    ends: tuple[str, str]  # the table's two foreign keys: to the element, to the element linked
    table: str  # the code table the codes name
    kind: str  # what a load report calls a row
    via: str = ""  # how the element reaches its plan, when not directly, e.g. "meeting__"

    @property
    def plan_path(self) -> str:
        """The lookup from a row of the table to the plan, e.g. ``agendaitem__meeting__plan``."""
        return f"{self.ends[0]}__{self.via}plan"


def code_of(codes: dict[int, str], pk: int | None) -> str | None:
    return codes[pk] if pk is not None else None


SOURCE = {"source": "source"}
#: every element but a level may say which of its details are not from the document
ADDED = ("added",)

LEVEL = Mapping(same=("name",))
ORG_UNIT = Mapping(same=("name",), renamed={"type": "kind"}, text=SOURCE, rules=ADDED)
OWNER = Mapping(same=("title",), text={"name": "name"}, refs={"org_unit": ORG_UNITS}, rules=ADDED)
OBJECTIVE = Mapping(
    same=("title", "description", "assessment"),
    text=SOURCE,
    refs={"level": LEVELS, "org_unit": ORG_UNITS, "owner": OWNERS},
    required=("level",),
    rules=("assessed_by", *ADDED),
)
ACTIVITY = Mapping(
    same=("title", "description", "status"),
    renamed={"type": "kind"},
    text={"start": "start_text", "due": "due_text", **SOURCE},
    refs={"objective": OBJECTIVES, "owner": OWNERS, "org_unit": ORG_UNITS},
    required=("objective",),
    rules=ADDED,
)
METRIC = Mapping(
    same=(
        "title",
        "definition",
        "unit",
        "scale_min",
        "scale_max",
        "polarity",
        "aggregation",
        "frequency",
        "to_be_confirmed",
        "headline",
        "fix_after_n",
    ),
    text={"trigger": "trigger", "data_source": "data_source", "chart": "chart", **SOURCE},
    refs={"owner": OWNERS},
    rules=("trigger_rules", "rebase", "annotations", *ADDED),
)
BUDGET_LINE = Mapping(
    same=("title", "category", "amount", "period"), text=SOURCE, refs={"org_unit": ORG_UNITS}, rules=ADDED
)
STATED_TOTAL = Mapping(same=("title", "amount", "period"), text={"category": "category", **SOURCE}, rules=ADDED)
RISK = Mapping(
    same=("title", "likelihood", "impact", "mitigation"),
    text=SOURCE,
    refs={"objective": OBJECTIVES, "owner": OWNERS},
    rules=ADDED,
)
BODY = Mapping(
    same=("name", "public"),
    renamed={"type": "kind"},
    text={"terms_of_reference": "terms_of_reference", "terms_source": "terms_source", "meets": "meets", **SOURCE},
    refs={"chair": OWNERS},
    rules=("business", *ADDED),
)
#: a meeting's date as written is ``date_text``; the day it names (``date``) is worked out by the load
MEETING = Mapping(
    same=("title", "public"),
    renamed={"date": "date_text"},
    text=SOURCE,
    refs={"body": BODIES},
    required=("body",),
    rules=ADDED,
)

CONTRIBUTES_TO = Link(
    "contributes_to",
    m.Objective.contributes_to.through,
    ("from_objective", "to_objective"),
    OBJECTIVES,
    "contributes_to link",
)
PARTNERS = Link("partners", m.Activity.partners.through, ("activity", "orgunit"), ORG_UNITS, "activity partner link")
MEASURES = Link("objectives", m.Metric.objectives.through, ("metric", "objective"), OBJECTIVES, "metric link")
TOTALLED = Link(
    "org_units", m.StatedTotal.org_units.through, ("statedtotal", "orgunit"), ORG_UNITS, "stated total link"
)
MEMBERS = Link("members", m.Body.members.through, ("body", "owner"), OWNERS, "body member")
#: what a body oversees (``oversees.<name>`` in the file)
OVERSEES = (
    Link("objectives", m.Body.oversees_objectives.through, ("body", "objective"), OBJECTIVES, "body oversight link"),
    Link("org_units", m.Body.oversees_org_units.through, ("body", "orgunit"), ORG_UNITS, "body oversight link"),
    Link("metrics", m.Body.oversees_metrics.through, ("body", "metric"), METRICS, "body oversight link"),
)
#: what an agenda item considers specifically
ITEM_LINKS = tuple(
    Link(name, getattr(m.AgendaItem, name).through, ("agendaitem", end), table, "agenda item link", via="meeting__")
    for name, end, table in (
        ("org_units", "orgunit", ORG_UNITS),
        ("objectives", "objective", OBJECTIVES),
        ("metrics", "metric", METRICS),
    )
)
