"""A small table engine: pages, a flow of blocks, and tables with merged cells.

Tables are laid out top to bottom; a body row never splits, a merged cell (rowspan)
may span a page break (its label printed once, in the fragment with most rows, or
again in each fragment), column-header rows may be repeated on continuation pages.
Each body row reports the 1-based page it was drawn on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .geom import Geometry, width, wrap


@dataclass
class Page:
    """drawing operations of one page, in top-down coordinates."""

    texts: list[tuple[float, float, str, str, float]] = field(default_factory=list)
    fills: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    hsegs: list[tuple[float, float, float]] = field(default_factory=list)
    vsegs: list[tuple[float, float, float]] = field(default_factory=list)


class Doc:
    """the pages of one file and a cursor where the next block goes."""

    def __init__(self, g: Geometry, footer_reserve: float = 0.0) -> None:
        self.g = g
        self.pages: list[Page] = []
        self.y = g.top
        self.bottom = g.bottom - footer_reserve
        self.seen: set[str] = set()

    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def pno(self) -> int:
        return len(self.pages)

    def new_page(self) -> Page:
        self.pages.append(Page())
        self.y = self.g.top
        return self.page

    def fits(self, h: float) -> bool:
        return self.y + h <= self.bottom + 0.01

    def text_line(self, s: str, size: float | None = None, font: str | None = None,
                  align: str = "center", gap: float = 4.0, right: str = "") -> None:
        """a line of free text (title, 填报单位 line); right: text flush right."""
        size = size or self.g.size
        font = font or self.g.body_font
        lh = size * 1.35
        if not self.fits(lh):
            self.new_page()
        base = self.y + size * 1.05
        if s:
            x = (self.g.left + (self.g.content_w - width(s, font, size)) / 2
                 if align == "center" else self.g.left)
            self.page.texts.append((x, base, s, font, size))
        if right:
            x = self.g.right - width(right, font, size)
            self.page.texts.append((x, base, right, font, size))
        self.y += lh + gap

    def space(self, h: float) -> None:
        self.y += h


@dataclass
class TCell:
    """a cell from column c0 up to (not including) c1, spanning rowspan rows."""

    c0: int
    c1: int
    text: str = ""
    rowspan: int = 1
    align: str = "center"
    shade: bool = False
    repeat: bool = False  # print the label again in every page fragment
    with_header: bool = False  # the cell extends up over the header rows on its page
    role: str = ""
    font: str | None = None


@dataclass
class TRow:
    cells: list[TCell]
    keep_next: bool = False
    tag: Any = None


@dataclass
class Table:
    widths: list[float]  # relative column widths
    header: list[TRow]
    body: list[TRow]
    repeat_header: bool = False
    split_spans: bool = True  # False: rows joined by a merged cell stay on one page
    min_lines: int = 1


@dataclass
class Placed:
    """where the body rows of a table went."""

    pages: list[int]  # 1-based page of each body row
    continued: bool = False
    header_repeated: bool = False
    split_roles: set[str] = field(default_factory=set)
    repeated_roles: set[str] = field(default_factory=set)
    wrapped_roles: set[str] = field(default_factory=set)


def _lines(c: TCell, xs: list[float], g: Geometry) -> list[str]:
    w = xs[c.c1] - xs[c.c0] - 2 * g.pad
    return wrap(c.text, max(w, g.size), c.font or g.body_font, g.size)


def _heights(rows: list[TRow], xs: list[float], g: Geometry, min_lines: int,
             lines: dict[int, list[str]]) -> list[float]:
    base = min_lines * g.lh + 2 * g.pad
    hs = []
    for r in rows:
        h = base
        for c in r.cells:
            lines[id(c)] = _lines(c, xs, g)
            if c.rowspan == 1:
                h = max(h, len(lines[id(c)]) * g.lh + 2 * g.pad)
        hs.append(h)
    for i, r in enumerate(rows):
        for c in r.cells:
            if c.rowspan > 1:
                need = len(lines[id(c)]) * g.lh + 2 * g.pad
                got = sum(hs[i:i + c.rowspan])
                if got < need:
                    for k in range(i, i + c.rowspan):
                        hs[k] += (need - got) / c.rowspan
    return hs


def _groups(rows: list[TRow], split_spans: bool) -> list[tuple[int, int]]:
    """ranges of body rows that must stay on one page."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(rows):
        end = i + 1
        j = i
        while j < end:
            if rows[j].keep_next:
                end = max(end, j + 2)
            if not split_spans:
                for c in rows[j].cells:
                    end = max(end, j + c.rowspan)
            j += 1
        end = min(end, len(rows))
        out.append((i, end))
        i = end
    return out


