"""Which rows a merged level-1/level-2 label covers, in a `pdftotext` default-mode export.

pdftotext (default mode) keeps no geometry: a merged label cell is printed once, as its own
text block, wherever its reading order put it — usually *after* the page's rows (deferred),
sometimes right before the one row it sits beside (inline). What the file still tells us:

* the order of the level-2 labels (= the order of their groups, top to bottom);
* which labels sit immediately before a row's level-3 cell (inline): such a group starts at
  that row and normally covers just that row;
* which deferred labels share a block: pdftotext merges lines into one block only when their
  baselines are close (within ~1.5 row pitches), and prints a block's lines top to bottom, so
  labels in one block are near each other and in vertical order, labels in different blocks
  are at least ~2 row pitches apart;
* the taxonomy (``layouts.LEVEL2``): a level-2 label's level-1 parent, hence the extent and the
  vertical centre of every level-1 label.

A label is printed at the vertical centre of its merged cell. For a candidate partition of the
page's rows into level-2 groups we predict every label's centre (in row pitches, taller rows
for wrapped cells) and score how well the prediction explains the observed inline positions,
block memberships and orders; a small prior prefers groups of similar size. The cheapest
partition wins (exhaustive over the free runs between inline labels, coordinate-wise when
there are several). Rows at the top of a continuation page that no label on that page can
cover continue the previous page's last group (a merged cell spanning the page break).

Exactness on the development files (s03, s07 and the pdftotext outputs of s01, s05, s06, s10;
15 forms, 292 rows): level-3 name, target and page right for 292/292 rows; level 1 and
level 2 both right for 265/292 (90.8%). The misses are runs of rows between labels whose
printed blocks are equally consistent with several splits; the category hints
(``layouts.LEVEL2_HINTS``) settle most of those, not all.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extractors.layouts import LEVEL1, LEVEL2, LEVEL2_HINTS, compact
from extractors.model import Layout
from extractors.pdftotext_table import LabelLine, Row

#: Measured on the development files (level-1 and level-2 both right / rows).
LEVEL_ACCURACY = "265/292 rows (90.8%) on the 6 development files; level 3 + target 292/292"

_MAX_COMBOS = 20_000
_MAX_ORDERS = 24
_DEFERRED_SINGLE = 0.3
_HINT = 0.15
Levels = tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class _Page:
    rows: tuple[Row, ...]
    l2: tuple[LabelLine, ...]
    l1: tuple[LabelLine, ...]
    inline_l2: dict[int, int]  # label index -> row index it sits before
    inline_l1: dict[int, int]
    continuation: bool
    misfit: tuple[tuple[float, ...], ...]  # [row][label]: how much better a sibling fits


def parent_of(label: str, layout: Layout) -> str | None:
    """The level-1 category a known level-2 label belongs to."""
    for parent, children in LEVEL2[layout].items():
        if label in children:
            return parent
    return None


def infer_levels(rows: Sequence[Row], labels: Sequence[LabelLine],
                 layout: Layout) -> list[Levels]:
    """(level1, level2) for every row of a form's table, in row order."""
    out: list[Levels] = []
    carry: Levels = (None, None)
    pages = sorted({r.page for r in rows})
    for n, page in enumerate(pages):
        page_rows = tuple(r for r in rows if r.page == page)
        page_labels = [lb for lb in labels if lb.page == page]
        ctx = _page_context(page_rows, page_labels, continuation=n > 0)
        levels = _solve_page(ctx, layout, carry)
        out.extend(levels)
        if levels:
            carry = levels[-1]
    return out


def _page_context(rows: tuple[Row, ...], labels: list[LabelLine],
                  continuation: bool) -> _Page:
    l2 = tuple(lb for lb in labels if lb.level == 2)
    l1 = tuple(lb for lb in labels if lb.level == 1)
    row_at = {r.pos: i for i, r in enumerate(rows)}
    blocks = [lb.block for lb in labels]
    inline2 = {i: row_at[lb.pos + 1] for i, lb in enumerate(l2)
               if lb.pos + 1 in row_at and blocks.count(lb.block) == 1}
    l2_pos = {lb.pos for lb in l2}
    inline1: dict[int, int] = {}
    for i, lb in enumerate(l1):
        if blocks.count(lb.block) != 1:
            continue
        p = lb.pos + 1
        while p in l2_pos:
            p += 1
        if p in row_at:
            inline1[i] = row_at[p]
    return _Page(rows, l2, l1, inline2, inline1, continuation, _misfit(rows, l2))


def _fits(row: Row, label: str) -> bool:
    text = compact(row.level3 + row.target)
    return any(h in text for h in LEVEL2_HINTS.get(label, ()))


def _misfit(rows: tuple[Row, ...], l2: tuple[LabelLine, ...]) -> tuple[tuple[float, ...], ...]:
    """1 where a row fits none of a label's hints but fits a label printed beside it."""
    fit = [[_fits(r, lb.text) for lb in l2] for r in rows]
    return tuple(tuple(float(any(f) and not f[j]) for j in range(len(l2))) for f in fit)


