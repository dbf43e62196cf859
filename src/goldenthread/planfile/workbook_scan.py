"""Streaming every part of an Excel workbook before openpyxl sees it, so that no workbook — damaged,
lying or hostile — costs more than its limits allow (issue 15, findings 7–9).

Each part is unpacked in chunks, counting the bytes really unpacked (a part's declared size is
not trusted), and each XML part is fed to an expat parser guarded as defusedxml guards it (no
DTD, no entity declaration, no external reference) that builds nothing (:class:`_Counter`): it
counts a worksheet's rows, cells and columns from every ``<row>`` and ``<c>`` — the ``<dimension>``
a sheet declares is a limit too, never the extent read — the shared strings, the length of every
text (as the distance between two elements, so a gigabyte of text is never held), the ranges
openpyxl expands cell by cell (merged cells, hyperlinks), and each part's elements and nesting;
it stops at the first limit passed. What is wrong is raised as :class:`Refused`. Pure: no Django.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

CHUNK = 64 * 1024
#: the parts streamed as XML; legacy VML drawings (often not well-formed, and never parsed by openpyxl
#: when reading) are only unpacked
XML_SUFFIXES = (".xml", ".rels")
#: a cell reference as Excel writes it (openpyxl accepts these; anything else is damage)
CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?")
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
STRINGS = "has over {limit:,} different texts (shared strings); goldenthread reads a workbook of at most that many"
EXTRAS = (
    "has over {limit:,} XML elements besides its cells (formats, validations, links, merged cells); goldenthread "
    "reads a sheet of at most that many"
)
#: the elements of a sheet's rows and cells (rich text runs and their properties included)
CELL_PARTS = frozenset(
    "worksheet sheetData row c v f is t r rPr rPh phoneticPr b i u strike sz color rFont family scheme vertAlign "
    "charset outline shadow condense extend".split()
)


MB = 1024 * 1024


@dataclass(frozen=True)
class WorkbookLimits:
    """What goldenthread reads from a workbook; beyond any of these it refuses the file."""

    unpacked_bytes: int = 200 * MB  # summed size of every part as really unpacked
    ratio: int = 100  # uncompressed / compressed size of one part (ordinary sheets: 5 to 30)
    ratio_from_bytes: int = MB  # parts smaller than this unpacked are never a bomb
    members: int = 1000
    rows: int = 500_000  # the highest row of a sheet (declared or written)
    columns: int = 200  # the highest column of a sheet
    cells: int | None = None  # rows × columns summed over the sheets; None: no such limit
    text_bytes: int = 128 * 1024  # XML between two elements: a cell's text, a shared string (Excel: 32,767
    # characters, at most 4 bytes each), an attribute, a comment
    strings: int = 1_000_000  # shared strings (the workbook's distinct texts)
    sheet_elements: int = 10_000_000  # XML elements of one sheet, or of the shared strings
    elements: int = 100_000  # XML elements of any other part (100,000 styles cost openpyxl 4 s, 250 MB)
    workbook_elements: int = 20_000_000  # XML elements of all the parts together
    formula_chars: int = 5_000_000  # characters of shared formulas rewritten for the cells sharing them
    sheet_extras: int = 50_000  # XML elements of one sheet besides its cells (formats, validations, ...)
    other_elements: int = 200_000  # XML elements of all the parts besides the sheets and shared strings
    depth: int = 100  # XML nesting (Excel's parts nest about 20 deep at most)


def mb(size: int) -> str:
    return f"{size / MB:,.2f}".rstrip("0").rstrip(".") if size < 10 * MB else f"{size / MB:,.0f}"


class Refused(Exception):
    """A workbook refused: ``phrase`` follows the file's name ("has ...", "is damaged: ...");
    ``part`` is the part it is about; ``damaged``: not a size limit but a broken or hostile file."""

    def __init__(self, phrase: str, *, part: str = "", damaged: bool = False, size: SheetSize | None = None) -> None:
        super().__init__(phrase)
        self.phrase = phrase
        self.part = part
        self.damaged = damaged
        self.size = size  # a sheet over a size limit: its figures, for the caller to word


@dataclass
class SheetSize:
    """What a worksheet part really holds (and what its ``<dimension>`` declares)."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    declared_rows: int = 0
    declared_columns: int = 0

    @property
    def area(self) -> int:
        return max(self.rows, self.declared_rows) * max(self.columns, self.declared_columns)


