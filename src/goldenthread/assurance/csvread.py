"""The columns ``goldenthread spc`` needs from a CSV, read a column at a time.

The file is read whole and split into records: by ``str.split`` when it holds no quote, carriage
return (but those ending a line before its line feed, CR LF) or NUL (so each line is one record
and each comma one separator, exactly as the csv module reads it), else by the csv module itself.
Each distinct date text is parsed once, numbers are read by ``float`` with the careful path only
for the cells it refuses, and duplicates are found by one sort; every bad row is still reported,
in row order, as ``FILE:ROW: column: message``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from typing import NamedTuple, TextIO

import numpy as np

from goldenthread.assurance.csvcells import (
    PADDING,
    ByteCells,
    distinct_codes,
    iso_day_keys,
    iso_text,
    numbers,
    run_heads,
)

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m")
_GAPS = ("NA", "NAN", "NULL")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EPOCH = dt.date(1970, 1, 1).toordinal()


class InputError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)")


class Wanted(NamedTuple):
    """The columns to read: values, dates and (optionally) series names."""

    value: str
    date: str
    series: str | None = None


class Columns(NamedTuple):
    """One entry per row: its series (a number: ``names[s]`` is its name, stripped), date and value."""

    names: list[str]
    series: np.ndarray  # intp
    dates: np.ndarray  # datetime64[D]
    values: np.ndarray  # float64; NaN for a gap


class _Problems:
    """Messages keyed by (row index, column order), so they come out in row order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[tuple[int, int, str]] = []

    def add(self, row: int, order: int, message: str) -> None:
        self.found.append((row, order, f"{self.name}:{row + 2}: {message}"))

    def raise_any(self) -> None:
        if self.found:
            raise InputError([message for _, _, message in sorted(self.found)])


def read(handle: TextIO, name: str, wanted: Wanted) -> Columns:
    """Series, dates and values from the CSV; every bad row is reported, in an InputError."""
    header = _header(csv.reader(handle), name, wanted)
    records = _Records(handle.read())
    problems = _Problems(name)
    dates = records.column(header.index(wanted.date))
    days, bad_day = _days(dates)
    keep = _not_blank(records, bad_day, dates)
    values = _values(records.column(header.index(wanted.value)), wanted.value, problems)
    _date_problems(dates, np.flatnonzero(keep & bad_day), wanted.date, problems)
    keep &= ~bad_day
    if wanted.series:
        series, names = _series(records.column(header.index(wanted.series)))
    else:
        series, names = np.zeros(len(dates), dtype=np.intp), [""]
    _duplicates(series, names, days, keep, wanted, problems)
    problems.raise_any()
    if not keep.any():
        raise InputError([f"{name}:2: the file has a header but no rows"])
    if keep.all():  # nothing to leave out: no copies
        return Columns(names, series, days.view("datetime64[D]"), values)
    rows = np.flatnonzero(keep)
    return Columns(names, series[rows], days[rows].view("datetime64[D]"), values[rows])


def _header(reader: Iterator[list[str]], name: str, wanted: Wanted) -> list[str]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError([f"{name}:1: the file is empty; it needs a header row"]) from None
    names = [c for c in (wanted.value, wanted.date, wanted.series) if c]
    missing = [c for c in names if c not in header]
    if missing:
        raise InputError(
            [f"{name}:1: no column named {', '.join(repr(c) for c in missing)}; the columns are: {', '.join(header)}"]
        )
    return header


