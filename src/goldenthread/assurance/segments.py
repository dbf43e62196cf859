"""Segments and runs: the array bookkeeping the SPC calculations share.

A *segment* is a contiguous stretch of sorted points with one set of limits: a series, cut again
at each rebase date.  Segments are given either as a label per point (equal neighbours share a
segment) or as a boolean "first point of a segment" mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def segment_bounds(segment: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays (first, last) marking the ends of each run of equal ``segment`` ids."""
    first = np.zeros(n, dtype=bool)
    last = np.zeros(n, dtype=bool)
    if n == 0:
        return first, last
    first[0] = True
    last[-1] = True
    if segment is not None:
        seg = np.asarray(segment)
        change = seg[1:] != seg[:-1]
        first[1:] = change
        last[:-1] = change
    return first, last


def run_lengths(start: np.ndarray) -> np.ndarray:
    """Length of the run each element is in, where ``start`` marks run starts (``start[0]`` true)."""
    if start.size == 0:
        return np.zeros(0, dtype=np.int64)
    run_id = np.cumsum(start) - 1
    lengths: np.ndarray = np.bincount(run_id)[run_id]
    return lengths


def shift_next(a: np.ndarray, fill: Any = 0) -> np.ndarray:
    """``out[i] = a[i + 1]``, with ``fill`` at the end."""
    out = np.empty_like(a)
    if a.size:
        out[:-1] = a[1:]
        out[-1] = fill
    return out


def run_starts(counts: np.ndarray) -> np.ndarray:
    """Index of the first element of each run, given the length of each run."""
    return np.concatenate(([0], np.cumsum(counts)[:-1]))


@dataclass(frozen=True)
class Segments:
    """Sorted points cut into contiguous segments."""

    seg_id: np.ndarray  # per point
    starts: np.ndarray  # per segment: index of first point
    lengths: np.ndarray  # per segment

    @classmethod
    def from_first(cls, first: np.ndarray) -> Segments:
        starts = np.flatnonzero(first)
        seg_id = np.cumsum(first) - 1
        lengths = np.diff(np.append(starts, first.size))
        return cls(seg_id, starts, lengths)

    @property
    def position(self) -> np.ndarray:
        """Zero-based position of each point within its segment."""
        position: np.ndarray = np.arange(self.seg_id.size) - self.starts[self.seg_id]
        return position
