"""The plan file's rules and the database's columns are one set of limits (planfile.fields).

Issue 15 findings 2 and 3: a value the database cannot hold is refused by validation, with its
place in the file, before it reaches the database — the same answer on SQLite and PostgreSQL —
and a plan with every field at its limit loads and comes back whole by export.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Annotated, Any

import pytest
from django.apps import apps
from django.db import DataError, models
from pydantic import BaseModel, TypeAdapter, ValidationError

from goldenthread.cli.setup import database_problem
from goldenthread.planfile import fields, governance, schema, validate_data, validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

#: each plan column that holds a value of the plan file: the schema model and field it comes from
FROM_THE_FILE: dict[tuple[type[models.Model], str], tuple[type[BaseModel], str]] = {
    (m.Organisation, "code"): (schema.Organisation, "code"),
    (m.Organisation, "name"): (schema.Organisation, "name"),
    (m.Plan, "code"): (schema.Plan, "code"),
    (m.Plan, "title"): (schema.Plan, "title"),
    (m.Plan, "start"): (schema.Plan, "start"),
    (m.Plan, "end"): (schema.Plan, "end"),
    (m.Plan, "status"): (schema.Plan, "status"),
    (m.Plan, "source_title"): (schema.SourceDocument, "title"),
    (m.Plan, "source_date"): (schema.SourceDocument, "date"),
    (m.Plan, "source_file"): (schema.SourceDocument, "file"),
    (m.Level, "name"): (schema.Level, "name"),
    (m.OrgUnit, "name"): (schema.OrgUnit, "name"),
    (m.OrgUnit, "kind"): (schema.OrgUnit, "type"),
    (m.OrgUnit, "source"): (schema.OrgUnit, "source"),
    (m.Owner, "title"): (schema.Owner, "title"),
    (m.Owner, "name"): (schema.Owner, "name"),
    (m.Objective, "title"): (schema.Objective, "title"),
    (m.Objective, "source"): (schema.Objective, "source"),
    (m.FrameworkReference, "framework"): (schema.FrameworkRef, "framework"),
    (m.FrameworkReference, "ref"): (schema.FrameworkRef, "ref"),
    (m.Activity, "title"): (schema.Activity, "title"),
    (m.Activity, "kind"): (schema.Activity, "type"),
    (m.Activity, "start_text"): (schema.Activity, "start"),
    (m.Activity, "due_text"): (schema.Activity, "due"),
    (m.Activity, "status"): (schema.Activity, "status"),
    (m.Activity, "source"): (schema.Activity, "source"),
    (m.Metric, "title"): (schema.Metric, "title"),
    (m.Metric, "unit"): (schema.Metric, "unit"),
    (m.Metric, "scale_min"): (schema.Metric, "scale_min"),
    (m.Metric, "scale_max"): (schema.Metric, "scale_max"),
    (m.Metric, "polarity"): (schema.Metric, "polarity"),
    (m.Metric, "aggregation"): (schema.Metric, "aggregation"),
    (m.Metric, "frequency"): (schema.Metric, "frequency"),
    (m.Metric, "target_value"): (schema.Target, "value"),
    (m.Metric, "target_comparison"): (schema.Target, "comparison"),
    (m.Metric, "target_by"): (schema.Target, "by"),
    (m.Metric, "target_text"): (schema.Target, "text"),
    (m.Metric, "review_when"): (schema.Review, "when"),
    (m.Metric, "review_by"): (schema.Review, "by"),
    (m.Metric, "data_source"): (schema.Metric, "data_source"),
    (m.Metric, "chart"): (schema.Metric, "chart"),
    (m.Metric, "source"): (schema.Metric, "source"),
    (m.TrajectoryPoint, "period"): (schema.TrajectoryPoint, "period"),
    (m.TrajectoryPoint, "value"): (schema.TrajectoryPoint, "value"),
    (m.StatedValue, "period"): (schema.StatedValue, "period"),
    (m.StatedValue, "value"): (schema.StatedValue, "value"),
    (m.StatedValue, "source"): (schema.StatedValue, "source"),
    (m.BudgetLine, "title"): (schema.BudgetLine, "title"),
    (m.BudgetLine, "category"): (schema.BudgetLine, "category"),
    (m.BudgetLine, "amount"): (schema.BudgetLine, "amount"),
    (m.BudgetLine, "period"): (schema.BudgetLine, "period"),
    (m.BudgetLine, "source"): (schema.BudgetLine, "source"),
    (m.StatedTotal, "title"): (schema.StatedTotal, "title"),
    (m.StatedTotal, "amount"): (schema.StatedTotal, "amount"),
    (m.StatedTotal, "period"): (schema.StatedTotal, "period"),
    (m.StatedTotal, "category"): (schema.StatedTotal, "category"),
    (m.StatedTotal, "source"): (schema.StatedTotal, "source"),
    (m.Risk, "source"): (schema.Risk, "source"),
    (m.Body, "name"): (governance.Body, "name"),
    (m.Body, "kind"): (governance.Body, "type"),
    (m.Body, "terms_source"): (governance.Body, "terms_source"),
    (m.Body, "meets"): (governance.Body, "meets"),
    (m.Body, "source"): (governance.Body, "source"),
    (m.Meeting, "title"): (governance.Meeting, "title"),
    (m.Meeting, "date_text"): (governance.Meeting, "date"),
    (m.Meeting, "source"): (governance.Meeting, "source"),
    (m.AgendaItem, "number"): (governance.AgendaItem, "number"),
    (m.AgendaItem, "title"): (governance.AgendaItem, "title"),
    (m.AgendaItem, "purpose"): (governance.AgendaItem, "purpose"),
    (m.AgendaItem, "period"): (governance.AgendaItem, "period"),
    (m.AgendaItem, "source"): (governance.AgendaItem, "source"),
}
#: element codes: every element's code column is the schema's Code
ELEMENTS = {
    m.Level: schema.Level,
    m.OrgUnit: schema.OrgUnit,
    m.Owner: schema.Owner,
    m.Objective: schema.Objective,
    m.Activity: schema.Activity,
    m.Metric: schema.Metric,
    m.BudgetLine: schema.BudgetLine,
    m.StatedTotal: schema.StatedTotal,
    m.Risk: schema.Risk,
    m.Body: governance.Body,
    m.Meeting: governance.Meeting,
}
#: columns the plan file never writes: versions, changes and edits, filled by the application
NOT_FROM_THE_FILE = {
    (m.PlanVersion, "in_force_label"),
    (m.PlanVersion, "how"),
    (m.PlanVersion, "made_by_name"),
    (m.PlanChange, "status"),
    (m.PlanChange, "in_force_label"),
    (m.PlanEdit, "section"),
    (m.PlanEdit, "code"),
    (m.PlanEdit, "action"),
    (m.PlanEdit, "made_by_name"),
}


def _columns() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, column)
        for model in apps.get_app_config("plans").get_models()
        if not model.__name__.startswith("Historical")
        for column in model._meta.get_fields()
        if isinstance(column, (models.CharField, models.DecimalField))
    ]


def _source(model: type[models.Model], name: str) -> tuple[type[BaseModel], str]:
    if name == "code" and model in ELEMENTS:
        return ELEMENTS[model], "code"
    return FROM_THE_FILE[(model, name)]


@cache
def _json_schema(model: type[BaseModel], mode: str = "validation") -> dict[str, Any]:
    return model.model_json_schema(mode=mode)  # type: ignore[arg-type]


def _max_length(model: type[BaseModel], name: str) -> int | None:
    """The length the schema allows a field, as ``goldenthread plan schema`` publishes it."""
    prop = _json_schema(model)["properties"][name]
    for option in [prop, *prop.get("anyOf", [])]:
        if "maxLength" in option:
            return int(option["maxLength"])
    return None


def _choices(model: type[BaseModel], name: str) -> list[str]:
    prop = _json_schema(model, "serialization")["properties"][name]
    found = prop.get("enum") or [c for option in prop.get("anyOf", []) for c in option.get("enum", [])]
    return [str(c) for c in found]


def test_every_plan_column_is_declared_here():
    """A new column of a plan table must say where its values come from, so its limit is checked."""
    undeclared = [
        f"{model.__name__}.{column.name}"
        for model, column in _columns()
        if (model, column.name) not in NOT_FROM_THE_FILE
        and not (column.name == "code" and model in ELEMENTS)
        and (model, column.name) not in FROM_THE_FILE
    ]
    assert not undeclared


@pytest.mark.parametrize(
    ("model", "column"),
    [(model, column) for model, column in _columns() if (model, column.name) not in NOT_FROM_THE_FILE],
    ids=lambda x: x.__name__ if isinstance(x, type) else x.name,
)
def test_each_column_holds_what_the_schema_allows(model, column):
    """Issue 15 findings 2 and 3: the schema allows no longer text and no larger number than the column holds."""
    source, name = _source(model, column.name)
    if isinstance(column, models.DecimalField):
        money = (column.max_digits, column.decimal_places) == (fields.MONEY_DIGITS, fields.MONEY_PLACES)
        assert money or (column.max_digits, column.decimal_places) == (fields.DECIMAL_DIGITS, fields.DECIMAL_PLACES)
        whole = min(column.max_digits - column.decimal_places, fields.SIGNIFICANT_DIGITS)
        largest = Decimal(10) ** whole - 1
        assert _accepts(source, name, largest)
        assert not _accepts(source, name, largest + 1)
        assert not _accepts(source, name, Decimal(10) ** (column.max_digits - column.decimal_places))
        return
    choices = _choices(source, name) if _max_length(source, name) is None else []
    if choices:
        assert max(map(len, choices)) <= column.max_length
    else:
        assert _max_length(source, name) == column.max_length, f"{model.__name__}.{column.name}"


def _accepts(model: type[BaseModel], name: str, value: Decimal) -> bool:
    """Whether the schema's rule for a number field accepts ``value`` (other fields left valid)."""
    info = model.model_fields[name]
    rule = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    try:
        TypeAdapter(rule).validate_python(value)
    except ValidationError:
        return False
    return True


