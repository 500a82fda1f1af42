"""Tolerances of the PDF extractor, validated once so a bad value fails at start-up.

pdfplumber style: a frozen dataclass whose ``__post_init__`` rejects nonsense, instead of
letting a negative tolerance silently mis-read every table of a run.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

_STRATEGIES = ("lines", "lines_strict")


@dataclass(frozen=True, slots=True)
class PdfSettings:
    """How cells are found (pdfplumber table settings) and how glyphs become text.

    Distances are PDF points; ``line_overlap`` and ``space_gap`` are shares of a glyph's font
    size, so they hold for any type size.
    """

    #: pdfplumber ``vertical_strategy``/``horizontal_strategy``: the forms are ruled tables.
    strategy: str = "lines"
    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    intersection_tolerance: float = 3.0
    edge_min_length: float = 3.0
    #: Glyphs of the same text closer than this are one glyph printed twice (fake bold);
    #: pdfplumber's ``dedupe_chars`` default, applied by ``pdf_pages.dedupe`` the same way.
    dedupe_tolerance: float = 1.0
    #: Two glyphs are on one line when their vertical centres are this close (× font size).
    line_overlap: float = 0.5
    #: A horizontal gap wider than this (× font size) between glyphs is read as a space.
    space_gap: float = 0.3
    #: Above this share of ``(cid:…)`` glyphs the file has no usable Unicode map.
    cid_share: float = 0.2
    #: How many of the four column headers a row needs to count as the indicator table's head.
    min_column_headers: int = 3
    #: Slack (points) when matching a continuation table's columns to the header's columns.
    column_tolerance: float = 6.0

    def __post_init__(self) -> None:
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy must be one of {_STRATEGIES}, got {self.strategy!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"{f.name} must be >= 0, got {value!r}")
        for name in ("line_overlap", "cid_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {getattr(self, name)!r}")
        if not 1 <= self.min_column_headers <= 4:
            raise ValueError(f"min_column_headers must be 1..4, got {self.min_column_headers!r}")

    def table_settings(self) -> dict[str, Any]:
        """The ``table_settings`` mapping pdfplumber's ``find_tables`` takes."""
        return {
            "vertical_strategy": self.strategy,
            "horizontal_strategy": self.strategy,
            "snap_tolerance": self.snap_tolerance,
            "join_tolerance": self.join_tolerance,
            "intersection_tolerance": self.intersection_tolerance,
            "edge_min_length": self.edge_min_length,
        }