class _Records:
    """The records after the header, as ``csv.reader`` reads them, a column at a time.

    A file with no quote, carriage return or NUL has one record a line and one field between
    commas (a carriage return only ever before a line feed is read as the line's end, as the csv
    module reads it); if each line has as many commas, each field is kept as a range of the encoded text
    (:class:`ByteCells`), found from where the commas and newlines are.
    """

    def __init__(self, text: str) -> None:
        self.width = 0
        self.records: list[list[str]] = []
        if "\r" in text and text.count("\r") == text.count("\r\n") and not ('"' in text or "\0" in text):
            text = text.replace("\r\n", "\n")  # each line ended by CR LF: the csv module reads them alike
        if text and not ('"' in text or "\r" in text or "\0" in text):
            raw = text.encode()
            shape = _shape(raw, text.endswith("\n"))
            if shape.longest <= csv.field_size_limit():  # else the csv module says the field is too long
                self.size = shape.ends.size
                if shape.separators is not None:
                    self.width, self.raw, self.ends = (
                        shape.separators.shape[1],
                        raw + bytes(PADDING + -len(raw) % 8),
                        shape.separators,
                    )
                    self.starts = np.empty_like(self.ends)
                    self.starts[:, 1:] = self.ends[:, :-1] + 1
                    self.starts[0, 0] = 0
                    self.starts[1:, 0] = shape.ends[:-1] + 1
                else:
                    self.records = [line.split(",") if line else [] for line in text.split("\n")]
                    del self.records[self.size :]
                return
        self.records = list(csv.reader(io.StringIO(text, newline="")))
        self.size = len(self.records)

    def __len__(self) -> int:
        return self.size

    def record(self, row: int) -> list[str]:
        if self.width:
            return self.raw[self.starts[row, 0] : self.ends[row, -1]].decode().split(",")
        return self.records[row]

    def column(self, i: int) -> list[str] | ByteCells:
        """Column ``i`` of every record; a short record has an empty cell there."""
        if self.width:
            return ByteCells(self.raw, self.starts[:, i], self.ends[:, i]) if i < self.width else [""] * self.size
        try:
            return [record[i] for record in self.records]
        except IndexError:
            return [record[i] if i < len(record) else "" for record in self.records]


class _Shape(NamedTuple):
    ends: np.ndarray  # where each line ends (its newline, or the end of the text)
    longest: int  # the longest line's length in bytes
    separators: np.ndarray | None  # (lines, fields): where each field ends, if every line has as many commas


def _shape(raw: bytes, ends_with_newline: bool) -> _Shape:
    """The lines of a text with no quotes, and where each field ends if every line has as many commas."""
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    if not ends_with_newline:
        ends = np.append(ends, data.size)
    longest = int(np.diff(ends, prepend=-1).max()) - 1
    commas = np.flatnonzero(data == ord(","))
    per_line, rest = divmod(commas.size, ends.size)
    if rest:
        return _Shape(ends, longest, None)
    laid = commas.reshape(ends.size, per_line)
    if per_line:  # the commas in order, per_line to a line: each line holds its own if its first
        # comes after the line before ends and its last before it ends
        if not ((laid[1:, 0] > ends[:-1]).all() and (laid[:, -1] < ends).all()):
            return _Shape(ends, longest, None)
    return _Shape(ends, longest, np.concatenate([laid, ends[:, None]], axis=1))


def _days(cells: list[str] | ByteCells) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01, is not a date) per row; each distinct text parsed once."""
    if isinstance(cells, ByteCells):
        return _byte_days(cells)
    return _text_days(cells)


def _byte_days(cells: ByteCells) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_days` with the ``YYYY-MM-DD`` cells found by their keys, the others read as text."""
    keys, fixed = iso_day_keys(cells)
    days = np.zeros(len(cells), dtype=np.int64)
    bad = np.zeros(len(cells), dtype=bool)
    if fixed.any():
        distinct, codes = distinct_codes(keys[fixed])
        parsed = [_day(iso_text(key)) for key in distinct.tolist()]
        days[fixed] = np.array([0 if d is None else d for d in parsed], dtype=np.int64)[codes]
        bad[fixed] = np.array([d is None for d in parsed], dtype=bool)[codes]
    if not fixed.all():
        others = np.flatnonzero(~fixed)
        days[others], bad[others] = _text_days(cells.texts(others))
    return days, bad


