"""Page geometry drawn at random per document, fonts, text measuring and wrapping."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONTS: dict[str, tuple[str, int]] = {
    "WQYZenHei": (WQY, 0), "WQYZenHeiMono": (WQY, 1), "WQYZenHeiSharp": (WQY, 2),
    "UMingCN": (UMING, 0),
}
FALLBACK = "DejaVuSans"  # ✓ and ☑ are missing from the CJK fonts
A4 = (595.2756, 841.8898)

_registered: set[str] = set()
_glyphs: dict[str, set[int]] = {}


def register(name: str) -> None:
    """register a font (and the fallback) with reportlab once."""
    if name in _registered:
        return
    if name == FALLBACK:
        font = TTFont(FALLBACK, DEJAVU)
    else:
        path, idx = FONTS[name]
        font = TTFont(name, path, subfontIndex=idx)
    pdfmetrics.registerFont(font)
    _glyphs[name] = set(font.face.charToGlyph)
    _registered.add(name)
    if name != FALLBACK:
        register(FALLBACK)


def runs(s: str, font: str) -> list[tuple[str, str]]:
    """split s into (text, font) runs, using the fallback font for missing glyphs."""
    register(font)
    out: list[tuple[str, str]] = []
    for ch in s:
        f = font if ord(ch) in _glyphs[font] or ch == " " else FALLBACK
        if out and out[-1][1] == f:
            out[-1] = (out[-1][0] + ch, f)
        else:
            out.append((ch, f))
    return out


def width(s: str, font: str, size: float) -> float:
    return float(sum(pdfmetrics.stringWidth(t, f, size) for t, f in runs(s, font)))


_WORD = re.compile(r"[0-9A-Za-z.,%]+|.", re.S)


def wrap(s: str, w: float, font: str, size: float) -> list[str]:
    """greedy wrap to width w: CJK text breaks anywhere, a run of digits and Latin
    letters only where it does not fit on a line of its own."""
    if not s:
        return [""]
    out: list[str] = []
    cur = ""
    for tok in _WORD.findall(s):
        if not cur or width(cur + tok, font, size) <= w + 0.01:
            cur += tok
            continue
        if width(tok, font, size) <= w + 0.01:
            out.append(cur)
            cur = tok
            continue
        for ch in tok:
            if cur and width(cur + ch, font, size) > w + 0.01:
                out.append(cur)
                cur = ch
            else:
                cur += ch
    out.append(cur)
    return out


@dataclass
class Geometry:
    """the drawing parameters of one document (recorded in the truth)."""

    body_font: str
    title_font: str
    size: float
    leading: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    pad: float
    lw: float
    shading: bool
    grid: str  # "lines" | "cells"
    orientation: str  # "portrait" | "landscape"
    shade_gray: float = 0.88
    title_size: float = 16.0
    valign: str = "middle"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def page_w(self) -> float:
        return A4[1] if self.orientation == "landscape" else A4[0]

    @property
    def page_h(self) -> float:
        return A4[0] if self.orientation == "landscape" else A4[1]

    @property
    def lh(self) -> float:
        return self.size * self.leading

    @property
    def left(self) -> float:
        return self.margins[3]

    @property
    def right(self) -> float:
        return self.page_w - self.margins[1]

    @property
    def content_w(self) -> float:
        return self.right - self.left

    @property
    def top(self) -> float:
        return self.margins[0]

    @property
    def bottom(self) -> float:
        return self.page_h - self.margins[2]

    def truth(self) -> dict[str, object]:
        return {
            "body_font": self.body_font, "title_font": self.title_font,
            "size_pt": self.size, "leading": self.leading,
            "margins_pt": list(self.margins), "cell_padding_pt": self.pad,
            "line_width_pt": self.lw, "header_shading": self.shading, "grid": self.grid,
            "orientation": self.orientation,
        }


def random_geometry(rng: random.Random, landscape: bool, max_size: float = 13.0) -> Geometry:
    """fonts, sizes, margins, padding and line widths drawn at random."""
    body = rng.choice(list(FONTS))
    title = rng.choice([body, "WQYZenHei", "UMingCN"])
    size = rng.choice([s for s in (9.0, 9.5, 10.0, 10.5, 11.0, 12.0, 13.0) if s <= max_size])
    return Geometry(
        body_font=body, title_font=title, size=size,
        leading=round(rng.uniform(1.2, 1.5), 2),
        margins=(round(rng.uniform(28, 72), 1), round(rng.uniform(26, 64), 1),
                 round(rng.uniform(40, 80), 1), round(rng.uniform(26, 64), 1)),
        pad=round(rng.uniform(2.0, 6.5), 1), lw=round(rng.uniform(0.4, 1.5), 2),
        shading=rng.random() < 0.4, grid=rng.choice(["lines", "cells"]),
        orientation="landscape" if landscape else "portrait",
        shade_gray=round(rng.uniform(0.8, 0.93), 2),
        title_size=round(size + rng.uniform(3.5, 8.0), 1),
        valign=rng.choice(["middle", "middle", "top"]),
    )
