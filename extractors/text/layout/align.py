"""Where the text of a ``-layout`` table's body line goes: each word to a column.

A part of a table (its lines between one column-header row and the next, on one page) knows
each column's centre on the page's character grid. A line's words are cut into runs and
aligned to the columns left to right (a monotone alignment, :func:`align`), each run as near
as it can be to its column's centre, with the template's taxonomy fixing where level names
go; :func:`calibrate` then moves the centres to where the text really is (cells are often
left-aligned in wide columns, their headings centred).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractors.model import Layout
from extractors.table_columns import Columns
from extractors.text.layout.lines import Line, line_segments
from extractors.text.width import is_wide
from extractors.vocabulary import (
    is_block_fragment,
    is_known_level2,
    is_level1,
    is_level_fragment,
)


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """A column-header row found at ``lines[first:first + count]``."""

    first: int
    count: int
    columns: Columns
    #: Text of block headings (or pieces) printed among the headings, top to bottom
    blocks: tuple[str, ...] = ()


@dataclass(slots=True)
class TablePart:
    """The lines of a table between one column-header row and the next (one page), with the
    centre of each column on this page's character grid and the left edge of the table."""

    header: HeaderBlock
    page: int
    centres: list[float]
    left: float
    #: The page's widest line, in characters: the scale of its character grid
    width: int
    #: Starts a new block: its header row is printed below rows of the same page, or under a
    #: block heading line
    fresh: bool = False
    lines: list[Line] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    #: The centres before calibration (see :func:`_carry_offsets`)
    initial: list[float] = field(default_factory=list)


#: Costs, in character columns: a second run of text in one column of a line, and cutting
#: a run at a single space (a cell that fills its column leaves one space before the next).
_SHARE = 4.0
_SPLIT = 2.0
#: ... and putting text that is no level name nor a piece of one in a level column (a name
#: of a variant's own taxonomy may still go there when nothing else fits).
_NOT_A_LABEL = 8.0


@dataclass(frozen=True, slots=True)
class CellRule:
    """Where a text of a body line may go: ``only`` these columns (a taxonomy name), and at
    a cost to the ``penalised`` ones (level columns, for text that is no level name)."""

    only: frozenset[int] | None = None
    penalised: frozenset[int] = frozenset()


_ANYWHERE = CellRule()


@dataclass(frozen=True, slots=True)
class Word:
    """Text between spaces, and the run (text between column gaps) it belongs to."""

    start: int
    end: int
    text: str
    run: int
    #: Wide characters before the word in its segment that pdftotext gave one column each
    #: (see :func:`line_words`)
    drift: int = 0

    @property
    def reach(self) -> int:
        """Where the word's last character ends on the page."""
        return self.end + self.drift


def line_words(line: Line, part: TablePart, layout: Layout) -> list[Word]:
    """A body line's words, each with its run; block-heading characters left of the table go
    to the part's block text instead. A level name of the template's taxonomy is a run of
    its own (``数量指标 开展健康教育讲座``: the level-2 cell, then the level-3 one;
    ``11月底前支出进 时效指标``: a target, then the next block's level-2 cell)."""
    out: list[Word] = []
    run = 0
    for seg in line_segments(line.text):
        if not out and seg.end <= part.left and is_block_fragment(seg.text, layout):
            part.blocks.append(seg.text)
            continue
        run += 1
        for m in re.finditer(r"\S+", seg.text):
            # pdftotext places a segment's first character where it is printed but gives the
            # wide characters before a later word of the segment one column each, not two:
            # the word reaches further right than its index says
            drift = sum(map(is_wide, seg.text[:m.end()])) if m.start() else 0
            if (not out and m.start() == 0 and seg.start + m.end() <= part.left
                    and m.end() < len(seg.text) and is_block_fragment(m.group(), layout)):
                part.blocks.append(m.group())  # a block heading's piece one space before
                continue                        # the level-1 cell (本年 产出指标)
            level = is_level1(m.group(), layout) or is_known_level2(m.group(), layout)
            if level and out and out[-1].run == run:
                run += 1  # ... and one space after the cell before it starts a run
            out.append(Word(seg.start + m.start(), seg.start + m.end(), m.group(), run,
                            drift))
            if level:
                run += 1  # a level name one space before the next cell's text ends its run
    return out


def align(centres: Sequence[float], words: Sequence[Word],
          rule_of: Callable[[str], CellRule] = lambda _: _ANYWHERE
          ) -> list[tuple[int, float, str]]:
    """(column, centre, text) of each cell text of a line (see :func:`aligned`)."""
    return aligned(centres, words, rule_of)[0]


