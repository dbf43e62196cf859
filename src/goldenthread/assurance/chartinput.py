"""The input of :func:`goldenthread.assurance.charts.chart_many`: checked, sorted and cut into segments.

Bad input raises ``ValueError`` naming the first bad point's series and date; gaps (a missing
value or denominator, a denominator of 0) are kept in place and counted for the warnings.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from goldenthread.assurance.inputs import Layout, as_1d, dates_and_keys, factorize, format_date
from goldenthread.assurance.limits import Segs
from goldenthread.assurance.rebase import rebase_flags
from goldenthread.assurance.results import Note
from goldenthread.assurance.segments import Segments

_RATIO = ("p", "pp", "u", "up")
_KINDS = ("xmr", "run", *_RATIO, "c", "g", "t")
_COUNTS = (*_RATIO, "c")  # a count cannot be below 0


@dataclass(frozen=True, eq=False)
class Prepared:
    """The points in the input order and sorted (by series, then date), with their segments."""

    ids: np.ndarray
    codes: np.ndarray
    uniques: np.ndarray
    dates: np.ndarray
    counts: np.ndarray  # float64, input order: the values as given
    denominators: np.ndarray  # float64, input order; NaN without denominators
    layout: Layout
    segs: Segs
    segment: np.ndarray  # int64, sorted: the rebase group of each point in its series
    y: np.ndarray  # float64, sorted: the plotted value (NaN for a gap)
    sorted_counts: np.ndarray
    sorted_denominators: np.ndarray
    unmatched: list[tuple[int, Any]]

    def notes(self) -> Iterator[tuple[int, str, Note]]:
        """(series code, message, note) for the gaps and the rebase dates that match no point."""
        c = self.layout.codes
        zero = self.sorted_denominators == 0
        n_series = self.uniques.size
        for code, what, mask in (
            ("missing_values", "missing value", np.isnan(self.y) & ~zero),
            ("zero_denominators", "denominator of 0", zero),
        ):
            per_series = np.bincount(c, weights=mask, minlength=n_series)
            for s in np.flatnonzero(per_series).tolist():
                k = int(per_series[s])
                text = (
                    f"{k} point{'s' if k != 1 else ''} with a {what}: shown as a gap, left out of the lines and runs."
                )
                yield s, text, Note(code, number=k)
        for s, d in self.unmatched:
            when = format_date(d)
            yield s, f"Rebase date {when} matches no point in the series; ignored.", Note("rebase_unmatched", date=when)


def prepare(
    kind: str,
    series_ids: Iterable[Hashable] | np.ndarray,
    dates: Iterable[Any] | np.ndarray | None,
    values: Iterable[float | None] | np.ndarray,
    denominators: Iterable[float | None] | np.ndarray | None,
    rebase: Any,
    fix_after: int | None,
) -> Prepared:
    """Check the input and lay it out for the charts."""
    if kind not in _KINDS:
        raise ValueError(f"chart must be one of {', '.join(_KINDS)}, not {kind!r}")
    counts = _numbers(values, "values")
    ids = as_1d(series_ids, "series_ids")
    if ids.size != counts.size:
        raise ValueError("series_ids and values must have the same length")
    if counts.size == 0:
        raise ValueError("values must not be empty")
    sizes = _denominators(kind, denominators, counts.size)
    _check_fix_after(fix_after)
    codes, uniques = factorize(ids)
    dates_arr, keys, date_kind = dates_and_keys(dates, codes, uniques.size)
    layout = Layout.sort(codes, keys, uniques.size)
    layout.refuse_duplicate_dates(dates_arr, uniques)
    count, size = layout.sorted(counts), layout.sorted(sizes)
    _refuse(kind, count, size, layout, dates_arr, uniques)
    is_rebase, unmatched = rebase_flags(rebase, uniques, layout.codes, layout.keys, date_kind)
    cut = Segments.from_first(layout.series_first | is_rebase)
    base = np.ones(count.size, dtype=bool) if fix_after is None else cut.position < fix_after
    y = count
    if kind in _RATIO:
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.where(size > 0, count / size, np.nan)
    return Prepared(
        ids=ids,
        codes=codes,
        uniques=uniques,
        dates=dates_arr,
        counts=counts,
        denominators=sizes,
        layout=layout,
        segs=Segs(cut.seg_id, cut.starts, base),
        segment=layout.rebase_groups(is_rebase),
        y=y,
        sorted_counts=count,
        sorted_denominators=size,
        unmatched=unmatched,
    )


def _numbers(values: Any, name: str) -> np.ndarray:
    try:
        x = as_1d(values, name).astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers (or None/NaN for a gap)") from None
    if np.isinf(x).any():
        raise ValueError(f"{name} must be finite numbers or missing (NaN/None)")
    return x


def _denominators(kind: str, denominators: Any, n: int) -> np.ndarray:
    if kind not in _RATIO:
        if denominators is not None:
            raise ValueError(f"a {kind} chart takes no denominators (only p, pp, u and up do)")
        return np.full(n, np.nan)
    if denominators is None:
        raise ValueError(f"a {kind} chart needs denominators (the cases or exposure of each count)")
    sizes = _numbers(denominators, "denominators")
    if sizes.size != n:
        raise ValueError("denominators and values must have the same length")
    return sizes


def _check_fix_after(fix_after: Any) -> None:
    if fix_after is None:
        return
    if isinstance(fix_after, (bool, np.bool_)) or not isinstance(fix_after, (int, np.integer)) or fix_after < 1:
        raise ValueError("fix_after must be a whole number of at least 1")


def _refuse(kind: str, count: np.ndarray, size: np.ndarray, layout: Layout, dates: np.ndarray, uniques: Any) -> None:
    """ValueError for the first point (in series and date order) a chart cannot take."""
    with np.errstate(invalid="ignore"):
        checks = [
            (count < 0 if kind in _COUNTS else None, "a count below 0"),
            (count < 0 if kind == "g" else None, "a value below 0 (a g chart counts cases or days between events)"),
            (count <= 0 if kind == "t" else None, "a time between events of 0 or less (a t chart needs times above 0)"),
            (size < 0 if kind in _RATIO else None, "a denominator below 0"),
            (count > size if kind in ("p", "pp") else None, "a count above its denominator (a proportion above 1)"),
        ]
    for bad, what in checks:
        if bad is not None and bad.any():
            i = int(np.flatnonzero(bad)[0])
            when = format_date(dates[layout.input_index(i)])
            raise ValueError(f"{what}: series {uniques[layout.codes[i]].item()!r}, date {when}")
