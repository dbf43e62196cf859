"""The SPC engine's results: :class:`SPCResult` for one series, :class:`SPCTable` for many."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, fields

import numpy as np


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
        )
