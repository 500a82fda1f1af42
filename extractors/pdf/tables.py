"""The indicator table: columns from the header row, levels from merged cells' boxes, periods
from block headings and column markers, and the stitching of a table over several pages.

A table is read as *segments* (its part on one page). Every column of the header row gets the
role its printed heading has in the profile (:func:`extractors.vocabulary.column_role`): levels,
target, operator, unit, weight, remarks, explanation; a heading the profile does not know is
kept as an ``extra`` column. Headings marked with a period (``三级指标（中期）``) form a
*column block* of that period; a template that prints two blocks side by side yields two rows
per printed row, sharing the unmarked columns (the level 1).

Within a block each level-3 cell is a row; its level-1/level-2 labels are the cells of those
columns whose box covers the level-3 cell's centre, which is how a merged cell is "filled
down" without guessing from text. A block heading cell (``长期绩效指标`` printed tall beside
the table) gives the period of the rows it covers. Across a page break a merged cell is cut in
two: the two parts are joined again when one is empty (label printed once) or both print the
same label (label repeated).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, pairwise

from extractors.model import IndicatorRow, Layout, Period
from extractors.pdf.grid import Cell
from extractors.profiles import Role
from extractors.table_columns import (
    CELL_ROLES,
    Columns,
    Heading,
    HeadingRow,
    is_group_row,
    read_headings,
    with_group_row,
)
from extractors.vocabulary import block_period, is_block_fragment


@dataclass(frozen=True, slots=True)
class HeaderRowRead:
    """A column-header row as read: the columns, and any block-heading cell printed in it
    (a tall ``长期绩效指标`` cell starts in the row of the headings it stands beside)."""

    columns: Columns
    blocks: tuple[Cell, ...]


def header_columns(row: Sequence[Cell], layout: Layout, minimum: int) -> HeaderRowRead | None:
    """The columns of an indicator table when ``row`` is its column-header row (see
    :func:`extractors.table_columns.read_headings`)."""
    read = read_headings([Heading(c.text, c.x0, c.x1) for c in row], layout, minimum)
    if read is None:
        return None
    return HeaderRowRead(read.columns, tuple(row[i] for i in read.blocks))


def column_of(columns: Columns, cell: Cell) -> int | None:
    """The column whose header is above the cell's centre."""
    return columns.at(cell.mid_x)


def is_group_cells(row: Sequence[Cell], layout: Layout) -> bool:
    """Is ``row`` a group row over a column-header row (see
    :func:`extractors.table_columns.is_group_row`)?"""
    return is_group_row([Heading(c.text, c.x0, c.x1) for c in row], layout)


def with_group_cells(read: HeaderRowRead, row: Sequence[Cell], layout: Layout) -> HeaderRowRead:
    """The header row's columns completed by the group row above it."""
    done = with_group_row(HeadingRow(read.columns, ()),
                          [Heading(c.text, c.x0, c.x1) for c in row], layout)
    return HeaderRowRead(done.columns, read.blocks)


def aligned(cells: Sequence[Cell], columns: Columns, tolerance: float) -> bool:
    """Does a header-less table continue the indicator table? Its level-3 cells sit exactly
    under a level-3 header (a footnote or signature table does not)."""
    spans = [s for s in columns.spans if s.role == "level3"]
    return any(abs(c.x0 - s.x0) <= tolerance and abs(c.x1 - s.x1) <= tolerance
               for c in cells for s in spans)


