"""Which rows a merged level-1/level-2 label covers, in a `pdftotext` default-mode export.

Why labels land where they do (poppler's ``TextPage::coalesce``, checked against
``pdftotext -bbox-layout`` on the sample and synthetic PDFs):

* every cell is a text block; a merged label is one block, drawn at the vertical centre of its
  merged cell;
* poppler marks blocks that line up in a 2x2 pattern with their right and lower neighbours as a
  *table* and orders a table row by row, left to right. The level-3/target grid is such a
  table; a label joins it only when it sits on the baseline of a row (its centre on that row's
  centre) and aligns with the label below. Such a label is printed *inline*, right before the
  level-3 cell of the row it sits on;
* every other label is outside the table; the table's extended box lies above it, so it is
  printed *after* the page's rows (deferred), in top-to-bottom order of its text (levels 1
  and 2 mixed), and consecutive deferred labels share a paragraph (flow) only when their
  centres are less than ~3.5 line pitches apart (≥ 4 pitches: a new paragraph);
* in the national template the ``绩效指标`` column breaks the table up and labels are printed
  among the rows, roughly before the first row below their centre.

Inference is a dynamic programme over row boundaries per page: the page's level-2 labels, in
top-to-bottom order (inline ones at their rows merged with the deferred ones in print order),
each take a run of consecutive rows. Row heights come from the printed line counts (the
template's row is ``max(2, lines + 1)`` line pitches), so each candidate run predicts its
label's centre; the cost counts violated observations (an inline label off its row's centre,
two deferred labels in one paragraph but far apart or in two paragraphs but close, labels
out of print order, runs against the template's level-1/level-2 order) plus a small prior
for even group sizes. The state is (rows used, labels used from each queue, start of the
previous run), so a page costs O(rows² · labels) — milliseconds. Level 1 follows from the
taxonomy (``vocabulary.LEVEL2``: a level-2 label's parent); rows at the top of a continuation
page with no label of their own continue the previous page's last group (a merged cell
spanning the page break).

The DP's answer is then only the incumbent of an exact search
(:mod:`extractors.text.pdftotext.level_search`): branch and bound over every partition,
minimising the observations it fails to predict under the measured model (column-wise
top-to-bottom order, print-adjacent labels top to bottom whatever their level, same
paragraph exactly when centres are 1–3 pitches apart); then, on national pages, the labels
put away from the rows they were printed among; then the most even sizes. National pages
stack their level-2 groups in the template's level-1 order.

No sample vocabulary (issue 8): neither step looks at what a row says. Only the print
(positions, order, paragraphs), the template's fixed level-1/level-2 taxonomy and its order
decide, and between partitions the print cannot tell apart, the most even sizes. Level-3
names of real forms (the Shanghai 投入与管理 rows) and category words once broke those ties;
they are gone, and what that cost is measured below.

Measured (level 1 and level 2 both right; level 3 + target unchanged by this module):

* development files (s03, s07, pdftotext outputs of s01, s05, s06, s10; 292 rows): 248/292
  (84.9%; Shanghai pages 225/262, national 23/30); with the sample vocabulary 288/292;
* synthetic hold-out, 11 pdftotext files: Shanghai 590/834 rows (70.7%), national 252/384
  (65.6%); with the sample vocabulary 801/834 (96.0%) and 327/384 (85.2%);
* a validation corpus built with the current generator (``tests.synth.build --seed 4242
  --docs 50``, 11 pdftotext files, never tuned on): Shanghai 618/887 (69.7%), national
  214/380 (56.3%); with the sample vocabulary 851/887 (95.9%) and 316/380 (83.2%).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.model import Layout
from extractors.text.pdftotext.level_search import Printed, solve_page
from extractors.text.pdftotext.table import LabelLine, Row
from extractors.vocabulary import LEVEL1, LEVEL2

Levels = tuple[str | None, str | None]

_SAME_FLOW_MAX = 3.5  # line pitches between centres of labels printed in one paragraph
_NEW_FLOW_MIN = 3.9
_INLINE_TOL = 0.3
_INLINE_MISS = 4.0
_FLOW_MISS = 2.0
_SIZE = 0.02
_CARRY = 0.3
_ORDER_L1 = 3.0
_ORDER_L2 = 1.0


@dataclass(frozen=True, slots=True)
class _Label:
    """A level-2 label on a page: where it was printed relative to the rows."""

    index: int  # into the page's level-2 labels
    before_row: int  # page rows printed before it
    block: int
    steps: int  # deferred labels (either level) since the previous deferred level-2 label


@dataclass(frozen=True, slots=True)
class _Page:
    tops: tuple[float, ...]  # row tops in line pitches, len = rows + 1
    inline: tuple[_Label, ...]
    deferred: tuple[_Label, ...]
    national: bool
    continuation: bool
    stream: tuple[tuple[int, int, int, int], ...]  # deferred labels in print order:
    # (level, index among the page's labels of that level, block, rows printed before it)
    inline_l1: tuple[tuple[int, int], ...]  # (level-1 label index, row it is printed before)
    order_cost: tuple[tuple[float, ...], ...]  # [upper][lower] level-2 labels vs the template

    @property
    def n(self) -> int:
        return len(self.tops) - 1

    def centre(self, a: int, b: int) -> float:
        return (self.tops[a] + self.tops[b]) / 2


def parent_of(label: str, layout: Layout) -> str | None:
    """The level-1 category a known level-2 label belongs to."""
    for parent, children in LEVEL2[layout].items():
        if label in children:
            return parent
    return None


def row_pitches(row: Row) -> float:
    """A row's height in line pitches: one pitch of padding, at least two in all."""
    return float(max(2, row.height + 1))


