"""The lines of a `pdftotext` (default mode) export, as the parser needs them.

Default mode prints each text block of a page as a paragraph (blank line after it), pages end
with a form feed. A line keeps its page and its paragraph (block) number: the block structure
is the only trace of the page geometry left in the file, and both header and table parsing
lean on it. Page footers are dropped here so they can never leak into values or rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.vocabulary import compact, is_page_footer


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line: its text (stripped), 1-based page, and block number (file-wide)."""

    text: str
    page: int
    block: int


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
            if is_page_footer(s):
                block += 1
                continue
            out.append(Line(text=s, page=page_no, block=block))
    return out


def key(text: str) -> str:
    """Comparison key of a line (NFKC, no whitespace)."""
    return compact(text)
