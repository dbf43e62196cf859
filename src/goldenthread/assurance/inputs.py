"""Input normalisation for the SPC engine: arrays, series codes, date keys, per-series options,
and the sort by series then date (with the way back to the input order)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from goldenthread.assurance.icons import IMPROVEMENT_DIRECTIONS
from goldenthread.assurance.segments import run_starts

T = TypeVar("T")


def as_1d(x: Any, name: str) -> np.ndarray:
    """A 1-D array from a sequence; items that are themselves sequences (tuples) stay whole."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional")
        return x
    x = list(x)
    try:
        arr = np.asarray(x)
    except ValueError:  # ragged items, e.g. tuples mixed with scalars
        arr = None
    if arr is None or arr.ndim != 1:
        arr = np.empty(len(x), dtype=object)
        for i, item in enumerate(x):
            arr[i] = item
    return arr


def factorize(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) with uniques in order of first appearance."""
    if _numbered_in_order(ids):  # already codes (0, then each new one the next): nothing to sort
        return ids.astype(np.intp), np.arange(int(ids.max()) + 1, dtype=ids.dtype)
    try:
        uniq, first_idx, inverse = np.unique(ids, return_index=True, return_inverse=True)
    except TypeError:  # unorderable mixed objects: fall back to a dict
        lookup: dict[Any, int] = {}
        codes = np.fromiter((lookup.setdefault(v, len(lookup)) for v in ids.tolist()), dtype=np.intp, count=ids.size)
        uniques = np.empty(len(lookup), dtype=object)
        uniques[:] = list(lookup)
        return codes, uniques
    appearance = np.argsort(first_idx, kind="stable")
    remap = np.empty_like(appearance)
    remap[appearance] = np.arange(appearance.size)
    return remap[inverse.reshape(-1)].astype(np.intp), uniq[appearance]


def _numbered_in_order(ids: np.ndarray) -> bool:
    """Whether ``ids`` are integers 0, 1, 2 ... each first seen right after the one before."""
    if ids.dtype.kind not in "iu" or not ids.size or ids[0] != 0:
        return False
    seen = np.maximum.accumulate(ids)
    return bool((ids[1:] <= seen[:-1] + 1).all())


def date_keys(dates: Any) -> tuple[np.ndarray, str]:
    """Sortable int64/float64 keys for dates plus a kind tag ('M' datetime, 'n' number)."""
    arr = np.asarray(dates)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    kind = arr.dtype.kind
    if kind == "M":
        return arr.astype("datetime64[us]").astype(np.int64), "M"
    if kind in "iub":
        return arr.astype(np.int64), "n"
    if kind == "f":
        if np.isnan(arr).any():
            raise ValueError("dates must not be missing")
        return arr.astype(np.float64), "n"
    try:
        conv = arr.astype("datetime64[us]")
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "dates must be dates/datetimes (datetime.date, numpy datetime64, ISO strings) or numbers"
        ) from exc
    if np.isnat(conv).any():
        raise ValueError("dates must not be missing")
    return conv.astype(np.int64), "M"


def dates_and_keys(dates: Any, codes: np.ndarray, n_series: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(dates, sortable keys, kind tag) for every point.

    Without ``dates``, each point's position within its series, in input order, is its date.
    """
    n = codes.size
    if dates is None:
        order = np.argsort(codes, kind="stable")
        starts = run_starts(np.bincount(codes, minlength=n_series))
        keys = np.empty(n, dtype=np.int64)
        keys[order] = np.arange(n) - starts[codes[order]]
        return keys.copy(), keys, "n"
    dates_arr = as_1d(dates, "dates")
    if dates_arr.size != n:
        raise ValueError("dates and values must have the same length")
    keys, kind = date_keys(dates_arr)
    return dates_arr, keys, kind


def format_date(value: Any) -> str:
    return str(value)


