"""Building blocks shared by the families: the header grid, indicator tables, ticks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .model import Ind
from .table import Doc, Placed, Table, TCell, TRow, place_table

TICKS = ["√", "✓", "☑", "■", "R"]


def ticks(rng: random.Random, options: list[str], chosen: int) -> str:
    """tick-box options as printed, e.g. 新增项目□ 延续项目√ (the ticked one is the value)."""
    on = rng.choice(TICKS)
    off = "口" if on == "■" and rng.random() < 0.5 else "□"
    sep = rng.choice([" ", "  ", ""])
    return sep.join(o + (on if i == chosen else off) for i, o in enumerate(options))


ATTR_OPTIONS = [["新增项目", "延续项目"], ["新增", "延续"], ["持续性项目", "新增性项目"],
                ["新增项目", "延续项目", "往年备选"], ["一次性项目", "经常性项目"]]


class HeaderGrid:
    """the header block of a form as a six-column grid of label and value cells."""

    def __init__(self, rng: random.Random, shade: bool = True) -> None:
        a = rng.uniform(12, 17)
        b = rng.uniform(11, 15)
        d = rng.uniform(12, 16)
        e = rng.uniform(10, 14)
        rest = 100 - a - b - d - e
        c = rest * rng.uniform(0.4, 0.55)
        self.widths = [a, b, c, d, e, rest - c]
        self.rows: list[TRow] = []
        self.shade = shade

    def _lab(self, c0: int, c1: int, s: str, rowspan: int = 1) -> TCell:
        return TCell(c0, c1, s, rowspan, "center", self.shade)

    @staticmethod
    def _val(c0: int, c1: int, s: str, align: str = "left") -> TCell:
        return TCell(c0, c1, s, 1, align)

    def full(self, label: str, value: str) -> None:
        self.rows.append(TRow([self._lab(0, 2, label), self._val(2, 6, value)]))

    def two(self, l1: str, v1: str, l2: str, v2: str) -> None:
        self.rows.append(TRow([self._lab(0, 2, l1), self._val(2, 3, v1),
                               self._lab(3, 4, l2), self._val(4, 6, v2)]))

    def cell(self, text: str) -> None:
        """a full-width cell (label and value in one cell, or a note)."""
        self.rows.append(TRow([self._val(0, 6, text)]))

    def caption(self, text: str) -> None:
        """a full-width label row (a block caption such as 长期绩效指标)."""
        self.rows.append(TRow([self._lab(0, 6, text)]))

    def group(self, caption: str, rows: list[tuple[str | None, str]],
              num_align: str = "left") -> None:
        """a caption cell spanning sub-rows; (None, text) puts label and value in one cell."""
        for i, (sub, val) in enumerate(rows):
            cells = [self._lab(0, 1, caption, len(rows))] if i == 0 else []
            if sub is None:
                cells.append(self._val(1, 6, val))
            else:
                cells += [self._lab(1, 2, sub), self._val(2, 6, val, num_align)]
            self.rows.append(TRow(cells))

    def group_pairs(self, caption: str, first: tuple[str, str], rows: list[tuple[str, str]]
                    ) -> None:
        """caption over a row of two one-cell pairs, then sub-rows (F4 money block)."""
        n = 1 + len(rows)
        self.rows.append(TRow([self._lab(0, 1, caption, n), self._val(1, 3, first[0]),
                               self._val(3, 6, first[1])]))
        for sub, val in rows:
            self.rows.append(TRow([self._lab(1, 2, sub), self._val(2, 6, val, "right")]))

    def side_goals(self, caption: str, h1: str, t1: str, h2: str, t2: str) -> None:
        """总体目标 over two columns: 中期目标 | 年度目标, texts below."""
        self.rows.append(TRow([self._lab(0, 1, caption, 2), self._lab(1, 3, h1),
                               self._lab(3, 6, h2)]))
        self.rows.append(TRow([self._val(1, 3, t1), self._val(3, 6, t2)]))

    def place(self, doc: Doc) -> Placed:
        return place_table(doc, Table(self.widths, [], self.rows, split_spans=False))


@dataclass
class Col:
    head: str
    kind: str  # l1 l2 l3 value op unit weight remarks explain extra (+ "b" for block 2)
    w: float  # width in characters of body text


@dataclass
class IndRow:
    cells: dict[str, str]
    inds: list[Ind] = field(default_factory=list)


def _spans(rows: list[IndRow], kind: str, within: str | None) -> list[int]:
    """rowspan of each row's cell in a merged column (0: covered by a cell above)."""
    out = [0] * len(rows)
    i = 0
    while i < len(rows):
        j = i + 1
        while (j < len(rows) and rows[j].cells.get(kind) == rows[i].cells.get(kind)
               and (within is None or rows[j].cells.get(within) == rows[i].cells.get(within))):
            j += 1
        out[i] = j - i
        i = j
    return out


