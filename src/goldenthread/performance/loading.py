"""Load performance data files into a plan's observations: every row checked, all or nothing.

A data file is a table in long format, CSV or Excel (.xlsx): one row per metric, org unit,
breakdown and period, with the columns described in docs/data-files.md. Loading is in two steps
that never mix:

1. **Check** every row against the plan — metric and org unit known, period aligned with the
   metric's frequency, numbers that make sense for the metric's unit, no key twice — and report
   *every* problem as ``FILE:ROW: column: message``. One bad row and nothing is written, so a
   file is either in the database as a whole or not at all; people fix the file and load it
   again rather than chase half a load.
2. **Write** in one transaction. Observations are never overwritten: a new value for a key
   supersedes the current row (``superseded_at`` set) and is inserted beside it, so every
   revision stays and "what did we report last month?" has an answer. A row identical to the
   current one changes nothing, so loading the same file twice writes nothing at all — not even
   a load batch.

Everything is set-based: the plan's metrics and units are read once, the current observations a
file could revise are read with one query per metric, and rows are checked as columns (NumPy and
pandas), not one at a time: a million rows are checked in seconds (bench/load.py). pandas is
imported inside the functions that use it, so importing this module stays cheap.

Spreadsheet formulas are never evaluated: Excel cells are read as they are stored (a formula
cell gives its formula text) and CSV cells are text; a text field such as ``source`` that starts
with ``=``, ``+``, ``-`` or ``@`` is stored as that text.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from goldenthread.planfile.periods import Period, PeriodError, parse_period

if TYPE_CHECKING:
    from goldenthread.performance.models import LoadBatch
    from goldenthread.plans.models import Plan

#: the fields a data file's columns can give, besides ``breakdown.<dimension>``
FIELDS = ("metric", "org_unit", "period", "value", "numerator", "denominator", "status", "source")
NUMBER_FIELDS = ("value", "numerator", "denominator")
BREAKDOWN = "breakdown."
STATUSES = ("provisional", "final")
#: problems listed in full; beyond this only their number is given
MAX_PROBLEMS = 1000
#: rows per INSERT batch (Django splits further where the database needs it)
BATCH_SIZE = 5000
#: ids per ``pk IN (...)`` query: under SQLite's oldest limit on query parameters
ID_CHUNK = 900

# what the Observation columns hold: DecimalField(max_digits=24, decimal_places=8), CharField(500)
_PLACES = Decimal("0.00000001")
_LIMIT = 1e16
_MAX_TEXT = 500
_MAX_CODE = 64
#: a ratio's value may differ from numerator / denominator by the rounding of a percentage
#: printed to one decimal place (87.6% for 0.87614)
_RATIO_TOLERANCE = 0.0005 + 1e-12

#: days since 1970-01-01: how periods are compared and keyed as numbers
_EPOCH = date(1970, 1, 1)
_NO_DAY = np.iinfo(np.int64).min

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_FORMULA_START = ("=", "+", "-", "@")


# --- problems ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where it is and what to do: ``FILE:ROW: column: message``.

    ROW is the line of the file counting the header as line 1 (CSV), or the Excel row number.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


class MappingError(ValueError):
    """A ``--map COLUMN=FIELD`` that names no field; the message says which fields there are."""


Message = str | Callable[[int], str]


class _Problems:
    """Problems found column by column, listed row by row.

    Checks run over whole columns and record *which* rows fail with a message to build for each;
    only the first :data:`MAX_PROBLEMS` messages (in row order) are ever built, so a file with a
    million bad rows costs no more to report than one with a thousand.
    """

    def __init__(self, file: str, lines: np.ndarray):
        self.file = file
        self.lines = lines
        self.fixed: list[Problem] = []
        self.found: list[tuple[np.ndarray, str, Message]] = []

    def at_line(self, line: int, column: str, message: str) -> None:
        self.fixed.append(Problem(self.file, line, column, message))

    def add(self, where: np.ndarray, column: str, message: Message) -> None:
        """Record ``message`` for the rows where the boolean mask ``where`` is true."""
        positions = np.flatnonzero(where)
        if positions.size:
            self.found.append((positions, column, message))

    def __bool__(self) -> bool:
        return bool(self.fixed or self.found)

    @property
    def total(self) -> int:
        return len(self.fixed) + sum(p.size for p, _, _ in self.found)

    def bad_rows(self) -> int:
        rows = {p.row for p in self.fixed}
        if self.found:
            rows.update(self.lines[np.unique(np.concatenate([p for p, _, _ in self.found]))].tolist())
        return len(rows)

    def listing(self, limit: int = MAX_PROBLEMS) -> list[Problem]:
        lines = [np.array([p.row for p in self.fixed], dtype=np.int64)]
        order = [np.arange(len(self.fixed), dtype=np.int64)]
        which = [np.full(len(self.fixed), -1, dtype=np.int64)]
        where = [np.zeros(len(self.fixed), dtype=np.int64)]
        for k, (positions, _, _) in enumerate(self.found):
            lines.append(self.lines[positions])
            order.append(np.full(positions.size, len(self.fixed) + k, dtype=np.int64))
            which.append(np.full(positions.size, k, dtype=np.int64))
            where.append(positions)
        line, seq, check, pos = (np.concatenate(a) for a in (lines, order, which, where))
        first = np.lexsort((seq, line))[:limit]
        out = []
        for i in first:
            if check[i] < 0:
                out.append(self.fixed[int(seq[i])])
                continue
            _, column, message = self.found[int(check[i])]
            text = message(int(pos[i])) if callable(message) else message
            out.append(Problem(self.file, int(line[i]), column, text))
        return out


# --- reading files ----------------------------------------------------------------------------


@dataclass
class Table:
    """A data file as read: the header, each column's cells as text, and each row's line."""

    name: str
    columns: list[str]
    cells: list[np.ndarray]  # column-major: cells[j][i] is row i's text in column j (object arrays)
    lines: list[int] | np.ndarray
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.lines)


def read_table(source: str | Path | bytes | BinaryIO, name: str | None = None) -> Table:
    """Read a CSV or Excel (.xlsx) file into text cells, keeping each row's line or row number.

    Excel cells are read as stored, never calculated: a formula cell gives its formula, which then
    fails the number check if it sits in a number column. Raises OSError when the file cannot be
    opened; everything wrong *inside* the file is reported as problems of the table.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        content = Path(source).read_bytes()
    elif isinstance(source, (bytes, bytearray)):
        content = bytes(source)
    else:
        content = source.read()
    name = name or "data"
    suffix = Path(name).suffix.lower()
    if content.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(content, name)
    elif suffix in (".xls", ".ods", ".numbers"):
        table = Table(
            name,
            [],
            [],
            [],
            problems=[
                Problem(
                    name,
                    1,
                    "file",
                    f"is a {suffix} spreadsheet, which goldenthread does not read; save it as an Excel "
                    "workbook (.xlsx) or as CSV UTF-8 (.csv) and load that",
                )
            ],
        )
    else:
        table = _read_csv(content, name)
    table.sha256 = hashlib.sha256(content).hexdigest()
    return table


