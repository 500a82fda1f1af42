"""Page planning shared by the PDF renderer and the seed-style text renderer.

Geometry imitates the sample PDFs (A4, 0.6pt cell rectangles, UMingCN 9pt text on a
10.5pt line pitch, WenQuanYiZenHei titles and column headers).  Each page is a list
of drawing ops plus the lines a seed-style export prints for it; indicators get the
1-based page on which their level-3 cell is drawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

PAGE_W, PAGE_H = 595.2756, 841.8898
X0, X1 = 51.0, 544.0
TOP_FIRST, TOP_CONT, BOTTOM = 106.5, 75.0, 760.0
LH = 10.5  # line pitch
BASE = 8.46  # baseline below a line box top
BODY, HEAD = "UMingCN", "WenQuanYiZenHei"

_FONTS_OK = False


def register_fonts() -> None:
    global _FONTS_OK
    if _FONTS_OK:
        return
    pdfmetrics.registerFont(TTFont(HEAD, "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                                   subfontIndex=0))
    pdfmetrics.registerFont(TTFont(BODY, "/usr/share/fonts/truetype/arphic/uming.ttc",
                                   subfontIndex=0))
    _FONTS_OK = True


def sw(s: str, font: str = BODY, size: float = 9) -> float:
    register_fonts()
    return float(pdfmetrics.stringWidth(s, font, size))


def wrap_count(s: str, n: int) -> list[str]:
    """n characters a line (as the sample generator wraps); a line never starts with an
    ASCII space (a seed-style page break is a line starting with one space)."""
    out: list[str] = []
    i = 0
    while i < len(s):
        j = min(len(s), i + n)
        while j < len(s) and s[j] == " ":
            j += 1
        out.append(s[i:j])
        i = j
    return out or [""]


def wrap_width(s: str, width: float, font: str = BODY, size: float = 9) -> list[str]:
    out, cur = [], ""
    for ch in s:
        if cur and sw(cur + ch, font, size) > width + 0.01:
            out.append(cur)
            cur = ch
        else:
            cur += ch
    out.append(cur)
    return out


@dataclass
class Cell:
    x0: float
    x1: float
    lines: list[str]
    align: str = "left"  # left | center | right
    font: str = BODY


@dataclass
class Page:
    ops: list[tuple] = field(default_factory=list)
    seed: list[str] = field(default_factory=list)
    footer: bool = False

    def rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.ops.append(("rect", x0, top, x1, bottom))

    def text(self, x: float, baseline: float, s: str, font: str = BODY, size: float = 9) -> None:
        if s:
            self.ops.append(("text", x, baseline, s, font, size))

    def cell(self, c: Cell, top: float, h: float, draw_rect: bool = True) -> None:
        if draw_rect:
            self.rect(c.x0, top, c.x1, top + h)
        lines = [ln for ln in c.lines]
        if not any(lines):
            return
        btop = top + (h - len(lines) * LH) / 2
        for i, ln in enumerate(lines):
            w = sw(ln, c.font)
            if c.align == "center":
                x = c.x0 + (c.x1 - c.x0 - w) / 2
            elif c.align == "right":
                x = c.x1 - 4 - w
            else:
                x = c.x0 + 4
            self.text(round(x * 2) / 2, btop + i * LH + BASE, ln, c.font)


def row_h(cells: list[Cell], minimum: float = 21.0) -> float:
    n = max(len(c.lines) for c in cells)
    return max(minimum, n * LH + LH)


@dataclass
class Style:
    """printing style of one document (all flags are perturbation names)."""

    flags: set[str]
    rng: random.Random

    def has(self, f: str) -> bool:
        return f in self.flags

    def colon(self) -> str:
        return ":" if self.has("halfwidth_labels") else "："

    def paren(self, s: str) -> str:
        return s.replace("（", "(").replace("）", ")") if self.has("halfwidth_labels") else s

    def label(self, s: str, spaced_ok: bool = True) -> str:
        s = self.paren(s)
        if spaced_ok and self.has("spaced_labels") and len(s) <= 4:
            s = " ".join(s)
        return s

    def name(self, s: str) -> str:
        """a printed name: stray spaces, swapped brackets."""
        if self.has("fullwidth") and self.rng.random() < 0.5:
            s = s.replace("（", "(").replace("）", ")")
        if self.has("stray_spaces") and len(s) > 3 and self.rng.random() < 0.5:
            i = self.rng.randint(1, len(s) - 2)
            if s[i - 1] != " " and s[i] != " ":
                s = s[:i] + " " + s[i:]
        return s

    def indent(self) -> str:
        if not self.has("indent"):
            return ""
        return self.rng.choice(["\u3000\u3000", "    "])


def narrative_lines(text: str | None, st: Style, n: int = 40) -> list[str]:
    if not text:
        return []
    out: list[str] = []
    for para in text.split("\n"):
        out.extend(wrap_count(st.indent() + para, n))
    return out


class Flow:
    """places rows top to bottom, opening pages as needed."""

    def __init__(self, pages: list[Page], footer: bool) -> None:
        self.pages = pages
        self.footer = footer
        self.page: Page = pages[-1] if pages else self.new_page()
        self.y = TOP_FIRST

    def new_page(self) -> Page:
        p = Page(footer=self.footer)
        self.pages.append(p)
        self.page = p
        self.y = TOP_CONT
        return p

    @property
    def pno(self) -> int:
        return len(self.pages)

    def fits(self, h: float) -> bool:
        return self.y + h <= BOTTOM + 0.01
