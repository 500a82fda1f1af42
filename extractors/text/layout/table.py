"""Indicator table of a -layout form: columns from each page's own rows, rows from lines.

pdftotext recomputes character spacing per page, so column positions are derived on every
page from its rows: level-3 names are left-aligned, so the character column where most
"segment followed by another segment" starts is the level-3 column; text left of it is a
merged level-1/level-2 label, text right of it the level-3 name (when it starts at that
column) and the target. A row is a run of consecutive lines holding level-3/target text;
wrapped level-3 lines without a target join the target line they are centred on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from extractors.model import IndicatorRow, Layout
from extractors.text.layout.lines import Line, Segment, line_segments
from extractors.text.layout.spans import Extent, Fragment, assign_labels
from extractors.text.layout.vertical import RowLines, VerticalModel, vertical_model
from extractors.vocabulary import (
    LABELS,
    column_header_index,
    compact,
    is_block_fragment,
    is_known_level2,
    is_level1,
)

_TABLE_HEADING = re.compile(r"\d{4}年绩效目标")
_CLUSTER_GAP = 3.0  # character columns between the level-1 and level-2 label centres
#: pdftotext jitters left-aligned text by a column or two from line to line
_ALIGN_TOLERANCE = 3


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row before its merged labels are known: its lines, level-3 text and target."""

    page: int
    lines: RowLines
    level3: str
    target: str


@dataclass(frozen=True, slots=True)
class PageTable:
    """What one page contributes to a table."""

    rows: tuple[RawRow, ...]
    level1: tuple[Fragment, ...]
    level2: tuple[Fragment, ...]
    #: Where the table's first column starts (its header row's, or the one carried in)
    left: int | None = None


@dataclass(frozen=True, slots=True)
class _Cells:
    index: int
    level3: str | None
    target: str | None


def is_table_heading(text: str) -> bool:
    """``2020年绩效目标`` above a Shanghai table."""
    return _TABLE_HEADING.fullmatch(compact(text)) is not None


def header_columns(segments: Sequence[Segment], layout: Layout) -> dict[int, Segment]:
    """Column-header segments by column (0..3) when ``segments`` form the header row."""
    found: dict[int, Segment] = {}
    for seg in segments:
        col = column_header_index(seg.text, layout)
        if col is not None and col not in found:
            found[col] = seg
    return found if len(found) >= 3 else {}


def is_column_header(text: str, layout: Layout) -> bool:
    return bool(header_columns(line_segments(text), layout))


def _is_heading_cell(text: str, layout: Layout) -> bool:
    """Headings such as 绩效指标 that span the whole national table, not a level."""
    key = compact(text)
    return any(lb.kind == "heading" and key in {compact(s) for s in lb.spellings}
               for lb in LABELS[layout])


def _is_heading_piece(text: str, layout: Layout) -> bool:
    """A piece of such a heading, wrapped in its narrow cell (``绩效`` / ``指标``)."""
    key = compact(text)
    return bool(key) and any(lb.kind == "heading" and any(key in compact(s) for s in lb.spellings)
                             for lb in LABELS[layout])


def level3_column(lines: Sequence[list[Segment]]) -> int | None:
    """Where level-3 names start: the commonest start of the segment before a line's last
    one (the last is the target); on a tie the rightmost, as labels sit left of names."""
    votes = Counter(segs[-2].start for segs in lines if len(segs) >= 2)
    if not votes:
        return None
    best = max(votes.values())
    return max(col for col, n in votes.items() if n == best)


def target_column(right_parts: Sequence[list[Segment]]) -> int | None:
    """Where targets start: the commonest start of the last of several segments right of
    the level-3 column."""
    votes = Counter(segs[-1].start for segs in right_parts if len(segs) >= 2)
    if not votes:
        return None
    best = max(votes.values())
    return min(col for col, n in votes.items() if n == best)


