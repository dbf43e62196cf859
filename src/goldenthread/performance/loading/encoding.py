"""Which text encoding a CSV file is in: UTF-8 (with or without a byte-order mark), UTF-16 and
UTF-32 (with a byte-order mark, or UTF-16 without one), or Windows-1252 — Excel's "CSV (Comma
delimited)" on Windows. What cannot be read as any of these is refused saying how to save it.

:func:`decode` never raises: it gives the text and a note naming the encoding read when it is not
UTF-8, or the message refusing the file, with the line where reading failed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: how to save a file goldenthread reads, said in every refusal
SAVE_AS_UTF8 = (
    "save it from Excel as “CSV UTF-8 (Comma delimited)” (.csv), or as an Excel workbook (.xlsx), and load that"
)
#: how much of the start of a file is sampled to tell text from binary and UTF-16 without a mark
SAMPLE = 4096

_BOMS = (  # longest first: UTF-32 LE's mark starts with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian)"),
)
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97–2003 workbook (.xls) or another old Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)
_UTF16 = {"utf-16-le": "UTF-16 (little-endian)", "utf-16-be": "UTF-16 (big-endian)"}
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Decoded:
    """A file's text, and a note saying which encoding it was read as when not UTF-8; or, when
    it cannot be read, ``refusal`` (what is wrong and what to do) at ``line``."""

    text: str = ""
    note: str | None = None
    refusal: str | None = None
    line: int = 1
    #: the text's bytes where line breaks are the bytes 10 and 13 (UTF-8 or Windows-1252): the
    #: file's own, else the text in UTF-8
    raw: bytes = b""


def decode(content: bytes) -> Decoded:
    """The text of a CSV file, its encoding detected (never raises)."""
    for bom, codec, label in _BOMS:
        if content.startswith(bom):
            return _unicode(content[len(bom) :], codec, f"{label} text, with a byte-order mark")
    if content.startswith(codecs.BOM_UTF8):
        return _utf8_or_1252(content[len(codecs.BOM_UTF8) :], marked=True)
    sample = content[:SAMPLE]
    if unmarked := _utf16_without_mark(sample):
        return _unicode(content, unmarked, f"{_UTF16[unmarked]} text, without a byte-order mark")
    if binary := _binary(sample):
        return Decoded(refusal=f"is not a text file: it looks like {binary}; {SAVE_AS_UTF8}")
    return _utf8_or_1252(content, marked=False)


def _unicode(content: bytes, codec: str, label: str) -> Decoded:
    try:
        text = content.decode(codec)
    except UnicodeDecodeError as exc:
        return Decoded(
            refusal=f"starts as {label} but byte {exc.start + 1:,} cannot be read as {codec.upper()}; {SAVE_AS_UTF8}"
        )
    return Decoded(text, f"read as {label}, not UTF-8", raw=text.encode("utf-8", errors="surrogatepass"))


def _utf8_or_1252(content: bytes, *, marked: bool) -> Decoded:
    """UTF-8; failing that, Windows-1252 (Excel's CSV on Windows); failing that, refused."""
    try:
        return Decoded(content.decode("utf-8"), raw=content)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    line = _line_of(content, first_bad)
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as exc:
        return Decoded(
            refusal=(
                f"is neither UTF-8 nor Windows-1252 text: byte 0x{content[exc.start]:02X} on line "
                f"{_line_of(content, exc.start):,} is not a character in either; {SAVE_AS_UTF8}"
            ),
            line=_line_of(content, exc.start),
        )
    mark = "starts with a UTF-8 byte-order mark but is not UTF-8" if marked else "is not UTF-8"
    return Decoded(
        text,
        raw=content,
        note=(
            f"{mark} (from line {line:,}), so it was read as Windows-1252 text, the encoding of Excel’s “CSV (Comma "
            "delimited)”; check accented letters and symbols such as £, or save the file as “CSV UTF-8”"
        ),
    )


def _line_of(content: bytes, offset: int) -> int:
    return len(_LINE_BREAK.findall(content, 0, offset)) + 1


def _utf16_without_mark(sample: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the sample is mostly text with a NUL byte beside each
    character (UTF-16 saved without a byte-order mark), else None."""
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.6 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _binary(sample: bytes) -> str | None:
    """What kind of file the sample is, when it is not text: by its signature, or "binary data"
    when more than a tenth of it are control bytes (NUL and the like, not tab or line breaks)."""
    for signature, kind in _SIGNATURES:
        if sample.startswith(signature):
            return kind
    if sample and len(_CONTROL_BYTES.findall(sample)) > len(sample) / 10:
        return "binary data (many control bytes such as NUL)"
    return None
