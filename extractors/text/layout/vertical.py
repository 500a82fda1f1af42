"""Vertical positions on a table page, rebuilt from line indexes.

A line index is a distorted vertical axis: pdftotext gives a wrapped cell one line per text
line (and its vertically centred neighbour a line of its own) but gives the padding between
rows a single blank line whatever its height. Centring tests need true heights, so rows are
laid out again in units of one text line: a row whose tallest cell has ``n`` lines is
``n + 2 * PAD`` high (the templates pad a cell by half a line above and below, which makes a
one-line row two units, the pitch of two layout lines), rows are stacked without gaps, and a
line is placed at the row line it prints on (or on the border when it sits between rows).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

PAD = 0.5
#: Cell padding of the variants' tables, in lines: pdftotext leaves a blank line between two
#: rows once the gap between their text is large enough, so a table printed without blank
#: lines between rows is padded lightly (``TIGHT_PAD``), one with them more (``LOOSE_PAD``).
#: Both measured as the best fit on generated documents kept apart from the scored corpora
#: (cell padding 0.14–0.44 lines there); the reading is flat within ±0.1 of them.
TIGHT_PAD = 0.15
LOOSE_PAD = 0.35
#: How far text printed on a row's line may sit from that line's centre
SAME_LINE = 0.25


@dataclass(frozen=True, slots=True)
class RowLines:
    """The layout lines of one row: all of them, and those holding its tallest cell."""

    lines: tuple[int, ...]
    tallest: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class VerticalModel:
    """Row bands ``[tops[k], tops[k + 1]]`` and a position for every row line."""

    tops: tuple[float, ...]
    anchors: tuple[tuple[int, float], ...]  # (line index, position), by line index
    firsts: tuple[int, ...]  # first line index of each row
    lasts: tuple[int, ...]  # last line index of each row

    def y(self, line: int) -> tuple[float, float]:
        """Position of the centre of layout line ``line`` and how far off it may be: a line
        printed between two rows lies anywhere between their nearest text lines."""
        lines = [a for a, _ in self.anchors]
        k = bisect_right(self.firsts, line) - 1
        if k < 0:
            return self.tops[0] - PAD * (self.firsts[0] - line), PAD
        i = bisect_right(lines, line) - 1
        here_line, here_y = self.anchors[i]
        if line > self.lasts[k]:
            if k + 1 >= len(self.firsts):
                return self.tops[-1] + PAD * (line - self.lasts[k]), PAD
            after_line, after = self.anchors[i + 1]
            y = here_y + (after - here_y) * (line - here_line) / (after_line - here_line)
            return y, max(min(y - here_y, after - y) - 2 * SAME_LINE, SAME_LINE)
        if here_line == line or i + 1 >= len(lines):
            return here_y, SAME_LINE
        next_line, next_y = self.anchors[i + 1]
        y = here_y + (next_y - here_y) * (line - here_line) / (next_line - here_line)
        return y, SAME_LINE


def vertical_model(rows: Sequence[RowLines], pad: float = PAD) -> VerticalModel:
    """Stack ``rows`` (in vertical order) and place their lines, each cell padded by ``pad``
    lines above and below (:data:`TIGHT_PAD` where rows print without blank lines between
    them)."""
    tops = [0.0]
    anchors: list[tuple[int, float]] = []
    for row in rows:
        top = tops[-1]
        height = max(len(row.tallest), 1) + 2 * pad
        placed = {line: top + pad + j + 0.5 for j, line in enumerate(row.tallest)}
        centre = top + height / 2
        for line in row.lines:
            if line not in placed and not _between(line, row.tallest):
                placed[line] = centre
        anchors += sorted(placed.items())
        tops.append(top + height)
    return VerticalModel(
        tops=tuple(tops),
        anchors=tuple(anchors),
        firsts=tuple(row.lines[0] for row in rows),
        lasts=tuple(row.lines[-1] for row in rows),
    )


def _between(line: int, tallest: Sequence[int]) -> bool:
    """A line inside the run of the tallest cell's lines is interpolated, not centred."""
    return bool(tallest) and tallest[0] < line < tallest[-1]
