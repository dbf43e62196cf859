"""What the points say: point types, and the variation and assurance icons.

R's ``ptd_point_type`` (inside ``ptd_calculate_point_type``), ``ptd_get_icons`` and
``ptd_calculate_assurance_type``.  Each function returns codes that index the label tuples here;
see :mod:`goldenthread.assurance.spc` for the meaning of each label.
"""

from __future__ import annotations

import numpy as np

from goldenthread.assurance.special_cause import SPECIAL_CAUSE_SIDE

POINT_TYPES: tuple[str, ...] = (
    "common_cause",  # 0
    "special_cause_improvement",  # 1
    "special_cause_concern",  # 2
    "special_cause_neutral_high",  # 3
    "special_cause_neutral_low",  # 4
)
VARIATION_TYPES: tuple[str, ...] = (
    "common_cause",  # 0
    "improvement_high",  # 1
    "improvement_low",  # 2
    "concern_high",  # 3
    "concern_low",  # 4
    "neutral_high",  # 5
    "neutral_low",  # 6
)
ASSURANCE_TYPES: tuple[str, ...] = (
    "consistent_pass",  # 0
    "consistent_fail",  # 1
    "inconsistent",  # 2
)  # code -1: no assurance (None)
IMPROVEMENT_DIRECTIONS: dict[str, int] = {"increase": 1, "neutral": 0, "decrease": -1}

POINT_TYPE_LABELS = np.array(POINT_TYPES, dtype=object)
VARIATION_LABELS = np.array(VARIATION_TYPES, dtype=object)
ASSURANCE_LABELS = np.array((*ASSURANCE_TYPES, None), dtype=object)  # -1 -> None
_IMPROVEMENT_LABELS = np.array(["increase", "neutral", "decrease"], dtype=object)


def improvement_labels(direction: np.ndarray) -> np.ndarray:
    """The :data:`IMPROVEMENT_DIRECTIONS` name of each direction (+1/0/-1)."""
    labels: np.ndarray = _IMPROVEMENT_LABELS[1 - direction.astype(np.intp)]
    return labels


def point_type_codes(special_cause_codes: np.ndarray, direction: np.ndarray | int) -> np.ndarray:
    """Index into :data:`POINT_TYPES` (R's ``ptd_point_type``); ``direction`` is +1/0/-1."""
    side = SPECIAL_CAUSE_SIDE[np.asarray(special_cause_codes, dtype=np.intp)]
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), side.shape)
    oriented = side * direction
    code = np.zeros(side.shape, dtype=np.int8)
    code[oriented > 0] = 1
    code[oriented < 0] = 2
    neutral = direction == 0
    code[neutral & (side > 0)] = 3
    code[neutral & (side < 0)] = 4
    return code


def variation_codes(latest_point_type: np.ndarray, direction: np.ndarray | int) -> np.ndarray:
    """Index into :data:`VARIATION_TYPES` from the latest point's type (R's ``ptd_get_icons``)."""
    pt = np.asarray(latest_point_type, dtype=np.int8)
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), pt.shape)
    increase = direction == 1
    code = np.zeros(pt.shape, dtype=np.int8)
    code[pt == 1] = np.where(increase[pt == 1], 1, 2)  # improvement_high / _low
    code[pt == 2] = np.where(increase[pt == 2], 4, 3)  # concern_low / _high
    code[pt == 3] = 5
    code[pt == 4] = 6
    return code


def assurance_codes(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray | int) -> np.ndarray:
    """Index into :data:`ASSURANCE_TYPES`, or -1 for none (R's ``ptd_calculate_assurance_type``).

    ``lpl``/``upl`` are the limits at the latest point of each series.  A
    NaN target means no target.
    """
    target = np.asarray(target, dtype=np.float64)
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), target.shape)
    increase = direction == 1
    with np.errstate(invalid="ignore"):
        above = target > upl
        below = target < lpl
    code = np.full(target.shape, 2, dtype=np.int8)
    code = np.where(below, np.where(increase, 0, 1), code)
    code = np.where(above, np.where(increase, 1, 0), code)
    code = np.where(np.isnan(target) | (direction == 0), -1, code)
    return code.astype(np.int8)
