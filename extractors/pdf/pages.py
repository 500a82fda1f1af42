"""The I/O edge of PDF extraction: open a file, yield one :class:`PageGrid` per page.

This is the only module that touches pdfplumber. Each page is parsed exactly once (pdfminer's
content-stream interpreter is now some three quarters of the read), its glyphs and cell boxes
are copied into plain data, and the page is closed at once so memory stays flat however long
the file is. pdfminer's many failure modes are translated into the project's terminal errors
here, and only here.

Speed (issue 8: at least 0.9× the pages/s of bare pdfplumber ``extract_tables()``, one core;
``python -m tests.bench.pdf_speed --repeat 7``, best passes, on a shared 2-core machine): 38.4
against 30.5 pages/s on the samples, 1.26× (it was 17.5 against 29.2, 0.60×); 1.26× on the
hold-out corpus (0.55×), 1.22× on 145 drawn pages (``--generate 40``; 0.83×). Two changes did
it (measured one after the other, in that order):

* glyphs are deduplicated on tuples (:func:`dedupe`), not by ``page.dedupe_chars``, which sorts
  every char dict and orders the survivors with ``list.index`` (quadratic in the page's
  chars): 38% of the read on the samples, 17% on the drawn pages (fewer glyphs a page);
* glyphs are read off pdfminer's ``LTChar`` objects (:func:`_page_objects`) instead of
  ``page.chars``, whose ``process_object`` resolves some 20 attributes of every char that we
  never read, and tables are found from the ruling alone: 23% of what was left (17%).

Both give the same floats as pdfplumber's char dicts and cell boxes, page for page: checked
equal on the samples, the hold-out corpus and drawn PDFs, some with overprinted glyphs
(``python -m tests.bench.pdf_speed --check FILES`` repeats the comparison on any PDFs).
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, cast

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

from extractors.errors import CorruptPdf, EncryptedPdf
from extractors.pdf.grid import Box, Glyph, PageGrid, build_page
from extractors.pdf.settings import PdfSettings

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


class _Char(NamedTuple):
    """A glyph as pdfplumber's char dict would give it, with the fields its dedupe compares."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    doctop: float
    upright: bool
    fontname: str


class _EdgePage:
    """What pdfplumber's ``TableFinder`` reads of a page under the ``lines``/``lines_strict``
    strategies: its edges (and its box, for explicit lines, which we never pass)."""

    def __init__(self, edges: list[dict[str, Any]], bbox: tuple[float, ...]) -> None:
        self.edges = edges
        self.bbox = bbox


