"""Draw laid-out pages with ReportLab, as the sample PDFs were drawn."""

from __future__ import annotations

import io
import random

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .layout import BODY, PAGE_H, PAGE_W, Page, register_fonts, sw


def footer_text(style: str, n: int, total: int) -> str:
    return f"- {n} -" if style == "dash" else f"第 {n} 页 共 {total} 页"


def render_pdf(pages: list[Page], footer_style: str | None = None) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setLineWidth(0.6)
    total = len(pages)
    for n, page in enumerate(pages, 1):
        c.setLineWidth(0.6)
        for op in page.ops:
            if op[0] == "rect":
                _, x0, top, x1, bot = op
                c.rect(x0, PAGE_H - bot, x1 - x0, bot - top, stroke=1, fill=0)
        for op in page.ops:
            if op[0] == "text":
                _, x, base, s, font, size = op
                c.setFont(font, size)
                c.drawString(x, PAGE_H - base, s)
        if footer_style and page.footer:
            s = footer_text(footer_style, n, total)
            c.setFont(BODY, 9)
            c.drawString((PAGE_W - sw(s)) / 2, PAGE_H - 783.7, s)
        c.showPage()
    c.save()
    return buf.getvalue()


def render_shapes_only(rng: random.Random) -> bytes:
    """a scanned-looking page: table rules and grey blocks, no text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(2):
        y = PAGE_H - 110
        c.setFillGray(0.2)
        c.rect(200, PAGE_H - 95, 190, 14, stroke=0, fill=1)
        while y > 120:
            h = rng.choice([21, 21, 31.5, 52.5])
            c.setLineWidth(0.6)
            c.rect(51, y - h, 493, h, stroke=1, fill=0)
            c.line(176, y, 176, y - h)
            for k in range(int(h // 10.5) - 1):
                c.setFillGray(0.55)
                c.rect(180, y - 8 - k * 10.5, rng.uniform(60, 350), 6, stroke=0, fill=1)
            y -= h
        c.showPage()
    c.save()
    return buf.getvalue()


def render_plain_text_pdf(lines: list[str]) -> bytes:
    """a PDF with a text layer that is not a target table (e.g. a notice)."""
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 90.0
    c.setFont(BODY, 10.5)
    for ln in lines:
        c.drawString(72, PAGE_H - y, ln)
        y += 18
    c.showPage()
    c.save()
    return buf.getvalue()
