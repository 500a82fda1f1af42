"""How wide text prints in a plain-text export: CJK and full-width characters take two
character cells, everything else one. Wrap widths and column positions are measured in
these cells."""

from __future__ import annotations

import unicodedata


def is_wide(ch: str) -> bool:
    """Does ``ch`` take two character cells (East Asian wide or full-width)?"""
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(text: str) -> int:
    """Printed width of ``text`` in half-width cells, surrounding spaces not counted."""
    return sum(2 if is_wide(ch) else 1 for ch in text.strip())
