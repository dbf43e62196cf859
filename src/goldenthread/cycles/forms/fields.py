"""The form layer of the cycle: fields that keep what was typed, forms that collect every
problem at once, and the parsing of numbers and dates as people type them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from goldenthread.planfile.fields import EARLIEST_YEAR, LATEST_YEAR, character_problem, year_problem

MAX_TEXT = 10_000
MAX_LINE = 300


@dataclass
class Field:
    name: str
    label: str
    kind: str  # radios, textarea, select, number, checkbox, text
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    error: str = ""
    stored: str | None = None  # the value saved by someone else meanwhile, when it differs from ``value``
    suffix: str = ""
    inline: bool = False

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)

    @property
    def radio_items(self) -> list[dict]:
        return [{"value": v, "text": t, "checked": v == self.value} for v, t in self.choices]

    @property
    def select_items(self) -> list[dict]:
        return [{"value": v, "text": t, "selected": v == self.value} for v, t in self.choices]

    @property
    def stored_text(self) -> str:
        if self.stored is None:
            return ""
        labels = dict(self.choices)
        return labels.get(self.stored, self.stored) if self.stored else "(blank)"


@dataclass
class Group:
    """Fields about one thing (an objective, an activity …), under its heading."""

    heading: str
    caption: str
    fields: list[Field]
    description: str = ""


def typed(post: Mapping[str, str] | None, stored: dict[str, str]) -> dict[str, str]:
    """Each field's value to show: as the person sent it, or — before they have — as it is stored."""
    return {name: (post.get(name, "") if post is not None else value) for name, value in stored.items()}


class Form:
    def __init__(self) -> None:
        self.fields: dict[str, Field] = {}
        self.version = 0

    def add(self, f: Field) -> Field:
        self.fields[f.name] = f
        return f

    def error(self, name: str, message: str) -> None:
        f = self.fields.get(name)
        if f is not None and not f.error:
            f.error = message
        elif f is None:
            self.fields[name] = Field(name, name, "hidden", error=message)

    @property
    def errors(self) -> list[Field]:
        return [f for f in self.fields.values() if f.error]

    def error_list(self) -> list[dict]:
        return [{"text": f.error, "href": "#" + f.id} for f in self.errors]

    def apply_problems(self, problems: list[tuple[str, str]]) -> None:
        """Problems the rules found (field name, message), each shown at its field."""
        for name, message in problems:
            self.error(name, message)

    def text(self, name: str) -> str:
        return self.fields[name].value.strip()

    def bounded(self, name: str, what: str, limit: int = MAX_TEXT) -> str:
        """The field's text, with an error when it is longer than ``limit`` or holds a character
        the database refuses or that displays other than typed (planfile.fields' rule)."""
        value = self.text(name)
        if len(value) > limit:
            self.error(name, f"{what} must be {limit:,} characters or fewer; it has {len(value):,}")
        elif problem := character_problem(value):
            self.error(name, f"{what} {problem}")
        return value

    def parsed_date(self, name: str, what: str, example: str = "17 July 2019 or 17/07/2019") -> date | None:
        """The field's date, or None when blank; an error when it is not a real date."""
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            years = f" from {EARLIEST_YEAR} to {LATEST_YEAR}" if str(exc) else ""  # a real date, out of range
            self.error(name, f"Enter {what} as a real date{years}, like {example}")
            return None

    def read_version(self, post: Mapping[str, str] | None, stored: int) -> None:
        """The version the person started from: what the page sent back (−1 when it sent none a
        number can be read from), or before that the version stored now (0 for nothing stored)."""
        self.version = stored
        if post is not None:
            try:
                self.version = int(post.get("version", ""))
            except ValueError:
                self.version = -1

    def check_version(self) -> None:
        if self.version < 0:
            self.error(
                "version", "The form was sent without the version it was based on; reload the page and try again"
            )


class TextForm(Form):
    """A form of one required text: ``name`` its field, ``what`` how messages name it, ``missing``
    the message when it is left blank. The field is :attr:`note`."""

    def __init__(
        self, post: Mapping[str, str] | None, name: str, label: str, *, hint: str, what: str, missing: str
    ) -> None:
        super().__init__()
        self.what, self.missing = what, missing
        self.note = self.add(Field(name, label, "textarea", typed(post, {name: ""})[name], hint=hint))

    def clean(self) -> str | None:
        text = self.bounded(self.note.name, self.what)
        if not text:
            self.error(self.note.name, self.missing)
        return None if self.errors else text


def parse_number(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "").replace("£", "").rstrip("%").strip()
    if len(cleaned) > 100:  # no number a column holds is written longer
        raise ValueError
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%d-%m-%Y")


def parse_date(text: str) -> date:
    cleaned = " ".join(text.strip().split())
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        if year_problem(day.year):
            raise ValueError(year_problem(day.year))
        return day
    raise ValueError