@dataclass(frozen=True, slots=True)
class Segment:
    """The part of an indicator table printed on one page (below any column-header row);
    ``blocks``: block-heading cells printed in the header row above it."""

    page: int
    columns: Columns
    cells: tuple[Cell, ...]
    blocks: tuple[Cell, ...] = ()
    #: The period of a block heading printed as a line above the table (``年度绩效指标``)
    heading_period: Period | None = None
    #: Starts a new block: its column-header row (or block caption) is printed below rows
    #: of the page, not repeated at the top of a page the table continues on
    fresh: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """A level-3 row before page-break stitching: level texts (``""`` when the covering cell
    is empty or absent), the identity of the cell each came from, the column block it was
    printed in and its other cells by role (``period`` ``None``: no block heading covers it)."""

    segment: int
    page: int
    level1: str
    span1: Hashable
    level2: str
    span2: Hashable
    level3: str
    target: str
    block: int = 0
    period: Period | None = None
    cells: tuple[tuple[Role, str], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    top: float = 0.0  # of the level-3 cell: blocks printed side by side read row by row


def stack_blocks(cells: Sequence[Cell], layout: Layout,
                 tolerance: float = 2.0) -> list[tuple[Cell, Period | None]]:
    """Block-heading cells with their periods, pieces of one tall cell printed in separate
    boxes (the header row's part and the body's) joined top to bottom first; a piece that
    continues a heading from the page before has no period (its rows keep the one above)."""
    joined: list[Cell] = []
    for cell in sorted(cells, key=lambda c: (c.x0, c.top)):
        last = joined[-1] if joined else None
        if (last is not None and abs(last.x0 - cell.x0) <= tolerance
                and abs(last.x1 - cell.x1) <= tolerance
                and cell.top - last.bottom <= tolerance):
            joined[-1] = Cell(last.text + cell.text, last.x0, last.top, last.x1, cell.bottom)
        else:
            joined.append(cell)
    return [(c, block_period(c.text, layout)) for c in joined]


def _covering(cells: Sequence[Cell], y: float) -> list[Cell]:
    return [c for c in cells if c.top <= y <= c.bottom]


def _text(cells: Sequence[Cell], y: float) -> str:
    return "\n".join(c.text.strip() for c in _covering(cells, y) if not c.blank)


def segment_drafts(index: int, segment: Segment, layout: Layout) -> list[Draft]:
    """One draft per level-3 cell and column block, top to bottom, with the level cells and
    the other cells beside it."""
    columns = segment.columns
    blocks = list(segment.blocks)
    by_col: dict[int, list[Cell]] = {i: [] for i in range(len(columns.spans))}
    centres = [(c.x0 + c.x1) / 2 for c in columns.spans]
    for cell in segment.cells:
        if sum(cell.x0 < x < cell.x1 for x in centres) > 1:
            continue  # across columns: a sign-off (审核意见 （盖章）) or a caption, no cell
        col = column_of(columns, cell)
        if col is not None:
            by_col[col].append(cell)
        elif is_block_fragment(cell.text, layout):
            blocks.append(cell)
    heads = stack_blocks(blocks, layout)
    drafts = []
    for b, period in enumerate(columns.periods()):
        roles = columns.block(period)
        for l3 in sorted(by_col[roles["level3"]], key=lambda c: c.top):
            y = l3.mid_y
            levels: list[tuple[str, Hashable]] = []
            for role in ("level1", "level2"):
                col = roles.get(role)
                found = _covering(by_col[col], y) if col is not None else []
                if found:
                    levels.append((found[0].text.strip(), (index, col, found[0].x0,
                                                           found[0].top)))
                else:
                    levels.append(("", (index, b, role, "absent", y)))
            cells = tuple((role, _text(by_col[roles[role]], y)) for role in CELL_ROLES[1:]
                          if role in roles)
            extra = tuple((columns.spans[i].heading, _text(by_col[i], y))
                          for i in columns.extras(period))
            row_period = period
            if row_period is None:
                covering = [per for box, per in heads if box.top <= y <= box.bottom]
                row_period = covering[0] if covering else segment.heading_period
            drafts.append(Draft(segment=index, page=segment.page, level1=levels[0][0],
                                span1=levels[0][1], level2=levels[1][0], span2=levels[1][1],
                                level3=l3.text.strip(), target=dict(cells).get("target", ""),
                                block=b, period=row_period, cells=cells, extra=extra,
                                top=l3.top))
    return drafts


def _find(parent: dict[Hashable, Hashable], x: Hashable) -> Hashable:
    while parent.get(x, x) != x:
        x = parent[x]
    return x


def _one_cell(above: str, below: str) -> bool:
    """Are the two parts of a column cut by a page break one merged cell?"""
    return not above or not below or above == below


def join_spans(drafts: Sequence[Draft]) -> list[tuple[str, str]]:
    """Level-1/level-2 text of each draft, merged cells cut by a page break joined again.

    At each segment boundary, in print order, the cell above (with every part already joined
    to it) and the cell below are one cell when either has no label yet or both print the same
    label (a level-2 only within a joined level-1). Cells still empty then take the label above
    them (a label printed in the first of several unmerged cells); a level-2 never crosses into
    another level-1."""
    parent: dict[Hashable, Hashable] = {}
    labels: dict[Hashable, str] = {}
    for d in drafts:
        for span, text in ((d.span1, d.level1), (d.span2, d.level2)):
            if text and not labels.get(span):
                labels[span] = text

    def label(span: Hashable) -> str:
        return labels.get(_find(parent, span), "")

    def join(above: Hashable, below: Hashable) -> None:
        a, b = _find(parent, above), _find(parent, below)
        if a != b:
            parent[b] = a
            labels[a] = labels.get(a) or labels.get(b, "")

    for prev, cur in pairwise(drafts):
        if prev.segment == cur.segment:
            continue
        if _one_cell(label(prev.span1), label(cur.span1)):
            join(prev.span1, cur.span1)
        same_l1 = _find(parent, prev.span1) == _find(parent, cur.span1)
        if same_l1 and _one_cell(label(prev.span2), label(cur.span2)):
            join(prev.span2, cur.span2)
    out: list[tuple[str, str]] = []
    for d in drafts:
        l1, l2 = label(d.span1), label(d.span2)
        if out and not l1:
            l1 = out[-1][0]
        if out and not l2 and out[-1][0] == l1:
            l2 = out[-1][1]
        out.append((l1, l2))
    return out


def _joined(above: str, below: str) -> str:
    return (above + "\n" + below).strip() if below else above


def _merge_split_rows(drafts: Sequence[Draft]) -> list[Draft]:
    """A row with no level-3 text at the top of a page finishes the row the page break cut;
    other rows with neither a level-3 nor a target are empty ruling, dropped."""
    out: list[Draft] = []
    for d in drafts:
        if d.level3:
            out.append(d)
        elif out and out[-1].segment != d.segment and d.target:
            prev = out[-1]
            mine = dict(d.cells)
            cells = tuple((role, _joined(text, mine.get(role, ""))) for role, text in prev.cells)
            out[-1] = replace(prev, target=_joined(prev.target, d.target), cells=cells)
        elif d.target:
            out.append(d)
    return out


def _periods(drafts: Sequence[Draft], default: Period) -> list[Period]:
    """Each row's period: its own, else that of the row above (a block heading cell cut by a
    page break), else the first one below (a block heading printed only in the part of its
    cell on the next page), else the template's default."""
    known = [d.period for d in drafts if d.period is not None]
    out: list[Period] = []
    for d in drafts:
        out.append(d.period or (out[-1] if out else known[0] if known else default))
    return out


def _runs(drafts: Sequence[Draft], fresh: frozenset[int]) -> list[list[Draft]]:
    """Drafts cut where a new block starts (a segment in ``fresh``): merged cells are never
    joined, nor labels carried, across such a cut."""
    out: list[list[Draft]] = []
    for d in drafts:
        if not out or (d.segment in fresh and out[-1][-1].segment != d.segment):
            out.append([d])
        else:
            out[-1].append(d)
    return out


def _none(text: str | None) -> str | None:
    return text if text and text.strip() else None


def read_indicators(segments: Sequence[Segment], layout: Layout,
                    default: Period = "annual") -> tuple[IndicatorRow, ...]:
    """The indicator rows of one form in print order (row by row, the left of two blocks
    printed side by side first), from its segments; each block is stitched on its own."""
    every = [d for i, s in enumerate(segments) for d in segment_drafts(i, s, layout)]
    fresh = frozenset(i for i, s in enumerate(segments) if s.fresh)
    rows: list[tuple[tuple[int, float, int], IndicatorRow]] = []
    runs = [run for _, group in groupby(sorted(every, key=lambda d: d.block),
                                        key=lambda d: d.block)
            for run in _runs(list(group), fresh)]
    for run in runs:
        drafts = _merge_split_rows(run)
        levels = join_spans(drafts)
        for d, (l1, l2), period in zip(drafts, levels, _periods(drafts, default), strict=True):
            cells = dict(d.cells)
            rows.append(((d.segment, d.top, d.block), IndicatorRow(
                level1=l1 or None, level2=l2 or None, level3=d.level3, target_raw=d.target,
                page=d.page, period=period, operator_cell=_none(cells.get("operator")),
                unit_cell=_none(cells.get("unit")), weight=_none(cells.get("weight")),
                remarks=_none(cells.get("remarks")),
                explanation=_none(cells.get("explanation")),
                extra=tuple((h, t) for h, t in d.extra if t.strip()))))
    return tuple(row for _, row in sorted(rows, key=lambda r: r[0]))
