"""A CSV column's cells read on the file's bytes, for ``goldenthread spc``'s common case.

When the file has no quote, carriage return or NUL and every line as many commas,
:mod:`goldenthread.assurance.csvread` keeps each cell as a range of the encoded text rather than
a Python string. The cells that follow the usual shapes are then read here with array operations
— a plain decimal number, a ``YYYY-MM-DD`` date, a series name repeated on consecutive rows — and
only the others are decoded and read as before, so every value, date, name and message is the
same as reading every cell as text.
"""

from __future__ import annotations

import numpy as np

#: 10**e exactly, for e = 0..22 (Python's int to float conversion is exact for these)
_POW10 = np.array([float(10**e) for e in range(23)])
_MOST_DIGITS = 15  # every integer of 15 digits is exact in a float64 (below 2**53)
_LONGEST_NUMBER = _MOST_DIGITS + 2  # and a sign and a point
_ZERO, _NINE, _MINUS, _POINT = (ord(c) for c in "09-.")


#: :attr:`ByteCells.raw` ends with this many zero bytes, so that 8 bytes at a time can be read past any cell
PADDING = 72
_LONGEST_NAME = 64  # a series name longer than this is compared as text
_ISO_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9])
_ISO_OFFSET = _ZERO * 11_111_111  # each of the 8 digits' bytes is its digit plus ord('0')


class ByteCells:
    """A column of cells: cell ``r`` is ``raw[starts[r]:ends[r]]``, UTF-8 with no quote, CR, NUL or
    comma; ``raw`` ends with at least :data:`PADDING` zero bytes, and its length is a multiple of 8."""

    __slots__ = ("raw", "starts", "ends")  # a plain class: a dataclass costs more to define than it saves here

    def __init__(self, raw: bytes, starts: np.ndarray, ends: np.ndarray) -> None:
        self.raw = raw
        self.starts = starts  # int64
        self.ends = ends  # int64

    def __len__(self) -> int:
        return int(self.starts.size)

    def __getitem__(self, row: int) -> str:
        return self.raw[self.starts[row] : self.ends[row]].decode()

    def texts(self, rows: np.ndarray | None = None) -> list[str]:
        """The cells of ``rows`` (default: every row) as text."""
        starts, ends = (self.starts, self.ends) if rows is None else (self.starts[rows], self.ends[rows])
        raw = self.raw
        return [raw[s:e].decode() for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]

    @property
    def lengths(self) -> np.ndarray:
        lengths: np.ndarray = self.ends - self.starts
        return lengths

    def block(self, width: int) -> np.ndarray:
        """(width, cells) uint8: row ``p`` holds each cell's byte ``p``, 0 past its end (``width`` ≤ PADDING)."""
        if not width:
            return np.zeros((0, len(self)), dtype=np.uint8)
        words = np.frombuffer(self.raw, dtype="<u8")  # the text 8 bytes at a time; a cell's 8 bytes span two
        shift = (self.starts & 7).astype(np.uint64) * np.uint64(8)
        back = np.uint64(63) - shift  # (w << 1) << (63 - shift): w << (64 - shift), and 0 when shift is 0
        parts = []
        for k in range(0, width, 8):
            at = (self.starts + k) >> 3
            word = (words[at] >> shift) | ((words[at + 1] << np.uint64(1)) << back)
            parts.append(word.astype("<u8", copy=False).view(np.uint8).reshape(-1, 8))
        block = (parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1))[:, :width].T.copy()
        block[np.arange(width)[:, None] >= self.lengths] = 0
        return block


def numbers(cells: ByteCells) -> tuple[np.ndarray, np.ndarray]:
    """(value, read) per cell: the number of each cell written as ``-?digits[.digits]`` with at most
    15 digits, and whether the cell was one.

    Such a number is its digits as an integer, exact in a float64, divided by an exact power of
    ten: one correctly rounded division, so the very float ``float(text)`` gives (Clinger's fast
    path, the one CPython's own reading takes for these).
    """
    lengths = cells.lengths
    block = cells.block(min(int(lengths.max(initial=0)), _LONGEST_NUMBER))
    digit = (block >= _ZERO) & (block <= _NINE)
    point = block == _POINT
    negative = block[0] == _MINUS if block.size else np.zeros(len(cells), dtype=bool)
    allowed = digit | point | (block == 0)  # 0: past the cell's end (a cell holds no NUL)
    allowed[:1] |= negative
    digits = digit.sum(axis=0)
    read = allowed.all(axis=0) & (point.sum(axis=0) <= 1) & (digits >= 1) & (digits <= _MOST_DIGITS)
    read &= (lengths >= 1) & (lengths <= _LONGEST_NUMBER)
    mantissa = np.zeros(len(cells), dtype=np.int64)
    after_point = np.zeros(len(cells), dtype=np.int64)
    seen_point = np.zeros(len(cells), dtype=bool)
    for byte, is_digit, is_point in zip(block, digit, point, strict=True):  # one position at a time
        seen_point |= is_point
        after_point += is_digit & seen_point
        mantissa = np.where(is_digit, mantissa * 10 + (byte.astype(np.int64) - _ZERO), mantissa)
    value = mantissa / _POW10[np.minimum(after_point, _POW10.size - 1)]
    return np.where(negative, -value, value), read


def iso_day_keys(cells: ByteCells) -> tuple[np.ndarray, np.ndarray]:
    """(year * 10,000 + month * 100 + day, is written so) per cell written ``DDDD-DD-DD`` (ASCII digits).

    The key gives the cell's text back exactly (:func:`iso_text`), so each distinct text is found
    by its key.
    """
    block = cells.block(10)
    fixed = (cells.lengths == 10) & (block[4] == _MINUS) & (block[7] == _MINUS)
    key = np.zeros(len(cells), dtype=np.int64)
    for position in _ISO_DIGITS.tolist():
        byte = block[position]
        fixed &= (byte >= _ZERO) & (byte <= _NINE)
        key = key * 10 + byte
    return key - _ISO_OFFSET, fixed


def iso_text(key: int) -> str:
    """The ``DDDD-DD-DD`` text of a key of :func:`iso_day_keys`."""
    return f"{key // 10_000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"


def distinct_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys, each key's index among them) for non-negative integer keys."""
    if keys.size and int(keys.max()) - int(keys.min()) <= 4 * keys.size + 1024:  # a table is cheaper than a sort
        low = int(keys.min())
        present = np.zeros(int(keys.max()) - low + 1, dtype=bool)
        present[keys - low] = True
        rank = np.cumsum(present) - 1
        return np.flatnonzero(present) + low, rank[keys - low]
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct, inverse.reshape(-1)


def run_heads(cells: ByteCells) -> np.ndarray | None:
    """The rows whose cell differs from the row before's (the first row among them); None if some
    cell is too long to compare on its bytes."""
    lengths = cells.lengths
    longest = int(lengths.max(initial=0))
    if longest > _LONGEST_NAME:
        return None
    change = np.ones(len(cells), dtype=bool)
    change[1:] = lengths[1:] != lengths[:-1]
    for byte in cells.block(longest):
        change[1:] |= byte[1:] != byte[:-1]
    return np.flatnonzero(change)