def _solve_page(page: _Page, layout: Layout, carry: Levels) -> list[Levels]:
    n, k = len(page.rows), len(page.l2)
    if n == 0:
        return []
    if k == 0:
        return [carry] * n
    best: tuple[float, tuple[int, ...], list[int]] | None = None
    for order in _orders(page, layout):
        fixed = {p: page.inline_l2[i] for p, i in enumerate(order) if i in page.inline_l2}
        starts = _initial_starts(n, k, fixed)
        if starts is None:
            continue
        starts = _optimise(page, layout, carry, order, starts, fixed)
        cost = _cost(page, layout, carry, order, starts)
        if best is None or cost < best[0]:
            best = (cost, order, starts)
    if best is None:  # more labels than rows, or inline positions that cannot all hold
        order = tuple(sorted(range(k), key=lambda i: page.l2[i].pos))[:n]
        return _levels_for(page, layout, carry, order, list(range(len(order))))
    return _levels_for(page, layout, carry, best[1], best[2])


def _rank(label: str, layout: Layout) -> int | None:
    parent = parent_of(label, layout)
    return None if parent is None else LEVEL1[layout].index(parent)


def _orders(page: _Page, layout: Layout) -> list[tuple[int, ...]]:
    """Top-to-bottom orders of the page's level-2 groups: inline labels sit at their rows,
    deferred ones keep their printed order and go where the level-1 order allows."""
    inline = sorted(page.inline_l2, key=lambda i: page.inline_l2[i])
    deferred = [i for i in range(len(page.l2)) if i not in page.inline_l2]
    ranks = [_rank(lb.text, layout) for lb in page.l2]
    out: list[tuple[int, ...]] = []

    def walk(a: int, b: int, acc: tuple[int, ...], last: int) -> None:
        if len(out) >= _MAX_ORDERS:
            return
        if a == len(inline) and b == len(deferred):
            out.append(acc)
            return
        for seq, j, step in ((deferred, b, (a, b + 1)), (inline, a, (a + 1, b))):
            if j < len(seq):
                r = ranks[seq[j]]
                if r is None or r >= last:
                    walk(step[0], step[1], (*acc, seq[j]), last if r is None else r)

    walk(0, 0, (), -1)
    return out or [tuple(deferred + inline)]


def _initial_starts(n: int, k: int, fixed: dict[int, int]) -> list[int] | None:
    """Group starts (0-based rows): fixed ones where inline labels sit, free groups spread
    evenly between them; ``None`` when the fixed ones cannot all hold."""
    if k > n:
        return None
    starts: list[int] = [0] * k
    anchors = [(-1, -1), *sorted(fixed.items()), (k, n)]
    for (i0, r0), (i1, r1) in itertools.pairwise(anchors):
        if i0 >= 0:
            starts[i0] = r0
        free = i1 - i0 - 1
        lo = r0 + 1
        room = r1 - lo
        if free > room or r1 <= r0:
            return None
        for j in range(free):
            starts[i0 + 1 + j] = lo + (room * j) // free
    return starts


def _free_runs(order: tuple[int, ...], fixed: dict[int, int],
               ranks: list[int | None]) -> list[list[int]]:
    """Consecutive free group positions with the same level-1 (searched jointly)."""
    runs: list[list[int]] = []
    cur: list[int] = []
    for p, idx in enumerate(order):
        if p in fixed or (cur and ranks[order[cur[-1]]] != ranks[idx]):
            if cur:
                runs.append(cur)
            cur = []
        if p not in fixed:
            cur.append(p)
    if cur:
        runs.append(cur)
    return runs


def _optimise(page: _Page, layout: Layout, carry: Levels, order: tuple[int, ...],
              starts: list[int], fixed: dict[int, int]) -> list[int]:
    ranks = [_rank(lb.text, layout) for lb in page.l2]
    best = list(starts)
    best_cost = _cost(page, layout, carry, order, best)
    runs = _free_runs(order, fixed, ranks)
    for _ in range(3):
        improved = False
        for run in runs + ([sorted(p for r in runs for p in r)] if len(runs) > 1 else []):
            for cand in _run_candidates(page, best, run):
                c = _cost(page, layout, carry, order, cand)
                if c < best_cost - 1e-9:
                    best, best_cost, improved = cand, c, True
        if not improved:
            break
    return best


def _run_candidates(page: _Page, starts: list[int], run: list[int]) -> Iterator[list[int]]:
    """Every placement of the run's group starts between its fixed neighbours (capped)."""
    first, last = run[0], run[-1]
    lo = starts[first - 1] + 1 if first > 0 else 0
    hi = starts[last + 1] - 1 if last + 1 < len(starts) else len(page.rows) - 1
    inner = [p for p in range(first, last + 1) if p not in run]
    count = 0
    for combo in itertools.combinations(range(lo, hi + 1), len(run)):
        if first == 0 and not page.continuation and combo[0] != 0:
            continue
        cand = list(starts)
        for p, s in zip(run, combo, strict=True):
            cand[p] = s
        if inner and any(b <= a for a, b in itertools.pairwise(cand)):
            continue
        yield cand
        count += 1
        if count >= _MAX_COMBOS:
            return


