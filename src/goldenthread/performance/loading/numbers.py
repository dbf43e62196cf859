"""Numbers of a data file: each cell a number the database can hold, and numbers that make sense
for the row's metric — counts and percentages not negative, percentages held as fractions that
match their counts, values within the metric's scale."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from goldenthread.performance.loading.cells import distinct, per_distinct
from goldenthread.performance.loading.columns import NUMBER_FIELDS
from goldenthread.performance.loading.number_text import not_a_number, ratio_too_large, size_problem, too_large
from goldenthread.performance.loading.problems import Problems, cell_message, quoted

#: a ratio's value may differ from numerator / denominator by the rounding of a percentage
#: printed to one decimal place (87.6% for 0.87614)
_RATIO_TOLERANCE = 0.0005 + 1e-12


@dataclass
class RowMetrics:
    """Each row's metric's id, code, unit, frequency and scale (id -1 and blanks: no metric)."""

    metric_id: np.ndarray  # int64
    code: np.ndarray  # object
    unit: np.ndarray  # object: count, percentage, …
    frequency: np.ndarray  # object
    scale_min: np.ndarray  # float, NaN where the metric has none
    scale_max: np.ndarray
    #: each row's position among the metrics (-1: none) and the metrics' units, for :meth:`unit_is`
    index: np.ndarray | None = None
    units: tuple[str, ...] = ()

    def unit_is(self, unit: str) -> np.ndarray:
        """Which rows' metric has ``unit`` (``self.unit == unit``, looked up per metric)."""
        if self.index is None:
            return np.asarray(self.unit == unit, dtype=bool)
        return np.array([u == unit for u in self.units] + [False], dtype=bool)[self.index]

    @classmethod
    def of_rows(cls, metrics: list[tuple], index: np.ndarray) -> RowMetrics:
        """``metrics`` as (pk, code, unit, frequency, scale_min, scale_max); ``index`` each row's
        position among them, -1 for none."""
        columns = [list(c) for c in zip(*metrics, strict=True)] if metrics else [[] for _ in range(6)]

        def pick(values: list, missing: object, dtype: type = object) -> np.ndarray:
            return np.array(values + [missing], dtype=dtype)[index]

        def scale(values: list) -> np.ndarray:
            return pick([float(x) if x is not None else np.nan for x in values], np.nan, float)

        pk, code, unit, frequency, low, high = columns
        return cls(
            pick(pk, -1, np.int64),
            pick(code, ""),
            pick(unit, ""),
            pick(frequency, ""),
            scale(low),
            scale(high),
            index,
            tuple(unit),
        )


def _floats(texts: np.ndarray) -> np.ndarray:
    """The cells as floats, NaN where not numbers (pandas' ``to_numeric``), each distinct cell
    read once when cells repeat (counts often do): the same set of cells, so the same numbers."""
    import pandas as pd

    def numeric(cells: np.ndarray) -> np.ndarray:
        return pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(dtype=float, copy=True)

    codes, uniques = distinct(texts)
    if 2 * len(uniques) > len(texts):
        return numeric(texts)
    return numeric(np.asarray(uniques, dtype=object))[codes]


def _too_large(text: str) -> str:
    return f"{quoted(text)} {size_problem(text)}"


