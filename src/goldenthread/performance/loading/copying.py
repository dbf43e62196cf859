"""PostgreSQL's binary COPY rows of observations, built by NumPy: the new rows go straight into
the observation table in one COPY, in file order (so their ids are too).

A row of PostgreSQL's binary COPY is its number of fields, then each field's length (-1 for
NULL) and bytes. Some fields vary in width — the texts, a NULL number — so the rows are grouped
by their *shape* (every field's width): the rows of one shape are one 2-D array of bytes, built a
column at a time, and each run of rows of one shape in file order is copied into the output in
one piece (a file of many short runs is scattered row by row instead).

Numbers go in numeric's own binary form (base-10000 digits, a weight, a sign and the 8 decimal
places the column keeps), worked out from the number scaled by 10^8 as a whole number: from the
float rounded to 8 places where that is exact (below 10^7, as :func:`.writing._stored` ensures)
and from the Decimal written otherwise — the number the database held before, when it cast the
float or read the Decimal's text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from goldenthread.performance.loading.newrows import NewRows, Stamp

#: numbers below this (in size) are the float rounded to 8 places (see writing._stored)
_FLOAT_EXACT = 0.99e7
#: days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01
_PG_EPOCH_DAYS = 10957
#: base-10000 digits of a number with 16 digits before the point and 8 after
_DIGITS = 6
_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_TRAILER = b"\xff\xff"


def _bytes(values: np.ndarray, kind: str) -> np.ndarray:
    """Each value in ``kind`` (big-endian), as a row of bytes."""
    typed = np.dtype(kind)
    return np.ascontiguousarray(values.astype(typed)).view(np.uint8).reshape(len(values), typed.itemsize)


def _length(n: int, length: int) -> np.ndarray:
    return _bytes(np.full(n, length, dtype=np.int64), ">i4")


def _numeric(scaled: np.ndarray) -> np.ndarray:
    """numeric's binary form of whole numbers of 10^-8 (int64), as rows of bytes: six base-10000
    digits with weight 3 (PostgreSQL strips the zero ones), the sign and 8 decimal places."""
    n = len(scaled)
    magnitude = np.abs(scaled)
    whole, fraction = np.divmod(magnitude, 10**8)
    digits = np.stack(
        [
            whole // 10**12 % 10**4,
            whole // 10**8 % 10**4,
            whole // 10**4 % 10**4,
            whole % 10**4,
            fraction // 10**4,
            fraction % 10**4,
        ],
        axis=1,
    )
    head = np.zeros((n, 4), dtype=np.int64)
    head[:, 0], head[:, 1], head[:, 3] = _DIGITS, 3, 8
    head[:, 2] = np.where(scaled < 0, 0x4000, 0)
    return _bytes(np.concatenate([head, digits], axis=1).reshape(-1), ">i2").reshape(n, 2 * (4 + _DIGITS))


def _numeric_big(value: int) -> np.ndarray:
    """numeric's binary form of one whole number of 10^-8 of any size the column holds."""
    sign = 0x4000 if value < 0 else 0
    whole, fraction = divmod(abs(value), 10**8)
    digits: list[int] = []
    while whole:
        whole, d = divmod(whole, 10**4)
        digits.insert(0, d)
    weight = len(digits) - 1
    digits += [fraction // 10**4, fraction % 10**4]
    return _bytes(np.array([len(digits), weight, sign, 8, *digits], dtype=np.int64), ">i2").reshape(1, -1)


class _Field(ABC):
    """A column of the COPY: each row's width (length word included), and the bytes of some rows
    whose widths are all ``width``."""

    width: np.ndarray

    @abstractmethod
    def take(self, rows: np.ndarray, width: int) -> np.ndarray:
        """The bytes of ``rows`` (all ``width`` wide), a row of the result each."""


class _Fixed(_Field):
    def __init__(self, values: np.ndarray, kind: str) -> None:
        self.values, self.kind = values, kind
        self.width = np.full(len(values), 4 + np.dtype(kind).itemsize, dtype=np.int64)

    def take(self, rows: np.ndarray, width: int) -> np.ndarray:
        return np.concatenate([_length(len(rows), width - 4), _bytes(self.values[rows], self.kind)], axis=1)


class _Null(_Field):
    def __init__(self, n: int) -> None:
        self.width = np.full(n, 4, dtype=np.int64)

    def take(self, rows: np.ndarray, width: int) -> np.ndarray:
        return _length(len(rows), -1)


class _Text(_Field):
    """Texts by their codes into the distinct texts."""

    def __init__(self, codes: np.ndarray, texts: list[str]) -> None:
        encoded = [t.encode() for t in texts] or [b""]
        longest = max(len(e) for e in encoded)
        self.table = np.zeros((len(encoded), longest), dtype=np.uint8)
        for k, e in enumerate(encoded):
            self.table[k, : len(e)] = np.frombuffer(e, dtype=np.uint8)
        self.codes = codes
        self.width = 4 + np.array([len(e) for e in encoded], dtype=np.int64)[codes]

    def take(self, rows: np.ndarray, width: int) -> np.ndarray:
        return np.concatenate([_length(len(rows), width - 4), self.table[self.codes[rows], : width - 4]], axis=1)


class _Number(_Field):
    """Numbers as written: NULL, the float rounded to 8 places, or a Decimal (see the module)."""

    def __init__(self, params: np.ndarray) -> None:
        floats = np.array(params, dtype=float)  # (None is NaN)
        self.null = np.isnan(floats)
        with np.errstate(invalid="ignore"):
            large = ~self.null & (np.abs(floats) >= _FLOAT_EXACT)
        self.scaled = np.rint(np.where(self.null | large, 0.0, floats) * 1e8).astype(np.int64)
        self.big = {
            int(i): _numeric_big(int(Decimal(str(params[i])).scaleb(8).to_integral_value()))
            for i in np.flatnonzero(large)
        }
        self.width = np.where(self.null, 4, 4 + 8 + 2 * _DIGITS).astype(np.int64)
        for i, data in self.big.items():
            self.width[i] = 4 + data.shape[1]

    def take(self, rows: np.ndarray, width: int) -> np.ndarray:
        if width == 4:
            return _length(len(rows), -1)
        big = np.isin(rows, list(self.big)) if self.big else np.zeros(len(rows), dtype=bool)
        out = np.empty((len(rows), width), dtype=np.uint8)
        out[:, :4] = _length(len(rows), width - 4)
        if not big.all():  # (a small number's width is always 4 + 8 + 2 × _DIGITS)
            out[~big, 4:] = _numeric(self.scaled[rows[~big]])
        for k in np.flatnonzero(big).tolist():
            out[k, 4:] = self.big[int(rows[k])][0]
        return out


#: the columns the COPY writes, in its order
COLUMNS = ["metric", "org_unit", "period_start", "batch", "loaded_at", "loaded_by", "superseded_at"]
COLUMNS += ["value", "numerator", "denominator", "breakdown", "status", "source"]
#: rows per block of the COPY
BLOCK = 100_000


def copy_blocks(rows: NewRows, stamp: Stamp) -> Iterator[bytes]:
    """The rows in PostgreSQL's binary COPY layout for :data:`COLUMNS`, header and trailer
    included, in blocks of :data:`BLOCK` rows."""
    n = len(rows)
    user = stamp.user.pk if stamp.user is not None else None
    when = round((stamp.now.timestamp() - _PG_EPOCH_DAYS * 86400) * 1_000_000)
    fields: list[_Field] = [
        _Fixed(rows.metric_id, ">i8"),
        _Fixed(rows.unit_id, ">i8"),
        _Fixed(rows.period - _PG_EPOCH_DAYS, ">i4"),
        _Fixed(np.full(n, stamp.batch_id, dtype=np.int64), ">i8"),
        _Fixed(np.full(n, when, dtype=np.int64), ">i8"),
        _Fixed(np.full(n, user, dtype=np.int64), _user_id_kind()) if user is not None else _Null(n),
        _Null(n),  # superseded_at
        *(_Number(getattr(rows, name)) for name in ("value", "numerator", "denominator")),
        _Text(rows.breakdown, rows.breakdown_texts),
        _Text(rows.status, rows.status_texts),
        _Text(rows.source, rows.source_texts),
    ]
    yield _HEADER
    for start in range(0, n, BLOCK):
        yield _block(fields, np.arange(start, min(start + BLOCK, n)))
    yield _TRAILER


def _user_id_kind() -> str:
    """The binary form of a user's id: the user table's key is an integer or a big integer."""
    from goldenthread.performance.models import Observation

    field = Observation._meta.get_field("loaded_by")
    assert field.remote_field is not None
    big = field.remote_field.model._meta.pk.get_internal_type() in ("BigAutoField", "BigIntegerField")
    return ">i8" if big else ">i4"


def _block(fields: list[_Field], rows: np.ndarray) -> bytes:
    """The COPY bytes of ``rows`` (consecutive), shape by shape."""
    n = len(rows)
    widths = [f.width[rows] for f in fields]
    shape = np.zeros(n, dtype=np.int64)
    for w in widths:  # (a few widths each: their product is far below 2**63)
        if w[0] != w[-1] or (w != w[0]).any():
            distinct, codes = np.unique(w, return_inverse=True)
            shape = shape * len(distinct) + codes
    distinct, shape = np.unique(shape, return_inverse=True)
    ends = np.cumsum(2 + sum(widths))
    starts = np.concatenate([[0], ends[:-1]])
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    runs = np.count_nonzero(np.diff(shape)) + 1
    for s in range(len(distinct)):
        members = np.flatnonzero(shape == s)
        first = members[0]
        data = np.concatenate(
            [_bytes(np.full(len(members), len(fields), dtype=np.int64), ">i2")]
            + [f.take(rows[members], int(w[first])) for f, w in zip(fields, widths, strict=True)],
            axis=1,
        )
        if runs <= max(64, n // 100):
            _copy_runs(out, data, members, starts, ends)
        else:
            out[starts[members][:, None] + np.arange(data.shape[1])] = data
    return out.tobytes()


def _copy_runs(out: np.ndarray, data: np.ndarray, members: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
    """Copy the rows ``data`` of the rows ``members`` (in order) into ``out``, a run of
    consecutive rows at a time."""
    breaks = np.flatnonzero(np.diff(members) != 1) + 1
    firsts = np.concatenate([[0], breaks])
    lasts = np.concatenate([breaks, [len(members)]])
    for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True):
        out[starts[members[a]] : ends[members[b - 1]]] = data[a:b].reshape(-1)
