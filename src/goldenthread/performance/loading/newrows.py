"""What a load writes: its rows as columns, and what every row of it carries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np


@dataclass
class Numbers:
    """A column of numbers as written: each the float rounded to 8 places (NaN: NULL), but where
    that would not carry the number exactly, the Decimal ``exact[row]`` (rare: numbers of 10
    million and more with digits after the point)."""

    floats: np.ndarray  # float64
    exact: dict[int, Decimal]

    def take(self, rows: np.ndarray) -> Numbers:
        """The numbers of ``rows`` (ascending row numbers)."""
        if not self.exact:
            return Numbers(self.floats[rows], {})
        where = np.searchsorted(rows, list(self.exact))
        found = where < len(rows)
        found[found] &= rows[where[found]] == np.array(list(self.exact), dtype=np.int64)[found]
        kept = {int(w): d for w, d, f in zip(where.tolist(), self.exact.values(), found.tolist(), strict=True) if f}
        return Numbers(self.floats[rows], kept)

    def params(self) -> np.ndarray:
        """Each number as a query parameter (object): None, a float or the Decimal."""
        out = self.floats.astype(object)
        out[np.isnan(self.floats)] = None
        for i, d in self.exact.items():
            out[i] = d
        return out

    def __len__(self) -> int:
        return len(self.floats)


@dataclass
class NewRows:
    """The rows to insert, as columns; texts as numbers into their distinct texts (``*_texts``)."""

    metric_id: np.ndarray  # int64
    unit_id: np.ndarray  # int64
    breakdown: np.ndarray  # int64 codes into breakdown_texts
    period: np.ndarray  # int64: days since 1970
    value: Numbers
    numerator: Numbers
    denominator: Numbers
    status: np.ndarray  # int64 codes into status_texts
    source: np.ndarray  # int64 codes into source_texts
    breakdown_texts: list[str]
    status_texts: list[str]
    source_texts: list[str]
    old_pk: np.ndarray  # int64: the current row each revises, 0 for a new key

    def __len__(self) -> int:
        return len(self.metric_id)


@dataclass(frozen=True)
class Stamp:
    """What every row of a load carries: its batch, who loaded it and when."""

    batch_id: int
    user: Any
    now: Any