def _decode(content: bytes) -> tuple[str, str | None]:
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        # "CSV (Comma delimited)" from Excel on Windows is Windows-1252, not UTF-8
        return content.decode("cp1252", errors="replace"), "not UTF-8: read as Windows-1252 text"


def _read_csv(content: bytes, name: str) -> Table:
    if b"\x00" in content[:4096]:
        return Table(
            name,
            [],
            [],
            [],
            problems=[
                Problem(name, 1, "file", "is not a text file; give a CSV file (.csv) or an Excel workbook (.xlsx)")
            ],
        )
    text, note = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = "," if "," in first or ("\t" not in first and ";" not in first) else ("\t" if "\t" in first else ";")
    table = _read_csv_fast(text, delimiter, name) or _read_csv_exact(text, delimiter, name)
    if note:
        table.notes.append(note)
    if delimiter != ",":
        table.notes.append(f"columns separated by {'tabs' if delimiter == chr(9) else 'semicolons'}")
    return table


def _read_csv_fast(text: str, delimiter: str, name: str) -> Table | None:
    """pandas' C parser, for the common file: a header on line 1 and one line per row.

    Row numbers are then line numbers without counting; anything irregular (a line with too many
    values, a value spanning lines, an unnamed or repeated column) returns None for
    :func:`_read_csv_exact`, which reads line by line and reports exactly where.
    """
    import pandas as pd

    first = text.split("\n", 1)[0]
    if not first.strip():
        return None
    header = [c.strip() for c in next(csv.reader([first.rstrip("\r")], delimiter=delimiter))]
    if not all(header) or len(set(header)) != len(header):
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error):
        return None
    lines_in_text = text.count("\n") + (0 if text.endswith("\n") else 1)
    if frame.shape[1] != len(header) or lines_in_text != len(frame) + 1 or ("\r" in text and "\n" not in text):
        return None
    cells = [frame.iloc[:, j].str.strip().to_numpy(dtype=object) for j in range(len(header))]
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    blank = np.ones(len(frame), dtype=bool)
    for column in cells:
        blank &= column == ""
    if blank.any():
        keep = ~blank
        cells = [column[keep] for column in cells]
        lines = lines[keep]
    return Table(name, header, cells, lines)


def _read_csv_exact(text: str, delimiter: str, name: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table(name, [], [], [])
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    last = 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            if header is None:
                header = cells
                while header and not header[-1]:
                    header.pop()
                table.header_line = line
                continue
            if len(cells) > len(header):
                if any(cells[len(header) :]):
                    table.problems.append(
                        Problem(
                            name,
                            line,
                            "row",
                            f"has {len(cells)} values but the header (line {table.header_line}) names "
                            f"{len(header)} columns; check for an extra separator, or quote values "
                            "that contain one",
                        )
                    )
                    continue
                cells = cells[: len(header)]
            elif len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            rows.append(cells)
            lines.append(line)
    except csv.Error as exc:
        table.problems.append(Problem(name, last + 1, "row", f"cannot be read as CSV ({exc}); check its quotes"))
    if header is None:
        table.problems.append(
            Problem(
                name, 1, "file", "is empty; the first line must name the columns, e.g. metric,org_unit,period,value"
            )
        )
        return table
    table.columns = header
    table.cells = _columns(rows, len(header))
    table.lines = np.asarray(lines, dtype=np.int64)
    return table


def _columns(rows: list[list[str]], width: int) -> list[np.ndarray]:
    if not rows:
        return [np.array([], dtype=object) for _ in range(width)]
    return [np.array(column, dtype=object) for column in zip(*rows)]


def _cell_text(value: object) -> str:
    """An Excel cell as text, as a person reads it: 12 not 12.0, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(content: bytes, name: str) -> Table:
    from openpyxl import load_workbook

    table = Table(name, [], [], [])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        table.problems.append(
            Problem(
                name,
                1,
                "file",
                f"cannot be read as an Excel workbook ({exc}); save it again from Excel as .xlsx, or as CSV UTF-8",
            )
        )
        return table
    try:
        sheet = book.worksheets[0]
        if len(book.worksheets) > 1:
            table.notes.append(
                f"read the first sheet, '{sheet.title}'; the other {len(book.worksheets) - 1} sheet(s) were not read"
            )
        rows: list[list[str]] = []
        header: list[str] | None = None
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            if header is None:
                header = cells
                while header and not header[-1]:
                    header.pop()
                table.header_line = number
                continue
            if len(cells) > len(header):
                extra = [i for i in range(len(header), len(cells)) if cells[i]]
                if extra:
                    table.problems.append(
                        Problem(
                            name,
                            number,
                            "row",
                            f"has a value in column {_excel_column(extra[0])} but the header (row "
                            f"{table.header_line}) names no column there; name the column or clear "
                            "the cell",
                        )
                    )
                    continue
                cells = cells[: len(header)]
            elif len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            rows.append(cells)
            table.lines.append(number)
    finally:
        book.close()
    if header is None:
        table.problems.append(
            Problem(
                name,
                1,
                "file",
                "has no rows; the first row must name the columns, e.g. metric, org_unit, period, value",
            )
        )
        return table
    table.columns = header
    table.cells = _columns(rows, len(header))
    table.lines = np.asarray(table.lines, dtype=np.int64)
    return table


def _excel_column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- columns ------------------------------------------------------------------------------------


def field_name(text: str) -> str | None:
    """The field a column name or --map target means: ``Org unit`` → org_unit, or None."""
    raw = text.strip()
    low = re.sub(r"[\s-]+", "_", raw.lower())
    if low in FIELDS:
        return low
    if raw.lower().startswith(BREAKDOWN):
        return BREAKDOWN + raw[len(BREAKDOWN) :].strip()
    return None


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["org_code=org_unit", "type=breakdown.department_type"]`` → {file column: field}."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise MappingError(f"--map {item}: write it as COLUMN=FIELD, e.g. --map org_code=org_unit")
        name = field_name(target)
        if name is None or name == BREAKDOWN:
            raise MappingError(
                f"--map {item}: '{target}' is not a field; use one of {', '.join(FIELDS)}, or "
                "breakdown.<dimension> (e.g. breakdown.department_type)"
            )
        if column in mapping:
            raise MappingError(f"--map {item}: column '{column}' is already mapped to {mapping[column]}")
        mapping[column] = name
    return mapping


# --- the report ---------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What a load found and did: counts, problems (capped), notes, and the batch it wrote."""

    file_name: str
    plan: str
    rows_read: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    units_added: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    bad_rows: int = 0
    notes: list[str] = field(default_factory=list)
    batch: LoadBatch | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised or self.units_added)

    @property
    def more_problems(self) -> int:
        """Problems found beyond those listed."""
        return self.problem_count - len(self.problems)

    def problem_lines(self) -> list[str]:
        lines = [str(p) for p in self.problems]
        if self.more_problems:
            lines.append(f"{self.file_name}: … and {self.more_problems:,} more problem(s) not listed")
        return lines

    def __str__(self) -> str:
        if not self.ok:
            return (
                f"{self.file_name}: {self.problem_count:,} problem(s) in {self.bad_rows:,} row(s); nothing was "
                "loaded. Correct the file and load it again."
            )
        units = f"; {len(self.units_added):,} org unit(s) added" if self.units_added else ""
        if self.dry_run:
            return (
                f"{self.file_name}: no problems — {self.rows_read:,} rows would give {self.created:,} new, "
                f"{self.revised:,} revised, {self.unchanged:,} unchanged{units} (dry run: nothing written)"
            )
        if not self.changed:
            return (
                f"{self.file_name}: unchanged — {self.rows_read:,} rows, all identical to the data held for "
                f"plan {self.plan}; nothing written"
            )
        batch = f" (batch {self.batch.pk})" if self.batch is not None else ""
        return (
            f"{self.file_name}: loaded into plan {self.plan}{batch} — {self.rows_read:,} rows: {self.created:,} "
            f"new, {self.revised:,} revised, {self.unchanged:,} unchanged{units}"
        )


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


