"""The I/O edge of PDF extraction: open a file, yield one :class:`PageGrid` per page.

This is the only module that touches pdfplumber. Each page is parsed exactly once (pdfminer's
page parsing is most of the cost), its glyphs and cell boxes are copied into plain data, and
the page is closed at once so memory stays flat however long the file is. pdfminer's many
failure modes are translated into the project's terminal errors here, and only here.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from extractors.errors import CorruptPdf, EncryptedPdf
from extractors.pdf_grid import Box, Glyph, PageGrid, build_page
from extractors.pdf_settings import PdfSettings

_Rows = list[list[Box | None]]

#: What pdfminer raises on damaged bytes (it has no single base class for them).
_DAMAGE = (PSException, PdfminerException, ValueError, KeyError, TypeError, IndexError,
           AttributeError, AssertionError, EOFError, struct.error, zlib.error, RecursionError)


#: A PDF to read: a path, or bytes already read (so the bytes parsed are the bytes hashed).
PdfInput = Path | bytes


def _translate(name: str, exc: BaseException) -> Exception:
    """The project error for a pdfminer failure (pdfplumber wraps the original)."""
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, MemoryError):
        return cause  # the worker's memory cap: not damage (the pool quarantines it)
    if isinstance(cause, PDFEncryptionError):
        return EncryptedPdf(f"{name}: the PDF is password-protected or its encryption is "
                            f"not supported ({type(cause).__name__})")
    detail = f"{type(cause).__name__}: {cause}"[:200]
    return CorruptPdf(f"{name}: the PDF cannot be parsed, it is damaged or truncated "
                      f"({detail})")


def _glyphs(chars: list[dict[str, Any]]) -> list[Glyph]:
    return [Glyph(c["text"], float(c["x0"]), float(c["x1"]), float(c["top"]),
                  float(c["bottom"]), float(c["size"])) for c in chars]


def _table_boxes(table: Any) -> list[list[Box | None]]:
    return [[None if b is None else (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
             for b in row.cells] for row in table.rows]


def _copy_page(page: Any, settings: PdfSettings) -> tuple[list[Glyph], list[_Rows]]:
    """Copy one page's glyphs and table cell boxes into plain data (the one pdfminer parse)."""
    clean = page.dedupe_chars(tolerance=settings.dedupe_tolerance)
    glyphs = _glyphs(clean.chars)
    return glyphs, [_table_boxes(t) for t in clean.find_tables(settings.table_settings())]


def _tail(pdf: PdfInput) -> bytes:
    if isinstance(pdf, bytes):
        return pdf[-1024:]
    with pdf.open("rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - 1024))
        return fh.read()


def check_complete(pdf: PdfInput, name: str) -> None:
    """A PDF ends with ``%%EOF`` (readers look in the last 1024 bytes). pdfminer happily reads
    a file cut just before it, so a truncated download would pass for whole without this."""
    if b"%%EOF" not in _tail(pdf):
        raise CorruptPdf(f"{name}: the PDF is truncated or damaged (no %%EOF marker "
                         f"in its last 1024 bytes)")


def iter_page_grids(source: PdfInput, settings: PdfSettings, name: str) -> Iterator[PageGrid]:
    """Yield each page of ``source`` as a :class:`PageGrid`, in order, closing pages as it
    goes.

    Raises :class:`CorruptPdf` or :class:`EncryptedPdf` (naming the file) when pdfminer cannot
    read it."""
    check_complete(source, name)
    try:
        pdf = pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    except _DAMAGE as exc:
        raise _translate(name, exc) from exc
    try:
        try:
            pages = pdf.pages
        except _DAMAGE as exc:
            raise _translate(name, exc) from exc
        for page in pages:
            try:
                glyphs, tables = _copy_page(page, settings)
            except _DAMAGE as exc:
                raise _translate(name, exc) from exc
            finally:
                page.close()
            yield build_page(page.page_number, len(pages), glyphs, tables, settings)
    finally:
        _close(pdf)


def _close(pdf: Any) -> None:
    """Close a document; pdfplumber's ``close`` walks the pages again, which raises once more
    on a damaged page tree (the error that matters was already raised)."""
    with contextlib.suppress(*_DAMAGE):
        pdf.close()
    with contextlib.suppress(Exception):
        pdf.stream.close()
