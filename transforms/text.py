"""Wrap repair and text normalisation of printed values.

Extractors keep every printed line break. A short cell (a name, a level label, a target) is
one value the layout wrapped, so its lines join with no space. A narrative keeps its
paragraphs: a line that ends a sentence, or stops well short of the block's width, ends a
paragraph; the others were wrapped by the layout. Spaces that stray between CJK characters
are removed; characters that print nothing (zero-width spaces, BOMs, bidi controls, NUL...)
are dropped; text is otherwise kept as printed (comparison keys are NFKC, see ``key``).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef"
)
_SPACES = r"[ \t\n\u00a0\u3000]"
#: Whitespace with a CJK character (or full-width punctuation) on either side.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]){_SPACES}+|{_SPACES}+(?=[{_CJK}])")
_MULTI_SPACE = re.compile(rf"{_SPACES}+")
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";", "：", ":", "…")

#: Characters that print nothing: format characters (Cf: zero-width space/joiners, word joiner,
#: BOM, soft hyphen, bidi marks, embeddings, overrides and isolates, ...) and controls (Cc).
_INVISIBLE = frozenset({"Cf", "Cc"})
#: Shown escaped by ``printable``: the invisible ones, plus line/paragraph separators (they move
#: a terminal's cursor) and lone surrogates (a terminal cannot even encode them).
_UNPRINTABLE = frozenset({"Cf", "Cc", "Zl", "Zp", "Cs"})


@cache
def _special_chars() -> tuple[tuple[str, str], ...]:
    """``(character, category)`` of every code point ``printable`` escapes, read once from the
    interpreter's Unicode database rather than a hand-kept list, so a newly assigned format
    character is covered too. Scanned on first use (about 0.2 s), not at import."""
    categories = map(unicodedata.category, map(chr, range(sys.maxunicode + 1)))
    return tuple((chr(code), cat) for code, cat in enumerate(categories) if cat in _UNPRINTABLE)


@cache
def _char_class(categories: frozenset[str], keep: str = "") -> re.Pattern[str]:
    """One character of ``categories``, except those in ``keep``."""
    ranges: list[tuple[int, int]] = []
    for ch, cat in _special_chars():
        code = ord(ch)
        if cat not in categories or ch in keep:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    body = "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}"
                   for lo, hi in ranges)
    return re.compile(f"[{body}]")


def drop_invisible(text: str) -> str:
    """``text`` without the characters that print nothing (format characters and controls;
    tab and newline are kept as layout). Two spellings that look the same must be the same
    text and the same key, and PostgreSQL refuses a NUL. The one place this is decided."""
    return _char_class(_INVISIBLE, "\t\n").sub("", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else (
        f"\\U{code:08x}")


def printable(text: str) -> str:
    """``text`` safe to print to a terminal: every control character (ESC starting a terminal
    sequence, NUL, DEL, C1, tab and newline too), format character (bidi overrides...), line
    separator and lone surrogate shown as a visible escape (``\\x1b``, ``\\u202e``). Other text,
    CJK included, is unchanged, so printing the result twice changes nothing."""
    return _char_class(_UNPRINTABLE).sub(_escape, text)


def key(text: str | None) -> str:
    """Comparison key: NFKC, every whitespace and invisible character removed. Natural keys are
    built from it. Invisibles go before NFKC, so one between a letter and its combining mark
    does not keep them from composing."""
    if text is None:
        return ""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", drop_invisible(text)))


def tidy_line(line: str) -> str:
    """One printed line: invisible characters dropped, stray spaces next to CJK removed, other
    runs of spaces (a tab or newline among them) single."""
    line = drop_invisible(line)
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