# --- loading ------------------------------------------------------------------------------------


def load_file(
    path: str | Path | bytes | BinaryIO, plan: Plan | str, *, name: str | None = None, **options
) -> LoadReport:
    """Read a CSV or .xlsx file and load it into ``plan``; see :func:`load_table` for ``options``."""
    return load_table(read_table(path, name), plan, **options)


def load_table(
    table: Table,
    plan: Plan | str,
    *,
    metric: str | None = None,
    mapping: dict[str, str] | None = None,
    add_units: str | None = None,
    source: str = "",
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_problems: int = MAX_PROBLEMS,
) -> LoadReport:
    """Check every row of ``table`` against ``plan`` and, when none has a problem, load it.

    ``metric`` gives the metric of every row (for files without a metric column); ``mapping``
    renames file columns to fields ({"org_code": "org_unit"}); ``add_units`` is the kind of the
    org units to create for codes the plan does not have (otherwise they are problems);
    ``source`` is the source of rows that give none. Nothing is written when any row has a
    problem, nor with ``dry_run``, nor when every row equals the data held.
    """
    from goldenthread.plans.models import OrgUnit, Plan

    if isinstance(plan, str):
        plan = Plan.objects.get(code=plan)
    if add_units is not None and add_units not in OrgUnit.Kind.values:
        raise ValueError(f"'{add_units}' is not a kind of org unit; use one of {', '.join(OrgUnit.Kind.values)}")
    progress = progress or _no_progress
    report = LoadReport(table.name, plan.code, rows_read=len(table), notes=list(table.notes), dry_run=dry_run)
    problems = _Problems(table.name, np.asarray(table.lines, dtype=np.int64))
    problems.fixed.extend(table.problems)
    report.rows_read += sum(1 for p in table.problems if p.column == "row")
    progress("Checking", 0, len(table))
    rows = None
    if table.columns and not len(table) and not table.problems:
        problems.at_line(table.header_line, "file", "has a header but no rows of data; there is nothing to load")
    elif table.columns:
        fields = _map_columns(table, metric, mapping or {}, problems, report)
        if fields is not None:
            rows = _check_rows(table, fields, plan, metric, add_units, source, problems)
    progress("Checking", len(table), len(table))
    if problems or rows is None:
        report.problem_count = problems.total
        report.bad_rows = problems.bad_rows()
        report.problems = problems.listing(max_problems)
        return report
    from django.db import IntegrityError

    try:
        return _write(
            rows, plan, table, report, add_units=add_units, source=source, user=user, dry_run=dry_run, progress=progress
        )
    except IntegrityError:
        # another load wrote one of these keys (or org units) between our reading and writing;
        # the transaction rolled back, so nothing of this load was written
        report.created = report.revised = report.unchanged = 0
        report.units_added = []
        report.problems = [
            Problem(
                table.name,
                table.header_line,
                "file",
                "another load changed the same observations while this one ran, so nothing was "
                "loaded; load the file again",
            )
        ]
        report.problem_count = report.bad_rows = 1
        return report


def _q(text: str) -> str:
    return "'" + (text if len(text) <= 60 else text[:57] + "...") + "'"


