"""PDF extractor: performance target tables printed as ruled PDF forms, into :class:`Form`\\ s.

The chain, each step a small function over plain data (only the first touches the file)::

    iter_page_grids   file -> PageGrid per page (cells with their text, loose text lines)
    page_blocks       PageGrid -> tables and lines in print order, with their page
    group_forms       blocks -> one chunk per form, cut at each printed title
    split_rows        chunk -> header rows | indicator-table segments (cut at the column heads)
    read_header       header rows -> fields            (extractors.pdf.header)
    read_indicators   segments -> IndicatorRow rows    (extractors.pdf.tables)

Forms are found by their printed title, tables by their ruling, fields by the shared label
vocabulary of :mod:`extractors.vocabulary`; nothing here knows a sample's words or counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import NotATargetTable, NoTextLayer, NoUnicodeMap, Reason, UnknownLayout
from extractors.model import Form, Layout, Period
from extractors.pdf.grid import Cell, PageGrid, TableGrid, TextLine
from extractors.pdf.header import HeaderRow, read_header
from extractors.pdf.pages import PdfInput, iter_page_grids
from extractors.pdf.settings import PdfSettings
from extractors.pdf.tables import (
    Segment,
    aligned,
    header_columns,
    is_group_cells,
    read_indicators,
    with_group_cells,
)
from extractors.table_columns import Columns
from extractors.vocabulary import (
    TABLE_HEADING_RE,
    block_period,
    default_money_unit,
    default_period,
    find_title,
    find_year,
    find_year_line,
    refused_title,
    title_year,
)

__all__ = ["PdfSettings", "read_pdf_forms"]

Block = TextLine | TableGrid


@dataclass(frozen=True, slots=True)
class Placed:
    """A block and where it was printed; ``opens_page``: the first table of its page."""

    page: int
    block: Block
    opens_page: bool = False


@dataclass(frozen=True, slots=True)
class FormChunk:
    """Everything printed from one form's title up to the next title; ``refused``: the
    quarantine reason when the title is that of a table which is no target table."""

    layout: Layout
    page: int
    blocks: tuple[Placed, ...]
    refused: Reason | None = None


def page_blocks(grid: PageGrid) -> list[Placed]:
    """A page's tables and loose lines in print order (top to bottom)."""
    items: list[Block] = sorted([*grid.tables, *grid.lines], key=lambda b: b.top)
    first_table = next((b for b in items if isinstance(b, TableGrid)), None)
    return [Placed(grid.number, b, opens_page=b is first_table) for b in items]




def title_of(line: TextLine) -> Layout | None:
    """The layout whose title this loose line is; a year printed on the same line, as
    ``（2022年度）`` after it or ``2022年度`` before it, is allowed."""
    return find_title(line.text)


def group_forms(grids: Iterable[PageGrid]) -> Iterator[FormChunk]:
    """Cut the print stream into forms at each title; text before the first title belongs to
    no form (a cover page) and is dropped. A refused title (a self-evaluation table) opens a
    chunk too, so its pages are never read as the form before it."""
    layout: Layout | None = None
    refused: Reason | None = None
    start = 0
    blocks: list[Placed] = []
    for grid in grids:
        for placed in page_blocks(grid):
            found: Layout | None = None
            reason: Reason | None = None
            if isinstance(placed.block, TextLine):
                found = title_of(placed.block)
                if found is None:
                    reason = refused_title(placed.block.text)
                    found = "national" if reason is not None else None
            if found is not None:
                if layout is not None:
                    yield FormChunk(layout, start, tuple(blocks), refused)
                layout, refused, start, blocks = found, reason, placed.page, []
            blocks.append(placed)
    if layout is not None:
        yield FormChunk(layout, start, tuple(blocks), refused)


def form_year(chunk: FormChunk) -> str | None:
    """``（2022年度）`` printed near the title (or ``2022年度`` before it); else the
    ``2022年绩效目标`` table heading."""
    lines = [p.block.text for p in chunk.blocks if isinstance(p.block, TextLine)]
    for line in lines:
        is_title = title_of(TextLine(line, 0, 0, 0)) is not None
        year = title_year(line) if is_title else find_year(line)
        if year is not None:
            return str(year)
    for line in lines:
        bare = find_year_line(line)
        if bare is not None:
            return str(bare)
    for line in lines:
        m = TABLE_HEADING_RE.search(line)
        if m:
            return m.group(1)
    return None


@dataclass(frozen=True, slots=True)
class FormRows:
    header: tuple[HeaderRow, ...]
    segments: tuple[Segment, ...]


