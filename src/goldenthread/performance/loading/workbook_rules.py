"""openpyxl's rules for a cell's value, for :mod:`.workbook_direct` (issue 17): what openpyxl's
reading makes of a value's text by its type (``t``) and cell style (``s``) — a number by
openpyxl's own ``_cast_number``, a date by its ``from_excel`` in the workbook's epoch, a shared
string from the table its own reader reads — then made text by
:func:`~goldenthread.planfile.workbook_read.cell_text`, as the reader before gave it. The text is
first made what an XML parser gives (line ends, the five named references, character references):
the sheet is well-formed and has no DTD (the workbook scan refused any).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np

from goldenthread.planfile.workbook_read import cell_text

__all__ = ["NotDirect", "Styles", "reader"]

REFERENCE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class NotDirect(Exception):
    """The sheet is not in the simple shape read here: read it with calamine or openpyxl."""


class Styles:
    """What openpyxl needs to read a number: which cell styles are dates (and durations), the
    epoch, and the shared strings (read when first needed, by openpyxl's own reader)."""

    def __init__(
        self, archive: zipfile.ZipFile, dates: frozenset[int], durations: frozenset[int] = frozenset()
    ) -> None:
        self.archive, self.dates, self.durations = archive, dates, durations
        self._strings: list[str] | None = None
        self._texts: np.ndarray | None = None
        self._epoch: Any = None

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = _shared_strings(self.archive)
        return self._strings

    def texts(self) -> np.ndarray:
        """The shared strings as cells' texts, in an array."""
        if self._texts is None:
            self._texts = np.array([cell_text(text) for text in self.strings()] + [""], dtype=object)[:-1]
        return self._texts

    def epoch(self) -> Any:
        if self._epoch is None:
            self._epoch = _epoch(self.archive)
        return self._epoch


def reader(kind: str, style: int, styles: Styles) -> Callable[[bytes], str]:
    """How openpyxl reads a value of type ``kind`` in the cell style ``style``, as text."""
    if kind in ("inlineStr", "str"):
        return lambda raw: _xml_text(raw).strip()
    if kind == "b":
        return lambda raw: cell_text(bool(int(_xml_text(raw)))) if raw else ""
    if kind == "s":
        strings = styles.strings()
        return lambda raw: cell_text(strings[int(_xml_text(raw))]) if raw else ""
    if style in styles.dates:
        return _date_reader(style, styles)
    return _number


def _number(raw: bytes) -> str:
    """openpyxl's reading of a number that is no date, as text: digits alone, without a leading
    zero, are an integer's text as they stand."""
    if raw.isdigit() and (raw[0] != ord("0") or len(raw) == 1):
        return raw.decode("ascii")
    return cell_text(_cast_number(_xml_text(raw))) if raw else ""


def _date_reader(style: int, styles: Styles) -> Callable[[bytes], str]:
    from openpyxl.utils.datetime import from_excel

    epoch, duration = styles.epoch(), style in styles.durations

    def read(raw: bytes) -> str:
        if not raw:
            return ""
        try:
            return cell_text(from_excel(_cast_number(_xml_text(raw)), epoch, timedelta=duration))
        except (OverflowError, ValueError) as exc:  # openpyxl makes it an error cell
            raise NotDirect("a date past the calendar") from exc

    return read


def _cast_number(text: str) -> int | float:
    """openpyxl's reading of a number's text (imported when first needed, as openpyxl is)."""
    global _cast
    if _cast is None:
        from openpyxl.worksheet._reader import _cast_number as cast

        _cast = cast
    return _cast(text)  # type: ignore[no-any-return]


_cast: Callable[[str], int | float] | None = None


def _xml_text(raw: bytes) -> str:
    """The text an XML parser gives of ``raw`` (well-formed, without a DTD): line ends made
    ``\\n``, then the five named references and character references replaced."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = REFERENCE.sub(_replaced, text)
    return text


def _replaced(match: re.Match[str]) -> str:
    name = match[1]
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return NAMED[name]


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The shared strings as openpyxl reads them: the part [Content_Types].xml names, by its reader."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    found = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES))).find(SHARED_STRINGS)
    if found is None:
        raise NotDirect("shared strings without their part")
    with archive.open(found.PartName[1:]) as source:
        return list(read_string_table(source))


def _epoch(archive: zipfile.ZipFile) -> Any:
    """The workbook's epoch (1900 or 1904) as openpyxl reads it."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.workbook import WorkbookPackage
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
    from openpyxl.xml.constants import ARC_CONTENT_TYPES
    from openpyxl.xml.functions import fromstring

    part = _find_workbook_part(Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES))))
    package = WorkbookPackage.from_tree(fromstring(archive.read(part.PartName[1:])))
    return CALENDAR_MAC_1904 if package.properties.date1904 else CALENDAR_WINDOWS_1900
