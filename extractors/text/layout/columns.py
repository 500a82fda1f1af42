"""Indicator tables of ``-layout`` exports read by their column headings: any table whose
column-header row the headings show (the classic four columns, operator, unit, weight,
remarks or explanation columns, column blocks of two periods side by side, stacked 长期/年度
blocks).

The column-header row is found by its headings (:mod:`extractors.text.layout.headings`).
Every word of a body line then belongs to the column whose heading centre is nearest to its
own (pdftotext prints a cell's text where the cell is, the heading centred over it). A
printed row is a run of non-blank lines (ruled rows leave a blank line between them); a run
holding two lines that each print a level-3 name and a target is two rows. Merged level
cells are assigned by their vertical centring
(:func:`extractors.text.layout.spans.assign_labels`, over the rows' heights rebuilt by
:mod:`extractors.text.layout.vertical`), which reads labels repeated on every row the same
way. A block heading printed beside the table (``长期绩效指标``, one character per line) gives the
period of the rows below its column-header row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, pairwise

from extractors.model import IndicatorRow, Layout, Period
from extractors.profiles import Role
from extractors.table_columns import CELL_ROLES
from extractors.text.layout.align import (
    HeaderBlock,
    TablePart,
    Word,
    calibrate,
    cells_of,
    fit_cost,
    label_columns_of,
)
from extractors.text.layout.headings import LayoutColumnSettings, headers_of
from extractors.text.layout.lines import Line, Segment, line_segments
from extractors.text.layout.spans import Extent, Fragment, assign_labels
from extractors.text.layout.vertical import (
    LOOSE_PAD,
    TIGHT_PAD,
    RowLines,
    VerticalModel,
    vertical_model,
)
from extractors.text.width import display_width
from extractors.vocabulary import (
    block_period,
    is_block_fragment,
    is_known_level2,
    is_level1,
    is_level_fragment,
)


def _same_columns(a: HeaderBlock, b: HeaderBlock) -> bool:
    return [(s.role, s.period) for s in a.columns.spans] == [
        (s.role, s.period) for s in b.columns.spans]


def _new_part(header: HeaderBlock, page: Sequence[Line], prev: TablePart | None,
              later: HeaderBlock | None = None) -> TablePart:
    """A part under its own header row, or continuing ``prev``'s on a new page: its columns
    where a header row printed further down the page puts them (the same grid), else
    ``prev``'s scaled to the page's width."""
    width = max((len(ln.text.rstrip()) for ln in page), default=0)
    if later is not None and prev is not None:
        spans = later.columns.spans
        return TablePart(header, page[0].page, [(s.x0 + s.x1) / 2 for s in spans],
                     min(s.x0 for s in spans), width)
    if prev is None:
        spans = header.columns.spans
        return TablePart(header, page[0].page, [(s.x0 + s.x1) / 2 for s in spans],
                     min(s.x0 for s in spans), width)
    scale = width / prev.width if width and prev.width else 1.0
    return TablePart(header, page[0].page, [x * scale for x in prev.centres], prev.left * scale,
                 width)


@dataclass(frozen=True, slots=True)
class _Row:
    """A printed row of one column block: its part, page, first and last line and text by
    column; ``cut``: the rest of the row above, printed after a page break."""

    part: int
    page: int
    top: int
    bottom: int
    cells: dict[int, str]
    cut: bool = False


def _level3_cells(lines: Sequence[tuple[int, dict[int, str]]], l3: int,
                  target: int | None, tight: bool,
                  labels_only: frozenset[int] = frozenset()) -> list[list[int]]:
    """The line indexes of each level-3 cell: consecutive lines (a line printing level
    labels alone, ``labels_only``, between them parts nothing), or lines one apart with a
    line of the row's other cells between them (a one-line target printed at the centre of
    a two-line name).

    Where that cannot be one cell: in a ``tight`` table (rows printed without a blank line
    between them) a name line printing a target under a row that prints one (on or between
    its name lines) starts a row; so does such a line one apart from the row in any table,
    unless the line between prints a cell of a column neither of them prints (a one-line
    cell centred on one row: 定性, a weight). And
    where the export prints centred cells on lines of their own (a name / target / name cell
    is seen), a name printed with its target on one line is not continued by a name-only
    line below (its target would be centred)."""
    by_line = dict(lines)
    full = _full_widths(lines)
    others = {i for i, cells in lines if cells and not cells.get(l3)}
    has_target = {i for i, cells in lines if target is not None and cells.get(target)}

    def group(centred: bool) -> tuple[list[list[int]], bool]:
        out: list[list[int]] = []
        split_seen = False
        taken: set[int] = set()  # lines between names that a row has taken as its piece
        for i, cells in lines:
            if not cells.get(l3):
                continue
            last = out[-1][-1] if out else None
            if last is None:
                out.append([i])
                continue
            both = i in has_target and any(
                j in has_target for j in range(out[-1][0], last + 1))
            if i - last == 2:  # unless a cell centred on one row stands between them
                two_rows = both and not _centred_between(by_line, last, i)
            else:
                two_rows = both and tight
            # a lone name-and-target line is not continued by a name alone
            lone = centred and out[-1] == [last] and last in has_target and i not in has_target
            # a line printing level labels alone between two name lines parts nothing
            if i - last == 1 or (i - last == 2 and last + 1 in labels_only):
                two_rows = two_rows or lone or _ends_short(by_line, last, i, full)
                # ... nor is a cell whose target is printed apart continued by a line with
                # a target of its own
                two_rows = two_rows or (centred and i in has_target and any(
                    j in has_target for j in range(out[-1][0] + 1, last)))
                join = not two_rows
            elif i - last == 2 and last + 1 in others:
                closes, owned = _piece_between(by_line, out[-1], l3, taken)
                join = not two_rows and not lone and not closes and not owned
                if closes or join:
                    taken.add(last + 1)
                split_seen = split_seen or (join and last + 1 in has_target)
            else:
                join = False
            if join:
                out[-1].append(i)
            else:
                out.append([i])
        return out, split_seen

    groups, centred = group(False)
    return group(True)[0] if centred else groups


def _full_widths(lines: Sequence[tuple[int, dict[int, str]]]) -> dict[int, int]:
    """The widest text each column prints on one line: the width its wrapped cells fill."""
    out: dict[int, int] = {}
    for _, cells in lines:
        for c, text in cells.items():
            out[c] = max(out.get(c, 0), display_width(text))
    return out


def _ends_short(by_line: dict[int, dict[int, str]], line: int, below: int,
                full: dict[int, int]) -> bool:
    """Does a cell printed on ``line`` and on the line ``below`` end on ``line``, its text
    there clearly short of the column's width (a wrapped cell fills each line but its last,
    give or take the one wide character a line break may not leave at a line's start)?"""
    here, there = by_line.get(line, {}), by_line.get(below, {})
    return any(display_width(text) + _WRAP_SLACK < full[c]
               for c, text in here.items() if c in there)


