"""Level assignment for one page of a `pdftotext` default-mode table, by branch and bound.

The observation model, measured on the sample PDFs (``pdfplumber`` geometry against
``pdftotext`` output; positions in line pitches, a one-line row being two pitches high):

* a merged label is drawn at the vertical centre of the part of its cell on the page;
* labels that are not printed inline come out column by column, each column's labels in
  top-to-bottom order of their centres (Shanghai pages);
* two such labels printed one after the other (no row between them) share a paragraph
  exactly when their centres are 1 to 3 pitches apart; on the same baseline, or 3.5 pitches
  or more apart, they are in different paragraphs;
* two such labels printed one after the other are also in top-to-bottom order whatever
  their levels, except a level-2 label opening a new paragraph after a level-1 label (in
  the truth partitions of the development files the order holds for all 104 other such
  pairs and fails for 2 of those 25; on the synthetic hold-out for all 377 others);
* national pages print labels among the rows: after a row of the label's group, or right
  after the group's last row (true of 19 of the 27 national labels of the development
  files: a weak observation, used only between partitions the others cannot tell apart).

Every partition of the page's rows into consecutive level-2 groups (inline labels pinned to
their row; level 1 from the taxonomy's parent of each level-2 label) predicts those orders,
paragraph breaks and places. The score, compared in order: the order and paragraph
observations a partition fails to predict; on national pages, the labels it puts away from
where they were printed; the sum of squared group sizes (the most even sizes win). Nothing a
row says is used: only the print (positions, order, paragraphs) and the template's fixed
level-1/level-2 taxonomy and its order (``vocabulary.LEVEL1``/``LEVEL2``), never words of
sample content. Pruned by the best score found so far (every term only grows; the rows left
add at least the squares of an even split), and bounded by a node budget so a pathological
page cannot stall a run.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.model import Layout
from extractors.vocabulary import LEVEL2, compact

Levels = tuple[str | None, str | None]

#: Same paragraph when two consecutive centres are this far apart (pitches), inclusive.
SAME_PARAGRAPH = (0.75, 3.25)
#: Search nodes per page before settling for the best partition found so far.
MAX_NODES = 200_000
_ON_ROW = 0.3


@dataclass(frozen=True, slots=True)
class Printed:
    """A label as printed: level, text, paragraph (``None`` for an inline label, which sits
    on ``row``), and how many of the page's rows were printed before it."""

    level: int
    text: str
    paragraph: int | None
    before_row: int
    row: int | None = None


def parent_of(label: str, layout: Layout) -> str | None:
    key = compact(label)
    for parent, children in LEVEL2[layout].items():
        if key in children:
            return parent
    return None


@dataclass
class _Search:
    tops: Sequence[float]
    layout: Layout
    carry: Levels
    deferred: list[Printed]  # print order
    l2_order: list[int]  # indices into ``deferred`` of level-2 labels, print order
    pins: dict[int, Printed]  # row -> inline level-2 label
    l1_inline: dict[str, Printed]
    l1_deferred: dict[str, int]  # compact text -> index into ``deferred``
    pairs: list[list[tuple[int, bool]]]  # per deferred label: (other, is_paragraph_pair)
    force: dict[int, int] = field(default_factory=dict)  # replay one partition: start -> end
    nodes: int = 0
    #: (misses, national labels printed away from their group, sum of squared group sizes)
    best_score: tuple[int, int, int] | None = None
    best: list[tuple[int, int, Levels]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.tops) - 1

    def centre(self, a: int, b: int) -> float:
        return (self.tops[a] + self.tops[b]) / 2


def _pairs(deferred: Sequence[Printed], ordered: bool) -> list[list[tuple[int, bool]]]:
    """Label pairs with an observation: print-adjacent labels (the paragraph rule, and their
    top-to-bottom order whatever their levels, except a level-2 label opening a paragraph
    after a level-1 label) and, when the print order is the vertical order (``ordered``),
    consecutive labels of a column."""
    found: set[tuple[int, int, bool]] = set()
    for i in range(len(deferred) - 1):
        j = i + 1
        a, b = deferred[i], deferred[j]
        if a.before_row == b.before_row:
            found.add((i, j, True))
            if not (a.level == 1 and b.level == 2 and a.paragraph != b.paragraph):
                found.add((i, j, False))
    for level in ((1,), (2,)) if ordered else ():
        idx = [i for i, p in enumerate(deferred) if p.level in level]
        found |= {(i, j, False) for i, j in itertools.pairwise(idx)}
    out: list[list[tuple[int, bool]]] = [[] for _ in deferred]
    for i, j, paragraph in sorted(found):
        out[i].append((j, paragraph))
        out[j].append((i, paragraph))
    return out