def _per_series(
    option: Any, uniques: np.ndarray, name: str, convert: Callable[[Any], T], default: T, *, required: bool
) -> list[T]:
    """Expand a scalar or a {series_id: value} mapping to one value per series."""
    if not isinstance(option, Mapping):
        return [convert(option)] * uniques.size
    known = set(uniques.tolist())
    unknown = [sid for sid in option if sid not in known]
    if unknown:  # as R: "options provided to target are not in the facet_field column."
        raise ValueError(f"{name} mapping names unknown series {unknown[:5]!r}")
    out = []
    missing = []
    for sid in uniques.tolist():
        if sid in option:
            out.append(convert(option[sid]))
        elif required:
            missing.append(sid)
        else:
            out.append(default)
    if missing:
        raise ValueError(f"{name} mapping has no entry for series {missing[:5]!r}")
    return out


def _direction(value: Any) -> int:
    try:
        return IMPROVEMENT_DIRECTIONS[value]
    except (KeyError, TypeError):
        raise ValueError(f"improvement must be one of {sorted(IMPROVEMENT_DIRECTIONS)}, not {value!r}") from None


def _target(value: Any) -> float:
    if value is None:
        return np.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"target must be a number or None, not {value!r}")
    return float(value)


def series_directions(improvement: str | Mapping[Hashable, str], uniques: np.ndarray) -> np.ndarray:
    """The improvement direction of each series as +1 (increase), 0 (neutral) or -1 (decrease)."""
    return np.array(_per_series(improvement, uniques, "improvement", _direction, None, required=True), dtype=np.int8)


def series_targets(target: float | None | Mapping[Hashable, float | None], uniques: np.ndarray) -> np.ndarray:
    """The target of each series; NaN where a series has none."""
    return np.array(_per_series(target, uniques, "target", _target, np.nan, required=False), dtype=np.float64)


@dataclass(frozen=True)
class Layout:
    """The points sorted by series, then date, and the way back to the input order."""

    order: np.ndarray | None  # input position of each sorted point; None when the input is sorted already
    codes: np.ndarray  # series code of each sorted point
    keys: np.ndarray  # date key of each sorted point
    counts: np.ndarray  # points per series
    series_start: np.ndarray  # sorted position of each series' first point

    @classmethod
    def sort(cls, codes: np.ndarray, keys: np.ndarray, n_series: int) -> Layout:
        if (
            codes.size > 1
            and np.all(codes[1:] >= codes[:-1])
            and np.all((codes[1:] != codes[:-1]) | (keys[1:] > keys[:-1]))
        ):
            order = None
            c, k = codes, keys
        else:
            order = np.lexsort((keys, codes))
            c, k = codes[order], keys[order]
        counts = np.bincount(c, minlength=n_series)
        return cls(order, c, k, counts, run_starts(counts).astype(np.intp))

    @property
    def series_last(self) -> np.ndarray:
        """Sorted position of each series' latest point."""
        last: np.ndarray = self.series_start + self.counts - 1
        return last

    @property
    def series_first(self) -> np.ndarray:
        """Per sorted point: whether it is the first of its series."""
        first = np.zeros(self.codes.size, dtype=bool)
        first[self.series_start[self.counts > 0]] = True
        return first

    def input_index(self, i: int) -> int:
        """The input position of sorted point ``i``."""
        return i if self.order is None else int(self.order[i])

    def sorted(self, a: np.ndarray) -> np.ndarray:
        """``a`` (in input order) in sorted order."""
        return a if self.order is None else a[self.order]

    def back(self, a: np.ndarray) -> np.ndarray:
        """``a`` (in sorted order) back in input order."""
        if self.order is None:
            return a
        out = np.empty_like(a)
        out[self.order] = a
        return out

    def refuse_duplicate_dates(self, dates: np.ndarray, uniques: np.ndarray) -> None:
        """Raise ValueError, as R does, when a series has two points with the same date."""
        if self.codes.size < 2:
            return
        c, k = self.codes, self.keys
        dup = (c[1:] == c[:-1]) & (k[1:] == k[:-1])
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            when = format_date(dates[self.input_index(i)])
            raise ValueError(f"duplicate date {when} in series {uniques[c[i]]!r}")

    def rebase_groups(self, is_rebase: np.ndarray) -> np.ndarray:
        """Per sorted point: how many rebases its series has had up to and including it."""
        cs = np.cumsum(is_rebase)
        base = cs[self.series_start] - is_rebase[self.series_start]
        groups: np.ndarray = cs - base[self.codes]
        return groups.astype(np.int64)