#: Display columns a wrapped line may fall short of its column's width: one wide character
_WRAP_SLACK = 2


def _piece_between(by_line: dict[int, dict[int, str]], group: Sequence[int], l3: int,
                   taken: set[int]) -> tuple[bool, bool]:
    """Of the line of other cells below a row's last name line: does it close cells wrapped
    around that row (their first piece on the line above its first name line, a line no row
    above has taken)? Does the row already print those cells (the piece opens the next
    row's)? Either way the row ends at its last name line."""
    first, last = group[0], group[-1]
    below = by_line.get(last + 1, {})
    opener = by_line.get(first - 1, {})
    closes = (bool(opener) and first - 1 not in taken and l3 not in opener
              and all(c in opener for c in below))
    owned = any(c in by_line.get(j, {}) for j in range(first, last + 1) for c in below)
    return closes, owned


def _centred_between(by_line: dict[int, dict[int, str]], above: int, below: int) -> bool:
    """Does the line between ``above`` and ``below`` print a cell in a column neither
    prints, and that the lines around them do not continue (a cell wrapped around ``below``
    or ``above`` prints its pieces on both sides of it)?"""
    outer = set(by_line.get(above, {})) | set(by_line.get(below, {}))
    around = set(by_line.get(above - 1, {})) | set(by_line.get(below + 1, {}))
    return any(c not in outer and c not in around for c in by_line.get(above + 1, {}))


