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
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from goldenthread.performance.loading.newrows import NewRows, Numbers, Stamp

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


def _length(length: int) -> np.ndarray:
    """A field's length word (-1: NULL), as bytes."""
    return np.frombuffer(int(length).to_bytes(4, "big", signed=True), dtype=np.uint8)


def _parts(out: np.ndarray, kind: Any) -> np.ndarray:
    """The fields ``out`` (one each row, as bytes) seen as their length word (``"length"``) and
    their value (``"value"``, of ``kind``)."""
    width = out.dtype.itemsize
    return out.view(
        np.dtype({"names": ["length", "value"], "formats": [">i4", kind], "offsets": [0, 4], "itemsize": width})
    )


def _void(data: np.ndarray) -> np.ndarray:
    """Rows of bytes (2-D) as one value of bytes each."""
    return np.ascontiguousarray(data).view(f"V{data.shape[1]}").reshape(len(data))


def _numeric(scaled: np.ndarray, out: np.ndarray) -> None:
    """numeric's binary form of whole numbers of 10^-8 (int64, in size below 10^15: numbers below
    10^7) into ``out`` (the words of each row, big-endian int16): six base-10000 digits with
    weight 3 (PostgreSQL strips the zero ones; the first two are 0 here), the sign and 8 decimal
    places."""
    magnitude = np.abs(scaled)
    whole = (magnitude // 10**8).astype(np.int32)
    fraction = (magnitude - whole.astype(np.int64) * 10**8).astype(np.int32)
    words = np.zeros((len(scaled), 4 + _DIGITS), dtype=np.int16)
    words[:, 0], words[:, 1], words[:, 3] = _DIGITS, 3, 8
    words[:, 2] = np.where(scaled < 0, 0x4000, 0)
    high = whole // 10**4
    words[:, 6], words[:, 7] = high, whole - high * 10**4
    high = fraction // 10**4
    words[:, 8], words[:, 9] = high, fraction - high * 10**4
    out[:] = words


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
    """A column of the COPY: each row's width (length word included); the bytes of some rows
    whose widths are all ``width`` are written into the field given them."""

    width: np.ndarray

    @abstractmethod
    def put(self, out: np.ndarray, rows: np.ndarray) -> None:
        """The bytes of ``rows`` into ``out``, one value of bytes (all of one width) each."""

    def is_default(self, default: str | None) -> bool:
        """Whether every row holds what the database gives the column when a COPY leaves it out,
        its default being the SQL ``default`` (None: no default, so NULL)."""
        return False


class _Fixed(_Field):
    def __init__(self, values: np.ndarray, kind: str) -> None:
        self.values, self.kind = values, kind
        self.width = np.full(len(values), 4 + np.dtype(kind).itemsize, dtype=np.int64)

    def put(self, out: np.ndarray, rows: np.ndarray) -> None:
        parts = _parts(out, self.kind)
        parts["length"] = out.dtype.itemsize - 4
        parts["value"] = self.values[rows]


class _Same(_Field):
    """One value in every row (the batch, the time, who loads); None: NULL."""

    def __init__(self, n: int, value: int | None, kind: str) -> None:
        if value is None:
            data = _length(-1)
        else:
            data = np.concatenate([_length(np.dtype(kind).itemsize), _bytes(np.array([value]), kind)[0]])
        self.data = _void(data.reshape(1, -1))[0]
        self.width = np.full(n, len(data), dtype=np.int64)
        self.null = value is None

    def is_default(self, default: str | None) -> bool:
        return self.null and default is None

    def put(self, out: np.ndarray, rows: np.ndarray) -> None:
        out[:] = self.data


class _Text(_Field):
    """Texts by their codes into the distinct texts."""

    def __init__(self, codes: np.ndarray, texts: list[str]) -> None:
        encoded = [t.encode() for t in texts] or [b""]
        longest = max(len(e) for e in encoded)
        self.table = np.zeros((len(encoded), 4 + longest), dtype=np.uint8)  # length word and text
        for k, e in enumerate(encoded):
            self.table[k, :4] = _length(len(e))
            self.table[k, 4 : 4 + len(e)] = np.frombuffer(e, dtype=np.uint8)
        self.codes, self.texts = codes, texts
        self.width = 4 + np.array([len(e) for e in encoded], dtype=np.int64)[codes]

    def is_default(self, default: str | None) -> bool:
        if default is None or not len(self.codes) or (self.codes != self.codes[0]).any():
            return False
        text = self.texts[int(self.codes[0])]
        return default == "'" + text.replace("'", "''") + "'::character varying"

    def put(self, out: np.ndarray, rows: np.ndarray) -> None:
        texts = _void(self.table[:, : out.dtype.itemsize])
        codes = self.codes[rows]
        if len(codes) and (codes == codes[0]).all():
            out[:] = texts[codes[0]]
        else:
            out[:] = texts[codes]


class _Number(_Field):
    """Numbers as written: NULL, the float rounded to 8 places, or a Decimal (see the module)."""

    def __init__(self, numbers: Numbers) -> None:
        floats = numbers.floats
        self.null = np.isnan(floats)
        with np.errstate(invalid="ignore"):
            large = ~self.null & (np.abs(floats) >= _FLOAT_EXACT)
        self.scaled = np.rint(np.where(self.null | large, 0.0, floats) * 1e8).astype(np.int64)
        self.big = {
            i: _numeric_big(int(Decimal(str(numbers.exact.get(i, float(floats[i])))).scaleb(8).to_integral_value()))
            for i in np.flatnonzero(large).tolist()
        }
        self.width = np.where(self.null, 4, 4 + 8 + 2 * _DIGITS).astype(np.int64)
        for i, data in self.big.items():
            self.width[i] = 4 + data.shape[1]

    def put(self, out: np.ndarray, rows: np.ndarray) -> None:
        width = out.dtype.itemsize
        if width == 4:
            out[:] = _void(_length(-1).reshape(1, -1))[0]
            return
        big = np.isin(rows, list(self.big)) if self.big else np.zeros(len(rows), dtype=bool)
        if width == 4 + 8 + 2 * _DIGITS:  # (a small number's width; a big one's may be the same)
            parts = _parts(out, (">i2", (4 + _DIGITS,)))
            parts["length"] = width - 4
            if big.any():
                words = np.empty((len(rows), 4 + _DIGITS), dtype=">i2")
                _numeric(self.scaled[rows], words)
                parts["value"][~big] = words[~big]
            else:
                _numeric(self.scaled[rows], parts["value"])
        for k in np.flatnonzero(big).tolist():
            out[k] = _void(np.concatenate([_length(width - 4), self.big[int(rows[k])][0]]).reshape(1, -1))[0]


#: the columns the COPY writes, in its order
COLUMNS = ["metric", "org_unit", "period_start", "batch", "loaded_at", "loaded_by", "superseded_at"]
COLUMNS += ["value", "numerator", "denominator", "breakdown", "status", "source"]
#: rows per block of the COPY
BLOCK = 100_000


class CopyRows:
    """The rows of a load as a binary COPY: :attr:`columns`, those of :data:`COLUMNS` it writes,
    and :meth:`blocks`, their bytes.

    A column whose every row holds what the database would put there anyway — NULL in a column
    without a default (``superseded_at``; who loaded, when nobody did), or in a text column the
    text its default is (an empty breakdown, the status ``final``, no source: migration
    performance 0007) — is left out of the COPY: the server then reads no field for it (about a
    fifteenth of its instructions a row for those four columns). ``defaults`` maps each field
    the table has to its default's SQL text (None: no default); a field not in it is written."""

    def __init__(self, rows: NewRows, stamp: Stamp, defaults: Mapping[str, str | None]) -> None:
        n = len(rows)
        user = stamp.user.pk if stamp.user is not None else None
        when = round((stamp.now.timestamp() - _PG_EPOCH_DAYS * 86400) * 1_000_000)
        fields: list[_Field] = [
            _Fixed(rows.metric_id, ">i8"),
            _Fixed(rows.unit_id, ">i8"),
            _Fixed(rows.period - _PG_EPOCH_DAYS, ">i4"),
            _Same(n, stamp.batch_id, ">i8"),
            _Same(n, when, ">i8"),
            _Same(n, user, _user_id_kind()),
            _Same(n, None, ">i8"),  # superseded_at
            *(_Number(getattr(rows, name)) for name in ("value", "numerator", "denominator")),
            _Text(rows.breakdown, rows.breakdown_texts),
            _Text(rows.status, rows.status_texts),
            _Text(rows.source, rows.source_texts),
        ]
        kept = [
            (name, f)
            for name, f in zip(COLUMNS, fields, strict=True)
            if name not in defaults or not f.is_default(defaults[name])
        ]
        self.n = n
        self.columns = [name for name, _ in kept]
        self.fields = [f for _, f in kept]

    def blocks(self) -> Iterator[bytes | memoryview]:
        """The rows in PostgreSQL's binary COPY layout for :attr:`columns`, header and trailer
        included, in blocks of :data:`BLOCK` rows."""
        yield _HEADER
        for start in range(0, self.n, BLOCK):
            yield _block(self.fields, np.arange(start, min(start + BLOCK, self.n)))
        yield _TRAILER


def _user_id_kind() -> str:
    """The binary form of a user's id: the user table's key is an integer or a big integer."""
    from goldenthread.performance.models import Observation

    field = Observation._meta.get_field("loaded_by")
    assert field.remote_field is not None
    big = field.remote_field.model._meta.pk.get_internal_type() in ("BigAutoField", "BigIntegerField")
    return ">i8" if big else ">i4"


def _block(fields: list[_Field], rows: np.ndarray) -> memoryview:
    """The COPY bytes of ``rows`` (consecutive), shape by shape: the rows of a shape laid out in
    one array of bytes, a field's columns at a time."""
    n = len(rows)
    widths = [f.width[rows] for f in fields]
    shape = np.zeros(n, dtype=np.int64)
    for w in widths:  # (a few widths each: their product is far below 2**63)
        if w[0] != w[-1] or (w != w[0]).any():
            distinct, codes = np.unique(w, return_inverse=True)
            shape = shape * len(distinct) + codes
    if not shape.any():  # one shape: the rows are the block
        return _shaped(fields, widths, rows, 0).reshape(-1).data
    distinct, shape = np.unique(shape, return_inverse=True)
    ends = np.cumsum(2 + sum(widths))
    starts = np.concatenate([[0], ends[:-1]])
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    runs = np.count_nonzero(np.diff(shape)) + 1
    for s in range(len(distinct)):
        members = np.flatnonzero(shape == s)
        data = _shaped(fields, widths, rows[members], members[0])
        if runs <= max(64, n // 100):
            _copy_runs(out, data, members, starts, ends)
        else:
            out[starts[members][:, None] + np.arange(data.shape[1])] = data
    return out.data


def _shaped(fields: list[_Field], widths: list[np.ndarray], rows: np.ndarray, first: int) -> np.ndarray:
    """The COPY bytes of ``rows``, all of one shape (that of the block's row ``first``), a row each."""
    each = [int(w[first]) for w in widths]
    offsets = np.cumsum([2, *each[:-1]]).tolist()
    names = ["fields", *(f"f{k}" for k in range(len(fields)))]
    formats = [">i2", *(f"V{w}" for w in each)]
    record = np.dtype({"names": names, "formats": formats, "offsets": [0, *offsets], "itemsize": 2 + sum(each)})
    data = np.empty(len(rows), dtype=record)
    data["fields"] = len(fields)
    for k, f in enumerate(fields):
        f.put(data[f"f{k}"], rows)
    return data.view(np.uint8).reshape(len(rows), record.itemsize)


def _copy_runs(out: np.ndarray, data: np.ndarray, members: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
    """Copy the rows ``data`` of the rows ``members`` (in order) into ``out``, a run of
    consecutive rows at a time."""
    breaks = np.flatnonzero(np.diff(members) != 1) + 1
    firsts = np.concatenate([[0], breaks])
    lasts = np.concatenate([breaks, [len(members)]])
    for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True):
        out[starts[members[a]] : ends[members[b - 1]]] = data[a:b].reshape(-1)
