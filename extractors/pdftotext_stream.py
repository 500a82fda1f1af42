"""The lines of a `pdftotext` (default mode) export, as the parser needs them.

Default mode prints each text block of a page as a paragraph (blank line after it), pages end
with a form feed. A line keeps its page and its paragraph (block) number: the block structure
is the only trace of the page geometry left in the file, and both header and table parsing
lean on it. Page footers are dropped here so they can never leak into values or rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.layouts import compact

_FOOTER_RES = (
    re.compile(r"^[-－—–]\s*\d{1,4}\s*[-－—–]$"),
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^[Pp]age\s*\d{1,4}(\s*of\s*\d{1,4})?$"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line: its text (stripped), 1-based page, and block number (file-wide)."""

    text: str
    page: int
    block: int


def is_footer(text: str) -> bool:
    """Page-number footers (``- 3 -``, ``第 3 页 共 9 页``, ``3/9``)."""
    s = text.strip()
    return any(r.match(s) for r in _FOOTER_RES)


def split_lines(text: str) -> list[Line]:
    """Non-blank, non-footer lines with page and block numbers; CR/CRLF normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[Line] = []
    block = 0
    for page_no, page in enumerate(text.split("\f"), start=1):
        block += 1
        for raw in page.split("\n"):
            s = raw.strip(" \t\u3000\u00a0\ufeff")
            if not s:
                block += 1
                continue
            if is_footer(s):
                block += 1
                continue
            out.append(Line(text=s, page=page_no, block=block))
    return out


def key(text: str) -> str:
    """Comparison key of a line (NFKC, no whitespace)."""
    return compact(text)
