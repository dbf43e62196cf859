"""Checking every row of a data file against the plan, column by column.

Metric and org unit known, period aligned with the metric's frequency, numbers that make sense
for the metric's unit, status and source well formed, no key twice: every problem is recorded
for its row (``FILE:ROW: column: message``). Checks run over whole columns with NumPy and
pandas, never row by row, so a million rows are checked in seconds (bench/load.py); pandas is
imported inside the functions that use it, so importing the loader stays cheap.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from goldenthread.performance.loading.cells import (
    check_characters,
    check_length,
    code_problem,
    distinct,
    known_distinct,
    per_distinct,
    same_text,
)
from goldenthread.performance.loading.columns import BREAKDOWN, NUMBER_FIELDS, STATUSES
from goldenthread.performance.loading.numbers import RowMetrics, check_against_metric, check_numbers
from goldenthread.performance.loading.periods import NO_DAY, period_starts
from goldenthread.performance.loading.problems import Problems, cell_message, quoted
from goldenthread.performance.loading.reading import Table
from goldenthread.performance.loading.wording import CLI, Wording

if TYPE_CHECKING:
    from goldenthread.plans.models import Plan


@dataclass(frozen=True)
class PlanCodes:
    """What a check needs to know of the plan, read once: its code, its metrics (id, code, unit,
    frequency, scale's least and greatest, in the plan's order) and its org units (id, code). The
    checks themselves never ask the database, so a file can be checked in a thread of its own
    while another is written (:mod:`.files`)."""

    code: str
    metrics: list[tuple]
    units: list[tuple[int, str]]


def plan_codes(plan: Plan) -> PlanCodes:
    """The plan's codes as a check needs them: two queries."""
    metrics = plan.metrics.order_by("position").values_list("pk", "code", "unit", "frequency", "scale_min", "scale_max")
    return PlanCodes(plan.code, list(metrics), list(plan.org_units.values_list("pk", "code")))


@dataclass
class CheckedRows:
    """The checked rows, as columns ready to compare and write."""

    lines: np.ndarray
    metric_id: np.ndarray  # int64
    unit_id: np.ndarray  # int64, -1 for units to add
    unit_code: np.ndarray  # object: codes as written (for units to add)
    breakdown: np.ndarray  # object
    period: np.ndarray  # int64: the first day, as days since 1970-01-01
    value_text: np.ndarray  # object: the numbers as written
    numerator_text: np.ndarray
    denominator_text: np.ndarray
    value: np.ndarray  # float, NaN where empty
    numerator: np.ndarray
    denominator: np.ndarray
    status: np.ndarray  # object
    source: np.ndarray  # object
    new_units: list[str]
    #: breakdown, status, source: each row's number into the distinct texts (in order of first
    #: appearance), as the checks found them
    codes: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)


class _Columns:
    """A table's cells by field, as object arrays (empty text where the file has no such column)."""

    def __init__(self, table: Table, fields: dict[str, int]):
        self.table, self.fields, self.n = table, fields, len(table)
        self.empty = same_text(self.n, "")

    def __call__(self, name: str) -> np.ndarray:
        j = self.fields.get(name)
        return np.asarray(self.table.cells[j], dtype=object) if j is not None and self.n else self.empty


