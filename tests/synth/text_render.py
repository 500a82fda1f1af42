"""Text exports: real pdftotext (default and -layout) and the seed style."""

from __future__ import annotations

import os
import random
import subprocess
import tempfile

from .layout import Page
from .pdf_render import footer_text


def pdftotext(pdf: bytes, layout: bool) -> str:
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.pdf")
        with open(src, "wb") as f:
            f.write(pdf)
        args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), src, "-"]
        out = subprocess.run(args, check=True, capture_output=True).stdout
    return out.decode("utf-8")


def seed_text(pages: list[Page], rng: random.Random, footer_style: str | None) -> str:
    """one line per table row, cells separated by spaces; every page after the first
    starts with a newline and one space (the seed export's page convention)."""
    total = len(pages)
    texts = []
    for n, page in enumerate(pages, 1):
        lines = list(page.seed)
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines and n > 1:
            lines[0] = lines[0].lstrip(" ")  # keep the page mark a single space
        if footer_style and page.footer:
            lines.append(footer_text(footer_style, n, total))
        # optional extra blank lines, as exports sometimes show
        out: list[str] = []
        for ln in lines:
            out.append(ln)
            if ln and rng.random() < 0.04:
                out.append("")
        texts.append("\n".join(out))
    return "\n" + "\n ".join(texts) + "\n "


def encode(text: str, encoding: str | None) -> bytes:
    if encoding == "gbk":
        return text.encode("gbk")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")