def infer_levels(rows: Sequence[Row], labels: Sequence[LabelLine],
                 layout: Layout) -> list[Levels]:
    """(level1, level2) for every row of a form's table, in row order."""
    out: list[Levels] = []
    carry: Levels = (None, None)
    pages = sorted({r.page for r in rows})
    for n, page in enumerate(pages):
        page_rows = [r for r in rows if r.page == page]
        page_labels = [lb for lb in labels if lb.page == page]
        levels = _solve_page(page_rows, page_labels, layout, carry, continuation=n > 0)
        out.extend(levels)
        if levels:
            carry = levels[-1]
    return out


def _page(rows: list[Row], labels: list[LabelLine], layout: Layout,
          continuation: bool) -> tuple[_Page, list[LabelLine]]:
    tops = tuple(itertools.accumulate((row_pitches(r) for r in rows), initial=0.0))
    n = len(rows)
    l2 = [lb for lb in labels if lb.level == 2]
    national = layout == "national"
    ordered = sorted(labels, key=lambda x: x.pos)
    before = [sum(1 for r in rows if r.pos < lb.pos) for lb in ordered]
    on_row = _inline_flags(ordered, before, n, national)
    inline: list[_Label] = []
    deferred: list[_Label] = []
    l1 = [lb for lb in labels if lb.level == 1]
    stream: list[tuple[int, int, int, int]] = []
    inline_l1: list[tuple[int, int]] = []
    steps = 0
    for lb, k, is_inline in zip(ordered, before, on_row, strict=True):
        idx = l1.index(lb) if lb.level == 1 else l2.index(lb)
        if not is_inline:
            steps += 1
            stream.append((lb.level, idx, lb.block, k))
        if lb.level == 1:
            if is_inline:
                inline_l1.append((idx, k))
            continue
        item = _Label(idx, k, lb.block, steps)
        if is_inline:
            inline.append(item)
        else:
            deferred.append(item)
            steps = 0
    inline.sort(key=lambda x: x.before_row)
    return _Page(tops, tuple(inline), tuple(deferred), national, continuation,
                 tuple(stream), tuple(inline_l1), _order_costs(l2, layout)), l2