def place_table(doc: Doc, t: Table) -> Placed:
    """lay the table out from doc.y on, opening pages as needed."""
    g = doc.g
    tot = sum(t.widths)
    xs = [g.left]
    for w in t.widths:
        xs.append(xs[-1] + w / tot * g.content_w)
    lines: dict[int, list[str]] = {}
    hh = _heights(t.header, xs, g, t.min_lines, lines)
    bh = _heights(t.body, xs, g, t.min_lines, lines)
    head_h = sum(hh)
    pos: list[tuple[int, float]] = [(0, 0.0)] * len(t.body)
    head_at: dict[int, float] = {}
    groups = _groups(t.body, t.split_spans)
    for gi, (a, b) in enumerate(groups):
        gh = sum(bh[a:b])
        first = gi == 0
        need = gh + (head_h if first else 0)
        if not doc.pages or not doc.fits(need):
            doc.new_page()
            if not first and t.header and t.repeat_header:
                head_at[doc.pno] = doc.y
                doc.y += head_h
        if first and t.header:
            head_at[doc.pno] = doc.y
            doc.y += head_h
        for r in range(a, b):
            pos[r] = (doc.pno, doc.y)
            doc.y += bh[r]
    res = Placed(pages=[p for p, _ in pos])
    res.continued = len(set(res.pages)) > 1
    res.header_repeated = len(head_at) > 1
    # header instances
    for pno, top in head_at.items():
        y = top
        ys = []
        for h in hh:
            ys.append(y)
            y += h
        for i, row in enumerate(t.header):
            for c in row.cells:
                bot = ys[i + c.rowspan - 1] + hh[i + c.rowspan - 1]
                _draw_cell(doc.pages[pno - 1], c, lines[id(c)], xs, ys[i], bot, g, [True])
    # body cells
    for i, row in enumerate(t.body):
        for c in row.cells:
            frags: list[list[float]] = []  # [page, top, bottom, nrows]
            for k in range(i, min(i + c.rowspan, len(t.body))):
                p, top = pos[k]
                if frags and frags[-1][0] == p:
                    frags[-1][2] = top + bh[k]
                    frags[-1][3] += 1
                else:
                    frags.append([p, top, top + bh[k], 1])
            if c.with_header:
                for f in frags:
                    if int(f[0]) in head_at and abs(head_at[int(f[0])] + head_h - f[1]) < 0.01:
                        f[1] = head_at[int(f[0])]
            ln = lines[id(c)]
            if len(ln) > 1 and c.role:
                res.wrapped_roles.add(c.role)
            show = _choose(frags, ln, g, c.repeat)
            if len(frags) > 1 and c.role:
                res.split_roles.add(c.role)
                if sum(show) > 1:
                    res.repeated_roles.add(c.role)
            for f, s in zip(frags, show, strict=True):
                _draw_cell(doc.pages[int(f[0]) - 1], c, ln, xs, f[1], f[2], g, [s])
    return res


def _choose(frags: list[list[float]], ln: list[str], g: Geometry, repeat: bool) -> list[bool]:
    """in which fragments of a split merged cell the label is printed."""
    if len(frags) == 1:
        return [True]
    need = len(ln) * g.lh + g.pad
    fits = [f[2] - f[1] >= need for f in frags]
    if repeat and sum(fits) >= 2:
        return fits
    best = max(range(len(frags)), key=lambda k: (fits[k], frags[k][3], -k))
    return [k == best for k in range(len(frags))]


def _draw_cell(page: Page, c: TCell, ln: list[str], xs: list[float], top: float, bot: float,
               g: Geometry, show: list[bool]) -> None:
    x0, x1 = xs[c.c0], xs[c.c1]
    if c.shade and g.shading:
        page.fills.append((x0, top, x1, bot, g.shade_gray))
    if g.grid == "cells":
        page.rects.append((x0, top, x1, bot))
    else:
        page.hsegs += [(top, x0, x1), (bot, x0, x1)]
        page.vsegs += [(x0, top, bot), (x1, top, bot)]
    if not show[0] or not any(ln):
        return
    font = c.font or g.body_font
    pitch = g.lh
    n = len(ln)
    if n * pitch > bot - top:
        pitch = max(g.size * 1.02, (bot - top - g.pad) / n)
    if g.valign == "top" and c.rowspan == 1 and c.role not in ("l1", "l2", "block"):
        y0 = top + g.pad
    else:
        y0 = top + (bot - top - n * pitch) / 2
    for k, s in enumerate(ln):
        w = width(s, font, g.size)
        x = x0 + g.pad if c.align == "left" else x0 + (x1 - x0 - w) / 2
        base = y0 + k * pitch + (pitch - g.size) / 2 + g.size * 0.86
        page.texts.append((round(x, 2), round(base, 2), s, font, g.size))
