"""Limits on an Excel workbook, checked before openpyxl parses anything: an .xlsx is a zip of XML,
so a small file can unpack to gigabytes, declare or hold a million rows of a million cells, hide
a gigabyte in one text, or be damaged or hostile XML (issue 12 finding 7, issue 15 findings 7–9).

:func:`check_workbook_content` first reads the zip's directory (parts, declared sizes, compression
ratios), then streams every part (:mod:`.workbook_scan`; a large plain sheet counted the same with
NumPy, :mod:`.workbook_fastscan`): bytes really unpacked, every row and cell
of every sheet whatever its ``<dimension>`` says, each text's length, the shared strings, no DTD
or entity; and says what is over a limit or damaged, or that the workbook may be opened — and
which sheets it has, in order, with their names and whether they are hidden. Data files
(``goldenthread.performance.loading.workbook``) and plan workbooks (:mod:`.workbook_read`) each
give their limits and add what to do. Pure: no Django.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from defusedxml.ElementTree import iterparse, parse

from goldenthread.planfile.workbook_fastscan import scanned_fast
from goldenthread.planfile.workbook_scan import MB, Refused, Scan, SheetSize, WorkbookLimits, mb, scan_part

__all__ = ["MB", "SheetEntry", "Verdict", "WorkbookLimits", "check_workbook_content", "mb"]


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as the workbook lists it: its name, state (visible, hidden, veryHidden) and part."""

    name: str
    state: str
    part: str

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a workbook (a phrase to follow the file's name; the caller adds what to
    do), or None; ``damaged`` when it is broken or hostile rather than too large; its sheets."""

    problem: str | None
    damaged: bool = False
    sheets: tuple[SheetEntry, ...] = ()


#: an OLE compound file: an Excel workbook with a password to open it (encrypted), or an .xls
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: what zipfile raises on a damaged archive (its directory, names, offsets or data)
ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    IndexError,
    KeyError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
)


def check_workbook_content(content: bytes, limits: WorkbookLimits) -> Verdict:
    """Stream the whole workbook within ``limits``: a :class:`Verdict`, never an exception."""
    if content.startswith(OLE):
        phrase = (
            "cannot be read as an Excel workbook (.xlsx): it has a password to open it, or is an Excel 97-2003 "
            "workbook (.xls); save it from Excel as 'Excel Workbook (.xlsx)' with no password to open it"
        )
        return Verdict(phrase, damaged=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except ZIP_DAMAGE:
        phrase = (
            "cannot be read as an Excel workbook (.xlsx): it is not a zip file, as every workbook is (nor is a "
            "workbook with a password to open it)"
        )
        return Verdict(phrase, damaged=True)
    try:
        with archive:
            return _checked(archive, limits)
    except ZIP_DAMAGE as exc:
        return Verdict(f"is damaged: its zip directory cannot be read ({type(exc).__name__}: {exc})", damaged=True)


def _checked(archive: zipfile.ZipFile, limits: WorkbookLimits) -> Verdict:
    parts = [info for info in archive.infolist() if not info.filename.endswith("/")]
    if problem := _check_parts(parts, limits):
        return Verdict(problem)
    scan = Scan()
    try:
        for info in sorted(parts, key=_sheet_names_first):
            if not scanned_fast(archive, info, limits, scan):  # a large plain sheet: counted with NumPy
                scan_part(archive, info, limits, scan)
        sheets = _sheets(archive)
    except Refused as refused:
        return Verdict(_worded(refused, _named_sheets(archive), limits), damaged=refused.damaged)
    if not sheets:
        return Verdict("is damaged: it lists no worksheet", damaged=True)
    total = sum(size.area for size in scan.sheets.values())
    if limits.cells is not None and total > limits.cells:
        return Verdict(f"has over {limits.cells:,} cells; goldenthread reads a workbook of at most that many")
    return Verdict(None, sheets=tuple(sheets))


def _sheet_names_first(info: zipfile.ZipInfo) -> int:
    """The parts that name the sheets are streamed first, so a refusal can name its sheet."""
    name = info.filename.lower()
    return 0 if name.endswith(".rels") or name.endswith("workbook.xml") else 1


def _check_parts(parts: list[zipfile.ZipInfo], limits: WorkbookLimits) -> str | None:
    if len(parts) > limits.members:
        return f"has {len(parts):,} parts inside; goldenthread reads a workbook of at most {limits.members:,} parts"
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.unpacked_bytes:
        return (
            f"unpacks to {mb(unpacked)} MB of XML; goldenthread reads a workbook that unpacks to at most "
            f"{mb(limits.unpacked_bytes)} MB"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= limits.ratio_from_bytes and ratio > limits.ratio:
            return (
                f"has a part ({part.filename}) that unpacks to {mb(part.file_size)} MB from "
                f"{mb(part.compress_size)} MB, {ratio:,.0f} times its size; goldenthread reads parts "
                f"compressed at most {limits.ratio} times"
            )
    return None


def _worded(refused: Refused, sheets: list[SheetEntry], limits: WorkbookLimits) -> str:
    """The refusal as a phrase naming the sheet (when the workbook has more than one) it is in."""
    sheet = next((s for s in sheets if s.part == refused.part), None)
    if refused.size is not None:
        phrase = _size_phrase(refused.size, limits)
        return phrase if sheet is None or len(sheets) == 1 else f"has a sheet, '{sheet.name}', that {phrase}"
    if sheet is None:
        return refused.phrase
    where = f"its sheet '{sheet.name}' ({sheet.part})"
    if f"its part {sheet.part}" in refused.phrase:
        return refused.phrase.replace(f"its part {sheet.part}", where)
    if len(sheets) == 1:
        return refused.phrase
    return f"has a sheet, '{sheet.name}', that {refused.phrase}"


def _size_phrase(size: SheetSize, limits: WorkbookLimits) -> str:
    if size.declared_rows > limits.rows:
        return f"declares {size.declared_rows:,} rows; goldenthread reads a sheet of at most {limits.rows:,} rows"
    if size.declared_columns > limits.columns:
        return (
            f"declares {size.declared_columns:,} columns; goldenthread reads a sheet of at most "
            f"{limits.columns:,} columns"
        )
    if size.rows > limits.rows:
        return f"has rows up to {size.rows:,}; goldenthread reads a sheet of at most {limits.rows:,} rows"
    if size.columns > limits.columns:
        return f"has cells in column {size.columns:,}; goldenthread reads a sheet of at most {limits.columns:,} columns"
    return (
        f"has rows up to {size.rows:,} and columns up to {size.columns:,}, over {limits.cells:,} cells; goldenthread "
        f"reads a workbook of at most {limits.cells:,} cells"
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _named_sheets(archive: zipfile.ZipFile) -> list[SheetEntry]:
    """The sheets, to name one in a refusal; none when the parts naming them are what is wrong."""
    try:
        return _sheets(archive)
    except (*ZIP_DAMAGE, SyntaxError):
        return []


def _sheets(archive: zipfile.ZipFile) -> list[SheetEntry]:
    """The sheets in the order openpyxl reads them: the workbook part's ``<sheet>`` elements, by
    their relationships; those not where a workbook keeps them are left out. Called only once
    the parts are streamed (well-formed, no DTD, within the limits)."""
    names = set(archive.namelist())
    book = _target(archive, "_rels/.rels", "", lambda rel: rel.get("Type", "").endswith("/officeDocument"))
    if book is None or book not in names:
        return []
    folder, name = posixpath.split(book)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in names:
        return []
    sheets = []
    for _event, element in iterparse(archive.open(book), forbid_dtd=True):  # its names may be many
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        if _local(element.tag) == "sheet" and rid is not None:
            part = _target(archive, rels, folder, _with_id(rid))
            if part in names:
                sheets.append(SheetEntry(element.get("name", ""), element.get("state", "visible"), part))
        element.clear()
    return sheets


def _with_id(rid: str) -> Callable[[Any], bool]:
    return lambda rel: bool(rel.get("Id") == rid)


def _target(archive: zipfile.ZipFile, rels: str, folder: str, chosen: Callable[[Any], bool]) -> str | None:
    if rels not in archive.namelist():
        return None
    for rel in parse(archive.open(rels), forbid_dtd=True).iter():
        if _local(rel.tag) == "Relationship" and chosen(rel):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return None