def _inline_flags(ordered: list[LabelLine], before: list[int], n: int,
                  national: bool) -> list[bool]:
    """Which labels sit on the row printed right after them: in the run of labels printed
    before a row, only the last level-2 label and the level-1 labels just before it (a
    level-1 label on the same baseline is printed first); labels earlier in the run are
    deferred labels of rows above, flushed there by the reading order."""
    flags = [False] * len(ordered)
    if national:
        return flags
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and before[j + 1] == before[i]:
            j += 1
        if 0 < before[i] < n:
            l2_at = [m for m in range(i, j + 1) if ordered[m].level == 2]
            if l2_at:
                start = l2_at[-2] + 1 if len(l2_at) > 1 else i
                for m in range(start, l2_at[-1] + 1):
                    flags[m] = True
        i = j + 1
    return flags


def _template_rank(label: str, layout: Layout) -> tuple[int, int] | None:
    for r1, (parent, children) in enumerate(LEVEL2[layout].items()):
        if label in children:
            return LEVEL1[layout].index(parent) if parent in LEVEL1[layout] else r1, \
                children.index(label)
    return None


def _order_costs(l2: list[LabelLine], layout: Layout) -> tuple[tuple[float, ...], ...]:
    """The template prints level-1 groups in its order and level-2 groups in their parent's
    order: a run of labels against that order costs (more across level 1)."""
    ranks = [_template_rank(lb.text, layout) for lb in l2]
    out: list[tuple[float, ...]] = []
    for a in ranks:
        row: list[float] = []
        for b in ranks:
            if a is None or b is None:
                row.append(0.0)
            elif b[0] < a[0]:
                row.append(_ORDER_L1)
            elif b[0] == a[0] and b[1] < a[1]:
                row.append(_ORDER_L2)
            else:
                row.append(0.0)
        out.append(tuple(row))
    return tuple(out)


def _label_cost(page: _Page, lab: _Label, a: int, b: int, inline: bool) -> float:
    c = page.centre(a, b)
    if inline:
        r = lab.before_row
        on_row = a <= r < b and abs(c - page.centre(r, r + 1)) <= _INLINE_TOL
        return 0.0 if on_row else _INLINE_MISS
    return 0.0


def _pair_cost(prev: _Label, cur: _Label, gap: float, national: bool = False) -> float:
    """Two deferred labels in print order: one paragraph means close, two means apart."""
    if national:
        return _FLOW_MISS if gap < -1e-6 else 0.0
    if prev.before_row != cur.before_row:
        return 0.0
    if gap < -1e-6:
        return _FLOW_MISS
    if prev.block == cur.block:
        return _FLOW_MISS if gap > _SAME_FLOW_MAX * cur.steps + 1e-6 else 0.0
    if cur.steps == 1 and gap < _NEW_FLOW_MIN - 1e-6:
        return _FLOW_MISS
    return 0.0


# state: (rows used, inline used, deferred used, start of previous run, previous was deferred)
_State = tuple[int, int, int, int, bool]


def _dp(page: _Page) -> list[tuple[int, int, int]] | None:
    """Runs (label index or -1 for the carried group, first row, end row) top to bottom."""
    n, ni, nd = page.n, len(page.inline), len(page.deferred)
    if ni + nd == 0 or ni + nd > n:
        return None
    best: dict[_State, tuple[float, _State | None, tuple[int, int, int]]] = {}
    start: _State = (0, 0, 0, -1, False)
    best[start] = (0.0, None, (-1, 0, 0))
    if page.continuation:
        for j in range(1, n - (ni + nd) + 1):
            s: _State = (j, 0, 0, 0, False)
            best[s] = (_CARRY + _SIZE * j * j, start, (-1, 0, j))
    for i in range(n):
        for open_state in [s for s in best if s[0] == i]:
            _expand(page, open_state, best)
    finals = [s for s in best if s[0] == n and s[1] == ni and s[2] == nd]
    if not finals:
        return None
    cursor: _State | None = min(finals, key=lambda s: best[s][0])
    runs: list[tuple[int, int, int]] = []
    while cursor is not None and cursor != start:
        _, prev, run = best[cursor]
        runs.append(run)
        cursor = prev
    return runs[::-1]