def is_tight(lines: Sequence[Line]) -> bool:
    """Are a part's rows printed without blank lines between them (small cell padding)?
    Then fewer than one line in four of its body is blank."""
    if not lines:
        return False
    first, last = lines[0].index, lines[-1].index
    blank = (last - first + 1) - len(lines)
    return blank * 4 < len(lines)


def _nearest(groups: Sequence[Sequence[int]], i: int,
             by_line: dict[int, dict[int, str]] | None = None, top: bool = False) -> int:
    """The level-3 cell a line of other cells belongs to: the nearest; on a tie the one whose
    own lines do not print those cells (a target wrapped around a one-line name:
    ``2023年4月前启`` / name / ``动``, between rows printing theirs), else the one its
    cells wrap around (a piece of the same column printed on the other side of that row:
    ``平方公`` / row / ``里``), else the one below (the one above prints its own cells on its
    own lines); in a ``top``-aligned part (cells printed from their row's first line), the
    one above."""
    def distance(g: int) -> int:
        return min(abs(i - j) for j in groups[g])

    best = min(range(len(groups)), key=lambda g: (distance(g), g if top else -g))
    if by_line is not None and best > 0 and distance(best - 1) == distance(best):
        cols = by_line.get(i, {})

        def prints(group: Sequence[int]) -> bool:
            return any(c in by_line.get(j, {}) for j in group for c in cols)

        def wraps(group: Sequence[int]) -> bool:
            side = by_line.get(2 * group[0] - i, {}) if len(group) == 1 else {}
            return any(c in side for c in cols)

        above, below = groups[best - 1], groups[best]
        if prints(above) != prints(below):  # the piece completes the row missing that cell
            return best if prints(above) else best - 1
        if wraps(above) and not wraps(below):
            return best - 1
    return best


def _top_aligned(groups: Sequence[Sequence[int]], by_line: dict[int, dict[int, str]],
                 target: int | None) -> bool:
    """Are a part's cells printed from their row's first line, not centred? Every name that
    wraps has its target on its first line, and one of them wraps over three lines or more
    (a centred target would sit on its middle line); or, beside one-line names, cells that
    wrap on down from the name's line outnumber cells wrapped around it (a centred two-line
    cell prints one line above the name and one below, never on the name's line)."""
    if target is None:
        return False
    wrapped = [g for g in groups if len(g) >= 2]
    if any(len(g) >= 3 for g in wrapped) and all(
            target in by_line.get(g[0], {}) for g in wrapped):
        return True
    names = {i for g in groups for i in g}

    def other(i: int) -> set[int]:
        return set() if i in names else set(by_line.get(i, {}))

    down = around = 0
    for g in groups:
        if len(g) != 1:
            continue
        here, above, below = set(by_line.get(g[0], {})), other(g[0] - 1), other(g[0] + 1)
        down += len(below & (here - above))
        around += len(below & (above - here))
    return down > around