def check_numbers(
    texts: dict[str, np.ndarray], given: Collection[str], problems: Problems
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The number columns as written (``texts``, empty text for fields the file does not give) and
    as floats (NaN where empty or wrong), each cell checked; ``given`` the fields the file gives."""

    n = len(problems.lines)
    numbers: dict[str, np.ndarray] = {}
    has_v, has_n, has_d = (per_distinct(texts[f], bool, bool) for f in NUMBER_FIELDS)  # (not empty)
    for f, has in zip(NUMBER_FIELDS, (has_v, has_n, has_d), strict=True):
        if f not in given:
            numbers[f] = np.full(n, np.nan)
            continue
        values = _floats(texts[f])
        ok = np.isfinite(values)
        problems.add(has & ~ok, f, cell_message(not_a_number, texts[f]))
        huge = too_large(values, texts[f])
        problems.add(huge, f, cell_message(_too_large, texts[f]))
        values[~ok | huge] = np.nan
        numbers[f] = values
    problems.add(
        ~has_v & ~has_n & ~has_d,
        "value" if "value" in given else "numerator",
        "is empty; give a value, or a numerator and a denominator",
    )
    problems.add(has_n & ~has_d, "denominator", "is empty; a numerator needs its denominator")
    problems.add(has_d & ~has_n, "numerator", "is empty; a denominator needs its numerator")
    problems.add(
        numbers["denominator"] == 0,
        "denominator",
        "is 0; a value over nothing is undefined, so leave the row out (or give the value alone if the metric has one)",
    )
    problems.add(
        ~has_v & ratio_too_large(numbers["numerator"], numbers["denominator"], texts),
        "denominator",
        lambda i: (
            f"{quoted(texts['denominator'][i])} makes the value numerator / denominator "
            f"{numbers['numerator'][i] / numbers['denominator'][i]:.4g}, which {size_problem('1e999')}; check the "
            "denominator"
        ),
    )
    return texts, numbers


def _negative(f: str, texts: np.ndarray, count: np.ndarray, metric: np.ndarray) -> Callable[[int], str]:
    def message(i: int) -> str:
        return (
            f"{quoted(texts[i])} is negative; metric {metric[i]} "
            f"{'is a count' if count[i] else 'is a percentage'}, so its "
            f"{'value' if f == 'value' else f + 's'} cannot be below 0"
        )

    return message


def check_against_metric(
    texts: dict[str, np.ndarray], numbers: dict[str, np.ndarray], metric: RowMetrics, problems: Problems
) -> None:
    """Numbers that make sense for the metric: counts and percentages not negative, percentages
    as fractions matching their counts, values within the metric's scale."""
    v, num, den = numbers["value"], numbers["numerator"], numbers["denominator"]
    count = metric.unit_is("count")
    percentage = metric.unit_is("percentage")
    for f in NUMBER_FIELDS:
        kind_check = count if f == "value" else count | percentage
        problems.add(kind_check & (numbers[f] < 0), f, _negative(f, texts[f], count, metric.code))
    off_scale = percentage & ((v < 0) | (v > 1))
    problems.add(
        off_scale,
        "value",
        lambda i: (
            f"{quoted(texts['value'][i])} is outside 0 to 1; metric {metric.code[i]} is a percentage, "
            f"held as a fraction (95% is 0.95)"
        ),
    )
    problems.add(
        percentage & (num > den) & (den > 0),
        "numerator",
        lambda i: (
            f"{quoted(texts['numerator'][i])} is above the denominator {texts['denominator'][i]}; metric "
            f"{metric.code[i]} is a percentage, so the numerator counts part of the denominator"
        ),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(den > 0, num / den, np.nan)
    problems.add(
        percentage & (np.abs(v - ratio) > _RATIO_TOLERANCE) & (num <= den),
        "value",
        lambda i: (
            f"{quoted(texts['value'][i])} does not match numerator / denominator ({ratio[i]:.6g}); leave "
            "the value empty to have it worked out, or correct it"
        ),
    )
    problems.add(
        ~off_scale & ((v < metric.scale_min) | (v > metric.scale_max)),
        "value",
        lambda i: (
            f"{quoted(texts['value'][i])} is outside the scale of metric {metric.code[i]} "
            f"({_scale(metric.scale_min[i], metric.scale_max[i])})"
        ),
    )


def _scale(low: float, high: float) -> str:
    if np.isnan(low):
        return f"at most {high:g}"
    if np.isnan(high):
        return f"at least {low:g}"
    return f"{low:g} to {high:g}"