@dataclass
class Scan:
    """The parts streamed: each worksheet's size, by part name."""

    sheets: dict[str, SheetSize] = field(default_factory=dict)
    unpacked: int = 0
    elements: int = 0
    others: int = 0

    def add(self, part: str, counter: _Counter, limits: WorkbookLimits) -> None:
        """Count a part streamed: a sheet's size; the elements of all the parts, and of those
        besides the sheets and shared strings (each an object to openpyxl), within their limits."""
        if counter.size is not None:
            self.sheets[part] = counter.size
        self.elements += counter.elements
        if counter.other:
            self.others += counter.elements
        if self.elements > limits.workbook_elements or self.others > limits.other_elements:
            figure, where = (
                (limits.workbook_elements, "in all")
                if self.elements > limits.workbook_elements
                else (limits.other_elements, "besides its sheets and texts (styles, names, drawings, comments)")
            )
            raise Refused(
                f"has over {figure:,} XML elements {where}; goldenthread reads a workbook of at most that many"
            )


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: WorkbookLimits, scan: Scan) -> None:
    """Unpack the part ``info`` in chunks and, when it is XML, count what it holds; raises
    :class:`Refused` at the first limit passed or when it is damaged."""
    name = info.filename
    counter = _Counter(name, limits) if name.lower().endswith(XML_SUFFIXES) else None
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                scan.unpacked += len(chunk)
                if scan.unpacked > limits.unpacked_bytes:
                    raise Refused(_unpacked(limits), part=name)
                if counter is not None:
                    counter.feed(chunk)
        if counter is not None:
            counter.feed(b"", final=True)
    except Refused:
        raise
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        where = f"line {exc.lineno}, column {exc.offset}"
        phrase = f"is damaged: its part {name} is not well-formed XML ({message}: {where})"
        raise Refused(phrase, part=name, damaged=True) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Refused(f"is damaged: its part {name} cannot be unpacked ({exc})", part=name, damaged=True) from exc
    except (NotImplementedError, RuntimeError) as exc:  # another compression; a password
        raise Refused(f"cannot be opened: its part {name} {_unreadable(exc)}", part=name, damaged=True) from exc
    if counter is not None:
        scan.add(name, counter, limits)


def _unpacked(limits: WorkbookLimits) -> str:
    return f"unpacks to over {mb(limits.unpacked_bytes)} MB; goldenthread reads a workbook that unpacks to at most that"


def _unreadable(exc: Exception) -> str:
    if "password" in str(exc) or "encrypted" in str(exc):
        return "is encrypted; save the workbook without a password"
    return f"is compressed in a way goldenthread does not read ({exc})"


def _forbid(part: str, kind: str) -> Callable[..., NoReturn]:
    """A handler refusing what defusedxml refuses: DTDs, entity declarations, external references
    — which Excel never writes and which could expand or fetch content."""

    def refuse(*_: object) -> NoReturn:
        raise Refused(
            f"holds XML Excel never writes: its part {part} has {kind}, which goldenthread refuses to read "
            "(it could expand or fetch content)",
            part=part,
            damaged=True,
        )

    return refuse