def ind_table(doc: Doc, cols: list[Col], rows: list[IndRow], *, merge: bool = True,
              block: str | None = None, groups: list[tuple[int, int, str]] | None = None,
              repeat_header: bool = False, span_repeat: bool = False) -> Placed:
    """an indicator table; block: a tall label cell on the left (长期绩效指标 …);
    groups: a second header row above column ranges (F4 中期 / 年度 blocks)."""
    size = doc.g.size
    off = 1 if block else 0
    widths = ([2.2] if block else []) + [c.w for c in cols]
    widths = [w * size for w in widths]
    head: list[TRow] = []
    if groups:
        grouped = {k for a, b, _ in groups for k in range(a, b)}
        top = [TCell(off + k, off + k + 1, c.head, 2, shade=True, role="head")
               for k, c in enumerate(cols) if k not in grouped]
        top += [TCell(off + a, off + b, s, 1, shade=True, role="head") for a, b, s in groups]
        sub = [TCell(off + k, off + k + 1, cols[k].head, shade=True, role="head")
               for k in sorted(grouped)]
        head = [TRow(sorted(top, key=lambda c: c.c0)), TRow(sub)]
    else:
        head = [TRow([TCell(off + k, off + k + 1, c.head, shade=True, role="head")
                      for k, c in enumerate(cols)])]
    spans: dict[str, list[int]] = {}
    if merge:
        for c in cols:
            if c.kind in ("l1", "l2", "l2b"):
                spans[c.kind] = _spans(rows, c.kind, None if c.kind == "l1" else "l1")
    body: list[TRow] = []
    for i, r in enumerate(rows):
        cells: list[TCell] = []
        if block and i == 0:
            cells.append(TCell(0, 1, block, len(rows), with_header=True, role="block",
                               repeat=span_repeat))
        for k, c in enumerate(cols):
            text = r.cells.get(c.kind, "")
            if c.kind in spans:
                n = spans[c.kind][i]
                if n == 0:
                    continue
                role = "l1" if c.kind == "l1" else "l2"
                cells.append(TCell(off + k, off + k + 1, text, n, repeat=span_repeat, role=role))
            else:
                align = "left" if c.kind in ("l3", "l3b", "remarks", "explain") else "center"
                role = "l3" if c.kind.startswith("l3") else (
                    "value" if c.kind.startswith("value") else "")
                cells.append(TCell(off + k, off + k + 1, text, 1, align, role=role))
        body.append(TRow(cells, keep_next=False, tag=r.inds))
    res = place_table(doc, Table(widths, head, body, repeat_header=repeat_header))
    for r, p in zip(rows, res.pages, strict=True):
        for ind in r.inds:
            ind.source_page = p
    return res


def note_perturbations(doc: Doc, res: Placed) -> None:
    """record what the layout of an indicator table actually produced."""
    if res.continued:
        doc.seen.add("table_continues")
    if res.header_repeated:
        doc.seen.add("repeat_header")
    if res.split_roles & {"l1", "l2", "block"}:
        doc.seen.add("span_page_break")
    if res.repeated_roles & {"l1", "l2", "block"}:
        doc.seen.add("span_label_repeat")
    if "l2" in res.wrapped_roles:
        doc.seen.add("wrapped_level2")
    if res.wrapped_roles & {"l3", "value"}:
        doc.seen.add("long_cells")