def _groups(page: _Page, order: tuple[int, ...],
            starts: list[int]) -> list[tuple[int, int, int]]:
    """(label index or -1 for the carried group, first row, last row), top to bottom."""
    n = len(page.rows)
    out: list[tuple[int, int, int]] = []
    if starts[0] > 0:
        out.append((-1, 0, starts[0] - 1))
    for p, s in enumerate(starts):
        end = starts[p + 1] - 1 if p + 1 < len(starts) else n - 1
        out.append((order[p], s, end))
    return out


def _group_level1(page: _Page, layout: Layout, carry: Levels,
                  groups: list[tuple[int, int, int]]) -> list[str | None]:
    parents: list[str | None] = []
    for idx, _, _ in groups:
        parents.append(carry[0] if idx < 0 else parent_of(page.l2[idx].text, layout))
    page_l1 = [lb.text for lb in page.l1]
    for i, p in enumerate(parents):  # unknown level 2: between its known neighbours
        if p is None:
            prev = next((q for q in reversed(parents[:i]) if q), None)
            nxt = next((q for q in parents[i + 1:] if q), None)
            parents[i] = prev or nxt or (page_l1[0] if page_l1 else None)
    return parents


def _centres(page: _Page, a: int, b: int) -> float:
    top = sum(_height(r) for r in page.rows[:a])
    bottom = top + sum(_height(r) for r in page.rows[a:b + 1])
    return (top + bottom) / 2


def _height(row: Row) -> float:
    return 1.0 + 0.5 * (row.height - 1)


def _cost(page: _Page, layout: Layout, carry: Levels, order: tuple[int, ...],
          starts: list[int]) -> float:
    if any(b <= a for a, b in itertools.pairwise(starts)) or starts[0] < 0:
        return 1e9
    groups = _groups(page, order, starts)
    parents = _group_level1(page, layout, carry, groups)
    cost = 0.0
    centre: dict[int, float] = {}
    for (idx, a, b), _ in zip(groups, parents, strict=True):
        size = b - a + 1
        cost += 0.02 * size * size
        if idx < 0:
            cost += 0.3 if page.continuation else 3.0
            continue
        centre[page.l2[idx].pos] = _centres(page, a, b)
        cost += _HINT * sum(page.misfit[r][idx] for r in range(a, b + 1))
        if idx in page.inline_l2:
            cost += 1.0 if size > 1 else 0.0
        elif size == 1:
            cost += _DEFERRED_SINGLE
    cost += _level1_cost(page, groups, parents, carry, centre)
    return cost + _stream_cost(page, centre)


def _level1_cost(page: _Page, groups: list[tuple[int, int, int]], parents: list[str | None],
                 carry: Levels, centre: dict[int, float]) -> float:
    cost = 0.0
    for i, lb in enumerate(page.l1):
        rows = [(a, b) for (_, a, b), p in zip(groups, parents, strict=True) if p == lb.text]
        if not rows:
            cost += 1.0
            continue
        a, b = rows[0][0], rows[-1][1]
        if lb.text == carry[0] and groups[0][0] < 0 and a == 0:
            a = 0
        centre[lb.pos] = _centres(page, a, b)
        if i in page.inline_l1:
            r = page.inline_l1[i]
            cost += 0.0 if r == a else 2.0
            cost += 0.5 if b > a else 0.0
    known = {lb.text for lb in page.l1} | {carry[0]}
    cost += sum(2.0 for p in parents if p is not None and p not in known)
    return cost


def _stream_cost(page: _Page, centre: dict[int, float]) -> float:
    inline_pos = {page.l2[i].pos for i in page.inline_l2}
    deferred = sorted((lb for lb in (*page.l1, *page.l2)
                       if lb.pos in centre and lb.pos not in inline_pos), key=lambda x: x.pos)
    row_pos = sorted(r.pos for r in page.rows)
    cost = 0.0
    for x, y in itertools.pairwise(deferred):
        if any(x.pos < p < y.pos for p in row_pos):
            continue
        d = centre[y.pos] - centre[x.pos]
        if x.block == y.block:
            cost += 1.0 if abs(d) > 1.5 + 1e-6 else 0.0
            cost += 0.7 if d < 1e-6 else 0.0
        else:
            cost += 0.7 if abs(d) < 2 - 1e-6 else 0.0
            cost += 0.7 if d < -1e-6 else 0.0
    return cost


def _levels_for(page: _Page, layout: Layout, carry: Levels, order: tuple[int, ...],
                starts: list[int]) -> list[Levels]:
    groups = _groups(page, order, starts)
    parents = _group_level1(page, layout, carry, groups)
    out: list[Levels] = []
    for (idx, a, b), p in zip(groups, parents, strict=True):
        l2 = carry[1] if idx < 0 else page.l2[idx].text
        out.extend([(p, l2)] * (b - a + 1))
    return out
