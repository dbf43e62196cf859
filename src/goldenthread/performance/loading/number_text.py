"""What a data file's number cell says, read as the database will hold it.

A cell is a number when it is written with the digits 0 to 9 (a sign, a decimal point and an
exponent allowed) and the database column can hold it (:func:`goldenthread.planfile.fields.decimal_problem`:
at most 16 digits before the point). Anything else gets a message saying what it is and how to
write it instead: a decimal comma, thousands separators, digits of another script, a percentage,
a formula, infinity.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import numpy as np

from goldenthread.performance.loading.problems import quoted
from goldenthread.planfile.fields import character_problem, decimal_problem

#: a number as a data file may write it: ASCII digits only
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: numbers below this fit any column of the data (at most 15 digits before the point, rounded to
#: 8 places); larger ones are decided exactly by :func:`~goldenthread.planfile.fields.decimal_problem`
SURELY_FITS = 1e14

_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
_NOT_FINITE = ("inf", "infinity", "nan")
_CURRENCY = "£$€"


def exact(text: str) -> Decimal | None:
    """The number a cell writes, exactly; None when it is not one or its exponent is beyond reach."""
    if not NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def size_problem(text: str) -> str | None:
    """Why the database cannot hold the number ``text`` writes, or None when it can."""
    number = exact(text)
    if number is None:
        return decimal_problem(Decimal("1e999999")) or "is too large to store"
    return decimal_problem(number)


def too_large(values: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Which finite ``values`` (as floats) the database cannot hold, decided exactly from their
    ``texts`` — only for the few large enough for a float to leave it in doubt."""
    out = np.zeros(len(values), dtype=bool)
    with np.errstate(invalid="ignore"):
        doubtful = np.flatnonzero(np.isfinite(values) & (np.abs(values) >= SURELY_FITS))
    for i in doubtful:
        out[i] = size_problem(texts[i]) is not None
    return out


def ratio_too_large(numerator: np.ndarray, denominator: np.ndarray, texts: dict[str, np.ndarray]) -> np.ndarray:
    """Which rows' value, worked out as numerator / denominator, the database cannot hold
    (floats first, exactly from the texts where a float leaves it in doubt)."""
    out = np.zeros(len(numerator), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = numerator / denominator
        doubtful = np.flatnonzero(np.isfinite(ratio) & (np.abs(ratio) >= SURELY_FITS))
    for i in doubtful:
        n, d = exact(texts["numerator"][i]), exact(texts["denominator"][i])
        out[i] = n is None or not d or decimal_problem(n / d) is not None
    return out


def not_a_number(text: str) -> str:
    """Why a cell is not a number the file may give, and how to write it."""
    shown = quoted(text)
    if problem := character_problem(text):
        return f"{shown} {problem}"
    if NUMBER.fullmatch(text):
        return f"{shown} {size_problem(text) or 'is not a number'}"
    if text.lstrip("+-").lower() in _NOT_FINITE:
        return f"{shown} is not a finite number; give the number itself, or leave the cell empty"
    if script := _other_digits(text):
        return f"{shown} is written with {script} digits; write the number with the digits 0 to 9"
    return f"{shown} {_how_to_write(text)}"


def _how_to_write(text: str) -> str:
    """The advice for a cell that is no number at all, by what it looks like."""
    if _THOUSANDS.fullmatch(text):
        plain = text.replace(",", "")
        advice = f"write it without thousands separators, as {plain}"
        if "." not in text:
            advice += f" (or as {text.replace(',', '.')} if the comma is a decimal point)"
        return f"is not a number; {advice}"
    if _DECIMAL_COMMA.fullmatch(text):
        return f"has a decimal comma; write it with a decimal point, as {text.replace(',', '.')}"
    if text.endswith("%"):
        return "is not a number; give percentages as fractions, e.g. 0.95 for 95%"
    if text.startswith(("=", "@")) or (text[:1] in "+-" and not text[1:2].isdigit()):
        return "looks like a spreadsheet formula, which is never worked out; give the number itself"
    if any(c in _CURRENCY for c in text):
        return "is not a number; write it without the currency sign, e.g. 1234.5 for £1,234.50"
    if any(c.isspace() for c in text):
        return "is not a number; write it without spaces, e.g. 12345"
    if "," in text:
        return "is not a number; write numbers without commas, e.g. 12345 or 12.5"
    return "is not a number"


def _other_digits(text: str) -> str | None:
    """The script of the first digit not in 0 to 9 (full-width, Arabic-Indic, …), or None."""
    for char in text:
        if char.isdecimal() and not char.isascii():
            name = unicodedata.name(char, "")
            script = name.split(" DIGIT")[0].lower() if " DIGIT" in name else "non-ASCII"
            return {"fullwidth": "full-width"}.get(script, script.replace("arabic-indic", "Arabic-Indic"))
    return None