def _text(length: int, seed: str) -> str:
    """Text of exactly ``length`` characters, not all ASCII (columns count characters, not bytes)."""
    body = (f"{seed} Ünïcode — text; " * (length // 10 + 2))[: length - 1]
    return body + "z"


def _code(letter: str) -> str:
    return (letter + "-" + "0123456789" * 7)[: fields.CODE_LENGTH]


TITLE, SHORT, LONG = fields.TITLE_LENGTH, fields.SHORT_TEXT_LENGTH, fields.DESCRIPTION_LENGTH
#: the largest numbers both databases hold exactly: 15 significant digits (SQLite's REAL)
BIG, MONEY = "999999999999999", "9999999999999.99"


def plan_at_its_limits() -> dict[str, Any]:
    """A plan with every text at its longest and every number at its largest."""
    unit, owner, objective = _code("u"), _code("w"), _code("j")
    return {
        "code": _code("p"),
        "title": _text(TITLE, "plan"),
        "organisation": {"code": _code("o"), "name": _text(TITLE, "org")},
        "start": "2019/20",
        "end": "2019/20",
        "description": _text(LONG, "description"),
        "source_document": {
            "title": _text(TITLE, "doc"),
            "date": _text(fields.PERIOD_TEXT_LENGTH, "published"),
            "file": _text(SHORT, "file"),
        },
        "levels": [{"code": _code("l"), "name": _text(TITLE, "level")}],
        "org_units": [{"code": unit, "name": _text(TITLE, "unit"), "type": "area_team", "source": _text(SHORT, "s")}],
        "owners": [{"code": owner, "title": _text(TITLE, "role"), "name": _text(SHORT, "name"), "org_unit": unit}],
        "objectives": [
            {
                "code": objective,
                "level": _code("l"),
                "title": _text(TITLE, "objective"),
                "description": _text(LONG, "why"),
                "org_unit": unit,
                "owner": owner,
                "assessed_by": [{"text": _text(TITLE, "assessed"), "bracketed": True}],
                "assessment": _text(LONG, "how"),
                "framework_refs": [{"framework": _text(TITLE, "fw"), "ref": _text(fields.FRAMEWORK_REF_LENGTH, "¶")}],
                "source": _text(SHORT, "para"),
            }
        ],
        "activities": [
            {
                "code": _code("a"),
                "objective": objective,
                "title": _text(TITLE, "activity"),
                "description": _text(LONG, "what"),
                "type": "key_activity",
                "owner": owner,
                "org_unit": unit,
                "partners": [unit],
                "start": "2019/20 Q1",
                "due": _text(SHORT, "when it is done"),
                "status": "in_progress",
                "source": _text(SHORT, "table"),
            }
        ],
        "metrics": [_metric_at_its_limits(objective, owner)],
        "budget_lines": [
            {
                "code": _code("b"),
                "title": _text(TITLE, "budget"),
                "org_unit": unit,
                "category": "discretionary_running",
                "amount": MONEY,
                "period": "2019/20",
                "source": _text(SHORT, "b"),
            }
        ],
        "stated_totals": [
            {
                "code": _code("t"),
                "title": _text(TITLE, "total"),
                "amount": "-" + MONEY,
                "period": "2019/20",
                "category": "discretionary_running",
                "org_units": [unit],
                "source": _text(SHORT, "t"),
            }
        ],
        "risks": [
            {
                "code": _code("r"),
                "title": _text(TITLE, "risk"),
                "objective": objective,
                "owner": owner,
                "likelihood": 5,
                "impact": 5,
                "mitigation": _text(LONG, "mitigate"),
                "source": _text(SHORT, "r"),
            }
        ],
        **_governance_at_its_limits(unit, owner, objective),
    }


def _governance_at_its_limits(unit: str, owner: str, objective: str) -> dict[str, Any]:
    body = _code("g")
    return {
        "bodies": [
            {
                "code": body,
                "name": _text(TITLE, "body"),
                "type": "partnership_board",
                "chair": owner,
                "members": [owner],
                "terms_of_reference": _text(LONG, "remit"),
                "terms_source": _text(SHORT, "tor"),
                "oversees": {"plan": True, "objectives": [objective], "org_units": [unit], "metrics": [_code("m")]},
                "meets": "half_yearly",
                "business": [{"title": _text(TITLE, "business"), "considers": ["board_pack"], "every": "half_year"}],
                "source": _text(SHORT, "g"),
                "added": [{"fields": ["meets", "terms_of_reference"], "note": _text(TITLE, "from elsewhere")}],
            }
        ],
        "meetings": [
            {
                "code": _code("e"),
                "body": body,
                "title": _text(TITLE, "meeting"),
                "date": "2019-06-27",
                "public": False,
                "items": [
                    {
                        "number": _text(fields.PERIOD_TEXT_LENGTH, "12"),
                        "title": _text(TITLE, "item"),
                        "purpose": "information",
                        "presenter": owner,
                        "considers": ["directorate_packs"],
                        "org_units": [unit],
                        "objectives": [objective],
                        "metrics": [_code("m")],
                        "period": "2019/20 Q1",
                        "source": _text(SHORT, "i"),
                    }
                ],
                "source": _text(SHORT, "e"),
            }
        ],
    }


def _metric_at_its_limits(objective: str, owner: str) -> dict[str, Any]:
    return {
        "code": _code("m"),
        "title": _text(TITLE, "metric"),
        "objectives": [objective],
        "definition": _text(LONG, "definition"),
        "unit": "percentage",
        "scale_min": "-" + BIG,
        "scale_max": BIG,
        "polarity": "higher_is_better",
        "aggregation": "ratio",
        "frequency": "quarterly",
        "target": {"value": BIG, "comparison": ">=", "by": "2019/20 Q4", "text": _text(TITLE, "target")},
        "trajectory": [
            {"period": "2019/20 Q1", "value": "-" + BIG},
            {"period": "2019/20 Q2", "value": "0.00000001"},
            {"period": "2019/20 Q3", "value": "1234567.12345678"},
            {"period": "2019/20 Q4", "value": "12345678.123456789"},  # rounded to 15 digits on both databases
        ],
        "review": {"when": _text(TITLE, "when"), "by": _text(TITLE, "by")},
        "trigger": _text(LONG, "trigger"),
        "trigger_rules": [{"rule": "below_target_for", "periods": 120}],
        "data_source": _text(TITLE, "data"),
        "owner": owner,
        "stated_values": [{"period": "2019-03", "value": BIG, "source": _text(SHORT, "sv")}],
        "source": _text(SHORT, "m"),
    }


@pytest.mark.django_db
def test_a_plan_with_every_field_at_its_limit_loads_and_exports_whole():
    """Issue 15 findings 2 and 3: the largest values validation allows are held by both databases."""
    result = validate_data(plan_at_its_limits(), "limits.yaml")
    assert result.ok, result.problems[:5]
    load_plan(result.plan)
    assert export_plan(_code("p")) == result.plan


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", _text(TITLE + 1, "x"), "title: this text is 1,001 characters long; at most 1,000; shorten it"),
        (
            "description",
            _text(LONG + 1, "x"),
            "description: this text is 20,001 characters long; at most 20,000; shorten it",
        ),
    ],
)
def test_one_character_more_is_refused_at_its_field(field, value, expected):
    data = {**plan_at_its_limits(), field: value}
    result = validate_data(data, "limits.yaml")
    assert [f"{p.path}: {p.message}" for p in result.problems] == [expected]


@pytest.mark.django_db
def test_a_refused_number_leaves_the_plan_loadable(example_text):
    """Issue 15 finding 2: a budget of 1e30 no longer ruins the plan (it is refused, so the plan
    in the database stays exportable and the correct file reloads)."""
    good = validate_text(example_text, "plan.yaml")
    load_plan(good.plan)
    bad = validate_text(example_text.replace("amount: 8100000", "amount: 1e30"), "plan.yaml")
    assert [str(p) for p in bad.problems] == [
        "plan.yaml:135:13: budget_lines[1].amount: this amount is too large to store: at most 15 digits "
        "before the decimal point; write it in pounds, e.g. 78700000 or '£78.7m'"
    ]
    assert export_plan("example-2019") == good.plan


def test_a_value_the_database_refuses_is_not_blamed_on_the_connection():
    """Issue 15 finding 2: PostgreSQL's "numeric field overflow" said to check --database."""
    message = database_problem(DataError("numeric field overflow"))
    assert message is not None
    assert "the database refused a value (numeric field overflow); nothing was changed" in message
    assert "--database" not in message