def _split_overflow(right: list[Segment], col4: int | None, alone: bool) -> list[Segment]:
    """A level-3 name that fills its cell leaves a single space before the target; split the
    lone segment at the last space that opens the target column. Only on a line alone in
    its row (a wrapped name's lines touch their row's other lines)."""
    reach = 2 * _ALIGN_TOLERANCE
    if col4 is None or not alone or len(right) != 1 or right[0].end < col4 - reach:
        return right
    seg = right[0]
    cut = max(
        (i for i, ch in enumerate(seg.text) if ch.isspace() and seg.start + i + 1 >= col4 - reach),
        default=None,
    )
    if cut is None:
        return right
    head, tail = seg.text[:cut], seg.text[cut + 1 :]
    return [Segment(seg.start, seg.start + cut, head), Segment(seg.start + cut + 1, seg.end, tail)]


def _split_label_overflow(segs: list[Segment], col3: int) -> list[Segment]:
    """A merged label that fills its cell leaves a single space before the level-3 name;
    split a segment that starts left of the level-3 column and runs into it."""
    out: list[Segment] = []
    for seg in segs:
        if seg.start >= col3 - _ALIGN_TOLERANCE or seg.end <= col3:
            out.append(seg)
            continue
        cut = max(
            (i for i, ch in enumerate(seg.text)
             if ch.isspace() and abs(seg.start + i + 1 - col3) <= _ALIGN_TOLERANCE),
            default=None,
        )
        if cut is None:
            out.append(seg)
            continue
        out += [
            Segment(seg.start, seg.start + cut, seg.text[:cut]),
            Segment(seg.start + cut + 1, seg.end, seg.text[cut + 1 :]),
        ]
    return out


def _split_cells(
    index: int, right: list[Segment], col3: int, col4: int | None, alone: bool
) -> _Cells:
    if not right:
        return _Cells(index, None, None)
    if min(abs(right[0].start - col3), abs(right[0].wide_start - col3)) > _ALIGN_TOLERANCE:
        return _Cells(index, None, " ".join(s.text for s in right))
    right = _split_overflow(right, col4, alone)
    if len(right) == 1:
        return _Cells(index, right[0].text, None)
    return _Cells(index, " ".join(s.text for s in right[:-1]), right[-1].text)


def _level_boundary(
    labels: Sequence[tuple[int, Segment]], header: dict[int, Segment], layout: Layout
) -> float:
    """Centre position separating level-1 labels (left) from level-2 labels."""
    if 0 in header and 1 in header:
        return (header[0].centre + header[1].centre) / 2
    centres = sorted({seg.centre for _, seg in labels})
    gaps = [(b - a, (a + b) / 2) for a, b in pairwise(centres)]
    widest = max(gaps, default=(0.0, 0.0))
    if widest[0] >= _CLUSTER_GAP:
        return widest[1]
    votes = 0
    for _, seg in labels:
        one, two = is_level1(seg.text, layout), is_known_level2(seg.text, layout)
        votes += (one and not two) - (two and not one)
    return float("inf") if votes > 0 else float("-inf")


def _fragments(
    labels: Sequence[tuple[int, Segment]], boundary: float
) -> tuple[tuple[Fragment, ...], tuple[Fragment, ...]]:
    one: dict[int, list[str]] = {}
    two: dict[int, list[str]] = {}
    for index, seg in labels:
        (one if seg.centre < boundary else two).setdefault(index, []).append(seg.text)
    return (
        tuple(Fragment(i, " ".join(t)) for i, t in sorted(one.items())),
        tuple(Fragment(i, " ".join(t)) for i, t in sorted(two.items())),
    )


def _right_of(segs: Sequence[Segment], i: int, col3: int) -> bool:
    """In the level-3 or target column: by its position, or, when a target follows it on the
    line, by where it would be had the label printed before it been padded for its wide
    characters."""
    seg = segs[i]
    if seg.start >= col3 - _ALIGN_TOLERANCE:
        return True
    nxt = segs[i + 1] if i + 1 < len(segs) else None
    return (seg.wide_start > seg.start and abs(seg.wide_start - col3) <= _ALIGN_TOLERANCE
            and nxt is not None and nxt.start > col3 + _ALIGN_TOLERANCE)