def _block_rows(parts: Sequence[TablePart],
                cells_by_part: Sequence[list[tuple[int, dict[int, str]]]],
                period: Period | None) -> list[_Row]:
    """The rows of one column block: one per level-3 cell, with the block's other cells
    (level columns aside) of the lines nearest to it."""
    rows: list[_Row] = []
    for p, part in enumerate(parts):
        columns = part.header.columns
        roles = columns.block(period)
        row_cols = {c for r, c in roles.items() if r not in ("level1", "level2")}
        row_cols |= set(columns.extras(period))
        lines = [(i, {c: t for c, t in cells.items() if c in row_cols})
                 for i, cells in cells_by_part[p]]
        lines = [(i, cells) for i, cells in lines if cells]
        labels_only = frozenset(
            i for i, cells in cells_by_part[p]
            if cells and all(columns.spans[c].role in ("level1", "level2") for c in cells))
        groups = _level3_cells(lines, roles["level3"], roles.get("target"),
                               is_tight(part.lines), labels_only)
        if not groups:
            if lines and rows:  # a row cut by the page break, finished here
                rows.append(_Row(p, part.page, lines[0][0], lines[-1][0],
                                 _merge(c for _, c in lines), cut=True))
            continue
        by_line = dict(lines)
        top = _top_aligned(groups, by_line, roles.get("target"))
        members: list[list[dict[int, str]]] = [[] for _ in groups]
        spans = [[g[0], g[-1]] for g in groups]
        for i, cells in lines:
            g = _nearest(groups, i, by_line, top)
            members[g].append(cells)
            spans[g] = [min(spans[g][0], i), max(spans[g][1], i)]
        for g, cells_list in enumerate(members):
            rows.append(_Row(p, part.page, spans[g][0], spans[g][1], _merge(cells_list)))
    return rows


def _merge(cells_list: Iterable[dict[int, str]]) -> dict[int, str]:
    merged: dict[int, list[str]] = {}
    for cells in cells_list:
        for c, t in cells.items():
            merged.setdefault(c, []).append(t)
    return {c: "\n".join(ts) for c, ts in merged.items()}


def join_known(frags: Sequence[Fragment], known: Callable[[str], bool]) -> list[Fragment]:
    """Pieces of a label wrapped in its cell, on consecutive lines (``产出指`` / ``标``) or
    with a line of other cells between them (``经济成本指`` / ``成本指标`` / ``标``), joined
    into one when together they are a label of the template's taxonomy and the first alone
    is not (``社会公众`` / ``或服务对`` / ``象满意度`` / ``指标``; the last piece may be a
    label by itself: ``社会公众或服务对象`` / ``满意度指标``); the joined label may sit
    anywhere between its pieces."""
    out: list[Fragment] = []
    k = 0
    while k < len(frags):
        first = frags[k]
        end = k
        if not known(first.text):
            text = first.text
            for j in range(k + 1, min(k + _MAX_PIECES, len(frags))):
                if frags[j].line - frags[j - 1].line not in (1, 2):
                    break
                text += frags[j].text
                if known(text):
                    end = j
        if end == k:
            out.append(first)
            k += 1
            continue
        last = frags[end]
        y = (first.y - first.slack + last.y) / 2
        slack = last.y - y if end == k + 1 and last.line - first.line == 2 else 0.0
        out.append(Fragment(first.line, "\n".join(f.text for f in frags[k:end + 1]), y,
                            slack))
        k = end + 1
    return out


#: Pieces of one wrapped level label (a narrow cell wraps a long name into four lines)
_MAX_PIECES = 4


def _levels(parts: Sequence[TablePart], cells_by_part: Sequence[list[tuple[int, dict[int, str]]]],
            rows: Sequence[_Row], period: Period | None, layout: Layout
            ) -> list[tuple[str | None, str | None]]:
    """Level-1/level-2 labels of each row, part by part, labels carried over a page break
    into the part continuing the table (never into a new block)."""
    out: list[tuple[str | None, str | None]] = [(None, None)] * len(rows)
    carry: list[str | None] = [None, None]
    for part_no, group in groupby(range(len(rows)), key=lambda r: rows[r].part):
        idx = list(group)
        if parts[part_no].fresh:
            carry = [None, None]
        model = _part_model(parts[part_no], dict(cells_by_part[part_no]),
                            [rows[r] for r in idx], period)
        extents = [Extent(2 * a, 2 * b) for a, b in pairwise(model.tops)]
        page_parts = [part_no]
        # the table goes on on the next page: a cell cut there may print its label there
        open_end = part_no + 1 < len(parts) and not parts[part_no + 1].fresh and (
            parts[part_no + 1].page != parts[part_no].page)
        got: list[list[str | None]] = []
        breaks: frozenset[int] = frozenset()
        levels: tuple[tuple[int, Role, Callable[[str], bool]], ...] = (
            (0, "level1", lambda t: is_level1(t, layout)),
            (1, "level2", lambda t: is_known_level2(t, layout)))
        for level, role, known in levels:
            frags = [_placed(i, cells[col], model)
                     for p in page_parts
                     if (col := parts[p].header.columns.block(period).get(role)) is not None
                     for i, cells in cells_by_part[p] if cells.get(col)]
            frags = join_known(frags, known)
            labels = (assign_labels(extents, frags, carry[level], known, breaks, open_end)
                      if frags
                      else [carry[level]] * len(idx))
            got.append(labels)
            if level == 0:
                breaks = frozenset(k for k in range(1, len(idx)) if labels[k] != labels[k - 1])
        for k, r in enumerate(idx):
            out[r] = (got[0][k], got[1][k])
        carry = [got[0][-1], got[1][-1]]
    return _label_back(parts, rows, out)


