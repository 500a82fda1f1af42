"""Which rows a merged level-1/level-2 label covers, from vertical positions alone.

A merged cell prints its label vertically centred over the rows it spans (over the part of
them on the page, when the cell crosses a page break). With rows as bands ``[top, bottom]``
and a label as the positions of its first and last line (more than one when the label
wraps), a label covering rows ``r..s`` satisfies ``top(r) + bottom(s) == first + last``
(positions from :mod:`extractors.text.layout.vertical`). Labels and rows are both in vertical
order, so the cover is a partition of the rows into consecutive groups, one per label,
found by dynamic programming (least total centring error); rows above the first label on a
continuation page keep the label carried over from the previous page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

#: Costs, in half lines of centring error.
CARRY = 0.75  # leading rows keep the previous page's label
NO_LABEL = 25.0  # per leading row when nothing can be carried
CUT_OFF = 0.75  # per trailing row left to the label of the next page (a cell cut there)
SKIP_FRAGMENT = 20.0  # a fragment that covers no row
JOIN = 0.5  # two fragments read as one wrapped label
JOIN_KNOWN = 0.1  # ... when the joined text is a known label
MAX_JOIN = 4  # fragments of one wrapped label
MAX_ERROR = 6  # centring error beyond which a cover is not considered


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of label text printed on line ``line``, at vertical position ``y``."""

    line: int
    text: str
    y: float = 0.0
    slack: float = 0.0  # how far the true position may be from ``y``


@dataclass(frozen=True, slots=True)
class Extent:
    """The vertical band ``top..bottom`` a row occupies."""

    top: float
    bottom: float


def _joinable(frags: Sequence[Fragment]) -> bool:
    return all(b.line - a.line <= 2 for a, b in pairwise(frags))


def join_text(frags: Sequence[Fragment]) -> str:
    return "\n".join(f.text for f in frags)


def assign_labels(
    rows: Sequence[Extent],
    frags: Sequence[Fragment],
    carry: str | None,
    known: Callable[[str], bool] = lambda _: False,
    breaks: frozenset[int] = frozenset(),
    open_end: bool = False,
) -> list[str | None]:
    """The label text of each row (``carry`` for leading rows no label reaches). No cover
    may run across a row in ``breaks`` (where an enclosing merged cell starts). With
    ``open_end`` (the table goes on on the next page) trailing rows may be left to a label
    printed there, in the larger piece of a cell cut by the break: they come back ``None``."""
    n_rows, n_frags = len(rows), len(frags)
    if n_rows == 0:
        return []
    inf = float("inf")
    cost = [[inf] * (n_rows + 1) for _ in range(n_frags + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    lead = CARRY if carry is not None else NO_LABEL
    for r in range(n_rows + 1):
        if not _crosses(breaks, 0, r - 1):
            cost[0][r] = 0.0 if r == 0 else lead * (1 if carry is not None else r)
    for i in range(n_frags):
        for r in range(n_rows + 1):
            base = cost[i][r]
            if base == inf:
                continue
            _relax(cost, back, (i + 1, r), base + SKIP_FRAGMENT, (i, r))
            if r == n_rows:
                continue
            for j in range(i + 1, min(i + MAX_JOIN, n_frags) + 1):
                group = frags[i:j]
                if not _joinable(group) or (j > i + 1 and all(known(f.text) for f in group)):
                    break  # too far apart, or whole labels each (printed on every row)
                extra = 0.0 if j == i + 1 else (JOIN_KNOWN if known(join_text(group)) else JOIN)
                target = group[0].y + group[-1].y
                slack = group[0].slack + group[-1].slack
                for s in range(r, n_rows):
                    if _crosses(breaks, r, s):
                        break
                    diff = rows[r].top + rows[s].bottom - target
                    if diff > MAX_ERROR:
                        break
                    if diff >= -MAX_ERROR:
                        error = max(abs(diff) - slack, 0.0)
                        _relax(cost, back, (j, s + 1), base + error + extra, (i, r))
    end = _best_end(cost, n_frags, n_rows, CUT_OFF if open_end else NO_LABEL)
    return _labels(back, frags, end, n_rows, carry, fill=not open_end)


def _crosses(breaks: frozenset[int], first: int, last: int) -> bool:
    return any(first < b <= last for b in breaks)


def _relax(
    cost: list[list[float]],
    back: dict[tuple[int, int], tuple[int, int]],
    to: tuple[int, int],
    value: float,
    frm: tuple[int, int],
) -> None:
    if value < cost[to[0]][to[1]]:
        cost[to[0]][to[1]] = value
        back[to] = frm


def _best_end(cost: list[list[float]], n_frags: int, n_rows: int,
              per_row: float) -> tuple[int, int]:
    """Prefer covering every row (``per_row``: the cost of each trailing row left over)."""
    best, end = float("inf"), (n_frags, n_rows)
    for r in range(n_rows, -1, -1):
        value = cost[n_frags][r] + per_row * (n_rows - r)
        if value < best:
            best, end = value, (n_frags, r)
    return end


def _labels(
    back: dict[tuple[int, int], tuple[int, int]],
    frags: Sequence[Fragment],
    end: tuple[int, int],
    n_rows: int,
    carry: str | None,
    fill: bool = True,
) -> list[str | None]:
    """Labels from the cheapest cover; rows after the last cover fill down from it (with
    ``fill``) or stay ``None``."""
    out: list[str | None] = [None] * n_rows
    state = end
    while state in back:
        prev = back[state]
        (i, r), (j, s) = prev, state
        if s > r:
            text = join_text(frags[i:j])
            for k in range(r, s):
                out[k] = text
        state = prev
    first = state[1]
    for k in range(first):
        out[k] = carry
    last: str | None = None
    covered = end[1]
    for k in range(n_rows):
        if out[k] is None and k >= first and (fill or k < covered):
            out[k] = last
        last = out[k] if out[k] is not None else last
    return out
