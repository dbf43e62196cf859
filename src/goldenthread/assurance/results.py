"""The SPC engine's results: :class:`SPCResult` for one series, :class:`SPCTable` for many."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, fields
from typing import NamedTuple

import numpy as np


class Note(NamedTuple):
    """One of the engine's warnings as a stable code and its figures, for callers that word the
    warning themselves (a page in plain English) rather than print the engine's text:

    * ``short_group``: a segment has fewer than ``number`` points (its limits are trial limits);
    * ``limits_undefined``: the segment starting ``date`` has no usable moving range;
    * ``no_variation``: every moving range of the segment starting ``date`` is 0;
    * ``missing_values``: ``number`` points have no value;
    * ``rebase_unmatched``: the rebase date ``date`` matches no point.
    """

    code: str
    number: int = 0
    date: str = ""


#: every code a :class:`Note` may carry
NOTE_CODES: tuple[str, ...] = ("short_group", "limits_undefined", "no_variation", "missing_values", "rebase_unmatched")


@dataclass(frozen=True, eq=False)
class PointColumns:
    """The per-point arrays, in the input order."""

    dates: np.ndarray
    values: np.ndarray
    rebase_group: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    nlpl: np.ndarray
    nupl: np.ndarray
    outside_limits: np.ndarray
    relative_to_mean: np.ndarray
    close_to_limits: np.ndarray
    special_cause_type: np.ndarray
    special_cause_flag: np.ndarray
    point_type: np.ndarray
    short_group_warning: np.ndarray

    def __len__(self) -> int:
        return int(self.values.size)


#: The names of the per-point arrays.
POINT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PointColumns))


@dataclass(frozen=True, eq=False)
class SPCResult(PointColumns):
    """One series.  Per-point arrays are in the input order."""

    improvement: str
    target: float | None
    variation: str
    assurance: str | None
    warnings: tuple[str, ...]
    notes: tuple[Note, ...] = ()  # the warnings as codes, in the same order


@dataclass(frozen=True, eq=False)
class SPCTable(PointColumns):
    """Many series.  Per-point arrays are in the input order.  Per-series arrays are in
    ``series`` order (the order in which each series first appears)."""

    series_id: np.ndarray
    series_code: np.ndarray  # per point: index into ``series``
    # per series
    series: np.ndarray
    n_points: np.ndarray
    improvement: np.ndarray
    target: np.ndarray
    variation: np.ndarray
    assurance: np.ndarray
    warnings: Mapping[Hashable, tuple[str, ...]]
    notes: Mapping[Hashable, tuple[Note, ...]] = field(default_factory=dict)  # the warnings as codes

    def series_index(self, series_id: Hashable) -> int:
        """Position of ``series_id`` in :attr:`series`."""
        for i, sid in enumerate(self.series.tolist()):
            if sid == series_id:
                return i
        raise KeyError(series_id)

    def result(self, series_id: Hashable) -> SPCResult:
        """The :class:`SPCResult` for one series (points in the input order)."""
        k = self.series_index(series_id)
        idx = np.flatnonzero(self.series_code == k)
        target = float(self.target[k])
        return SPCResult(
            **{name: getattr(self, name)[idx] for name in POINT_FIELDS},
            improvement=str(self.improvement[k]),
            target=None if np.isnan(target) else target,
            variation=str(self.variation[k]),
            assurance=self.assurance[k],
            warnings=tuple(self.warnings.get(self.series.tolist()[k], ())),
            notes=tuple(self.notes.get(self.series.tolist()[k], ())),
        )