def _expand(page: _Page, state: _State,
            best: dict[_State, tuple[float, _State | None, tuple[int, int, int]]]) -> None:
    """Relax every run the next label of either queue can take from ``state``."""
    n, ni, nd = page.n, len(page.inline), len(page.deferred)
    i, mi, md, pa, pdef = state
    cost = best[state][0]
    left = (ni - mi) + (nd - md)
    for queue, lab_is_inline in ((page.inline, True), (page.deferred, False)):
        used = mi if lab_is_inline else md
        if used >= len(queue):
            continue
        lab = queue[used]
        for j in range(i + 1, n - left + 2):
            c = cost + _SIZE * (j - i) ** 2 + _label_cost(page, lab, i, j, lab_is_inline)
            if mi + md > 0:
                prev = page.deferred[md - 1] if pdef else page.inline[mi - 1]
                c += page.order_cost[prev.index][lab.index]
            if not lab_is_inline and pdef and md > 0:
                gap = page.centre(i, j) - page.centre(pa, i)
                c += _pair_cost(page.deferred[md - 1], lab, gap, page.national)
            nxt: _State = (j, mi + lab_is_inline, md + (not lab_is_inline), i,
                           not lab_is_inline)
            if nxt not in best or c < best[nxt][0] - 1e-12:
                best[nxt] = (c, state, (lab.index, i, j))


def _parents(runs: list[tuple[int, int, int]], l2: list[LabelLine], page_l1: list[str],
             layout: Layout, carry: Levels) -> list[str | None]:
    parents: list[str | None] = [carry[0] if idx < 0 else parent_of(l2[idx].text, layout)
                                 for idx, _, _ in runs]
    for p, par in enumerate(parents):  # unknown level 2: between its known neighbours
        if par is None:
            prev = next((q for q in reversed(parents[:p]) if q), None)
            nxt = next((q for q in parents[p + 1:] if q), None)
            parents[p] = prev or nxt or (page_l1[0] if page_l1 else None)
    return parents


def _full_cost(page: _Page, runs: list[tuple[int, int, int]], parents: list[str | None],
               page_l1: list[str]) -> float:
    """The DP's cost plus what level 1 tells: level-1 centres in the deferred print order."""
    cost = 0.0
    centre: dict[tuple[int, int], float] = {}
    where: dict[int, tuple[int, int]] = {}
    for upper, lower in itertools.pairwise([idx for idx, _, _ in runs if idx >= 0]):
        cost += page.order_cost[upper][lower]
    for idx, a, b in runs:
        cost += _SIZE * (b - a) ** 2
        if idx < 0:
            cost += _CARRY
        else:
            centre[(2, idx)] = page.centre(a, b)
            where[idx] = (a, b)
    for lab in page.inline:
        a, b = where[lab.index]
        cost += _label_cost(page, lab, a, b, True)
    for k, text in enumerate(page_l1):
        spans = [(a, b) for (_, a, b), par in zip(runs, parents, strict=True) if par == text]
        if not spans:
            cost += _INLINE_MISS
            continue
        centre[(1, k)] = page.centre(spans[0][0], spans[-1][1])
    for k, r in page.inline_l1:
        if (1, k) in centre and abs(centre[(1, k)] - page.centre(r, r + 1)) > _INLINE_TOL:
            cost += _INLINE_MISS
    for x, y in itertools.pairwise(page.stream):
        if (x[0], x[1]) not in centre or (y[0], y[1]) not in centre:
            continue
        gap = centre[(y[0], y[1])] - centre[(x[0], x[1])]
        if page.national:
            cost += _pair_cost_national(gap)
            continue
        if x[3] != y[3]:
            continue
        same_flow = x[2] == y[2]
        if (gap < -1e-6 or (same_flow and gap > _SAME_FLOW_MAX + 1e-6)
                or (not same_flow and gap < _NEW_FLOW_MIN - 1e-6)):
            cost += _FLOW_MISS
    return cost