def _map_columns(
    table: Table, metric: str | None, mapping: dict[str, str], problems: _Problems, report: LoadReport
) -> dict[str, int] | None:
    """field → column index; header problems (row 1) when the columns cannot make observations."""
    line = table.header_line
    columns = table.columns
    index: dict[str, int] = {}
    for j, column in enumerate(columns):
        index.setdefault(column, j)
    folded = {c.lower(): c for c in columns}
    mapping = {folded.get(c.lower(), c) if c not in index else c: f for c, f in mapping.items()}
    for column, target in mapping.items():
        if column not in index:
            problems.at_line(
                line,
                column,
                f"--map {column}={target} names a column the file does not have; its columns are {', '.join(columns)}",
            )
    fields: dict[str, int] = {}
    ignored: list[str] = []
    seen: dict[str, int] = {}
    for j, column in enumerate(columns):
        if column in seen:
            problems.at_line(
                line,
                column or f"column {j + 1}",
                f"appears twice in the header (columns {seen[column] + 1} and {j + 1}); name each column once",
            )
            continue
        seen[column] = j
        target = mapping.get(column) or field_name(column)
        if target is None:
            ignored.append(column or f"(unnamed column {j + 1})")
            continue
        if target.startswith(BREAKDOWN):
            dimension = target[len(BREAKDOWN) :]
            if not dimension or "=" in dimension or ";" in dimension:
                problems.at_line(
                    line,
                    column,
                    "a breakdown column is named breakdown.<dimension>, where the dimension "
                    "is a name without '=' or ';', e.g. breakdown.department_type",
                )
                continue
        if target in fields:
            problems.at_line(
                line,
                target,
                f"two columns give {target}: '{columns[fields[target]]}' and '{column}'; "
                "keep one, or map the other elsewhere with --map",
            )
            continue
        fields[target] = j
    if metric and "metric" in fields:
        problems.at_line(
            line, "metric", f"the file has a metric column and --metric {metric} was given; use one or the other"
        )
    missing = [f for f in ("metric", "org_unit", "period") if f not in fields and not (f == "metric" and metric)]
    if "value" not in fields and not ("numerator" in fields and "denominator" in fields):
        missing.append("value (or numerator and denominator)")
    if missing:
        names = [m.split(" ")[0] for m in missing]
        metric_hint = " (or give the metric of every row with --metric CODE)" if "metric" in names else ""
        problems.at_line(
            line,
            ", ".join(names),
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the file's columns are "
            f"{', '.join(columns) or '(none)'}. Name the columns so in the header, or map the file's own names to "
            f"fields with --map, e.g. --map {_map_example(ignored, names)}{metric_hint}",
        )
    if ignored:
        report.notes.append(f"column(s) not loaded, as they name no field: {', '.join(ignored)}")
    return None if problems.fixed and any(p.row == line for p in problems.fixed) else fields


def _map_example(columns: list[str], fields: list[str]) -> str:
    """A --map the file probably needs (org_code=org_unit), else the general form."""
    for target in fields:
        stem = target.split("_")[0]
        for column in columns:
            low = column.lower()
            if stem in low or difflib.SequenceMatcher(None, low, target).ratio() >= 0.6:
                return f"{column}={target}"
    return "COLUMN=FIELD"


@dataclass
class _Rows:
    """The checked rows, as columns ready to compare and write."""

    lines: np.ndarray
    metric_id: np.ndarray  # int64
    unit_id: np.ndarray  # int64, -1 for units to add
    unit_code: np.ndarray  # object: codes as written (for units to add)
    breakdown: np.ndarray  # object
    period: np.ndarray  # int64: the first day, as days since 1970-01-01
    value_text: np.ndarray  # object: the numbers as written
    numerator_text: np.ndarray
    denominator_text: np.ndarray
    value: np.ndarray  # float, NaN where empty
    numerator: np.ndarray
    denominator: np.ndarray
    status: np.ndarray  # object
    source: np.ndarray  # object
    new_units: list[str]


def _resolve(codes: Sequence[str], known: dict[str, int]) -> np.ndarray:
    """Each code's index in ``known`` (exact match first, then ignoring case when that is unique)."""
    folded: dict[str, int | None] = {}
    for code, i in known.items():
        key = code.casefold()
        folded[key] = None if key in folded and folded[key] != i else i
    out = np.full(len(codes), -1, dtype=np.int64)
    for k, code in enumerate(codes):
        if code in known:
            out[k] = known[code]
        elif folded.get(code.casefold()) is not None:
            out[k] = folded[code.casefold()]
    return out