def _text_days(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    distinct = {text: i for i, text in enumerate(dict.fromkeys(texts))}
    parsed = np.zeros(len(distinct), dtype=np.int64)
    bad = np.zeros(len(distinct), dtype=bool)
    for text, i in distinct.items():
        day = _day(text)
        if day is None:
            bad[i] = True
        else:
            parsed[i] = day
    codes = np.fromiter(map(distinct.__getitem__, texts), dtype=np.intp, count=len(texts))
    return parsed[codes], bad[codes]


def _day(text: str) -> int | None:
    """Days since 1970-01-01 of a date text, as :func:`parse_date` reads it; None if it is not a date."""
    stripped = text.strip()
    if _ISO_DAY.fullmatch(stripped):  # what %Y-%m-%d reads, when it is a valid date
        try:
            return dt.date.fromisoformat(stripped).toordinal() - _EPOCH
        except ValueError:
            pass
    try:
        return parse_date(text).toordinal() - _EPOCH
    except ValueError:
        return None


def _date_problems(texts: list[str] | ByteCells, rows: np.ndarray, column: str, problems: _Problems) -> None:
    """Each row whose text is not a date, with :func:`parse_date`'s reason (worked out once a text)."""
    reasons: dict[str, str] = {}
    for row in rows.tolist():
        text = texts[row]
        if text not in reasons:
            try:
                parse_date(text)
                reasons[text] = f"'{text}' is a date"  # pragma: no cover - _day said it was not
            except ValueError as exc:
                reasons[text] = str(exc)
        problems.add(row, 0, f"{column}: {reasons[text]}")


def _not_blank(records: _Records, bad_day: np.ndarray, dates: list[str] | ByteCells) -> np.ndarray:
    """Rows with something in them: a blank row has a blank date, so only those are looked at."""
    keep = np.ones(len(records), dtype=bool)
    for row in np.flatnonzero(bad_day).tolist():
        if not dates[row].strip() and not any(cell.strip() for cell in records.record(row)):
            keep[row] = False
    return keep


def _values(cells: list[str] | ByteCells, column: str, problems: _Problems) -> np.ndarray:
    """The number in each cell: ``float`` for most, the careful reading for the cells it refuses.

    Cells kept on their bytes are read by :func:`numbers` where they are plain decimals, and as
    text (below) where they are not."""
    if not isinstance(cells, ByteCells):
        return _text_values(cells, column, problems, None)
    values, read = numbers(cells)
    if not read.all():
        others = np.flatnonzero(~read)
        values[others] = _text_values(cells.texts(others), column, problems, others.tolist())
    return values


def _text_values(texts: list[str], column: str, problems: _Problems, rows: list[int] | None) -> np.ndarray:
    """The number in each text (of ``rows``, default every row): ``float``, else the careful reading."""
    numbers: list[float] = []
    append = numbers.append
    for text in texts:
        try:
            append(float(text))
        except ValueError:
            append(math.nan)
    values = np.array(numbers, dtype=np.float64)
    for i in np.flatnonzero(~np.isfinite(values)).tolist():  # refused, or inf, nan, -nan as written
        values[i] = _value_cell(texts[i], i if rows is None else rows[i], column, problems)
    return values


def _value_cell(text: str, row: int, column: str, problems: _Problems) -> float:
    """The number in a cell; NaN for a gap (blank, NA, NaN, NULL) and for a bad cell, which is reported."""
    raw = text.strip()
    if raw == "" or raw.upper() in _GAPS:
        return math.nan
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        value = math.inf
    if not math.isfinite(value):
        problems.add(row, 1, f"{column}: '{raw}' is not a number; leave it blank for a gap")
        return math.nan
    return value


def _series(cells: list[str] | ByteCells) -> tuple[np.ndarray, list[str]]:
    """(each row's series number, the names): a name is stripped, and each distinct text looked at once.

    Cells kept on their bytes are read as text only where they differ from the row before's."""
    if not isinstance(cells, ByteCells):
        return _text_series(cells)
    heads = run_heads(cells)
    if heads is None:
        return _text_series(cells.texts())
    codes, names = _text_series(cells.texts(heads))
    return np.repeat(codes, np.diff(heads, append=len(cells))), names


def _text_series(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    distinct = {text: i for i, text in enumerate(dict.fromkeys(texts))}
    names: dict[str, int] = {}
    number = np.array([names.setdefault(text.strip(), len(names)) for text in distinct], dtype=np.intp)
    codes = np.fromiter(map(distinct.__getitem__, texts), dtype=np.intp, count=len(texts))
    return number[codes], list(names)


def _duplicates(
    series: np.ndarray, names: list[str], days: np.ndarray, keep: np.ndarray, wanted: Wanted, problems: _Problems
) -> None:
    """Each row whose series already has its date, naming the last row before it with that date."""
    rows = np.flatnonzero(keep)
    if not rows.size:
        return
    day = days[rows]
    keys = series[rows].astype(np.int64) * (int(day.max() - day.min()) + 1) + (day - day.min())
    order = np.argsort(keys, kind="stable")
    again = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    for row, before in zip(rows[order[again + 1]].tolist(), rows[order[again]].tolist(), strict=True):
        where = f"series '{names[series[row]]}' " if wanted.series else ""
        when = dt.date.fromordinal(int(days[row]) + _EPOCH)
        problems.add(
            row,
            2,
            f"{wanted.date}: {where}{when} is already on row {before + 2}; each series has one value per date",
        )