def _part_model(part: TablePart, by_line: dict[int, dict[int, str]], rows: Sequence[_Row],
                period: Period | None) -> VerticalModel:
    """The vertical model of a part's rows (:mod:`extractors.text.layout.vertical`): each
    row's lines that print its cells, its tallest cell's lines, padded as the part's print
    shows (tight or with blank lines between rows)."""
    roles = part.header.columns.block(period)
    cols = {c for r, c in roles.items() if r not in ("level1", "level2")}
    cols |= set(part.header.columns.extras(period))
    out: list[RowLines] = []
    for row in rows:
        per_col: dict[int, list[int]] = {}
        for i in range(row.top, row.bottom + 1):
            for c in by_line.get(i, {}):
                if c in cols:
                    per_col.setdefault(c, []).append(i)
        lines = sorted({i for ls in per_col.values() for i in ls}) or [row.top]
        tallest = max(per_col.values(), key=len) if per_col else lines
        out.append(RowLines(tuple(lines), tuple(tallest)))
    return vertical_model(out, TIGHT_PAD if is_tight(part.lines) else LOOSE_PAD)


def _placed(line: int, text: str, model: VerticalModel) -> Fragment:
    y, slack = model.y(line)
    return Fragment(line, text, 2 * y, 2 * slack)


def _label_back(parts: Sequence[TablePart], rows: Sequence[_Row],
                levels: list[tuple[str | None, str | None]]
                ) -> list[tuple[str | None, str | None]]:
    """Rows at the end of a page left without a label take the one the part continuing the
    table on the next page opens with: a merged cell cut by the page break prints its label
    once, in its larger piece (here the lower one)."""
    out = list(levels)
    for level in (0, 1):
        for r in range(len(rows) - 2, -1, -1):
            nxt = rows[r + 1]
            if (out[r][level] is None and out[r + 1][level] is not None
                    and (nxt.part == rows[r].part or (nxt.part == rows[r].part + 1
                                                       and not parts[nxt.part].fresh))):
                pair = list(out[r])
                pair[level] = out[r + 1][level]
                out[r] = (pair[0], pair[1])
    return out


def _part_periods(parts: Sequence[TablePart], headings: Sequence[Period | None],
                  default: Period, layout: Layout) -> list[Period]:
    """The period of each part's rows: its block heading; for a part that starts a block (the
    first, or one whose header row is printed below rows of the same page) under no heading
    line, the heading printed beside the parts that continue it on the next pages (a tall
    vertical heading is printed where the block's middle falls); else the heading line above
    it, else that of the part before it (a block continued on the next page), else the
    template's default."""
    owns = [block_period("".join(p.blocks), layout) if p.blocks else None for p in parts]
    out: list[Period] = []
    for k, (part, heading) in enumerate(zip(parts, headings, strict=True)):
        own = owns[k]
        if own is None and (part.fresh or k == 0) and heading is None:
            for m in range(k + 1, len(parts)):
                if parts[m].fresh:
                    break
                if owns[m] is not None:
                    own = owns[m]
                    break
        out.append(own or heading or (out[-1] if out else default))
    return out