def aligned(centres: Sequence[float], words: Sequence[Word],
            rule_of: Callable[[str], CellRule] = lambda _: _ANYWHERE
            ) -> tuple[list[tuple[int, float, str]], float]:
    """(column, centre, text) of each cell text of a line, and the placement's cost: the
    words cut into runs, each run in a column, columns left to right, each run as near as it
    can be to its column's centre (a monotone alignment). Keeping a run of text whole is
    preferred; two runs share a column only at a cost. ``rule_of(text)``: where a text may
    go (a name of the template's level taxonomy goes to a level column of its level, and
    shares it with nothing; other text goes to a level column only at a cost)."""
    n, m = len(words), len(centres)
    if n == 0:
        return [], 0.0
    inf = float("inf")
    # best[j][c]: words[:j] placed, the last run (ending at word j-1) in column c
    best = [[inf] * m for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    fixed: dict[tuple[int, int], frozenset[int] | None] = {}
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            if words[i].run != words[j - 1].run:
                break
            centre = (words[i].start + words[j - 1].end) / 2
            cut = _SPLIT if i > 0 and words[i - 1].run == words[i].run else 0.0
            rule = rule_of(" ".join(w.text for w in words[i:j]))
            only = fixed[(i, j)] = rule.only
            for c in range(m):
                if only is not None and c not in only:
                    continue
                here = abs(centre - centres[c]) + cut + (
                    _NOT_A_LABEL if c in rule.penalised else 0.0)
                if j - i > 1:  # words kept together reaching into a neighbour's column
                    here += _overflow(centres, c, words[i].start, words[j - 1].reach)
                if i == 0:
                    if here < best[j][c]:
                        best[j][c], back[(j, c)] = here, (0, -1)
                    continue
                for pc in range(c + 1):
                    prev = best[i][pc]
                    if prev == inf:
                        continue
                    if pc == c and (words[i - 1].run == words[i].run or only is not None
                                    or _fixed_before(fixed, back, i, pc)):
                        continue  # a run cut into one column, or a label sharing its cell
                    cost = prev + here + (_SHARE if pc == c else 0.0)
                    if cost < best[j][c]:
                        best[j][c], back[(j, c)] = cost, (i, pc)
    c = min(range(m), key=lambda k: best[n][k])
    if best[n][c] == inf:  # no placement keeps the labels in their columns
        return aligned(centres, words)
    cost = best[n][c]
    out: list[tuple[int, float, str]] = []
    j = n
    while j > 0:
        i, pc = back[(j, c)]
        out.append((c, (words[i].start + words[j - 1].end) / 2,
                    " ".join(w.text for w in words[i:j])))
        j, c = i, pc
    return out[::-1], cost


def _overflow(centres: Sequence[float], c: int, start: int, end: int) -> float:
    """How far text from ``start`` to ``end`` placed in column ``c`` reaches past the
    midpoints to its neighbours' centres."""
    right = (centres[c] + centres[c + 1]) / 2 if c + 1 < len(centres) else float("inf")
    left = (centres[c - 1] + centres[c]) / 2 if c > 0 else float("-inf")
    return max(0.0, end - right) + max(0.0, left - start)


def _fixed_before(fixed: dict[tuple[int, int], frozenset[int] | None],
                  back: dict[tuple[int, int], tuple[int, int]], i: int, pc: int) -> bool:
    """Is the text placed last, ending at word ``i`` in column ``pc``, a taxonomy label?"""
    start = back.get((i, pc))
    return start is not None and fixed.get((start[0], i)) is not None


def label_columns_of(part: TablePart, layout: Layout) -> Callable[[str], CellRule]:
    """The :func:`align` rules of a part: level-1 names to its level-1 columns, level-2
    names to its level-2 columns (a name of both levels, 成本指标, to either); text that is
    no level name nor a piece of one to a level column only at a cost."""
    spans = part.header.columns.spans
    level1 = frozenset(c for c, s in enumerate(spans) if s.role == "level1")
    level2 = frozenset(c for c, s in enumerate(spans) if s.role == "level2")

    seen: dict[str, CellRule] = {}

    def rule(text: str) -> CellRule:
        if text in seen:  # the alignment asks for every run of every line, every round
            return seen[text]
        only = (level1 if is_level1(text, layout) else frozenset()) | (
            level2 if is_known_level2(text, layout) else frozenset())
        if only:
            found = CellRule(only=only)
        elif all(is_level_fragment(piece, layout) for piece in text.split()):
            found = _ANYWHERE
        else:
            found = CellRule(penalised=level1 | level2)
        seen[text] = found
        return found

    return rule


def calibrate(part: TablePart, layout: Layout, rounds: int = 3) -> list[list[Word]]:
    """Move each column's centre to the median centre of the text aligned to it, a few
    rounds: headings are centred over their cells, cell text may not be, and a page without
    its own header row starts from other centres (see
    :func:`extractors.text.layout.columns._new_part`)."""
    words = [line_words(ln, part, layout) for ln in part.lines]
    labels = label_columns_of(part, layout)
    part.initial = list(part.centres)
    for _ in range(rounds):
        placed: dict[int, list[float]] = {}
        for line_words_ in words:
            for c, x, _ in align(part.centres, line_words_, labels):
                placed.setdefault(c, []).append(x)
        moved = [sorted(placed[c])[len(placed[c]) // 2] if c in placed else x
                 for c, x in enumerate(part.centres)]
        if moved == part.centres:
            break
        part.centres = moved
    return words


def fit_cost(part: TablePart, words: Sequence[Sequence[Word]], layout: Layout) -> float:
    """How badly the part's column centres place its lines' words: the sum of the
    alignments' costs (lower: a grid that explains the page better)."""
    labels = label_columns_of(part, layout)
    return sum(aligned(part.centres, line, labels)[1] for line in words)


def cells_of(part: TablePart, words: Sequence[Word],
             rule_of: Callable[[str], CellRule]) -> dict[int, str]:
    """A body line's text by column (``rule_of``: the part's :func:`label_columns_of`)."""
    out: dict[int, list[str]] = {}
    for c, _, text in align(part.centres, words, rule_of):
        out.setdefault(c, []).append(text)
    return {c: " ".join(ws) for c, ws in out.items()}