def _shape_edges(shapes: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """``Page.edges`` for these shapes: line edges, then rect edges, then curve edges (the
    order pdfplumber lists them in, which its edge merging sees)."""
    return ([line_to_edge(o) for o in shapes["line"]]
            + [e for o in shapes["rect"] for e in rect_to_edges(o)]
            + [e for o in shapes["curve"] for e in curve_to_edges(o)])


def _page_objects(page: Any) -> tuple[list[_Char], dict[str, list[dict[str, Any]]]]:
    """The page's glyphs and its ruling (lines, rects, curves), from pdfminer's layout.

    pdfplumber's ``page.objects`` turns every layout object into a dict of some 20 resolved
    attributes (``process_object``), chars included: a quarter of what its ``extract_tables()``
    costs on these forms. We read the six numbers a glyph needs straight off pdfminer's
    ``LTChar``, with pdfplumber's arithmetic (mediabox offset, top-down flip, doctop), so they
    are the same floats; ruling objects, a few dozen a page, still go through
    ``process_object`` so the table finder sees exactly pdfplumber's dicts. Images, which we
    never read, are skipped."""
    height = page.height
    mb_x0, mb_top = page.mediabox[0], page.mediabox[1]
    doctop0 = page.initial_doctop
    chars: list[_Char] = []
    shapes: dict[str, list[dict[str, Any]]] = {"line": [], "rect": [], "curve": []}

    def walk(objs: Any) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                x0, x1 = obj.x0, obj.x1
                if mb_x0 != 0:
                    x0, x1 = x0 + mb_x0, x1 + mb_x0
                top = (height - obj.y1) + mb_top
                fontname = obj.fontname
                if isinstance(fontname, bytes):
                    fontname = fix_fontname_bytes(fontname)
                chars.append(_Char(obj.get_text(), x0, x1, top, (height - obj.y0) + mb_top,
                                   obj.size, doctop0 + top, obj.upright, fontname))
            elif isinstance(obj, LTCurve):  # LTLine and LTRect are curves too
                shape = page.process_object(obj)
                shapes.setdefault(shape["object_type"], []).append(shape)
            elif isinstance(obj, LTContainer):  # a form XObject: its children are the page's
                walk(obj)

    walk(page.layout)
    return chars, shapes


def _clusters(items: list[int], value: Callable[[int], float],
              tolerance: float) -> list[list[int]]:
    """pdfplumber's ``cluster_objects``: distinct values sorted, a value within ``tolerance``
    of the previous one joins its cluster (single linkage); items keep their order."""
    ids: dict[float, int] = {}
    cluster, last = -1, 0.0
    for v in sorted({value(i) for i in items}):
        if cluster < 0 or not v <= last + tolerance:  # pdfplumber's test, NaN included
            cluster += 1
        ids[v] = cluster
        last = v
    out: list[list[int]] = [[] for _ in range(cluster + 1)]
    for i in items:
        out[ids[value(i)]].append(i)
    return out


def dedupe(chars: list[_Char], tolerance: float) -> list[_Char]:
    """pdfplumber's ``dedupe_chars`` (default ``extra_attrs``) on plain tuples: chars of the
    same text, font, size and direction whose doctop and x0 cluster within ``tolerance`` are
    one glyph printed twice (fake bold); the first of the top-left-most is kept, in page order.

    pdfplumber sorts every char dict and then orders the survivors with ``list.index``
    (quadratic); here chars are grouped by a dict and a char alone in its group, nearly all of
    them, is kept without clustering."""
    groups: dict[tuple[bool, str, str, float], list[int]] = {}
    for i, c in enumerate(chars):
        groups.setdefault((c.upright, c.text, c.fontname, c.size), []).append(i)
    if len(groups) == len(chars):
        return chars
    keep: list[int] = []
    for members in groups.values():
        if len(members) == 1:
            keep.append(members[0])
            continue
        for row in _clusters(members, lambda i: chars[i].doctop, tolerance):
            for same in _clusters(row, lambda i: chars[i].x0, tolerance):
                keep.append(min(same, key=lambda i: (chars[i].doctop, chars[i].x0, i)))
    keep.sort()
    return [chars[i] for i in keep]


def _table_boxes(table: Any) -> list[list[Box | None]]:
    return [[None if b is None else (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
             for b in row.cells] for row in table.rows]


def _find_tables(shapes: dict[str, list[dict[str, Any]]], bbox: tuple[float, ...],
                 settings: PdfSettings) -> list[Any]:
    """pdfplumber's ``find_tables`` on these shapes: its own ``TableFinder``, handed the edges
    ``page.find_tables`` would compute, so no char is turned into a dict to get them."""
    page = cast(Any, _EdgePage(_shape_edges(shapes), bbox))
    return list(TableFinder(page, TableSettings.resolve(settings.table_settings())).tables)


def _copy_page(page: Any, settings: PdfSettings) -> tuple[list[Glyph], list[_Rows]]:
    """Copy one page's glyphs and table cell boxes into plain data (the one pdfminer parse)."""
    chars, shapes = _page_objects(page)
    glyphs = [Glyph(c.text, float(c.x0), float(c.x1), float(c.top), float(c.bottom),
                    float(c.size)) for c in dedupe(chars, settings.dedupe_tolerance)]
    return glyphs, [_table_boxes(t) for t in _find_tables(shapes, page.bbox, settings)]


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