def split_rows(chunk: FormChunk, settings: PdfSettings) -> FormRows:
    """Header rows until the indicator table's column-header row, table segments after it.

    A later table without its own column-header row continues the indicator table when its
    cells line up under the level-3 header; a repeated column-header row is skipped."""
    header: list[HeaderRow] = []
    segments: list[Segment] = []
    columns: Columns | None = None
    blocks: tuple[Cell, ...] = ()
    heading: Period | None = None
    fresh = caption_seen = False
    for placed in chunk.blocks:
        if not isinstance(placed.block, TableGrid):
            period = block_period(placed.block.text, chunk.layout, whole=True)
            if period is not None:
                heading, caption_seen = period, True
            elif columns is None and placed.page == chunk.page and is_header_line(placed.block):
                header.append(HeaderRow(cells=(line_cell(placed.block),), page=placed.page,
                                        loose=True))
            continue
        cells: list[Cell] = []
        headed = False
        rows = placed.block.rows
        found_at = [header_columns(row, chunk.layout, settings.min_column_headers)
                    for row in rows]
        for r, row in enumerate(rows):
            nxt = found_at[r + 1] if r + 1 < len(rows) else None
            if nxt is not None and found_at[r] is None and is_group_cells(row, chunk.layout):
                found_at[r + 1] = with_group_cells(nxt, row, chunk.layout)
                continue
            found = found_at[r]
            caption = caption_row(row, chunk.layout)
            if found is not None:
                if columns is not None and cells:
                    segments.append(Segment(placed.page, columns, tuple(cells), blocks,
                                            heading, fresh))
                at_top = placed.opens_page and r <= 1
                fresh = columns is not None and (not at_top or caption_seen)
                columns, blocks, cells, headed = found.columns, found.blocks, [], True
                caption_seen = False
            elif caption is not None:
                if columns is not None and cells:
                    segments.append(Segment(placed.page, columns, tuple(cells), blocks,
                                            heading, fresh))
                heading, blocks, cells, fresh, caption_seen = caption, (), [], True, True
            elif columns is not None:
                cells.extend(row)
            else:
                opens = placed.opens_page and r == 0 and placed.page != chunk.page
                header.append(HeaderRow(cells=row, page=placed.page, opens_page=opens))
        if columns is not None and cells and (
                headed or aligned(cells, columns, settings.column_tolerance)):
            segments.append(Segment(placed.page, columns, tuple(cells), blocks, heading,
                                    fresh and headed))
    return FormRows(header=tuple(header), segments=tuple(segments))


def caption_row(row: Sequence[Cell], layout: Layout) -> Period | None:
    """The period of a row that is nothing but a block heading (``年度绩效指标`` printed
    across the table above its block)."""
    texts = [c.text for c in row if not c.blank]
    return block_period(texts[0], layout, whole=True) if len(texts) == 1 else None


def is_header_line(line: TextLine) -> bool:
    """A loose line that may print header fields: not the title, the year or a heading."""
    text = line.text
    return (title_of(line) is None and find_year(text) is None and find_year_line(text) is None
            and TABLE_HEADING_RE.search(text) is None and title_year(text) is None)


def line_cell(line: TextLine) -> Cell:
    """A loose text line as a one-cell header row (``填报单位（盖章）：…`` above the form)."""
    return Cell(line.text, line.x0, line.top, line.x0, line.bottom)


def build_form(chunk: FormChunk, settings: PdfSettings) -> Form | None:
    """The form a chunk prints, or ``None`` when it has neither a label nor an indicator."""
    rows = split_rows(chunk, settings)
    header = read_header(rows.header, chunk.layout)
    indicators = read_indicators(rows.segments, chunk.layout, default_period(chunk.layout))
    if not header.fields and not indicators:
        return None
    fields = dict(header.fields)
    year = form_year(chunk)
    if year is not None:
        fields["year"] = year
    notes = list(header.notes)
    if not rows.segments:
        notes.append(f"page {chunk.page}: no indicator table found")
    has_target = any(s.columns.has("target") for s in rows.segments)
    return Form(layout=chunk.layout, page=chunk.page, fields=fields, indicators=indicators,
                money_unit=header.money_unit or default_money_unit(chunk.layout),
                has_target_column=has_target, notes=tuple(notes),
                extra_fields=header.extra_fields)


def check_text_layer(name: str, grids: Sequence[PageGrid], settings: PdfSettings) -> None:
    """Refuse files whose text cannot be read: no glyphs at all, or glyphs without Unicode."""
    glyphs = sum(g.glyph_count for g in grids)
    if glyphs == 0:
        raise NoTextLayer(f"{name}: none of its {len(grids)} pages has a text layer (a scan or "
                          f"image-only PDF); it needs OCR before it can be loaded")
    cids = sum(g.cid_count for g in grids)
    if cids / glyphs > settings.cid_share:
        raise NoUnicodeMap(f"{name}: {cids} of {glyphs} glyphs have no Unicode mapping "
                           f"(printed as '(cid:…)'); the text cannot be recovered without OCR")


def read_pdf_forms(source: PdfInput, settings: PdfSettings | None = None,
                   name: str | None = None) -> tuple[int, list[Form]]:
    """(page_count, forms in file order) of a PDF of performance target tables, from a path
    or from bytes already read (``name`` is what messages call the file).

    Raises CorruptPdf, EncryptedPdf, NoTextLayer, NoUnicodeMap, NotATargetTable or
    UnknownLayout (each naming the file) when the file cannot yield a form."""
    settings = settings or PdfSettings()
    name = name or (source.name if isinstance(source, Path) else "the PDF")
    grids = list(iter_page_grids(source, settings, name))
    page_count = grids[-1].page_count if grids else 0
    check_text_layer(name, grids, settings)
    every = list(group_forms(grids))
    chunks = [c for c in every if c.refused is None]
    if not chunks and every:
        raise NotATargetTable(f"{name}: the table on page {every[0].page} is no target table "
                              f"({every[0].refused}): its title says so", reason=every[0].refused)
    if not chunks:
        raise NotATargetTable(f"{name}: {page_count} pages of text but no performance "
                              f"target table title on any of them")
    forms = [f for f in (build_form(c, settings) for c in chunks) if f is not None]
    if not forms:
        raise UnknownLayout(f"{name}: a target table title is printed (page "
                            f"{chunks[0].page}) but no header label or indicator table of "
                            f"the {chunks[0].layout} layout was found")
    return page_count, forms
