"""Text taller than its cell, given back to its cell.

A generator that centres a wrapped label in a merged cell too short for it (the cell cut by
a page break, a long level-2 name in a narrow column) prints the label's lines beyond the
cell's rules: into the cells above and below, or past the table's edge. Assigning glyphs by
the cell holding their centre then cuts the label in pieces (``可持续影响指标社会公`` /
``众或服务对象满意度``, ``指标`` lost below the table).

The evidence is geometric and needs no vocabulary: a glyph that crosses its cell's rule (no
glyph does in a cell its text fits), and, through it, a run of lines at one even pitch
running over the rule. The run is one cell's text; it goes to the cell made only of the
run's lines (the others print text of their own beside the overflow), the one holding most
of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # grid imports this module; only its types are needed here
    from extractors.pdf.grid import Box, Glyph

    _Placed = tuple[Glyph, Box | None]

#: A glyph sticks out of its cell when it crosses a rule by more than this (points)
CROSS = 0.5
#: Two line gaps are one pitch when they differ by less than this share of it (plus 0.3 pt):
#: wrapped text is set at one leading, while the gap to the text of another cell differs
#: by the cells' padding
PITCH_SLACK = 0.1


def crossing_cells(cells: dict[Box, list[Glyph]]) -> list[Box]:
    """The cells holding a glyph that crosses one of their rules."""
    return [b for b, gs in cells.items() if any(_crosses(g, b) for g in gs)]


def _crosses(g: Glyph, box: Box) -> bool:
    return g.top < box[1] - CROSS or g.bottom > box[3] + CROSS


def regroup_overflow(cells: dict[Box, list[Glyph]], outside: Sequence[Glyph],
                     line_overlap: float) -> tuple[dict[Box, list[Glyph]], set[Glyph]]:
    """``cells`` (each box's glyphs, by centre) with overflowing runs moved to their cell, and
    the glyphs of ``outside`` (no cell's) that such a run took."""
    crossing = crossing_cells(cells)
    if not crossing:
        return cells, set()
    out = {b: list(gs) for b, gs in cells.items()}
    taken: set[Glyph] = set()
    for box in crossing:
        column = [b for b in out if abs(b[0] - box[0]) < 1 and abs(b[2] - box[2]) < 1]
        glyphs: list[_Placed] = [(g, b) for b in column for g in out[b]]
        glyphs += [(g, None) for g in outside
                   if box[0] <= g.mid_x < box[2] and g not in taken]
        lines = _lines(glyphs, line_overlap)
        for k, line in enumerate(lines):
            if not any(b == box and _crosses(g, box) for g, b in line):
                continue
            run = _run(lines, k)
            home = _home(run, out)
            if home is None:
                continue
            for line_ in run:
                for g, b in line_:
                    if b is None:
                        taken.add(g)
                    elif b != home:
                        out[b].remove(g)
                    if b != home:
                        out[home].append(g)
            break
    return out, taken


def _lines(glyphs: Sequence[_Placed], overlap: float) -> list[list[_Placed]]:
    """Printed lines of a column, top to bottom (as :func:`grid.glyphs_to_lines`)."""
    lines: list[list[_Placed]] = []
    anchor = 0.0
    for g, b in sorted(glyphs, key=lambda p: (p[0].mid_y, p[0].x0)):
        if lines and abs(g.mid_y - anchor) <= overlap * max(g.size, 1.0):
            lines[-1].append((g, b))
        else:
            lines.append([(g, b)])
            anchor = g.mid_y
    return lines


def _y(line: Sequence[_Placed]) -> float:
    return fmean(g.mid_y for g, _ in line)


def _run(lines: Sequence[Sequence[_Placed]], k: int) -> list[Sequence[_Placed]]:
    """The lines set at one pitch through line ``k``: of the pitches to its neighbours, the
    one that runs furthest."""
    ys = [_y(line) for line in lines]
    best = (k, k)
    for pitch in {ys[j + 1] - ys[j] for j in (k - 1, k) if 0 <= j < len(ys) - 1}:
        def same(j: int, pitch: float = pitch) -> bool:
            return abs(ys[j + 1] - ys[j] - pitch) <= PITCH_SLACK * pitch + 0.3

        lo, hi = k, k
        while lo > 0 and same(lo - 1):
            lo -= 1
        while hi < len(ys) - 1 and same(hi):
            hi += 1
        if hi - lo > best[1] - best[0]:
            best = (lo, hi)
    return list(lines[best[0]:best[1] + 1])


def _home(run: Sequence[Sequence[_Placed]], cells: dict[Box, list[Glyph]]) -> Box | None:
    """The cell a run of lines belongs to, if it runs over a rule: of the cells it prints in,
    those holding nothing but its lines, the one with most of them."""
    count: dict[Box, int] = {}
    for line in run:
        for b in {b for _, b in line if b is not None}:
            count[b] = count.get(b, 0) + 1
    outside = any(b is None for line in run for _, b in line)
    if len(count) + outside < 2:
        return None  # within one cell: its text fits, however tall its glyphs
    mine = {g for line in run for g, _ in line}
    pure = [b for b in count if all(g in mine for g in cells[b])]
    pool = pure or list(count)
    return max(pool, key=lambda b: (count[b], -b[1]))
