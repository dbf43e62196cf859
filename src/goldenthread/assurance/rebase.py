"""Rebase dates: which sorted points start a new segment of their series.

A rebase date applies to every series, or (given as a ``{series_id: dates}`` mapping) to the
series it names.  It starts a new segment at the point with exactly that date; a date that
matches no point is ignored, as in R, and reported so that a warning can say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from goldenthread.assurance.inputs import date_keys

#: (series code of each (series, date) pair, date key of each pair, the date of pair j as given)
_Pairs = tuple[np.ndarray, np.ndarray, Callable[[int], Any]]


def rebase_flags(
    rebase: Any, uniques: np.ndarray, c: np.ndarray, k: np.ndarray, date_kind: str
) -> tuple[np.ndarray, list[tuple[int, Any]]]:
    """For each sorted point (series code ``c``, date key ``k``), whether it is a rebase date of its series.

    Also returns the (series, date) pairs that matched no point."""
    n = c.size
    if isinstance(rebase, Mapping):
        pairs = _mapping_pairs(rebase, uniques, date_kind)
    else:
        pairs = _shared_pairs(rebase, uniques, date_kind)
    if pairs is None:
        return np.zeros(n, dtype=bool), []
    rc, rk, date_of = pairs
    # encode (series, date) pairs as single integers via the rank of the date
    _, inverse = np.unique(np.concatenate([k, rk]), return_inverse=True)
    inverse = inverse.reshape(-1).astype(np.int64)
    m = int(inverse.max()) + 1
    point_pair = c.astype(np.int64) * m + inverse[:n]
    rebase_pair = rc * m + inverse[n:]
    is_rebase = np.isin(point_pair, rebase_pair)
    missed = np.flatnonzero(~np.isin(rebase_pair, point_pair)).tolist()
    return is_rebase, [(int(rc[j]), date_of(j)) for j in missed]


def _mapping_pairs(rebase: Mapping[Any, Any], uniques: np.ndarray, date_kind: str) -> _Pairs | None:
    """The pairs of a ``{series_id: dates}`` mapping; None when it names no date."""
    lookup = {sid: i for i, sid in enumerate(uniques.tolist())}
    pair_codes: list[int] = []
    pair_dates: list[Any] = []
    for sid, ds in rebase.items():
        if sid not in lookup:
            raise ValueError(f"rebase mapping names unknown series {sid!r}")
        ds = _as_list(ds)
        pair_codes.extend([lookup[sid]] * len(ds))
        pair_dates.extend(ds)
    if not pair_dates:
        return None
    return np.asarray(pair_codes, dtype=np.int64), _rebase_keys(pair_dates, date_kind), pair_dates.__getitem__


def _shared_pairs(rebase: Any, uniques: np.ndarray, date_kind: str) -> _Pairs | None:
    """The pairs of dates that apply to every series; None when there are none."""
    base = _as_list(rebase)
    if not base:
        return None
    r = len(base)
    rc = np.repeat(np.arange(uniques.size, dtype=np.int64), r)
    rk = np.tile(_rebase_keys(base, date_kind), uniques.size)
    return rc, rk, lambda j: base[j % r]


def _rebase_keys(ds: list[Any], date_kind: str) -> np.ndarray:
    if date_kind == "M":
        arr = np.empty(len(ds), dtype=object)
        arr[:] = ds
        keys, kind = date_keys(arr)
    else:
        keys, kind = date_keys(np.asarray(ds))
    if kind != date_kind:
        raise TypeError("rebase dates must be of the same kind as the series dates")
    return keys


def _as_list(ds: Any) -> list[Any]:
    if ds is None:
        return []
    if isinstance(ds, (str, bytes, np.datetime64)) or not isinstance(ds, Iterable):
        return [ds]
    return list(ds)
