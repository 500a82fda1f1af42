"""Wrap repair and text normalisation of printed values.

Extractors keep every printed line break. A short cell (a name, a level label, a target) is
one value the layout wrapped, so its lines join with no space. A narrative keeps its
paragraphs: a line that ends a sentence, or stops well short of the block's width, ends a
paragraph; the others were wrapped by the layout. Spaces that stray between CJK characters
are removed; text is otherwise kept as printed (comparison keys are NFKC, see ``key``).
"""

from __future__ import annotations

import re
import unicodedata

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef"
)
#: Whitespace with a CJK character (or full-width punctuation) on either side.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{_CJK}])")
_MULTI_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";", "：", ":", "…")


def key(text: str | None) -> str:
    """Comparison key: NFKC, every whitespace removed. Natural keys are built from it."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def tidy_line(line: str) -> str:
    """One printed line: control characters dropped (a NUL is no text, and PostgreSQL refuses
    it), stray spaces next to CJK removed, other runs of spaces single."""
    line = _CONTROL.sub("", line)
    return _MULTI_SPACE.sub(" ", _SPACE_NEAR_CJK.sub("", line)).strip()


def join_cell(text: str | None) -> str | None:
    """A wrapped cell as one value: lines joined with no space; ``None``/blank → ``None``."""
    if text is None:
        return None
    joined = "".join(tidy_line(line) for line in text.splitlines())
    return joined or None


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def join_paragraphs(text: str | None) -> str | None:
    """A narrative with layout wraps removed and paragraph breaks kept as ``"\\n"``."""
    if text is None:
        return None
    lines = [tidy_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    width = max(_display_width(line) for line in lines)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        current += line
        short = _display_width(line) < 0.8 * width
        if line.endswith(_SENTENCE_END) and short:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)