def _pair_cost_national(gap: float) -> float:
    return _FLOW_MISS if gap < -1e-6 else 0.0


def _refine(page: _Page, runs: list[tuple[int, int, int]], l2: list[LabelLine],
            page_l1: list[str], layout: Layout, carry: Levels) -> list[tuple[int, int, int]]:
    """Local search from the DP's answer under the full cost (moves of one or two
    neighbouring run boundaries by up to three rows)."""
    def score(rs: list[tuple[int, int, int]]) -> float:
        return _full_cost(page, rs, _parents(rs, l2, page_l1, layout, carry), page_l1)

    best, best_cost = runs, score(runs)
    for _ in range(30):
        improved = False
        for k in range(1, len(best)):
            for width in (1, 2):
                for delta in (-3, -2, -1, 1, 2, 3):
                    cand = _shift(best, k, width, delta)
                    if cand is None:
                        continue
                    c = score(cand)
                    if c < best_cost - 1e-9:
                        best, best_cost, improved = cand, c, True
        if not improved:
            break
    return best


def _shift(runs: list[tuple[int, int, int]], k: int, width: int,
           delta: int) -> list[tuple[int, int, int]] | None:
    starts = [a for _, a, _ in runs] + [runs[-1][2]]
    if k + width > len(runs):
        return None
    for m in range(k, k + width):
        starts[m] += delta
    if any(b <= a for a, b in itertools.pairwise(starts)):
        return None
    return [(idx, starts[m], starts[m + 1]) for m, (idx, _, _) in enumerate(runs)]


def _solve_page(rows: list[Row], labels: list[LabelLine], layout: Layout, carry: Levels,
                continuation: bool) -> list[Levels]:
    n = len(rows)
    if n == 0:
        return []
    page, l2 = _page(rows, labels, layout, continuation)
    if not l2:
        return [carry] * n
    runs = _dp(page)
    if runs is None:  # more labels than rows: print order, one row each, last one fills
        ordered = sorted(range(len(l2)), key=lambda k: l2[k].pos)[:n]
        runs = [(k, p, p + 1) for p, k in enumerate(ordered)]
        runs[-1] = (runs[-1][0], runs[-1][1], n)
    page_l1 = [lb.text for lb in labels if lb.level == 1]
    else_runs = runs
    if len(page.inline) + len(page.deferred) <= page.n:
        else_runs = _refine(page, runs, l2, page_l1, layout, carry)
    runs = else_runs
    parents = _parents(runs, l2, page_l1, layout, carry)
    out: list[Levels] = []
    for (idx, a, b), par in zip(runs, parents, strict=True):
        l2_text = carry[1] if idx < 0 else l2[idx].text
        out.extend([(par, l2_text)] * (b - a))
    exact = _exact(rows, labels, layout, carry, continuation, out)
    return out if exact is None else exact


def _exact(rows: list[Row], labels: list[LabelLine], layout: Layout, carry: Levels,
           continuation: bool, guess: list[Levels]) -> list[Levels] | None:
    """The partition that predicts the printed labels exactly (``level_search``), if unique."""
    tops = tuple(itertools.accumulate((row_pitches(r) for r in rows), initial=0.0))
    ordered = sorted(labels, key=lambda x: x.pos)
    before = [sum(1 for r in rows if r.pos < lb.pos) for lb in ordered]
    flags = _inline_flags(ordered, before, len(rows), national=layout == "national")
    printed = [Printed(level=lb.level, text=lb.text, paragraph=None if flag else lb.block,
                       before_row=k, row=k if flag else None)
               for lb, k, flag in zip(ordered, before, flags, strict=True)]
    return solve_page(tops, printed, layout, carry, continuation, guess)
