"""Lines and column segments of a ``pdftotext -layout`` export.

In -layout mode a page is a grid of characters: a line index stands for a vertical position
and a character index for a horizontal one. Everything downstream reasons in those two
coordinates, so this module only cuts the text into pages, lines and gap-separated segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.text.width import is_wide
from extractors.vocabulary import is_page_footer

#: A run of text in which no two whitespace characters follow each other: one stray space
#: inside a name is not a column gap, two or more are.
_SEGMENT_RE = re.compile(r"\S+(?:\s\S+)*")


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line: ``index`` is its vertical position on ``page`` (both used as
    geometry), ``text`` the characters whose indexes are horizontal positions."""

    page: int
    index: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Segment:
    """Text between column gaps: ``text`` printed from character ``start`` to ``end``."""

    start: int
    end: int
    text: str
    #: Where the segment would start had the wide (CJK) characters before it on its line
    #: taken two columns each: pdftotext -layout under-pads text that follows a label.
    wide_start: int = -1

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


def document_lines(text: str) -> list[Line]:
    """Every line of every page (page N = text before the N-th form feed), footers blanked
    so they can never leak into a value or a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    out: list[Line] = []
    for page_no, page in enumerate(pages, start=1):
        for index, raw in enumerate(page.split("\n")):
            raw = raw.rstrip()
            out.append(Line(page=page_no, index=index, text="" if is_page_footer(raw) else raw))
    return out


def line_segments(text: str) -> list[Segment]:
    """The gap-separated runs of ``text``, left to right."""
    return [Segment(m.start(), m.end(), m.group(), m.start() + _wide_before(text, m.start()))
            for m in _SEGMENT_RE.finditer(text)]


def _wide_before(text: str, end: int) -> int:
    return sum(1 for ch in text[:end] if is_wide(ch))
