"""The kinds of value a plan file holds, and the base of its elements.

Shared by :mod:`schema` (the plan and its elements) and :mod:`governance` (bodies and meetings):
codes, texts that fit their database columns, numbers, and the ``added`` note every element may
carry to say which of its details do not come from the source document.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

from goldenthread.planfile import fields
from goldenthread.planfile.fields import (
    CODE_LENGTH,
    DESCRIPTION_LENGTH,
    FINANCIAL_YEAR_LENGTH,
    PERIOD_TEXT_LENGTH,
    SHORT_TEXT_LENGTH,
    TITLE_LENGTH,
)

Code = Annotated[
    str,
    Field(
        min_length=1,
        max_length=CODE_LENGTH,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._/()-]*$",
        description="Identifier unique within its kind in the plan: letters, digits and . _ / ( ) -",
    ),
]

#: a plan's code is a segment of its web addresses (/plans/CODE/): no "/", "(" or ")" there
_PLAN_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _plan_code(code: str) -> str:
    if not re.match(_PLAN_CODE, code):
        raise ValueError(
            f"the plan's code {code[:40]!r} is part of its web address: use letters, digits and . _ - "
            "only, starting with a letter or digit, e.g. nhsi-2016"
        )
    return code


PlanCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=CODE_LENGTH,
        json_schema_extra={"pattern": _PLAN_CODE},
        description="The plan's code, part of its web address: letters, digits and . _ -",
    ),
    AfterValidator(_plan_code),
]


class _Fits:
    """Text the database column holds: at most ``length`` characters, none of the characters
    :func:`fields.text_problem` refuses (NUL and other controls, right-to-left overrides)."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __call__(self, text: str) -> str:
        problem = fields.text_problem(text, max_length=self.length)
        if problem:
            raise ValueError(f"this text {problem}" + ("; shorten it" if problem.endswith(f"{self.length:,}") else ""))
        return text


def _number_fits(value: Decimal) -> Decimal:
    problem = fields.decimal_problem(value)
    if problem:
        raise ValueError(f"this number {problem}; correct it")
    return fields.stored_decimal(value)


def _money_fits(value: Decimal) -> Decimal:
    problem = fields.money_problem(value)
    if problem:
        raise ValueError(f"this amount {problem}; write it in pounds, e.g. 78700000 or '£78.7m'")
    return fields.stored_decimal(value, places=fields.MONEY_PLACES)


class _FinancialYearFits(_Fits):
    def __call__(self, text: str) -> str:
        if len(text) > self.length:
            raise ValueError(f"write the financial year in {self.length} characters, as in 2016/17, not {text[:20]!r}")
        return super().__call__(text)


def _length(length: int) -> JsonDict:
    """The length a kind of text may have, for the JSON Schema (``goldenthread plan schema``)."""
    return {"maxLength": length}


#: long free text: descriptions, definitions, assessments, mitigations
Text = Annotated[str, AfterValidator(_Fits(DESCRIPTION_LENGTH)), Field(json_schema_extra=_length(DESCRIPTION_LENGTH))]
#: a title or name: required, one line of up to TITLE_LENGTH characters
Title = Annotated[
    str, Field(min_length=1, json_schema_extra=_length(TITLE_LENGTH)), AfterValidator(_Fits(TITLE_LENGTH))
]
#: optional text as printed, up to TITLE_LENGTH characters (a target's wording, a data source)
Phrase = Annotated[str, AfterValidator(_Fits(TITLE_LENGTH)), Field(json_schema_extra=_length(TITLE_LENGTH))]
#: short text: where in the source document, a person's name, a due date as written
ShortText = Annotated[
    str, AfterValidator(_Fits(SHORT_TEXT_LENGTH)), Field(json_schema_extra=_length(SHORT_TEXT_LENGTH))
]
#: a period or date as written, e.g. '2016/17 Q4' or '27 June 2019'
PeriodText = Annotated[
    str, AfterValidator(_Fits(PERIOD_TEXT_LENGTH)), Field(json_schema_extra=_length(PERIOD_TEXT_LENGTH))
]
#: a financial year as written, e.g. '2016/17'
FinancialYear = Annotated[
    str,
    AfterValidator(_FinancialYearFits(FINANCIAL_YEAR_LENGTH)),
    Field(json_schema_extra=_length(FINANCIAL_YEAR_LENGTH)),
]


def _blank_is_none(value: object) -> object:
    """An optional text left blank is no text: '' loads and exports as the field left out."""
    return None if isinstance(value, str) and not value.strip() else value


OptionalShortText = Annotated[ShortText | None, BeforeValidator(_blank_is_none)]
OptionalPhrase = Annotated[Phrase | None, BeforeValidator(_blank_is_none)]
OptionalPeriodText = Annotated[PeriodText | None, BeforeValidator(_blank_is_none)]
OptionalText = Annotated[Text | None, BeforeValidator(_blank_is_none)]

#: a metric's number: a target, a trajectory point, a stated value, a scale's end
Number = Annotated[Decimal, AfterValidator(_number_fits)]


class Element(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


#: a field an ``added`` note names: the element's own field, dotted for one nested in it
#: (``target.value``, ``review.when``), with a position for one in a list (``items.2.title``)
FieldName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=SHORT_TEXT_LENGTH,
        pattern=r"^[a-z_]+(\.([a-z_]+|[0-9]+))*$",
        description="A field of the element, dotted for a nested one, e.g. definition or target.value",
    ),
]


class Added(Element):
    """Details of an element that do not come from the source document, and where they do come from."""

    fields: list[FieldName] = Field(min_length=1, description="The element's own fields, e.g. [definition]")
    note: Title = Field(description="Where these details come from, e.g. 'NHS England A&E statistics; not printed'")


AddedNotes = list[Added]
#: the default of every element's ``added``: none
ADDED: Any = Field(default_factory=list, description="Details not from the source document, and where they come from")


class Noted(Element):
    """An element of a plan: it may say which of its details were added from outside the document.

    Each element class declares ``added: AddedNotes = ADDED`` as its last field (so it is written
    last); this checks that every field it names is one of the element's."""

    @field_validator("added", check_fields=False)
    @classmethod
    def _named_fields(cls, added: list[Added]) -> list[Added]:
        problems = [
            f"added[{i}] names '{name}', which is not a field of {_a(cls.__name__)}: {problem}"
            for i, entry in enumerate(added)
            for name in entry.fields
            if (problem := field_problem(cls, name))
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return added


def _a(kind: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower()
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def field_problem(model: type[BaseModel], name: str) -> str | None:
    """Why ``name`` (dotted, e.g. ``target.value`` or ``items.2.title``) is not a field of
    ``model``; None when it is one."""
    current: type[BaseModel] | None = model
    listed = False
    for part in name.split("."):
        if part.isdigit():
            if not listed:
                return f"'{part}' is a position, but what comes before it is not a list; correct the field name"
            listed = False
            continue
        if current is None:
            return f"'{part}' is not a field: what comes before it has no fields; correct the field name"
        if part not in current.model_fields or (current is model and part == "added"):
            known = ", ".join(n for n in current.model_fields if n != "added")
            return f"'{part}' is not one of {known}; correct the field name"
        current, listed = _inner(current.model_fields[part].annotation)
    return None


def _inner(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (through Optional and list), and whether it holds a list."""
    listed = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            annotation = next((a for a in get_args(annotation) if a is not type(None)), None)
        elif origin is list:
            listed, annotation = True, get_args(annotation)[0]
        else:
            break
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return (annotation if is_model else None), listed
