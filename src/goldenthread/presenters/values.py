"""How a metric's values and targets are written on pages and in packs: 87.6%, ≥ 95.0% by 2016/17 Q4."""

from __future__ import annotations

import math

from goldenthread.plans import models as m

COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "percentage":
        return f"{value:.1%}"
    if unit == "currency":
        return f"£{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def format_target(x: m.Metric) -> str:
    if x.target_value is None:
        return x.target_text or "–"
    by = f" by {x.target_by}" if x.target_by else ""
    return f"{target_level(x, short=False)}{by}"


def target_level(x: m.Metric, *, short: bool = True) -> str:
    """The target without its date: ≥ 95% (``short``: no needless ".0"), or "" for none."""
    if x.target_value is None:
        return ""
    return level_text(float(x.target_value), x.target_comparison, x.unit, short=short)


def level_text(value: float, comparison: str, unit: str, *, short: bool = True) -> str:
    """A level to meet: ≥ 95% (``short``: no needless ".0")."""
    written = format_value(value, unit)
    if short:
        written = written.replace(".0%", "%")
    return f"{COMPARISONS.get(comparison, comparison)} {written}"
