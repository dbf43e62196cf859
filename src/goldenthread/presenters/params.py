"""Page parameters: every value a page reads from its address, checked in one place.

Views never read ``request.GET`` themselves: they ask :func:`of` for the page's parameters and
read each as what it is — text, a period, a choice, a whole number. A value that cannot be what
it should is refused with :class:`BadParameter`, which Django answers with the 400 page
(``goldenthread.web.views.errors``): the message, and a link to the same page without the
parameter. Every value, whatever it is read as, holds no control character, no invisible
bidirectional control and no more than :data:`MAX_LENGTH` characters
(:func:`goldenthread.planfile.fields.text_problem`), so nothing a database refuses (a NUL on
PostgreSQL) or that displays other than typed reaches a query or a page.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.http import HttpRequest, QueryDict

from goldenthread.planfile.fields import CODE_LENGTH, PERIOD_TEXT_LENGTH, text_problem
from goldenthread.planfile.periods import Period, PeriodError, parse_period

#: the longest value any parameter takes (a search, a code, a period)
MAX_LENGTH = 200
#: the largest whole number a parameter takes (a page or version number): fits every database
LARGEST_NUMBER = 2**31 - 1


class BadParameter(BadRequest):
    """A parameter of the page's address that cannot be used: its name and what is wrong."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _shown(value: str) -> str:
    """A value as a message quotes it: cut to 40 characters, and with any character that could
    hide or reorder text written as its code (the message says where it is)."""
    cut = value if len(value) <= 40 else value[:37] + "..."
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in cut)


@dataclass(frozen=True)
class Params:
    """The parameters of one request's address, each read through a check."""

    query: QueryDict

    def raw(self, name: str, *, max_length: int = MAX_LENGTH) -> str:
        """The value as given (stripped; "" when absent; the last when given twice, as Django
        reads it), refused when it is too long or holds a character no page should take."""
        value = (self.query.get(name) or "").strip()
        problem = text_problem(value, max_length=max_length)
        if problem:
            raise BadParameter(name, f"“{name}” in the address {problem}.")
        return value

    def text(self, name: str, *, max_length: int = MAX_LENGTH) -> str:
        """Free text, such as a search."""
        return self.raw(name, max_length=max_length)

    def code(self, name: str) -> str:
        """A code (an org unit, an owner, a level, a plan), "" when absent; the view says whether
        the plan has it."""
        return self.raw(name, max_length=CODE_LENGTH)

    def period(self, name: str, *, what: str = "period") -> Period | None:
        """A period written as the plan format writes them, or None when absent."""
        return period_value(name, self.raw(name, max_length=PERIOD_TEXT_LENGTH), what=what)

    def choice(self, name: str, choices: Collection[str], *, what: str, default: str = "") -> str:
        """One of ``choices`` (or ``default`` when absent)."""
        value = self.raw(name)
        if not value:
            return default
        if value not in choices:
            listed = ", ".join(sorted(c for c in choices if c))
            raise BadParameter(name, f"The {what} in the address ({name}={_shown(value)}) is not one of: {listed}.")
        return value

    def number(self, name: str, *, what: str, minimum: int = 1, maximum: int = LARGEST_NUMBER) -> int | None:
        """A whole number from ``minimum`` to ``maximum``, or None when absent."""
        value = self.raw(name, max_length=20)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= maximum:
            raise BadParameter(
                name,
                f"The {what} in the address ({name}={_shown(value)}) is not a whole number "
                f"from {minimum:,} to {maximum:,}.",
            )
        return int(value)


def period_value(name: str, value: str, *, what: str = "period", where: str = "in the address") -> Period | None:
    """The period ``value`` of parameter ``name`` names, None for "", else :class:`BadParameter`
    (``where``: "in the address", or "sent by the form" for a form's field)."""
    value = value.strip()
    if not value:
        return None
    problem = text_problem(value, max_length=PERIOD_TEXT_LENGTH)
    if problem:
        raise BadParameter(name, f"“{name}” {where} {problem}.")
    try:
        return parse_period(value)
    except PeriodError as exc:
        advice = "" if "write" in str(exc).lower() else " Write a quarter as 2016/17 Q4, a financial year as 2016/17."
        raise BadParameter(
            name, f"The {what} {where} ({name}={_shown(value)}) cannot be shown: {exc}.{advice}"
        ) from None


def of(request: HttpRequest) -> Params:
    """The parameters of ``request``'s address."""
    return Params(request.GET)


def without(query: QueryDict, name: str) -> str:
    """The query string without the parameter ``name`` (for the link on the 400 page)."""
    kept = query.copy()
    kept.pop(name, None)
    return kept.urlencode()