def _pair_miss(s: _Search, i: int, j: int, paragraph: bool, known: dict[int, float]) -> int:
    lo, hi = (i, j) if i < j else (j, i)
    if paragraph:
        gap = abs(known[hi] - known[lo])
        same = s.deferred[lo].paragraph == s.deferred[hi].paragraph
        return int(same != (SAME_PARAGRAPH[0] <= gap <= SAME_PARAGRAPH[1]))
    return int(known[hi] < known[lo])


def _settle(s: _Search, k: int, y: float, known: dict[int, float]) -> int:
    """Record label ``k``'s centre; the misses of its pairs whose other end is known."""
    known[k] = y
    return sum(_pair_miss(s, k, o, para, known) for o, para in s.pairs[k] if o in known)


def _away(s: _Search, k: int, a: int, b: int) -> int:
    """1 when national label ``k``, covering rows ``a``..``b - 1``, is printed away from
    them: among the rows, a national label comes out after a row of its group or right
    after the group's last row (Shanghai labels are placed by the paragraph rule)."""
    return int(s.layout == "national" and not a <= s.deferred[k].before_row <= b)


def _close_l1(s: _Search, text: str | None, a: int, b: int, known: dict[int, float],
              closed: set[str]) -> tuple[int, int] | None:
    """A level-1 group ends: check contiguity and its printed label; (misses, away) of its
    label. ``None``: impossible."""
    if text is None:
        return 0, 0
    key = compact(text)
    if key in closed:
        return None
    closed.add(key)
    if key in s.l1_inline:
        row = s.l1_inline[key].row
        if row is None or abs(s.centre(a, b) - s.centre(row, row + 1)) > _ON_ROW:
            return None
    if key in s.l1_deferred:
        k = s.l1_deferred[key]
        return _settle(s, k, s.centre(a, b), known), _away(s, k, a, b)
    return 0, 0


def _dfs(s: _Search, a: int, next_l2: int, groups: list[tuple[int, int, Levels]],
         misses: int, away: int, squares: int, l1: tuple[str | None, int],
         known: dict[int, float], closed: set[str]) -> None:
    s.nodes += 1
    if s.nodes > MAX_NODES:
        return
    # every term only grows: a branch that cannot beat the best stops here
    bound = (misses, away, squares + _least_squares(s, a, next_l2))
    if s.best_score is not None and bound >= s.best_score:
        return
    if a == s.n:
        if next_l2 != len(s.l2_order):
            return
        end = _close_l1(s, l1[0], l1[1], a, dict(known), set(closed))
        if end is None:
            return
        score = (misses + end[0], away + end[1], squares)
        if s.best_score is None or score < s.best_score:
            s.best_score, s.best = score, list(groups)
        return
    free_after = [r for r in s.pins if r >= a]
    limit = min(free_after) if free_after else s.n
    options: list[tuple[int, str, int | None]]
    if a in s.pins:
        options = [(a + 1, s.pins[a].text, None)]
    else:
        if next_l2 >= len(s.l2_order):
            return
        remaining = len(s.l2_order) - next_l2
        free_rows = (s.n - a) - len([r for r in s.pins if r >= a])
        if free_rows < remaining:
            return
        even = max(1, round(free_rows / remaining))
        ends = sorted(range(a + 1, limit + 1), key=lambda b: abs(b - a - even))
        options = [(b, s.deferred[s.l2_order[next_l2]].text, s.l2_order[next_l2])
                   for b in ends]
    if s.force:
        options = [o for o in options if s.force.get(a) == o[0]]
    for b, text, k in options:
        parent = parent_of(text, s.layout) or l1[0]
        level: Levels = (parent, text)
        m, w, kn, cl, cur = misses, away, dict(known), set(closed), l1
        if parent != l1[0]:
            extra = _close_l1(s, l1[0], l1[1], a, kn, cl)
            if extra is None:
                continue
            m, w = m + extra[0], w + extra[1]
            cur = (parent, a)
        if k is not None:
            m += _settle(s, k, s.centre(a, b), kn)
            w += _away(s, k, a, b)
        _dfs(s, b, next_l2 + (k is not None), [*groups, (a, b, level)], m, w,
             squares + (b - a) ** 2, cur, kn, cl)


