"""The indicator table: columns from the header row, levels from merged cells' boxes, and the
stitching of a table that runs over several pages.

A table is read as *segments* (its part on one page). Within a segment each level-3 cell is a
row; its level-1/level-2 labels are the cells of those columns whose box covers the level-3
cell's centre, which is how a merged cell is "filled down" without guessing from text. Across a
page break a merged cell is cut in two: the two parts are joined again when one is empty (label
printed once) or both print the same label (label repeated).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from extractors.layouts import column_header_index
from extractors.model import IndicatorRow, Layout
from extractors.pdf_grid import Cell

LEVEL1, LEVEL2, LEVEL3, TARGET = range(4)


@dataclass(frozen=True, slots=True)
class Columns:
    """x-extent of each indicator column, from the column-header row; ``None``: not printed."""

    spans: tuple[tuple[float, float] | None, ...]

    def of(self, cell: Cell) -> int | None:
        """The column whose header is above the cell's centre."""
        for i, span in enumerate(self.spans):
            if span is not None and span[0] <= cell.mid_x <= span[1]:
                return i
        return None


def header_columns(row: Sequence[Cell], layout: Layout, minimum: int) -> Columns | None:
    """Columns of an indicator table when ``row`` is its column-header row (at least
    ``minimum`` of the four headers, so a stray ``指标值`` in a narrative is no header). The
    other layout's header words are accepted too: the columns mean the same in both."""
    other: Layout = "national" if layout == "shanghai" else "shanghai"
    spans: list[tuple[float, float] | None] = [None] * 4
    for cell in row:
        i = column_header_index(cell.text, layout)
        if i is None:
            i = column_header_index(cell.text, other)
        if i is not None and spans[i] is None:
            spans[i] = (cell.x0, cell.x1)
    if sum(s is not None for s in spans) < minimum or spans[LEVEL3] is None:
        return None
    return Columns(spans=tuple(spans))


def aligned(cells: Sequence[Cell], columns: Columns, tolerance: float) -> bool:
    """Does a header-less table continue the indicator table? Its level-3 cells sit exactly
    under the level-3 header (a footnote or signature table does not)."""
    span = columns.spans[LEVEL3]
    return span is not None and any(
        abs(c.x0 - span[0]) <= tolerance and abs(c.x1 - span[1]) <= tolerance for c in cells)


@dataclass(frozen=True, slots=True)
class Segment:
    """The part of an indicator table printed on one page (below any column-header row)."""

    page: int
    columns: Columns
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Draft:
    """A level-3 row before page-break stitching: level texts (``""`` when the covering cell
    is empty or absent) and the identity of the cell each came from."""

    segment: int
    page: int
    level1: str
    span1: Hashable
    level2: str
    span2: Hashable
    level3: str
    target: str


def _covering(cells: Sequence[Cell], y: float) -> list[Cell]:
    return [c for c in cells if c.top <= y <= c.bottom]


def segment_drafts(index: int, segment: Segment) -> list[Draft]:
    """One draft per level-3 cell, top to bottom, with the level and target cells beside it."""
    by_col: dict[int, list[Cell]] = {LEVEL1: [], LEVEL2: [], LEVEL3: [], TARGET: []}
    for cell in segment.cells:
        col = segment.columns.of(cell)
        if col is not None:
            by_col[col].append(cell)
    drafts = []
    for l3 in sorted(by_col[LEVEL3], key=lambda c: c.top):
        y = l3.mid_y
        levels: list[tuple[str, Hashable]] = []
        for col in (LEVEL1, LEVEL2):
            found = _covering(by_col[col], y)
            if found:
                levels.append((found[0].text.strip(), (index, col, found[0].x0, found[0].top)))
            else:
                levels.append(("", (index, col, "absent", y)))
        target = "\n".join(c.text.strip() for c in _covering(by_col[TARGET], y) if not c.blank)
        drafts.append(Draft(segment=index, page=segment.page, level1=levels[0][0],
                            span1=levels[0][1], level2=levels[1][0], span2=levels[1][1],
                            level3=l3.text.strip(), target=target))
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


def _merge_split_rows(drafts: Sequence[Draft]) -> list[Draft]:
    """A row with no level-3 text at the top of a page finishes the row the page break cut;
    other rows with neither a level-3 nor a target are empty ruling, dropped."""
    out: list[Draft] = []
    for d in drafts:
        if d.level3:
            out.append(d)
        elif out and out[-1].segment != d.segment and d.target:
            out[-1] = replace(out[-1], target=(out[-1].target + "\n" + d.target).strip())
        elif d.target:
            out.append(d)
    return out


def read_indicators(segments: Sequence[Segment]) -> tuple[IndicatorRow, ...]:
    """The indicator rows of one form, in print order, from its table's segments."""
    drafts = _merge_split_rows([d for i, s in enumerate(segments) for d in segment_drafts(i, s)])
    levels = join_spans(drafts)
    return tuple(IndicatorRow(level1=l1 or None, level2=l2 or None, level3=d.level3,
                              target_raw=d.target, page=d.page)
                 for d, (l1, l2) in zip(drafts, levels, strict=True))