def check_rows(
    table: Table,
    fields: dict[str, int],
    plan: PlanCodes,
    metric_code: str | None,
    add_units: str | None,
    default_source: str,
    problems: Problems,
    wording: Wording = CLI,
) -> CheckedRows | None:
    """Every row checked; the rows ready to write, or None when any has a problem (in ``problems``,
    their fixes worded for the channel by ``wording``)."""
    column = _Columns(table, fields)
    check_characters({name: column(name) for name in fields}, problems)
    metric = _check_metrics(table, column, plan, metric_code, problems, wording)
    if metric is None:
        return None
    unit_id, unit_text, new_units = _check_units(column("org_unit"), plan, add_units, problems, wording)
    period = period_starts(column("period"), metric.frequency, metric.code, problems)
    texts, numbers = check_numbers({f: column(f) for f in NUMBER_FIELDS}, column.fields, problems)
    check_against_metric(texts, numbers, metric, problems)
    status, source = _check_status_and_source(column, default_source, problems)
    breakdown = _breakdowns(table, fields, problems)
    _check_keys_once(metric.metric_id, unit_id, unit_text, bool(new_units), breakdown, period, problems)
    if problems:
        return None
    return CheckedRows(
        problems.lines,
        metric.metric_id,
        unit_id,
        unit_text,
        breakdown,
        period,
        texts["value"],
        texts["numerator"],
        texts["denominator"],
        numbers["value"],
        numbers["numerator"],
        numbers["denominator"],
        status,
        source,
        new_units,
        {name: _texts(texts) for name, texts in (("breakdown", breakdown), ("status", status), ("source", source))},
    )


