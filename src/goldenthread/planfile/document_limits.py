"""Limits on a business plan document, checked before the drafting reads it (issue 21).

A Word document (.docx) is a zip of XML and a PDF holds compressed streams, so a small upload can
unpack to gigabytes (a "zip bomb") and take a web server's memory with it. :func:`document_problem`
checks the file without trusting what it declares: a .docx's zip directory (how many parts), then
every part unpacked in chunks, counting the bytes really unpacked and stopping at the limit; a PDF
must start as one, and every stream compressed with Flate (the only compression pdfminer unpacks
for text) is unpacked the same way. Plain text must be UTF-8 with some text in it. What it
returns is a phrase to follow the file's name; the caller says what to do. Pure: no Django.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

MB = 1024 * 1024
CHUNK = 64 * 1024
#: a PDF's stream: the keyword, its end of line, and (found after it) ``endstream``
_STREAM = re.compile(rb"stream\r?\n")
_ZLIB_HEADERS = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")
#: what zipfile raises on a damaged archive
_ZIP_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError)


@dataclass(frozen=True)
class DocumentLimits:
    """What the drafting reads from one document; beyond any of these it refuses the file."""

    unpacked_bytes: int = 200 * MB  # every part (.docx) or Flate stream (PDF) as really unpacked, summed
    members: int = 2000  # parts of a .docx (a long plan with pictures has a few hundred)


class _Over(Exception):
    pass


def _unpacked(chunks: Iterator[bytes], limit: int) -> int:
    """Bytes a zlib-style decompressor yields for ``chunks``, stopping past ``limit``."""
    total = 0
    for piece in chunks:
        total += len(piece)
        if total > limit:
            raise _Over
    return total


def _zip_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, left: int) -> Iterator[bytes]:
    with archive.open(info) as part:
        while block := part.read(min(CHUNK, left + 1)):
            yield block
            left -= len(block)
            if left < 0:
                return


def _docx_problem(content: bytes, limits: DocumentLimits) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.members:
                return (
                    f"has {len(infos):,} parts; a Word document goldenthread drafts from has at most {limits.members:,}"
                )
            if "word/document.xml" not in {i.filename for i in infos}:
                return "is not a Word document (.docx): it has no document text (word/document.xml)"
            total = 0
            for info in infos:
                total += _unpacked(
                    _zip_part(archive, info, limits.unpacked_bytes - total), limits.unpacked_bytes - total
                )
    except _Over:
        return f"unpacks to more than {limits.unpacked_bytes // MB} MB (it may be a zip bomb)"
    except _ZIP_DAMAGE:
        return "is damaged or is not a Word document (.docx): it cannot be opened as one"
    return None


def _flate(data: bytes, left: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for at in range(0, len(data), CHUNK):
            piece = inflater.decompress(data[at : at + CHUNK], left + 1)
            yield piece
            left -= len(piece)
            while inflater.unconsumed_tail and left >= 0:
                piece = inflater.decompress(inflater.unconsumed_tail, left + 1)
                yield piece
                left -= len(piece)
            if left < 0 or inflater.eof:
                return
    except zlib.error:
        return  # not Flate after all, or damaged: pdfminer says so when it reads the page


def _pdf_problem(content: bytes, limits: DocumentLimits) -> str | None:
    if content.lstrip(b"\x00\t\n\f\r ")[:5] != b"%PDF-":
        return "is not a PDF: it does not start as one (%PDF-)"
    total = 0
    for found in _STREAM.finditer(content):
        start = found.end()
        if content[start : start + 2] not in _ZLIB_HEADERS:
            continue
        end = content.find(b"endstream", start)
        data = content[start : end if end >= 0 else len(content)]
        try:
            total += _unpacked(_flate(data, limits.unpacked_bytes - total), limits.unpacked_bytes - total)
        except _Over:
            return f"unpacks to more than {limits.unpacked_bytes // MB} MB (it may be a decompression bomb)"
    return None


def _text_problem(content: bytes) -> str | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return f"is not UTF-8 text (line {line} is not)"
    return None if text.strip() else "has no text"


def document_problem(content: bytes, suffix: str, limits: DocumentLimits | None = None) -> str | None:
    """What is wrong with the document before it is read (a phrase after its name), or None.
    ``suffix`` is the file's, lower case: ``.docx``, ``.pdf`` or ``.txt``."""
    limits = limits or DocumentLimits()
    if not content:
        return "is empty"
    if suffix == ".docx":
        return _docx_problem(content, limits)
    if suffix == ".pdf":
        return _pdf_problem(content, limits)
    return _text_problem(content)
