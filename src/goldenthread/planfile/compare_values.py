"""Values of a plan written as text for a comparison: the value as the plan holds it, then a
human form where one is easy ("0.95 (95%)", "12500000 (£12.5m)").

Pure functions of the plain data ``BaseModel.model_dump(mode="python")`` gives: text, numbers
(``Decimal``), flags, lists and nested dicts. Text is returned as it is, never interpreted:
whoever shows it escapes it (the templates do; the command line's listing escapes control
characters).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

NONE = "(none)"

#: how a target's comparison reads
COMPARISONS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}

#: fields whose numbers are in the metric's unit (percentages are held as fractions)
UNIT_FIELDS = frozenset({"target", "trajectory", "stated_values", "scale_min", "scale_max"})
#: fields that hold pounds
MONEY_FIELDS = frozenset({"amount"})


def number(value: Decimal) -> str:
    """A number exactly as held, without trailing zeros: Decimal('12500000.0') -> '12500000'."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def percent(value: Decimal) -> str:
    """A fraction as a percentage: 0.095 -> '9.5%'."""
    return number(value * 100) + "%"


def pounds(value: Decimal) -> str:
    """Pounds as plans print them, exactly: £12.5m, £1.2bn, £350k, £500."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    for factor, suffix in ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"), (Decimal(10) ** 3, "k")):
        if amount >= factor:
            return f"{sign}£{number(amount / factor)}{suffix}"
    return f"{sign}£{number(amount)}"


def quantity(value: Decimal, unit: str | None) -> str:
    """A number as held, with its human form: '0.95 (95%)' for a percentage, money in pounds."""
    if unit == "percentage":
        return f"{number(value)} ({percent(value)})"
    if unit == "money":
        return f"{number(value)} ({pounds(value)})"
    return number(value)


def unit_of(path: str, element: dict[str, Any]) -> str | None:
    """The unit a field's numbers are in, where one gives them a human form."""
    if path in MONEY_FIELDS:
        return "money"
    if path.split(".")[0] in UNIT_FIELDS:
        unit = element.get("unit")
        return unit if isinstance(unit, str) else None
    return None


def scalar(value: Any, unit: str | None = None) -> str:
    """One plain value as text."""
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return quantity(value, unit)
    return str(value)


def target(data: dict[str, Any], unit: str | None) -> str:
    """A metric's target as it reads: '≤ 0.08 (8%) by 2019/20 Q4 — "8% or lower by Q4"'."""
    words = f"{COMPARISONS.get(str(data.get('comparison')), data.get('comparison'))} {scalar(data.get('value'), unit)}"
    if data.get("by"):
        words += f" by {data['by']}"
    if data.get("text"):
        words += f" — “{data['text']}”"
    return words


def record(field: str, data: dict[str, Any], unit: str | None) -> str:
    """One item of a list of records (a trajectory point, a trigger rule, …) as it reads."""
    if field in ("trajectory", "stated_values") and "period" in data:
        words = f"{data['period']}: {scalar(data.get('value'), unit)}"
        return words + (f" ({data['source']})" if data.get("source") else "")
    if field in ("rebase", "annotations") and "date" in data:  # '2017-04: New triage model'
        return f"{data['date']}: {data.get('reason', data.get('text', ''))}"
    if field == "assessed_by" and "text" in data:
        return f"[{data['text']}]" if data.get("bracketed") else str(data["text"])
    if field in ("trigger_rules", "activity_rules") and "rule" in data:
        counts = [f"{key} {data[key]}" for key in ("periods", "grace_days") if data.get(key) is not None]
        return " ".join([str(data["rule"]), *counts])
    if field == "framework_refs" and "framework" in data:
        return f"{data['framework']} {data.get('ref', '')}".strip()
    if field == "target":
        return target(data, unit)
    if field == "added" and "fields" in data:
        return f"{', '.join(map(str, data['fields']))} — “{data.get('note', '')}”"
    shown = {key: value for key, value in data.items() if value not in (None, "", [], False)}
    head = ""
    if field in ("items", "business") and "title" in data:  # an agenda item, a body's business
        head = " ".join(str(shown.pop(key)) for key in ("number", "title") if key in shown)
    rest = "; ".join(f"{key}: {_listed(value, unit)}" for key, value in shown.items())
    return f"{head} ({rest})" if head and rest else head or rest


def _listed(value: Any, unit: str | None) -> str:
    """A value inside a record: a list of codes or words as 'a, b'."""
    return ", ".join(map(str, value)) if isinstance(value, list) else scalar(value, unit)


def value_text(field: str, value: Any, unit: str | None = None) -> str:
    """Any value of a plan's field as text; ``field`` is the name of the field that holds it."""
    if isinstance(value, dict):
        return record(field, value, unit)
    if isinstance(value, list):
        if not value:
            return NONE
        joiner = "; " if any(isinstance(item, dict) for item in value) else ", "
        return joiner.join(value_text(field, item, unit) for item in value)
    return scalar(value, unit)


def list_detail(
    field: str, old: Any, new: Any, units: tuple[str | None, str | None] = (None, None)
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For two lists (of codes, trajectory points, rules …), the items added and those removed,
    each as text; nothing for other values. A trajectory point whose value changed is one removed
    and one added: '2019/20 Q2: 0.095 (9.5%)' out, '2019/20 Q2: 0.09 (9%)' in."""
    if not isinstance(old, list) or not isinstance(new, list):
        return (), ()
    before = [value_text(field, item, units[0]) for item in old]
    after = [value_text(field, item, units[1]) for item in new]
    return tuple(item for item in after if item not in before), tuple(item for item in before if item not in after)


def ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def printable(text: str) -> str:
    """Text safe to print to a terminal: control characters (escape sequences) written as
    ``\\x1b`` and the like, so a title cannot recolour or rewrite the screen; new lines kept."""
    return "".join(ch if ch in "\n\t" or (ch.isprintable() and ch not in "\x85") else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