def _texts(cells: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each cell as a number into the distinct cells, in order of first appearance (found once)."""
    codes, uniques = distinct(cells)
    return codes.astype(np.int64), [str(t) for t in uniques]


# --- metrics and org units ----------------------------------------------------------------------


def _resolve(codes: Sequence[str], known: dict[str, int]) -> np.ndarray:
    """Each code's index in ``known`` (exact match first, then ignoring case when that is unique)."""
    folded: dict[str, int | None] = {}
    for code, i in known.items():
        key = code.casefold()
        folded[key] = None if key in folded and folded[key] != i else i
    out = np.full(len(codes), -1, dtype=np.int64)
    for k, code in enumerate(codes):
        found = known.get(code)
        if found is None:
            found = folded.get(code.casefold())
        if found is not None:
            out[k] = found
    return out


def _resolve_column(text: np.ndarray, known: dict[str, int]) -> np.ndarray:
    """:func:`_resolve` for a column, once per distinct code."""

    if not len(text):
        return np.zeros(0, dtype=np.int64)
    codes, uniques = distinct(text)
    return _resolve(list(uniques), known)[codes]


def _suggest(code: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(code, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_metrics(
    table: Table, column: _Columns, plan: PlanCodes, metric_code: str | None, problems: Problems, wording: Wording
) -> RowMetrics | None:
    """Each row's metric, read once and looked up per distinct code; None when the metric given
    for every row is none of the plan's."""
    metrics = plan.metrics
    known = {x[1]: i for i, x in enumerate(metrics)}
    listed = ", ".join(x[1] for x in metrics[:12]) + (", …" if len(metrics) > 12 else "")
    if metric_code:
        found = _resolve([metric_code], known)[0]
        if found < 0:
            problems.at_line(
                table.header_line,
                "metric",
                f"{wording.metric(metric_code)} is not a metric of plan {plan.code}"
                f"{_suggest(metric_code, known)}; its metrics are {listed or '(none)'}",
            )
            return None
        return RowMetrics.of_rows(metrics, np.full(column.n, found, dtype=np.int64))
    text = column("metric")
    index = _resolve_column(text, known)
    given = per_distinct(text, bool, bool)  # (not empty)
    problems.add(~given, "metric", f"is empty; give the code of a metric of plan {plan.code}")
    problems.add(
        (index < 0) & given,
        "metric",
        lambda i: (
            f"{quoted(text[i])} is not a metric of plan {plan.code}{_suggest(text[i], known)}; its metrics are {listed}"
        ),
    )
    return RowMetrics.of_rows(metrics, index)


def _check_units(
    unit_text: np.ndarray, plan: PlanCodes, add_units: str | None, problems: Problems, wording: Wording
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each row's org unit id (-1 for units to add), the codes as written, and the units to add."""
    from goldenthread.performance.units import ENGLAND

    units = plan.units
    known = {code: i for i, (_, code) in enumerate(units)}
    unit_id = np.array([pk for pk, _ in units] + [-1], dtype=np.int64)[_resolve_column(unit_text, known)]
    given = per_distinct(unit_text, bool, bool)  # (not empty)
    unknown = (unit_id < 0) & given
    problems.add(~given, "org_unit", f"is empty; give the code of an org unit of plan {plan.code}")
    new_units: list[str] = []
    england = unknown & per_distinct(unit_text, lambda c: c.casefold() == ENGLAND, bool)
    if england.any():  # the whole plan's unit, created on demand like any load's
        new_units.append(str(unit_text[np.flatnonzero(england)[0]]))
        unit_text = unit_text.copy()
        unit_text[england] = new_units[0]
        unknown &= ~england
    if add_units is None:
        problems.add(
            unknown,
            "org_unit",
            lambda i: (
                f"{quoted(unit_text[i])} is not an org unit of plan {plan.code}"
                f"{_suggest(unit_text[i], known)}; add it to the plan file, or {wording.add_units}"
            ),
        )
    else:
        new_units += _units_to_add(unit_text, unknown, problems)
    return unit_id, unit_text, new_units


def _units_to_add(unit_text: np.ndarray, unknown: np.ndarray, problems: Problems) -> list[str]:
    """The codes of the units a load creates, each one the plan file's rule for codes allows; the
    others are problems at their rows."""
    codes = sorted(set(unit_text[unknown].tolist()))
    refused = {code: problem for code in codes if (problem := code_problem(code))}
    if refused:
        bad = unknown & np.isin(unit_text, list(refused))
        problems.add(bad, "org_unit", lambda i: f"{quoted(unit_text[i])} {refused[unit_text[i]]}")
    return [code for code in codes if code not in refused]


# --- status, source, breakdown, keys ------------------------------------------------------------


def _check_status_and_source(
    column: _Columns, default_source: str, problems: Problems
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's status (empty means final) and source (empty means the load's ``default_source``)."""
    if "status" in column.fields:
        given = column("status")
        status = per_distinct(given, str.lower)
        problems.add(
            per_distinct(status, lambda s: s not in ("", *STATUSES), bool),
            "status",
            lambda i: f"{quoted(given[i])} is not a status; use provisional or final (empty means final)",
        )
        status = per_distinct(status, lambda s: s or "final")
    else:  # (every row final: no cell to look at)
        status = _same(column.n, "final")
    if "source" in column.fields:
        source = per_distinct(column("source"), lambda s: s or default_source)
        check_length(source, "source", _text_length("source"), problems)
    else:  # every row the load's own source, checked once
        source = _same(column.n, default_source)
        check_length(source, "source", _text_length("source"), problems, same=True)
    return status, source


def _same(n: int, text: str) -> np.ndarray:
    """``n`` cells of ``text``, known to :func:`~.cells.distinct` as such."""
    cells = same_text(n, text)
    if n:
        known_distinct(cells, np.zeros(n, dtype=np.intp), np.array([text], dtype=object))
    return cells


def _text_length(name: str) -> int:
    """The characters an observation's text column (``source``, ``breakdown``) holds."""
    from goldenthread.performance.models import Observation

    length = getattr(Observation._meta.get_field(name), "max_length", None)
    assert isinstance(length, int)
    return length


def _has_separator(text: str) -> str:
    return f"{quoted(text)} contains '=' or ';', which separate breakdowns; use other characters"


def _breakdowns(table: Table, fields: dict[str, int], problems: Problems) -> np.ndarray:
    """Each row's canonical breakdown: "dim=value;dim2=value", sorted by dimension, blanks left out."""
    import pandas as pd

    n = len(table)
    # each row's breakdown as a number into the distinct texts, joined a dimension at a time
    codes, texts = np.zeros(n, dtype=np.int64), [""]
    dimensions = sorted((f[len(BREAKDOWN) :], j) for f, j in fields.items() if f.startswith(BREAKDOWN))
    for dimension, j in dimensions:
        values = np.asarray(table.cells[j], dtype=object)
        value_codes, distinct = pd.factorize(values)
        bad = np.array([("=" in x or ";" in x) for x in distinct], dtype=bool)
        problems.add(bad[value_codes], BREAKDOWN + dimension, cell_message(_has_separator, values))
        pieces = [f"{dimension}={x}" if x else "" for x in distinct]
        width = max(len(pieces), 1)
        codes, pairs = pd.factorize(codes * width + value_codes)
        texts = [";".join(t for t in (texts[p // width], pieces[p % width]) if t) for p in pairs.tolist()]
    # the distinct breakdowns (two pairs could join into one text) in order of first appearance
    text_codes, distinct_texts = pd.factorize(np.array(texts, dtype=object))
    out = distinct_texts[text_codes][codes] if dimensions else same_text(n, "")
    known_distinct(out, text_codes[codes], distinct_texts)
    if dimensions:
        limit = _text_length("breakdown")
        lengths = per_distinct(out, len, np.int64)
        problems.add(
            lengths > limit,
            "breakdown",
            f"the breakdowns together are longer than {limit} characters; use shorter values",
        )
    return out


def _check_keys_once(
    metric_id: np.ndarray,
    unit_id: np.ndarray,
    unit_text: np.ndarray,
    adding_units: bool,
    breakdown: np.ndarray,
    period: np.ndarray,
    problems: Problems,
) -> None:
    """A key — metric, org unit, breakdown, period — appears once in a file."""
    import pandas as pd

    n = len(metric_id)
    named = per_distinct(unit_text, bool, bool)  # (not empty)
    keyed = (metric_id >= 0) & (period != NO_DAY) & named & ((unit_id >= 0) | adding_units)
    if not n or not keyed.any():
        return
    # a unit to add is keyed by its code as written, numbered below every unit's id
    unit_key = np.where(unit_id >= 0, unit_id, -2 - distinct(unit_text)[0])
    key = _one_key([metric_id, unit_key, distinct(breakdown)[0], period], keyed)
    if key is not None and pd.Index(key).is_unique:  # (in one pass when the rows are in key order)
        return
    frame = pd.DataFrame({"m": metric_id, "u": unit_key, "b": breakdown, "p": period, "line": problems.lines})[keyed]
    duplicate = frame.duplicated(["m", "u", "b", "p"], keep="first")
    if not duplicate.any():
        return
    first_line = frame.groupby(["m", "u", "b", "p"], sort=False)["line"].transform("first")
    mask = np.zeros(n, dtype=bool)
    mask[np.flatnonzero(keyed)[duplicate.to_numpy()]] = True
    first_of = np.zeros(n, dtype=np.int64)
    first_of[np.flatnonzero(keyed)] = first_line.to_numpy()
    problems.add(
        mask,
        "period",
        lambda i: (
            f"row {first_of[i]} has the same metric, org unit, breakdown and period; a key "
            "appears once in a file, so keep one of the two rows"
        ),
    )


def _one_key(parts: list[np.ndarray], keep: np.ndarray) -> np.ndarray | None:
    """The rows ``keep`` picks, each keyed by one integer made of ``parts`` (each numbered densely
    first), or None when the numbers would not fit in 64 bits."""
    import pandas as pd

    key = np.zeros(int(keep.sum()), dtype=np.int64)
    room = 1
    for part in parts:
        kept = part[keep]
        low, high = (int(kept.min()), int(kept.max())) if len(kept) else (0, 0)
        if high - low < 2**24 and room * (high - low + 1) < 2**62:  # ids, days, codes: their range will do
            codes, width = kept - low, high - low + 1
        else:
            codes, distinct = pd.factorize(kept)
            width = max(len(distinct), 1)
        room *= width
        if room >= 2**62:
            return None
        key = key * width + codes
    return key
