"""What a load writes: its rows as columns, and what every row of it carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class NewRows:
    """The rows to insert, as columns; texts as numbers into their distinct texts (``*_texts``)."""

    metric_id: np.ndarray  # int64
    unit_id: np.ndarray  # int64
    breakdown: np.ndarray  # int64 codes into breakdown_texts
    period: np.ndarray  # int64: days since 1970
    value: np.ndarray  # object: float, Decimal or None, as written
    numerator: np.ndarray
    denominator: np.ndarray
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