def _least_squares(s: _Search, a: int, next_l2: int) -> int:
    """The least the rows from ``a`` on can add to the squared group sizes: one for each
    pinned row, the free rows split as evenly as possible among the labels left."""
    pinned = sum(1 for r in s.pins if r >= a)
    free, k = s.n - a - pinned, len(s.l2_order) - next_l2
    if k <= 0:
        return pinned
    q, r = divmod(max(free, 0), k)
    return pinned + r * (q + 1) ** 2 + (k - r) * q * q


def solve_page(tops: Sequence[float], printed: Sequence[Printed], layout: Layout,
               carry: Levels, continuation: bool,
               incumbent: Sequence[Levels] = ()) -> list[Levels] | None:
    """(level1, level2) per row; ``None`` when no partition is possible (more labels than
    rows, an inline label twice on a row). ``incumbent``, a good guess (the scored
    approximation's answer), bounds the search from the start."""
    n = len(tops) - 1
    deferred = [p for p in printed if p.paragraph is not None]
    pins = {p.row: p for p in printed if p.paragraph is None and p.level == 2 and p.row is not None}
    if n == 0 or len(pins) != sum(1 for p in printed if p.paragraph is None and p.level == 2):
        return None
    s = _Search(
        tops=tops, layout=layout, carry=carry, deferred=deferred,
        l2_order=_top_down(deferred, layout), pins=pins,
        l1_inline={compact(p.text): p for p in printed if p.level == 1 and p.paragraph is None},
        l1_deferred={compact(p.text): i for i, p in enumerate(deferred) if p.level == 1},
        pairs=_pairs(deferred, ordered=layout == "shanghai"))
    if len(incumbent) == n:
        s.force = _boundaries(incumbent)
        _run(s, continuation, carry, leads=[s.force.pop(-1, 0)])
        s.force, s.nodes = {}, 0
    _run(s, continuation, carry, leads=range(0, n + 1) if continuation else [0])
    if s.best_score is None:
        return None
    out: list[Levels] = []
    for a, b, level in s.best:
        out.extend([level] * (b - a))
    return out


def _top_down(deferred: Sequence[Printed], layout: Layout) -> list[int]:
    """Level-2 labels (indices into ``deferred``) in the order their groups are stacked. The
    Shanghai print order is the vertical order; in the national template the 绩效指标 column
    breaks poppler's table detection and groups come out of order, so they are stacked in the
    template's level-1 order, in print order within a level 1 (unknown labels keep the level 1
    of the label printed before them)."""
    idx = [i for i, p in enumerate(deferred) if p.level == 2]
    if layout == "shanghai":
        return idx
    rank: dict[int, int] = {}
    last = 0
    for i in idx:
        rank[i] = _level1_rank(deferred[i].text, layout, last)
        last = rank[i]
    return sorted(idx, key=lambda i: rank[i])


def _level1_rank(label: str, layout: Layout, default: int) -> int:
    key = compact(label)
    for r1, children in enumerate(LEVEL2[layout].values()):
        if key in children:
            return r1
    return default


def _run(s: _Search, continuation: bool, carry: Levels, leads: Sequence[int]) -> None:
    for lead in leads:
        if lead and not continuation:
            continue
        head = [(0, lead, carry)] if lead else []
        if lead == s.n and (s.l2_order or s.pins):
            continue
        _dfs(s, lead, 0, head, 0, 0, lead * lead, (carry[0], 0) if lead else (None, 0), {},
             set())


def _boundaries(levels: Sequence[Levels]) -> dict[int, int]:
    """Runs of equal levels as start -> end; key -1 holds how many leading rows continue the
    previous page (assumed none: the caller's guess starts with its own labels)."""
    out: dict[int, int] = {}
    start = 0
    for r in range(1, len(levels) + 1):
        if r == len(levels) or levels[r] != levels[start]:
            out[start] = r
            start = r
    return out

