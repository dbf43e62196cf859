"""One set of field rules: what the database can hold, checked before anything reaches it.

The Django models take their column sizes from these constants, and every way in — the plan
file's schema, the data loader, the web forms — checks values with these functions, so a value
the database cannot hold is refused with a message, and SQLite and PostgreSQL give the same
answer. Pure Python: no Django, no pydantic.

Each ``*_problem`` function returns None when the value is fine, else a message fragment that
reads after the name of the field or cell, e.g. "is 301 characters long; at most 300".
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal

#: codes of plans and their elements
CODE_LENGTH = 64
#: titles and names
TITLE_LENGTH = 1000
#: short free text: source, a person's name, due and start as written, file names
SHORT_TEXT_LENGTH = 300
#: a period or date as written, e.g. '2016/17 Q4' or '27 June 2019'
PERIOD_TEXT_LENGTH = 100
#: a financial year as written, e.g. '2016/17'
FINANCIAL_YEAR_LENGTH = 7
#: a framework reference as printed, e.g. '¶12–31 & 47'
FRAMEWORK_REF_LENGTH = 200
#: long free text (descriptions, definitions, mitigations): the plan file's own limit, the
#: database's columns for these have none
DESCRIPTION_LENGTH = 20000
#: metric and observation numbers: columns of 16 digits before the point and 8 after
DECIMAL_DIGITS = 24
DECIMAL_PLACES = 8
#: pounds: columns of 16 digits before the point, pence after it
MONEY_DIGITS = 18
MONEY_PLACES = 2
#: significant digits a number keeps on both databases: SQLite stores a DecimalField as a REAL
#: and Django reads it back to 15 significant digits, so at most 15 digits before the point
SIGNIFICANT_DIGITS = 15
#: the years of the periods and dates goldenthread accepts anywhere
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199

#: characters that change the order text displays in, named as a person would recognise them
_BIDI_CONTROLS = {
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}
_ALLOWED_CONTROLS = frozenset("\t\n\r")
#: exactly the characters :func:`character_problem` refuses (control characters but tab and line
#: breaks, the bidirectional controls above, lone surrogates), for a search in C: text with none
#: is passed in one scan, not a Python step per character (a 20 MB plan, a million data cells)
REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + "".join(_BIDI_CONTROLS) + "]")


def decimal_problem(value: Decimal, *, digits: int = DECIMAL_DIGITS, places: int = DECIMAL_PLACES) -> str | None:
    """None when a ``DecimalField(max_digits=digits, decimal_places=places)`` holds ``value`` on
    both databases, as :func:`stored_decimal` rounds it.

    More decimal places than ``places`` are fine: the value is rounded to them, as the database
    does — but a value that rounds up past the limit (999999999999999.999999999) is too large.
    SQLite keeps :data:`SIGNIFICANT_DIGITS` significant digits (it stores a REAL), so the whole
    part may have at most that many digits, fewer than the column's own ``digits - places``:
    PostgreSQL would hold 9999999999999999 but SQLite reads it back as 1E+16, which overflows.
    """
    if not value.is_finite():
        return "is not a finite number"
    whole = min(digits - places, SIGNIFICANT_DIGITS)
    if not value.is_zero() and value.adjusted() >= whole:
        return f"is too large to store: at most {whole} digits before the decimal point"
    stored = _rounded(value, places, digits)
    if not stored.is_zero() and stored.adjusted() >= whole:
        return f"is too large to store: at most {whole} digits before the decimal point"
    return None


def stored_decimal(value: Decimal, *, places: int = DECIMAL_PLACES) -> Decimal:
    """``value`` as both databases hold it: rounded to ``places`` decimal places and to
    :data:`SIGNIFICANT_DIGITS` significant digits (half away from zero, as PostgreSQL rounds).

    For a value :func:`decimal_problem` accepts; storing this instead of the value itself makes a
    load followed by an export give back the same number on SQLite and on PostgreSQL. A value that
    needs no rounding is given back as it is (0.08 stays 0.08, not 0.08000000).
    """
    stored = _rounded(value, places, DECIMAL_DIGITS)
    return value if stored == value else stored


def _rounded(value: Decimal, places: int, digits: int) -> Decimal:
    """``value`` (finite, at most ``digits - places`` whole digits) rounded as it is stored."""
    if value.is_zero() or value.adjusted() < -places - 1:
        return Decimal(0).scaleb(-places)
    fixed = value.quantize(Decimal(1).scaleb(-places), context=Context(prec=digits + 2, rounding=ROUND_HALF_UP))
    return Context(prec=SIGNIFICANT_DIGITS, rounding=ROUND_HALF_UP).plus(fixed)


def money_problem(value: Decimal) -> str | None:
    """:func:`decimal_problem` for an amount in pounds (budget lines, stated totals)."""
    return decimal_problem(value, digits=MONEY_DIGITS, places=MONEY_PLACES)


def text_problem(text: str, *, max_length: int) -> str | None:
    """None when ``text`` fits a column of ``max_length`` characters and holds no character that
    the database refuses or that makes text display other than as typed."""
    if len(text) > max_length:
        return f"is {len(text):,} characters long; at most {max_length:,}"
    return character_problem(text)


def character_problem(text: str) -> str | None:
    """The first refused character in ``text``, with its position (1-based), or None.

    Refused: NUL and other control characters except tab, newline and carriage return; the
    invisible bidirectional controls that make text display reversed or reordered (a spoofing
    risk, as in a title that reads differently from what it says); unpaired surrogates, which are
    not characters and no database can store as UTF-8.
    """
    found = REFUSED_CHARACTERS.search(text)
    if found is None:
        return None
    char, problem = found.group(), _char_problem(found.group())
    assert problem is not None  # REFUSED_CHARACTERS is exactly what _char_problem refuses
    return f"contains {problem[0]} (U+{ord(char):04X}) at character {found.start() + 1:,}{problem[1]}; delete it"


def refused_character(char: str) -> str | None:
    """What a refused character is, as a message names it ("a NUL character (U+0000)"), or None."""
    problem = _char_problem(char)
    return f"{problem[0]} (U+{ord(char):04X}){problem[1]}" if problem else None


def _char_problem(char: str) -> tuple[str, str] | None:
    """What is wrong with one character: its description and a clause saying why, or None."""
    if char in _BIDI_CONTROLS:
        effect = "display reversed" if "override" in _BIDI_CONTROLS[char] else "display out of order"
        return f"an invisible {_BIDI_CONTROLS[char]}", f", which makes text {effect}"
    category = unicodedata.category(char)
    if category == "Cc" and char not in _ALLOWED_CONTROLS:
        return ("a NUL character", "") if char == "\0" else ("a control character", "")
    if category == "Cs":
        return "an unpaired surrogate", ", which is not a character"
    return None


def year_problem(year: int) -> str | None:
    """None for a year goldenthread accepts (EARLIEST_YEAR to LATEST_YEAR)."""
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    return f"the year {year} is out of range; years from {EARLIEST_YEAR} to {LATEST_YEAR} are accepted"
