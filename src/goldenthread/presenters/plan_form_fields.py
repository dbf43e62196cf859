"""The building blocks of the plan's edit forms (:mod:`.plan_forms`): a field (:class:`Spec`), a
form (:class:`SectionForm`), the kinds of field, and the fields every element's form shares. Pure:
no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

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
#: a row's list of codes or words, typed in one cell as the plan file's lists are written: "A; B"
LIST = "list"

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


def code_field(required: bool = True) -> Spec:
    """An element's code."""
    return Spec(
        "code",
        "Code",
        hint="Unique in the plan: letters, digits and . _ / ( ) -, e.g. MED-1 or 3.102. Other elements refer to it.",
        required=required,
        width="nhsuk-input--width-20",
    )


def source_field() -> Spec:
    return Spec("source", "Where in the source document", hint="e.g. para 3.102, Table 3, Appendix Two")


def part(heading: str, *specs: Spec) -> tuple[str, tuple[Spec, ...]]:
    """A form's part: a heading and its fields."""
    return heading, specs


def element_form(section: str, kind: str, *parts: tuple[str, tuple[Spec, ...]], **options: Any) -> SectionForm:
    return SectionForm(section, kind, parts, **options)


IN_THE_FILE = "change them in the plan file (download it, edit it and upload it), which holds every field"