class _Counter:
    """An expat parser that counts as the XML streams past, building nothing, and raises
    :class:`Refused` at the first limit passed. Python sees only each element's start (and, outside
    the sheets and shared strings, its end, for the nesting): a text's length is the distance
    between two elements, so a huge text is never held. What it counts depends on the root element:
    ``worksheet`` (rows, cells, columns, expanded ranges), ``sst`` (shared strings), anything else
    (elements and nesting)."""

    def __init__(self, part: str, limits: WorkbookLimits) -> None:
        self.part = part
        self.limits = limits
        self.depth = 0
        self.elements = 0
        self.strings = 0
        self.row = 0
        self.column = 0
        self.merged = 0
        self.mark = 0  # the byte where the last element started
        self.fed = 0
        self.size: SheetSize | None = None
        self.names: dict[str, str] = {}  # tag -> local name
        self.letters: dict[str, int] = {}  # column letters -> number
        self.formulas: dict[str, int] = {}  # shared formula's si -> its length
        self.master: str | None = None  # the shared formula whose length is being measured
        self.rewritten = 0  # characters of shared formulas openpyxl would rewrite
        self.extras = 0  # elements of a sheet besides its cells
        self.other = False  # a part besides the sheets and the shared strings
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = _forbid(part, "a DOCTYPE declaration")
        self.parser.EntityDeclHandler = _forbid(part, "an entity declaration")
        self.parser.UnparsedEntityDeclHandler = _forbid(part, "an entity declaration")
        self.parser.ExternalEntityRefHandler = _forbid(part, "a reference to an external file or address")
        self.parser.StartElementHandler = self._root

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        self.parser.Parse(chunk, final)
        self.fed += len(chunk)
        self._gap(self.fed)

    def _gap(self, here: int) -> None:
        """Refuse a text (or attribute, or comment) longer than Excel writes, as soon as it is."""
        if here - self.mark > self.limits.text_bytes:
            where = "a text" if self.size is None else f"a cell in row {self.row}"
            raise Refused(
                f"has {where} of over {self.limits.text_bytes // 1024:,} KB; goldenthread reads a text of at most "
                "that (Excel's own limit is 32,767 characters)",
                part=self.part,
            )

    def _start(self) -> None:
        here = self.parser.CurrentByteIndex
        self._gap(here)
        self.mark = here

    def _root(self, tag: str, attrib: dict[str, str]) -> None:
        root = tag.rpartition("}")[2]
        if root == "worksheet":
            self.size = SheetSize()
            self.parser.StartElementHandler = self._sheet
        elif root == "sst":
            self.parser.StartElementHandler = self._strings
        else:
            self.other = True
            self.parser.StartElementHandler = self._other
            self.parser.EndElementHandler = self._end
        self.parser.StartElementHandler(tag, attrib)

    def _end(self, tag: str) -> None:
        self.depth -= 1

    def _other(self, tag: str, attrib: dict[str, str]) -> None:
        self._start()
        self.depth += 1
        self.elements += 1
        if self.depth > self.limits.depth:
            phrase = f"is damaged: its part {self.part} nests XML over {self.limits.depth} deep"
            raise Refused(phrase, part=self.part, damaged=True)
        if self.elements > self.limits.elements:
            raise Refused(
                f"has a part ({self.part}) of over {self.limits.elements:,} XML elements; goldenthread reads parts "
                "of at most that many besides the sheets",
                part=self.part,
            )
        if tag.endswith("}comment") and "ref" in attrib:  # openpyxl makes a cell of each comment's cell
            self._expanded("comment", attrib["ref"])

    def _strings(self, tag: str, attrib: dict[str, str]) -> None:
        self._start()
        self.elements += 1
        if self.elements > self.limits.sheet_elements:
            raise Refused(self._too_many("the shared strings"), part=self.part)
        if tag.endswith("}si"):
            self.strings += 1
            self._within(self.strings, self.limits.strings, STRINGS)

    def _within(self, count: int, limit: int, phrase: str) -> None:
        """Refuse the part, ``phrase`` worded with the ``limit``, once ``count`` passes it."""
        if count > limit:
            raise Refused(phrase.format(limit=limit), part=self.part)

    def _too_many(self, what: str) -> str:
        return f"has over {self.limits.sheet_elements:,} XML elements in {what}; goldenthread reads at most that many"

    def _sheet(self, tag: str, attrib: dict[str, str]) -> None:
        """Every element of a sheet: called a million times for a large one, so kept lean."""
        here = self.parser.CurrentByteIndex
        if here - self.mark > self.limits.text_bytes:
            self._gap(here)
        if self.master is not None:  # the shared formula just passed: its length
            self.formulas[self.master] = here - self.mark
            self.master = None
        self.mark = here
        self.elements += 1
        if self.elements > self.limits.sheet_elements:
            raise Refused(self._too_many("one sheet"), part=self.part)
        local = self.names.get(tag)
        if local is None:
            local = self.names[tag] = tag.rpartition("}")[2]
        if local == "c":
            self._new_cell(attrib.get("r"))
        elif local == "row":
            self._new_row(attrib.get("r"))
        elif local == "f":
            if attrib.get("t") == "shared":
                self._shared(attrib)
        elif local not in CELL_PARTS:
            self._extra(local, attrib)

    def _extra(self, local: str, attrib: dict[str, str]) -> None:
        """An element of a sheet besides its cells: each costs openpyxl far more than a cell (200,000
        conditional formats: 19 s and 400 MB), so they have a limit of their own."""
        self.extras += 1
        self._within(self.extras, self.limits.sheet_extras, EXTRAS)
        if local == "dimension":
            self._declared(attrib.get("ref", ""))
        elif local in ("mergeCell", "hyperlink"):
            self._expanded(local, attrib.get("ref", ""))

    def _shared(self, attrib: dict[str, str]) -> None:
        """A shared formula: openpyxl rewrites the first cell's formula for each cell sharing it,
        which costs its length each time (5,000 rows sharing one of 2,000 characters: 34 s)."""
        si = attrib.get("si", "")
        if "ref" in attrib:
            self.master = si
            return
        self.rewritten += self.formulas.get(si, 0)
        if self.rewritten > self.limits.formula_chars:
            raise Refused(
                f"has shared formulas that would be rewritten for each cell, over {self.limits.formula_chars:,} "
                "characters of formulas; goldenthread reads at most that many (paste the values over the formulas)",
                part=self.part,
            )

    # worksheets
    def _new_row(self, number: str | None) -> None:
        assert self.size is not None
        row = self.row + 1
        if number is not None:
            if not (number.isascii() and number.isdigit()) or not 0 < int(number) <= EXCEL_ROWS:
                phrase = f"is damaged: its part {self.part} has a row numbered '{number[:20]}'"
                raise Refused(phrase, part=self.part, damaged=True)
            row = int(number)
        if row <= self.row:
            raise Refused(
                f"is damaged: its part {self.part} has row {row} after row {self.row}; Excel writes rows in order",
                part=self.part,
                damaged=True,
            )
        self.row, self.column = row, 0
        self._grow(row, self.size.columns)

    def _new_cell(self, reference: str | None) -> None:
        size = self.size
        assert size is not None
        if reference is None:
            row, column = self.row, self.column + 1
        else:
            match = CELL.fullmatch(reference)
            if match is None:
                raise Refused(
                    f"is damaged: its part {self.part} has a cell at '{reference[:20]}', which is not a cell",
                    part=self.part,
                    damaged=True,
                )
            letters, digits = match.groups()
            column = self.letters.get(letters) or self.letters.setdefault(letters, column_number(letters))
            row = int(digits)
        self.column = column
        size.cells += 1
        if row > size.rows or column > size.columns:
            self._grow(max(row, size.rows), max(column, size.columns))

    def _grow(self, rows: int, columns: int) -> None:
        assert self.size is not None
        self.size.rows, self.size.columns = rows, columns
        if rows > self.limits.rows or columns > self.limits.columns:
            raise Refused("", part=self.part, size=self.size)  # worded where the sheet is known
        if self.limits.cells is not None and rows * columns > self.limits.cells:
            raise Refused("", part=self.part, size=self.size)

    def _declared(self, reference: str) -> None:
        assert self.size is not None
        last = reference.rpartition(":")[2]
        if match := CELL.fullmatch(last):
            self.size.declared_rows, self.size.declared_columns = int(match[2]), column_number(match[1])
            if self.size.declared_rows > self.limits.rows or self.size.declared_columns > self.limits.columns:
                raise Refused("", part=self.part, size=self.size)

    def _expanded(self, what: str, reference: str) -> None:
        """A merged range, a link's range or a comment's cell: openpyxl makes a cell of each cell."""
        match = RANGE.fullmatch(reference)
        if match is None:
            return  # openpyxl ignores or refuses it; nothing is expanded
        first_row, first_column = int(match[2]), column_number(match[1])
        last_row = int(match[4] or match[2])
        last_column = column_number(match[3] or match[1])
        area = (abs(last_row - first_row) + 1) * (abs(last_column - first_column) + 1)
        self.merged += area
        limit = self.limits.cells if self.limits.cells is not None else self.limits.rows * self.limits.columns
        kind = {"mergeCell": "merged cells", "hyperlink": "a link"}.get(what, f"a comment (in {self.part})")
        if max(first_row, last_row) > self.limits.rows or max(first_column, last_column) > self.limits.columns:
            raise Refused(
                f"has {kind} reaching cell {reference.rpartition(':')[2]}, beyond the {self.limits.rows:,} rows and "
                f"{self.limits.columns:,} columns goldenthread reads",
                part=self.part,
            )
        if self.merged > limit:
            raise Refused(
                f"has {kind} covering {self.merged:,} cells; goldenthread reads a sheet with at most {limit:,} of them",
                part=self.part,
            )