def _suggest(code: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(code, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_rows(
    table: Table,
    fields: dict[str, int],
    plan: Plan,
    metric_code: str | None,
    add_units: str | None,
    default_source: str,
    problems: _Problems,
) -> _Rows | None:
    import pandas as pd

    from goldenthread.performance.units import ENGLAND

    n = len(table)
    empty = np.full(n, "", dtype=object)

    def column(name: str) -> np.ndarray:
        j = fields.get(name)
        return np.asarray(table.cells[j], dtype=object) if j is not None and n else empty

    # metrics: read once, looked up per distinct code
    metrics = list(
        plan.metrics.order_by("position").values(
            "pk", "code", "unit", "aggregation", "frequency", "scale_min", "scale_max"
        )
    )
    known_metrics = {x["code"]: i for i, x in enumerate(metrics)}
    metric_codes = ", ".join(x["code"] for x in metrics[:12]) + (", …" if len(metrics) > 12 else "")
    if metric_code:
        found = _resolve([metric_code], known_metrics)[0]
        if found < 0:
            problems.at_line(
                table.header_line,
                "metric",
                f"--metric {metric_code} is not a metric of plan {plan.code}"
                f"{_suggest(metric_code, known_metrics)}; its metrics are {metric_codes or '(none)'}",
            )
            return None
        m_idx = np.full(n, found, dtype=np.int64)
    else:
        text = column("metric")
        codes, uniques = pd.factorize(text)
        m_idx = _resolve(list(uniques), known_metrics)[codes] if n else np.zeros(0, dtype=np.int64)
        problems.add(text == "", "metric", f"is empty; give the code of a metric of plan {plan.code}")
        problems.add(
            (m_idx < 0) & (text != ""),
            "metric",
            lambda i: (
                f"{_q(text[i])} is not a metric of plan {plan.code}{_suggest(text[i], known_metrics)}; "
                f"its metrics are {metric_codes}"
            ),
        )

    def per_metric(key: str, missing: object = None) -> np.ndarray:
        values = np.array([x[key] for x in metrics] + [missing], dtype=object)
        return values[m_idx]

    unit_kind = per_metric("unit", "")
    frequency = per_metric("frequency", "")
    metric_label = per_metric("code", "")
    scale_min = np.array([float(x["scale_min"]) if x["scale_min"] is not None else np.nan for x in metrics] + [np.nan])[
        m_idx
    ]
    scale_max = np.array([float(x["scale_max"]) if x["scale_max"] is not None else np.nan for x in metrics] + [np.nan])[
        m_idx
    ]
    metric_id = np.array([x["pk"] for x in metrics] + [-1], dtype=np.int64)[m_idx]

    # org units: read once, looked up per distinct code
    units = list(plan.org_units.values_list("pk", "code"))
    known_units = {code: i for i, (_, code) in enumerate(units)}
    unit_text = column("org_unit")
    codes, uniques = pd.factorize(unit_text)
    u_idx = _resolve(list(uniques), known_units)[codes] if n else np.zeros(0, dtype=np.int64)
    unit_id = np.array([pk for pk, _ in units] + [-1], dtype=np.int64)[u_idx]
    unknown = (u_idx < 0) & (unit_text != "")
    problems.add(unit_text == "", "org_unit", f"is empty; give the code of an org unit of plan {plan.code}")
    new_units: list[str] = []
    england = unknown & np.fromiter((c.casefold() == ENGLAND for c in unit_text), dtype=bool, count=n)
    if england.any():  # the whole plan's unit, created on demand like any load's
        new_units.append(str(unit_text[np.flatnonzero(england)[0]]))
        unit_text = unit_text.copy()
        unit_text[england] = new_units[0]
        unknown &= ~england
    if add_units is None:
        problems.add(
            unknown,
            "org_unit",
            lambda i: (
                f"{_q(unit_text[i])} is not an org unit of plan {plan.code}"
                f"{_suggest(unit_text[i], known_units)}; add it to the plan file, or load with "
                "--add-units KIND (e.g. --add-units provider) to create the units missing from the plan"
            ),
        )
    else:
        too_long = unknown & (np.fromiter((len(c) for c in unit_text), dtype=np.int64, count=n) > _MAX_CODE)
        problems.add(too_long, "org_unit", f"is longer than {_MAX_CODE} characters, too long for an org unit code")
        new_units += sorted(set(unit_text[unknown & ~too_long].tolist()))

    # periods: parsed once per distinct text, checked once per distinct text and frequency
    period_text = column("period")
    p_codes, p_uniques = pd.factorize(period_text)
    parsed: list[Period | str] = [_parse_period(t) for t in p_uniques]
    problems.add(
        period_text == "",
        "period",
        "is empty; give the period's first day (2017-01-01) or its name (2017-01, 2016/17 Q4, 2016/17)",
    )
    period = np.full(n, _NO_DAY, dtype=np.int64)
    if n:
        freq_codes, freq_uniques = pd.factorize(frequency.astype(str))
        pair = p_codes.astype(np.int64) * (len(freq_uniques) + 1) + freq_codes
        pairs, first = np.unique(pair, return_index=True)
        starts = np.full(pairs.size, _NO_DAY, dtype=np.int64)
        errors: dict[int, str] = {}
        for k, i in enumerate(first):
            if p_uniques[p_codes[i]] == "":
                continue
            result = parsed[p_codes[i]]
            if isinstance(result, str):
                errors[k] = result
                continue
            message = _misaligned(p_uniques[p_codes[i]], result, frequency[i], metric_label[i])
            if message:
                errors[k] = message
            else:
                starts[k] = _days(result.start)
        slot = np.searchsorted(pairs, pair)
        period = starts[slot]
        if errors:
            bad = np.zeros(pairs.size, dtype=bool)
            bad[list(errors)] = True
            problems.add(bad[slot], "period", lambda i: errors[int(slot[i])])

    # numbers: checked as columns
    texts = {f: column(f) for f in NUMBER_FIELDS}
    present = {f: texts[f] != "" for f in NUMBER_FIELDS}
    floats: dict[str, np.ndarray] = {}
    for f in NUMBER_FIELDS:
        if f not in fields:
            floats[f] = np.full(n, np.nan)
            continue
        values = pd.to_numeric(pd.Series(texts[f], dtype=object), errors="coerce").to_numpy(dtype=float, copy=True)
        ok = np.isfinite(values)
        problems.add(present[f] & ~ok, f, lambda i, t=texts[f]: _not_a_number(t[i]))
        huge = ok & ~(np.abs(values) < _LIMIT)
        problems.add(
            huge,
            f,
            lambda i, t=texts[f]: f"{_q(t[i])} is too large to store (at most 16 digits before the decimal point)",
        )
        values[~ok | huge] = np.nan
        floats[f] = values
    v, num, den = floats["value"], floats["numerator"], floats["denominator"]
    has_v, has_n, has_d = present["value"], present["numerator"], present["denominator"]
    problems.add(
        ~has_v & ~has_n & ~has_d,
        "value" if "value" in fields else "numerator",
        "is empty; give a value, or a numerator and a denominator",
    )
    problems.add(has_n & ~has_d, "denominator", "is empty; a numerator needs its denominator")
    problems.add(has_d & ~has_n, "numerator", "is empty; a denominator needs its numerator")
    problems.add(
        den == 0,
        "denominator",
        "is 0; a value over nothing is undefined, so leave the row out (or give the value alone if the metric has one)",
    )

    count = unit_kind == "count"
    percentage = unit_kind == "percentage"
    proportion_or_count = count | percentage
    for f, values in (("value", v), ("numerator", num), ("denominator", den)):
        kind_check = count if f == "value" else proportion_or_count
        problems.add(
            kind_check & (values < 0),
            f,
            lambda i, f=f, t=texts[f]: (
                f"{_q(t[i])} is negative; metric {metric_label[i]} "
                f"{'is a count' if count[i] else 'is a percentage'}, so its "
                f"{'value' if f == 'value' else f + 's'} cannot be below 0"
            ),
        )
    off_scale = percentage & ((v < 0) | (v > 1))
    problems.add(
        off_scale,
        "value",
        lambda i: (
            f"{_q(texts['value'][i])} is outside 0 to 1; metric {metric_label[i]} is a percentage, "
            f"held as a fraction (95% is 0.95)"
        ),
    )
    problems.add(
        percentage & (num > den) & (den > 0),
        "numerator",
        lambda i: (
            f"{_q(texts['numerator'][i])} is above the denominator {texts['denominator'][i]}; metric "
            f"{metric_label[i]} is a percentage, so the numerator counts part of the denominator"
        ),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(den > 0, num / den, np.nan)
    mismatch = percentage & (np.abs(v - ratio) > _RATIO_TOLERANCE) & (num <= den)
    problems.add(
        mismatch,
        "value",
        lambda i: (
            f"{_q(texts['value'][i])} does not match numerator / denominator ({ratio[i]:.6g}); leave "
            "the value empty to have it worked out, or correct it"
        ),
    )
    outside = ~off_scale & ((v < scale_min) | (v > scale_max))
    problems.add(
        outside,
        "value",
        lambda i: (
            f"{_q(texts['value'][i])} is outside the scale of metric {metric_label[i]} "
            f"({_scale(scale_min[i], scale_max[i])})"
        ),
    )

    # status, source, breakdown
    status_text = column("status")
    status = np.array([s.lower() for s in status_text], dtype=object) if "status" in fields else empty
    problems.add(
        ~np.isin(status, ("", *STATUSES)),
        "status",
        lambda i: f"{_q(status_text[i])} is not a status; use provisional or final (empty means final)",
    )
    status = np.where(status == "", "final", status)
    source = column("source") if "source" in fields else empty
    source = np.where(source == "", default_source, source).astype(object)
    lengths = np.fromiter((len(s) for s in source), dtype=np.int64, count=n)
    problems.add(lengths > _MAX_TEXT, "source", lambda i: f"is {lengths[i]:,} characters long; at most {_MAX_TEXT}")
    breakdown = _breakdowns(table, fields, n, problems)

    # the same key twice in one file
    keyed = (metric_id >= 0) & (period != _NO_DAY) & (unit_text != "") & ((unit_id >= 0) | bool(new_units))
    if n and keyed.any():
        unit_key = np.where(unit_id >= 0, unit_id.astype(str), np.char.add("+", unit_text.astype(str)))
        frame = pd.DataFrame({"m": metric_id, "u": unit_key, "b": breakdown, "p": period, "line": problems.lines})[
            keyed
        ]
        duplicate = frame.duplicated(["m", "u", "b", "p"], keep="first")
        if duplicate.any():
            first_line = frame.groupby(["m", "u", "b", "p"], sort=False)["line"].transform("first")
            mask = np.zeros(n, dtype=bool)
            mask[np.flatnonzero(keyed)[duplicate.to_numpy()]] = True
            first_of = np.zeros(n, dtype=np.int64)
            first_of[np.flatnonzero(keyed)] = first_line.to_numpy()
            problems.add(
                mask,
                "period",
                lambda i: (
                    f"row {first_of[i]} has the same metric, org unit, breakdown and period; a key "
                    "appears once in a file, so keep one of the two rows"
                ),
            )
    if problems:
        return None
    return _Rows(
        problems.lines,
        metric_id,
        unit_id,
        unit_text,
        breakdown,
        period,
        texts["value"],
        texts["numerator"],
        texts["denominator"],
        v,
        num,
        den,
        status,
        source,
        new_units,
    )


def _parse_period(text: str) -> Period | str:
    """A period, or the message saying why ``text`` is not one. Accepts 31/01/2017 (day first)."""
    if not text:
        return "is empty"
    if match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            start = date(year, month, day)
        except ValueError as exc:
            return f"{_q(text)} is not a real date ({exc})"
        return Period(start, start, start.isoformat(), "day")
    try:
        return parse_period(text)
    except PeriodError as exc:
        return str(exc)


_PRECISION_NAMES = {
    "day": "date",
    "month": "month",
    "quarter": "quarter",
    "year": "financial year",
    "calendar_year": "calendar year",
}


def _misaligned(text: str, period: Period, frequency: str, metric: str) -> str | None:
    """Why a period does not start a period of the metric's frequency, or None when it does."""
    start, kind = period.start, period.precision
    named = f"{_q(text)} is a {_PRECISION_NAMES.get(kind, kind)}"
    if frequency == "monthly":
        if kind == "month" or (kind == "day" and start.day == 1):
            return None
        if kind == "day":
            return (
                f"{_q(text)} is not the first day of a month; metric {metric} is monthly, so give the month as "
                f"{start:%Y-%m} or {start:%Y-%m}-01"
            )
        return f"{named}; metric {metric} is monthly, so give a month, e.g. {start:%Y-%m}"
    if frequency == "quarterly":
        first_day = start.day == 1 and start.month in (1, 4, 7, 10)
        if kind == "quarter" or (kind == "day" and first_day):
            return None
        if kind == "day":
            return (
                f"{_q(text)} is not the first day of a quarter (1 April, 1 July, 1 October or 1 January); metric "
                f"{metric} is quarterly"
            )
        return f"{named}; metric {metric} is quarterly, so give a quarter, e.g. 2016/17 Q4, or its first day"
    if frequency == "annual":
        if kind == "year" or (kind == "day" and (start.month, start.day) == (4, 1)):
            return None
        if kind == "day":
            return (
                f"{_q(text)} is not 1 April; metric {metric} is annual (financial years), so give the year, e.g. "
                "2016/17, or its first day, e.g. 2016-04-01"
            )
        return f"{named}; metric {metric} is annual, so give a financial year, e.g. 2016/17"
    if frequency == "weekly":
        if kind == "day":
            return None
        return f"{named}; metric {metric} is weekly, so give the date of the first day of the week"
    return None  # ad hoc (or unknown metric): any period, stored by its first day


def _not_a_number(text: str) -> str:
    if _NUMBER.fullmatch(text):
        return f"{_q(text)} is too large to store (at most 16 digits before the decimal point)"
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return f"{_q(text)} looks like a spreadsheet formula, which is never worked out; give the number itself"
    if text.endswith("%"):
        return f"{_q(text)} is not a number; give percentages as fractions, e.g. 0.95 for 95%"
    if "," in text:
        return f"{_q(text)} is not a number; write numbers without thousands separators, e.g. 12345"
    return f"{_q(text)} is not a number"


def _scale(low: float, high: float) -> str:
    def show(x: float) -> str:
        return f"{x:g}"

    if np.isnan(low):
        return f"at most {show(high)}"
    if np.isnan(high):
        return f"at least {show(low)}"
    return f"{show(low)} to {show(high)}"


def _breakdowns(table: Table, fields: dict[str, int], n: int, problems: _Problems) -> np.ndarray:
    """Each row's canonical breakdown: "dim=value;dim2=value", sorted by dimension, blanks left out."""
    out = np.full(n, "", dtype=object)
    dimensions = sorted((f[len(BREAKDOWN) :], j) for f, j in fields.items() if f.startswith(BREAKDOWN))
    for dimension, j in dimensions:
        values = np.asarray(table.cells[j], dtype=object) if n else out
        bad = np.fromiter(("=" in x or ";" in x for x in values), dtype=bool, count=n)
        problems.add(
            bad,
            BREAKDOWN + dimension,
            lambda i, values=values: (
                f"{_q(values[i])} contains '=' or ';', which separate breakdowns; use other characters"
            ),
        )
        piece = np.where(values != "", np.char.add(f"{dimension}=", values.astype(str)), "").astype(object)
        joined = np.where((out != "") & (piece != ""), out + ";" + piece, out + piece)
        out = joined.astype(object)
    if dimensions:
        lengths = np.fromiter((len(b) for b in out), dtype=np.int64, count=n)
        problems.add(
            lengths > _MAX_TEXT,
            "breakdown",
            f"the breakdowns together are longer than {_MAX_TEXT} characters; use shorter values",
        )
    return out


# --- comparing and writing ----------------------------------------------------------------------


def _days(d: date) -> int:
    return (d - _EPOCH).days


def _day(n: int) -> date:
    return _EPOCH + timedelta(days=int(n))


def _stored(
    values: np.ndarray, texts: np.ndarray | None, exact: Callable[[int], Decimal] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers as the database will hold them (8 decimal places): (parameters to write, floats to compare).

    A float is written where it carries the number exactly to 8 places — below 10 million, or a
    whole number below 2**53 — which is nearly always; PostgreSQL's numeric then rounds it
    exactly and SQLite stores it as it does any decimal, as a double. Other numbers are written
    as Decimals worked out from the text, so no digit a file gives is lost on PostgreSQL.
    """
    rounded = np.round(values, 8)
    params = rounded.astype(object)
    params[np.isnan(values)] = None
    safe = np.isnan(values) | (np.abs(values) < 1e7) | ((values == np.floor(values)) & (np.abs(values) < 2.0**53))
    for i in np.flatnonzero(~safe):
        params[i] = exact(int(i)) if exact is not None else Decimal(texts[i]).quantize(_PLACES)
    return params, rounded


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal to 8 decimal places, allowing for the last bits of a double (both NaN: equal)."""
    with np.errstate(invalid="ignore"):
        close = np.abs(a - b) <= 5e-10 + 4.5e-16 * np.abs(a)
    return close | (np.isnan(a) & np.isnan(b))


def _current(metric_id: int, first: int, last: int):
    """The current observations of a metric within a span of days, as a DataFrame, in one query.

    Read with plain SQL so that a million rows come back as numbers — period as days since
    1970, values as doubles — without a Python conversion per value (Django would build a Date
    and a Decimal for each).
    """
    import pandas as pd
    from django.db import connection

    from goldenthread.performance.models import Observation

    columns = ["old_pk", "org_unit_id", "breakdown", "period", "old_v", "old_n", "old_d", "old_status", "old_source"]
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):  # pragma: no cover - the project runs on these two
        rows = Observation.objects.filter(
            metric_id=metric_id, superseded_at=None, period_start__range=(_day(first), _day(last))
        ).values_list(
            "pk", "org_unit_id", "breakdown", "period_start", "value", "numerator", "denominator", "status", "source"
        )
        rows = [
            (r[0], r[1], r[2], _days(r[3]), *(None if x is None else float(x) for x in r[4:7]), r[7], r[8])
            for r in rows
        ]
    else:
        q = connection.ops.quote_name
        if vendor == "sqlite":
            day = f"CAST(julianday(o.{q('period_start')}) - 2440587.5 AS INTEGER)"
            number = "o.{}".format
        else:
            day = f"(o.{q('period_start')} - DATE '1970-01-01')"
            number = "CAST(o.{} AS DOUBLE PRECISION)".format
        sql = (
            f"SELECT o.{q('id')}, o.{q('org_unit_id')}, o.{q('breakdown')}, {day}, {number(q('value'))}, "
            f"{number(q('numerator'))}, {number(q('denominator'))}, o.{q('status')}, o.{q('source')} "
            f"FROM {q(Observation._meta.db_table)} o WHERE o.{q('metric_id')} = %s AND o.{q('superseded_at')} IS NULL "
            f"AND o.{q('period_start')} >= %s AND o.{q('period_start')} <= %s"
        )
        ops = connection.ops
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [metric_id, ops.adapt_datefield_value(_day(first)), ops.adapt_datefield_value(_day(last))]
            )
            rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=columns)
    frame["metric_id"] = metric_id
    return frame.astype(
        {
            "old_pk": np.int64,
            "org_unit_id": np.int64,
            "period": np.int64,
            "breakdown": object,
            "old_v": float,
            "old_n": float,
            "old_d": float,
            "old_status": object,
            "old_source": object,
        }
    )


def _write(
    rows: _Rows,
    plan: Plan,
    table: Table,
    report: LoadReport,
    *,
    add_units: str | None,
    source: str,
    user,
    dry_run: bool,
    progress: Progress,
) -> LoadReport:
    import pandas as pd
    from django.db import transaction
    from django.utils import timezone

    from goldenthread.performance.models import LoadBatch, Observation
    from goldenthread.performance.units import add_units as create_units

    n = len(rows.lines)
    progress("Comparing", 0, n)
    value = rows.value.copy()
    worked_out = np.isnan(value) & ~np.isnan(rows.denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        value[worked_out] = rows.numerator[worked_out] / rows.denominator[worked_out]

    def exact_value(i: int) -> Decimal:
        if worked_out[i]:
            return (Decimal(rows.numerator_text[i]) / Decimal(rows.denominator_text[i])).quantize(_PLACES)
        return Decimal(rows.value_text[i]).quantize(_PLACES)

    value_param, value_cmp = _stored(value, None, exact_value)
    numerator_param, numerator_cmp = _stored(rows.numerator, rows.numerator_text)
    denominator_param, denominator_cmp = _stored(rows.denominator, rows.denominator_text)

    # the current observations the file could revise: one query per metric, within the file's periods
    new = pd.DataFrame(
        {"metric_id": rows.metric_id, "org_unit_id": rows.unit_id, "breakdown": rows.breakdown, "period": rows.period}
    )
    known = new[new.org_unit_id >= 0]
    old = [_current(int(m), int(p.min()), int(p.max())) for m, p in known.groupby("metric_id")["period"]]
    superseded: list[int] = []
    if old:
        merged = new.merge(
            pd.concat(old, ignore_index=True),
            how="left",
            on=["metric_id", "org_unit_id", "breakdown", "period"],
            sort=False,
        )
        matched = merged["old_pk"].notna().to_numpy()
        same = (
            matched
            & _same(value_cmp, merged["old_v"].to_numpy(dtype=float))
            & _same(numerator_cmp, merged["old_n"].to_numpy(dtype=float))
            & _same(denominator_cmp, merged["old_d"].to_numpy(dtype=float))
            & (merged["old_status"].to_numpy() == rows.status)
            & (merged["old_source"].to_numpy() == rows.source)
        )
        superseded = merged["old_pk"].to_numpy()[matched & ~same].astype(np.int64).tolist()
    else:
        matched = same = np.zeros(n, dtype=bool)
    report.created = int((~matched).sum())
    report.revised = len(superseded)
    report.unchanged = int(same.sum())
    report.units_added = list(rows.new_units)
    progress("Comparing", n, n)
    if dry_run or not report.changed:
        return report

    who = user if user is not None and getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        now = timezone.now()
        unit_id = rows.unit_id
        if rows.new_units:
            ids = create_units(
                plan, rows.new_units, add_units, source=source or f"added by loading {table.name}", user=who
            )
            unit_id = unit_id.copy()
            missing = unit_id < 0
            unit_id[missing] = [ids[c] for c in rows.unit_code[missing]]
        batch = LoadBatch.objects.create(
            plan=plan,
            file_name=Path(table.name).name[:500],
            sha256=table.sha256,
            source=source[:500],
            rows_read=report.rows_read,
            rows_created=report.created,
            rows_revised=report.revised,
            rows_unchanged=report.unchanged,
            units_added=len(rows.new_units),
            loaded_by=who,
        )
        for start in range(0, len(superseded), ID_CHUNK):
            chunk = superseded[start : start + ID_CHUNK]
            Observation.objects.filter(pk__in=chunk).update(superseded_at=now)
            _record_history("~", "id IN (%s)" % ", ".join(["%s"] * len(chunk)), chunk, who, now)
        write = np.flatnonzero(~same)
        _insert(
            {
                "metric": rows.metric_id[write].tolist(),
                "org_unit": unit_id[write].tolist(),
                "breakdown": rows.breakdown[write].tolist(),
                "period_start": rows.period[write],
                "value": value_param[write].tolist(),
                "numerator": numerator_param[write].tolist(),
                "denominator": denominator_param[write].tolist(),
                "status": rows.status[write].tolist(),
                "source": rows.source[write].tolist(),
            },
            batch.pk,
            who,
            now,
            progress,
        )
        _record_history("+", "batch_id = %s", [batch.pk], who, now)
    report.batch = batch
    return report


def _insert(columns: dict[str, list], batch_id: int, user, now, progress: Progress) -> None:
    """Insert the new observations, in batches: one prepared INSERT run over the rows (SQLite), or
    one COPY streaming them (PostgreSQL).

    Django's ``bulk_create`` compiles SQL for every row and field, which measured at about a
    thousand rows a second here; these do the same work dozens of times faster. Dates and times
    are adapted by the database backend's own operations, as Django would adapt them.
    """
    from django.db import connection

    from goldenthread.performance.models import Observation

    ops = connection.ops
    meta = Observation._meta
    names = [*columns, "batch", "loaded_at", "loaded_by", "superseded_at"]
    sql = (
        f"INSERT INTO {ops.quote_name(meta.db_table)} "
        f"({', '.join(ops.quote_name(meta.get_field(n).column) for n in names)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    days = columns["period_start"]
    adapted = {int(d): ops.adapt_datefield_value(_day(d)) for d in np.unique(days)}
    columns = {**columns, "period_start": [adapted[d] for d in days.tolist()]}
    total = len(columns["metric"])
    fixed = (batch_id, ops.adapt_datetimefield_value(now), user.pk if user is not None else None, None)
    rows = zip(*columns.values(), *(repeat(x, total) for x in fixed))
    progress("Writing", 0, total)
    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: far faster than row-by-row round trips
            columns_sql = ", ".join(ops.quote_name(meta.get_field(n).column) for n in names)
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {ops.quote_name(meta.db_table)} ({columns_sql}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if done % BATCH_SIZE == 0:
                        progress("Writing", done, total)
            progress("Writing", done, total)
            return
        while done < total:
            chunk = list(islice(rows, BATCH_SIZE))
            cursor.executemany(sql, chunk)
            done += len(chunk)
            progress("Writing", done, total)


def _record_history(kind: str, where: str, params: list, user, when) -> None:
    """The audit trail's rows for observations this load created ("+") or superseded ("~").

    Bulk writes bypass django-simple-history's signals, so the audit trail asks them to record
    their own history (goldenthread.audit.records). Its ``record`` builds a history object per
    row in Python; for a load of a million rows this copies the rows inside the database
    instead, with one ``INSERT … SELECT`` per batch, into the same history table with the same
    columns ``record`` fills (who, when, the kind of change, no dependent-row snapshot).
    """
    from django.db import connection

    from goldenthread.audit import records as audit
    from goldenthread.performance.models import Observation

    if not audit.is_audited(Observation):
        return
    history = audit.history_model(Observation)
    tracked = {f.attname: f.column for f in history.tracked_fields}
    ops = connection.ops
    given = {
        "history_date": ops.adapt_datetimefield_value(when),
        "history_type": kind,
        "history_user_id": user.pk if user is not None else None,
        "history_username": user.get_username() if user is not None else "",
        "history_change_reason": None,
    }
    postgres = connection.vendor == "postgresql"
    columns, select, values = [], [], []
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(ops.quote_name(f.column))
        if f.attname in tracked:
            select.append("o." + ops.quote_name(tracked[f.attname]))
            continue
        value = given[f.attname] if f.attname in given else f.get_db_prep_save(f.get_default(), connection)
        select.append(f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s")
        values.append(value)
    sql = (
        f"INSERT INTO {ops.quote_name(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {ops.quote_name(Observation._meta.db_table)} o WHERE o.{where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values + list(params))