def _left_edge(header: dict[int, Segment], carried: int | None) -> int | None:
    """Where the table's first column starts: its header row's on this page, else the one
    carried from the page before."""
    return min(h.start for h in header.values()) if header else carried


def page_table(lines: Sequence[Line], layout: Layout,
               left: int | None = None) -> PageTable:
    """Rows and label fragments printed on one page of a table; ``left``: where the table's
    first column starts on a page before (for a page that repeats no header row)."""
    header: dict[int, Segment] = {}
    body: list[tuple[int, list[Segment]]] = []
    for line in lines:
        if line.blank or is_table_heading(line.text):
            continue
        segs = line_segments(line.text)
        cols = header_columns(segs, layout)
        if cols:
            header = header or cols
            continue
        segs = [s for s in segs if not _is_heading_cell(s.text, layout)]
        edge = _left_edge(header, left)
        if segs and edge is not None and segs[0].end <= edge and (
                _is_heading_piece(segs[0].text, layout)
                or is_block_fragment(segs[0].text, layout)):
            segs = segs[1:]  # 绩效 / 指标, 年度绩效指标: a heading wrapped down the left
        if segs:
            body.append((line.index, segs))
    col3 = level3_column([segs for _, segs in body])
    page = lines[0].page if lines else 0
    if col3 is None:
        return PageTable((), (), (), left)
    labels: list[tuple[int, Segment]] = []
    cells: list[_Cells] = []
    rights = [[s for i, s in enumerate(segs) if _right_of(segs, i, col3)] for _, segs in body]
    col4 = target_column(rights)
    filled = {index for (index, _), right in zip(body, rights, strict=True) if right}
    body = [(index, _split_label_overflow(segs, col3)) for index, segs in body]
    rights = [[s for i, s in enumerate(segs) if _right_of(segs, i, col3)] for _, segs in body]
    for (index, segs), right in zip(body, rights, strict=True):
        labels += [(index, s) for i, s in enumerate(segs) if not _right_of(segs, i, col3)]
        alone = index - 1 not in filled and index + 1 not in filled
        cell = _split_cells(index, right, col3, col4, alone)
        if cell.level3 is not None or cell.target is not None:
            cells.append(cell)
    one, two = _fragments(labels, _level_boundary(labels, header, layout))
    return PageTable(tuple(_rows(cells, page)), one, two, _left_edge(header, left))


def _runs(cells: Sequence[_Cells]) -> list[list[_Cells]]:
    runs: list[list[_Cells]] = []
    for cell in cells:
        if runs and runs[-1][-1].index + 1 == cell.index:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return runs


def _anchors(run: Sequence[_Cells]) -> list[list[int]]:
    """Positions in ``run`` of each row's target lines: a block of consecutive target lines
    is one wrapped target, unless every line of it also has a level-3 name."""
    blocks: list[list[int]] = []
    for pos, cell in enumerate(run):
        if cell.target is None:
            continue
        if blocks and blocks[-1][-1] == pos - 1:
            blocks[-1].append(pos)
        else:
            blocks.append([pos])
    out: list[list[int]] = []
    for block in blocks:
        if len(block) > 1 and all(run[p].level3 is not None for p in block):
            out += [[p] for p in block]
        else:
            out.append(block)
    return out