def read_layout_table(pages: Sequence[Sequence[Line]], layout: Layout, default: Period,
                      settings: LayoutColumnSettings | None = None) -> list[IndicatorRow]:
    """The indicator rows of one form from its table lines, in print order (row by row, the
    left of two blocks printed side by side first)."""
    settings = settings or LayoutColumnSettings()
    parts: list[TablePart] = []
    headings: list[Period | None] = []
    heading: Period | None = None
    header: HeaderBlock | None = None
    captioned = False
    for page in pages:
        found_at = headers_of(page, layout, settings)
        i = 0
        while i < len(page):
            found = found_at.get(i)
            if found is not None:
                header = found
                below_rows = bool(parts) and parts[-1].page == page[i].page
                parts.append(_new_part(found, page, None))
                parts[-1].blocks.extend(found.blocks)
                parts[-1].fresh = below_rows or captioned
                captioned = False
                headings.append(heading)
                i += found.count
                continue
            line = page[i]
            alone = block_period(line.text, layout, whole=True) if not line.blank else None
            if alone is not None and len(line_segments(line.text)) == 1:
                heading, captioned = alone, True
            elif header is not None and not line.blank:
                if not parts or parts[-1].page != line.page:
                    later = next((h for h in found_at.values()
                                  if h.columns.spans and _same_columns(h, header)), None)
                    parts.append(_new_part(header, page, parts[-1] if parts else None,
                                           later))
                    headings.append(heading)
                parts[-1].lines.append(line)
            i += 1
    cells_by_part = []
    for k, part in enumerate(parts):
        _carry_offsets(parts[:k], part)
        if k and part.header is parts[k - 1].header and part.page != parts[k - 1].page:
            runs = _calibrated(part, layout)  # a page going on without its header row
        else:
            runs = calibrate(part, layout)
        rule_of = label_columns_of(part, layout)
        cells_by_part.append([(ln.index, cells_of(part, r, rule_of))
                              for ln, r in zip(part.lines, runs, strict=True)])
    periods = _part_periods(parts, headings, default, layout)
    blocks: list[Period | None] = []
    for part in parts:
        for per in part.header.columns.periods():
            if per not in blocks:
                blocks.append(per)
    out: list[tuple[tuple[int, int, int], IndicatorRow]] = []
    by_block = _join_across_blocks([_block_rows(parts, cells_by_part, b) for b in blocks])
    for b, block in enumerate(blocks):
        rows = _join_cut_rows(by_block[b])
        levels = _levels(parts, cells_by_part, rows, block, layout)
        rank: dict[int, int] = {}
        for row, (l1, l2) in zip(rows, levels, strict=True):
            rank[row.part] = rank.get(row.part, -1) + 1  # the printed row, across blocks
            period = block or periods[row.part]
            out.append(((row.part, rank[row.part], b),
                        _indicator(row, parts[row.part], block, period, l1, l2)))
    return [row for _, row in sorted(out, key=lambda r: r[0])]


def _join_across_blocks(by_block: list[list[_Row]]) -> list[list[_Row]]:
    """Blocks printed side by side share the grid's rows: two rows of one block that a
    single row of another block spans (``配送文化服务`` / ``场次`` beside a three-line cell)
    are one row, its name and target wrapped."""
    if len(by_block) < 2:
        return by_block
    out: list[list[_Row]] = []
    for b, rows in enumerate(by_block):
        others = [r for o, rs in enumerate(by_block) if o != b for r in rs if not r.cut]
        joined: list[_Row] = []
        for row in rows:
            prev = joined[-1] if joined else None
            if (prev is not None and not row.cut and not prev.cut and prev.part == row.part
                    and any(o.part == row.part and o.top <= prev.bottom
                            and o.bottom >= row.top for o in others)):
                cells = {c: "\n".join(t for t in (prev.cells.get(c), row.cells.get(c)) if t)
                         for c in {*prev.cells, *row.cells}}
                joined[-1] = _Row(prev.part, prev.page, prev.top, row.bottom, cells)
            else:
                joined.append(row)
        out.append(joined)
    return out


