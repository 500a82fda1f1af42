"""Plain data for one PDF page (glyphs, cells, text lines) and the pure functions that build it.

Everything here works on tuples and frozen dataclasses, not on pdfplumber objects, so the
page's pdfminer layout can be freed as soon as its glyphs and cell boxes are copied out, and
so each step is testable without a PDF.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from extractors.pdf.settings import PdfSettings
from extractors.vocabulary import is_page_footer

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (pdfplumber's orientation)


class Glyph(NamedTuple):
    """One printed character: what pdfplumber's char dict says, minus what we never use."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Cell:
    """A ruled cell and the text printed inside it (line breaks kept as ``"\\n"``)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class TableGrid:
    """A ruled table: rows top to bottom, each row's cells left to right.

    A cell merged over several rows appears once, in the first row it covers (as pdfplumber's
    ``Table.rows`` reports it); its box tells which rows it covers.
    """

    rows: tuple[tuple[Cell, ...], ...]

    @property
    def top(self) -> float:
        return min((c.top for row in self.rows for c in row), default=0.0)

    @property
    def bottom(self) -> float:
        return max((c.bottom for row in self.rows for c in row), default=0.0)


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line printed outside every table (title, year, headings, page footers)."""

    text: str
    top: float
    bottom: float
    x0: float


@dataclass(frozen=True, slots=True)
class PageGrid:
    """What extraction keeps of one page: its tables and its loose lines, nothing else."""

    number: int  # 1-based
    page_count: int
    tables: tuple[TableGrid, ...]
    lines: tuple[TextLine, ...]
    glyph_count: int
    cid_count: int


# CJK ideographs, CJK/full-width punctuation and forms; not the ideographic space itself.
_CJK = "\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \u00a0\u3000]+(?=[{_CJK}])")
_CID = re.compile(r"^\(cid:\d+\)$")


def squeeze_cjk_spaces(text: str) -> str:
    """Drop spaces between two CJK characters: Chinese is printed without them, so any there
    are stray (distributed labels, justified names), while ``PM2.5 年均`` keeps its space."""
    return _CJK_GAP.sub("", text)


def is_cid(glyph: Glyph) -> bool:
    """pdfminer prints a glyph it cannot map to Unicode as ``(cid:123)``."""
    return bool(_CID.match(glyph.text))


def glyphs_to_lines(glyphs: Iterable[Glyph], overlap: float) -> list[list[Glyph]]:
    """Group glyphs into printed lines, top to bottom, each left to right.

    A glyph joins the current line when its vertical centre is within ``overlap`` × its size of
    the line's first glyph: robust to mixed fonts on one baseline, strict enough that the 1.2×
    leading of wrapped cell text always starts a new line."""
    lines: list[list[Glyph]] = []
    anchor = 0.0
    for g in sorted(glyphs, key=lambda g: (g.mid_y, g.x0)):
        if lines and abs(g.mid_y - anchor) <= overlap * max(g.size, 1.0):
            lines[-1].append(g)
        else:
            lines.append([g])
            anchor = g.mid_y
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def line_text(line: Sequence[Glyph], space_gap: float) -> str:
    """The text of one line; a gap wider than ``space_gap`` × size is read as a space."""
    out: list[str] = []
    prev: Glyph | None = None
    for g in line:
        if (prev is not None and g.x0 - prev.x1 > space_gap * max(g.size, 1.0)
                and not g.text.isspace() and not prev.text.isspace()):
            out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out)


def glyphs_text(glyphs: Iterable[Glyph], settings: PdfSettings) -> str:
    """Text of a cell: its lines joined by ``"\\n"``, stray CJK spaces dropped, ends trimmed."""
    lines = (line_text(line, settings.space_gap)
             for line in glyphs_to_lines(glyphs, settings.line_overlap))
    return "\n".join(squeeze_cjk_spaces(t).rstrip() for t in lines).strip("\n ")


class _GlyphIndex:
    """Glyphs sorted by vertical centre, so a box's glyphs are found by bisection."""

    def __init__(self, glyphs: Iterable[Glyph]) -> None:
        self.glyphs = sorted(glyphs, key=lambda g: g.mid_y)
        self.keys = [g.mid_y for g in self.glyphs]

    def inside(self, box: Box) -> list[Glyph]:
        x0, top, x1, bottom = box
        lo = bisect.bisect_left(self.keys, top)
        hi = bisect.bisect_left(self.keys, bottom)
        return [g for g in self.glyphs[lo:hi] if x0 <= g.mid_x < x1]


def _inside_any(g: Glyph, boxes: Sequence[Box]) -> bool:
    return any(x0 <= g.mid_x < x1 and top <= g.mid_y < bottom for x0, top, x1, bottom in boxes)


def build_page(number: int, page_count: int, glyphs: Sequence[Glyph],
               tables: Sequence[Sequence[Sequence[Box | None]]],
               settings: PdfSettings) -> PageGrid:
    """A page's grid from its glyphs and its tables' cell boxes (rows of boxes, ``None`` where a
    merged cell covers the slot): each glyph goes to the cell holding its centre; glyphs in no
    table become loose lines, minus page footers."""
    index = _GlyphIndex(glyphs)
    grids: list[TableGrid] = []
    table_boxes: list[Box] = []
    for rows in tables:
        cells = tuple(
            tuple(Cell(glyphs_text(index.inside(b), settings), *b)
                  for b in sorted((b for b in row if b is not None), key=lambda b: b[0]))
            for row in rows)
        grid = TableGrid(rows=tuple(r for r in cells if r))
        if grid.rows:
            grids.append(grid)
            table_boxes.append((min(c.x0 for r in grid.rows for c in r), grid.top,
                                max(c.x1 for r in grid.rows for c in r), grid.bottom))
    loose = [g for g in glyphs if not _inside_any(g, table_boxes)]
    lines = []
    for line in glyphs_to_lines(loose, settings.line_overlap):
        text = squeeze_cjk_spaces(line_text(line, settings.space_gap)).strip()
        if text and not is_page_footer(text):
            lines.append(TextLine(text=text, top=min(g.top for g in line),
                                  bottom=max(g.bottom for g in line), x0=line[0].x0))
    return PageGrid(number=number, page_count=page_count,
                    tables=tuple(sorted(grids, key=lambda t: t.top)), lines=tuple(lines),
                    glyph_count=sum(not g.text.isspace() for g in glyphs),
                    cid_count=sum(is_cid(g) for g in glyphs))
