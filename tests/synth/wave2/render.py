"""Draw laid-out pages with ReportLab (deterministic bytes) and make text exports."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from ..text_render import pdftotext
from .geom import Geometry, register, runs, width
from .table import Page


def footer_text(style: str, n: int, total: int) -> str:
    if style == "dash":
        return f"- {n} -"
    if style == "slash":
        return f"第{n}页/共{total}页"
    return f"第 {n} 页 共 {total} 页"


def _merge(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """join collinear, touching segments (a grid drawn as long rules, not cell edges)."""
    by: dict[float, list[tuple[float, float]]] = {}
    for k, a, b in segs:
        by.setdefault(round(k, 2), []).append((min(a, b), max(a, b)))
    out = []
    for k in sorted(by):
        spans = sorted(by[k])
        cur = list(spans[0])
        for a, b in spans[1:]:
            if a <= cur[1] + 0.05:
                cur[1] = max(cur[1], b)
            else:
                out.append((k, cur[0], cur[1]))
                cur = [a, b]
        out.append((k, cur[0], cur[1]))
    return out


def render_pdf(pages: list[Page], g: Geometry, footer: str | None) -> bytes:
    """the PDF of the pages; footer: page-number style or None."""
    register(g.body_font)
    register(g.title_font)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(g.page_w, g.page_h), invariant=1)
    c.setTitle("")
    ph = g.page_h
    total = len(pages)
    for n, page in enumerate(pages, 1):
        for x0, top, x1, bot, gray in page.fills:
            c.setFillGray(gray)
            c.rect(x0, ph - bot, x1 - x0, bot - top, stroke=0, fill=1)
        c.setFillGray(0)
        c.setStrokeGray(0)
        c.setLineWidth(g.lw)
        for x0, top, x1, bot in page.rects:
            c.rect(x0, ph - bot, x1 - x0, bot - top, stroke=1, fill=0)
        for y, a, b in _merge(page.hsegs):
            c.line(a, ph - y, b, ph - y)
        for x, a, b in _merge(page.vsegs):
            c.line(x, ph - a, x, ph - b)
        for x, base, s, font, size in page.texts:
            for t, f in runs(s, font):
                c.setFont(f, size)
                c.drawString(x, ph - base, t)
                x += width(t, f, size)
        if footer:
            s = footer_text(footer, n, total)
            fs = max(8.0, g.size - 1)
            c.setFont(g.body_font, fs)
            c.drawString((g.page_w - width(s, g.body_font, fs)) / 2,
                         g.margins[2] / 2 - fs / 2, s)
        c.showPage()
    c.save()
    return buf.getvalue()


def text_export(pdf: bytes) -> bytes:
    """`pdftotext -layout` of the PDF, UTF-8 (as published exports are made)."""
    return pdftotext(pdf, True).encode("utf-8")