def _carry_offsets(before: Sequence[TablePart], part: TablePart) -> None:
    """Start ``part``'s calibration where the nearest part above of the same columns ended
    it: a column's cells sit the same way under its heading on every page (left-aligned text
    in a wide column stands well left of the heading's centre)."""
    prev = next((p for p in reversed(before) if _same_columns(p.header, part.header)), None)
    if prev is None or not prev.initial:
        return
    scale = part.width / prev.width if part.width and prev.width else 1.0
    part.centres = [x + (done - start) * scale
                    for x, done, start in zip(part.centres, prev.centres, prev.initial,
                                              strict=True)]


def _full_row_centres(part: TablePart, layout: Layout) -> list[float] | None:
    """Where the columns right of the level columns stand on a page that continues a table
    without repeating its header row, from its own text: pdftotext narrows or widens a
    page's character grid by what the page prints, so the previous page's positions may be
    far off. Lines printing one run per column from the level-3 column on (the fullest such
    rows seen twice; rows short of columns leave the last ones empty), no level name nor
    block heading nor piece of one, put each column's centre at the median of theirs."""
    spans = part.header.columns.spans
    levels = [c for c, s in enumerate(spans) if s.role in ("level1", "level2")]
    rest = [c for c in range(len(spans)) if c not in levels]
    if len(rest) < 3 or (levels and max(levels) > min(rest)):
        return None  # side-by-side blocks put level columns between the others
    by_count: dict[int, list[list[Segment]]] = {}
    for line in part.lines:
        segs = line_segments(line.text)
        if 2 <= len(segs) <= len(rest) and not any(
                is_level_fragment(g.text, layout) or is_block_fragment(g.text, layout)
                for g in segs):
            by_count.setdefault(len(segs), []).append(segs)
    counts = [n for n, rows in by_count.items() if len(rows) >= 2]
    if not counts:
        return None
    out = list(part.centres)
    for c, *xs in zip(rest, *by_count[max(counts)], strict=False):
        out[c] = sorted(seg.centre for seg in xs)[len(xs) // 2]
    return out


def _calibrated(part: TablePart, layout: Layout) -> list[list[Word]]:
    """:func:`calibrate` a part; for a page going on without its header row, from the
    previous page's grid and from its full rows' (:func:`_full_row_centres`) both, keeping
    the grid that places the page's text at least cost."""
    seeded = _full_row_centres(part, layout)
    if seeded is None:
        return calibrate(part, layout)
    trial = replace(part, centres=seeded, blocks=list(part.blocks))
    trial_words = calibrate(trial, layout)
    words = calibrate(part, layout)
    if fit_cost(trial, trial_words, layout) < fit_cost(part, words, layout):
        part.centres, part.initial, part.blocks = trial.centres, trial.initial, trial.blocks
        return trial_words
    return words


def _join_cut_rows(rows: list[_Row]) -> list[_Row]:
    """A row cut by a page break is finished by the text printed at the top of the next."""
    out: list[_Row] = []
    for row in rows:
        if not row.cut:
            out.append(row)
            continue
        prev = out[-1]
        cells = dict(prev.cells)
        for c, t in row.cells.items():
            cells[c] = (cells.get(c, "") + "\n" + t).strip("\n")
        out[-1] = _Row(prev.part, prev.page, prev.top, prev.bottom, cells)
    return out


def _indicator(row: _Row, part: TablePart, block: Period | None, period: Period,
               l1: str | None, l2: str | None) -> IndicatorRow:
    """The indicator row a printed row of column block ``block`` reads as."""
    columns = part.header.columns
    text = {r: row.cells.get(c) or None for r, c in columns.block(block).items()
            if r in CELL_ROLES}
    extra = tuple((columns.spans[c].heading, row.cells[c]) for c in columns.extras(block)
                  if row.cells.get(c))
    return IndicatorRow(
        level1=l1, level2=l2, level3=text.get("level3") or "", target_raw=text.get("target") or "",
        page=row.page, period=period, operator_cell=text.get("operator"),
        unit_cell=text.get("unit"), weight=text.get("weight"), remarks=text.get("remarks"),
        explanation=text.get("explanation"), extra=extra)