def _split_run(run: Sequence[_Cells]) -> list[list[_Cells]]:
    """The rows of a run. Rows are normally separated by a padding line, so a run is one row
    (wrapped name and/or target) unless several of its lines hold both a name and a target;
    then level-3-only lines go to the target they are centred on."""
    anchors = _anchors(run)
    both = sum(1 for c in run if c.level3 is not None and c.target is not None)
    if len(anchors) <= 1 or both < 2:
        return [list(run)]
    groups: list[list[int]] = [list(a) for a in anchors]
    groups[0] = list(range(anchors[0][0])) + groups[0]
    above = anchors[0][0]
    for k in range(len(anchors) - 1):
        free = list(range(anchors[k][-1] + 1, anchors[k + 1][0]))
        keep = min(above, len(free))
        groups[k] += free[:keep]
        groups[k + 1] = free[keep:] + groups[k + 1]
        above = len(free) - keep
    groups[-1] += list(range(anchors[-1][-1] + 1, len(run)))
    return [[run[p] for p in sorted(g)] for g in groups]


def _raw_row(cells: Sequence[_Cells], page: int) -> RawRow:
    names = tuple(c.index for c in cells if c.level3 is not None)
    targets = tuple(c.index for c in cells if c.target is not None)
    tallest = names if len(names) >= len(targets) else targets
    return RawRow(
        page=page,
        lines=RowLines(tuple(c.index for c in cells), tallest),
        level3="\n".join(c.level3 for c in cells if c.level3 is not None),
        target="\n".join(c.target for c in cells if c.target is not None),
    )


def _rows(cells: Sequence[_Cells], page: int) -> list[RawRow]:
    groups: list[list[_Cells]] = []
    orphans: list[tuple[int, list[_Cells]]] = []
    for run in _runs(cells):
        if all(c.target is None for c in run):
            orphans.append((len(groups), run))
        else:
            groups += _split_run(run)
    for at, run in reversed(orphans):
        _attach(groups, at, run)
    return [_raw_row(g, page) for g in groups if any(c.level3 for c in g)]


def _lean(group: Sequence[_Cells]) -> int:
    """Lines above the target minus lines below it: >0 wants lines below, <0 above."""
    targets = [c.index for c in group if c.target is not None]
    if not targets:
        return 0
    return (targets[0] - group[0].index) - (group[-1].index - targets[-1])


def _attach(groups: list[list[_Cells]], at: int, run: list[_Cells]) -> None:
    """Give a level-3 continuation without a target to the row above or below it."""
    before = groups[at - 1] if at > 0 else None
    after = groups[at] if at < len(groups) else None
    if before is None and after is None:
        return
    if before is not None and after is not None:
        up = _lean(before) > 0
        down = _lean(after) < 0
        if up == down:
            up = run[0].index - before[-1].index <= after[0].index - run[-1].index
    else:
        up = before is not None
    if up and before is not None:
        before.extend(run)
    elif after is not None:
        after[:0] = run


def _placed(frag: Fragment, model: VerticalModel) -> Fragment:
    y, slack = model.y(frag.line)
    return replace(frag, y=y, slack=slack)


def table_rows(pages: Sequence[Sequence[Line]], layout: Layout) -> list[IndicatorRow]:
    """Indicator rows of a table printed over ``pages`` (each the table's lines on a page),
    merged labels filled in and carried over page breaks."""
    carry1: str | None = None
    carry2: str | None = None
    out: list[IndicatorRow] = []
    left: int | None = None
    for lines in pages:
        table = page_table(lines, layout, left)
        left = table.left
        if not table.rows:
            continue
        model = vertical_model([r.lines for r in table.rows])
        extents = [Extent(a, b) for a, b in pairwise(model.tops)]
        level1 = [_placed(f, model) for f in table.level1]
        level2 = [_placed(f, model) for f in table.level2]
        one = assign_labels(extents, level1, carry1, lambda t: is_level1(t, layout))
        starts = frozenset(k for k in range(1, len(one)) if one[k] != one[k - 1])
        two = assign_labels(
            extents, level2, carry2, lambda t: is_known_level2(t, layout), breaks=starts
        )
        for row, l1, l2 in zip(table.rows, one, two, strict=True):
            out.append(IndicatorRow(l1, l2, row.level3, row.target, row.page))
        carry1, carry2 = one[-1], two[-1]
    return out
