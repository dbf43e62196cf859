"""Limits on an Excel workbook, checked before openpyxl parses anything: an .xlsx is a zip of XML,
so a small file can unpack to gigabytes or declare a million rows of a million cells.

:func:`over_limits` looks only at the zip's directory (parts, sizes, compression ratios) and
streams the sheets' XML with defusedxml up to each ``<dimension>`` — or, when a sheet has none,
through its rows' numbers — and says what is over a limit, or None. Data files read their first
sheet (``goldenthread.performance.loading.workbook``); plan workbooks every sheet. Pure: no Django.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from defusedxml.ElementTree import iterparse, parse

MB = 1024 * 1024


@dataclass(frozen=True)
class WorkbookLimits:
    """What goldenthread reads from a workbook; beyond any of these it refuses the file."""

    unpacked_bytes: int = 200 * MB  # summed uncompressed size of every part
    ratio: int = 100  # uncompressed / compressed size of one part (ordinary sheets: 5 to 30)
    ratio_from_bytes: int = MB  # parts smaller than this unpacked are never a bomb
    members: int = 1000
    rows: int = 500_000
    columns: int = 200
    cells: int | None = None  # rows × columns summed over the sheets checked; None: no such limit


def over_limits(content: bytes, limits: WorkbookLimits, *, every_sheet: bool = False) -> str | None:
    """What about this workbook is over ``limits``, as a phrase to follow the file name (the caller
    adds what to do); or None. ``every_sheet``: check each sheet's size, not only the first's. None
    too when the file is not a readable zip or has no worksheet: openpyxl then says so."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if problem := _check_parts(archive.infolist(), limits):
                return problem
            cells = 0
            for path in _sheets(archive) if every_sheet else _sheets(archive)[:1]:
                problem, size = _check_sheet(archive, path, limits)
                cells += size
                if problem is None and limits.cells is not None and cells > limits.cells:
                    problem = f"has over {limits.cells:,} cells; goldenthread reads a workbook of at most that many"
                if problem:
                    return problem
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        return None  # ParseError is a SyntaxError; defusedxml's refusals are ValueErrors
    return None


def _check_parts(parts: list[zipfile.ZipInfo], limits: WorkbookLimits) -> str | None:
    if len(parts) > limits.members:
        return f"has {len(parts):,} parts inside; goldenthread reads a workbook of at most {limits.members:,} parts"
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.unpacked_bytes:
        return (
            f"unpacks to {_mb(unpacked)} MB of XML; goldenthread reads a workbook that unpacks to at most "
            f"{_mb(limits.unpacked_bytes)} MB"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= limits.ratio_from_bytes and ratio > limits.ratio:
            return (
                f"has a part ({part.filename}) that unpacks to {_mb(part.file_size)} MB from "
                f"{_mb(part.compress_size)} MB, {ratio:,.0f} times its size; goldenthread reads parts "
                f"compressed at most {limits.ratio} times"
            )
    return None


def _check_sheet(archive: zipfile.ZipFile, path: str, limits: WorkbookLimits) -> tuple[str | None, int]:
    """What about the sheet is over ``limits``, or None; and its size in cells (rows × columns)."""
    with archive.open(path) as sheet:
        rows, columns, declared = _sheet_size(sheet, limits)
    return _over(archive, path, rows, columns, declared, limits), rows * columns


def _over(
    archive: zipfile.ZipFile, path: str, rows: int, columns: int, declared: bool, limits: WorkbookLimits
) -> str | None:
    if rows > limits.rows:
        figure = f"declares {rows:,} rows" if declared else f"has rows up to {rows:,}"
        return f"{_named(archive, path)}{figure}; goldenthread reads a sheet of at most {limits.rows:,} rows"
    if columns > limits.columns:
        figure = f"declares {columns:,} columns" if declared else f"has cells in column {columns:,}"
        return f"{_named(archive, path)}{figure}; goldenthread reads a sheet of at most {limits.columns:,} columns"
    return None


def _mb(size: int) -> str:
    return f"{size / MB:,.2f}".rstrip("0").rstrip(".") if size < 10 * MB else f"{size / MB:,.0f}"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _sheets(archive: zipfile.ZipFile) -> list[str]:
    """The paths of the sheets in the order openpyxl reads them: the workbook part's ``<sheet>``
    elements, by their relationships; those not where a workbook keeps them are left out."""
    names = set(archive.namelist())
    book = _target(archive, "_rels/.rels", "", lambda rel: rel.get("Type", "").endswith("/officeDocument"))
    if book is None or book not in names:
        return []
    folder, name = posixpath.split(book)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in names:
        return []
    paths = []
    for element in parse(archive.open(book)).iter():
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        if _local(element.tag) != "sheet" or rid is None:
            continue
        sheet = _target(archive, rels, folder, _with_id(rid))
        if sheet in names:
            paths.append(sheet)
    return paths


def _with_id(rid: str) -> Callable[[Any], bool]:
    return lambda rel: bool(rel.get("Id") == rid)


def _named(archive: zipfile.ZipFile, path: str) -> str:
    """'' for a workbook's first sheet (a data file has one that matters), else which sheet it is."""
    sheets = _sheets(archive)
    return "" if sheets[:1] == [path] else f"has a sheet ({path}) that "


def _target(archive: zipfile.ZipFile, rels: str, folder: str, chosen: Callable[[Any], bool]) -> str | None:
    for rel in parse(archive.open(rels)).iter():
        if _local(rel.tag) == "Relationship" and chosen(rel):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return None


_CELL = re.compile(r"([A-Z]{1,3})(\d+)$")


def _sheet_size(sheet: IO[bytes], limits: WorkbookLimits) -> tuple[int, int, bool]:
    """(rows, columns, declared): the sheet's ``<dimension>`` when it has one, else the highest row
    number and column seen, streaming the rows and stopping as soon as either is over ``limits``."""
    rows = columns = 0
    for _event, element in iterparse(sheet, events=("end",)):
        tag = _local(element.tag)
        if tag == "dimension":
            last = element.get("ref", "").rpartition(":")[2]
            if match := _CELL.match(last.replace("$", "").upper()):
                return int(match[2]), _column_number(match[1]), True
        elif tag == "c" and (match := _CELL.match(element.get("r", ""))):
            columns = max(columns, _column_number(match[1]))
        elif tag == "row":
            rows = max(rows + 1, int(element.get("r") or 0))
            element.clear()
            if rows > limits.rows or columns > limits.columns:
                break
    return rows, columns, False


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
