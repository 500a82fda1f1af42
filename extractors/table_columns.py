"""The columns of an indicator table, whatever the file format: what each printed column
heading means (its role and the period its heading is marked with), and the column blocks a
template prints side by side.

One implementation of column-header detection for every reader: the PDF reader passes ruled
cells, the ``-layout`` text reader stacked character-column runs; both call
:func:`read_headings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.model import Layout, Period
from extractors.profiles import Role
from extractors.vocabulary import (
    PROFILES,
    ColumnRole,
    caption_period,
    column_role,
    is_block_fragment,
)

#: The roles whose headings identify an indicator table's column-header row.
CORE_ROLES: tuple[Role, ...] = ("level1", "level2", "level3", "target")
#: The roles of a row's cells carried into ``IndicatorRow`` as printed (levels aside).
CELL_ROLES: tuple[Role, ...] = ("level3", "target", "operator", "unit", "weight", "remarks",
                                "explanation")


@dataclass(frozen=True, slots=True)
class ColumnSpan:
    """One column of the indicator table: its role, the period its heading is marked with
    (``None``: unmarked), the heading as printed and its x-extent."""

    role: Role
    period: Period | None
    heading: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of an indicator table, left to right, from its column-header row."""

    spans: tuple[ColumnSpan, ...]

    def at(self, x: float) -> int | None:
        """The column whose heading's extent holds ``x``."""
        for i, span in enumerate(self.spans):
            if span.x0 <= x <= span.x1:
                return i
        return None

    def has(self, role: Role) -> bool:
        return any(s.role == role for s in self.spans)

    def periods(self) -> tuple[Period | None, ...]:
        """The column blocks, left to right: the marked periods, or ``(None,)`` when no
        heading is marked (one block whose period the rows' block headings give)."""
        marked: list[Period] = []
        for s in self.spans:
            if s.period is not None and s.period not in marked:
                marked.append(s.period)
        return tuple(marked) or (None,)

    def block(self, period: Period | None) -> dict[Role, int]:
        """Column index of each role in the block of ``period``: the column marked with it,
        else an unmarked one (shared by every block). ``extra`` columns are not listed."""
        out: dict[Role, int] = {}
        for i, s in enumerate(self.spans):
            if s.role != "extra" and s.period == period:
                out.setdefault(s.role, i)
        for i, s in enumerate(self.spans):
            if s.role != "extra" and s.period is None:
                out.setdefault(s.role, i)
        return out

    def extras(self, period: Period | None) -> list[int]:
        return [i for i, s in enumerate(self.spans)
                if s.role == "extra" and s.period in (None, period)]


def heading_role(text: str, layout: Layout) -> ColumnRole | None:
    """The role of a column heading in ``layout``'s profile, else in another profile (the
    columns mean the same in every template)."""
    found = column_role(text, layout)
    for other in PROFILES:
        if found is None and other != layout:
            found = column_role(text, other)
    return found


@dataclass(frozen=True, slots=True)
class Heading:
    """A printed heading text and its horizontal extent (points or character columns)."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class HeadingRow:
    """A column-header row as read: the columns, and the positions (in the headings given)
    of those that are block headings or pieces of one (a tall ``长期绩效指标`` cell beside
    the headings)."""

    columns: Columns
    blocks: tuple[int, ...]


def read_headings(headings: Sequence[Heading], layout: Layout, minimum: int) -> HeadingRow | None:
    """The columns when ``headings`` are an indicator table's column-header row: at least
    ``minimum`` of the level and target headings, the level-3 one among them (so a stray
    ``指标值`` in a narrative is no header). A heading the profiles do not know is an
    ``extra`` column."""
    spans: list[ColumnSpan] = []
    blocks: list[int] = []
    for i, h in enumerate(headings):
        if not h.text.strip():
            continue
        found = heading_role(h.text, layout)
        if found is None and is_block_fragment(h.text, layout):
            blocks.append(i)
            continue
        role: Role = found.role if found is not None else "extra"
        period = found.period if found is not None else None
        spans.append(ColumnSpan(role, period, h.text.replace("\n", "").strip(), h.x0, h.x1))
    core = {s.role for s in spans if s.role in CORE_ROLES}
    if len(core) < minimum or "level3" not in core:
        return None
    return HeadingRow(Columns(tuple(spans)), tuple(blocks))


def is_group_row(headings: Sequence[Heading], layout: Layout) -> bool:
    """A row printed above a column-header row that groups its columns: only group captions
    (``中期指标`` / ``年度指标``) and headings of columns spanning both rows (``一级指标``),
    two captions at least (one caption over the whole table is a block heading)."""
    texts = [h.text for h in headings if h.text.strip()]
    captions = [t for t in texts if caption_period(t, layout) is not None
                and heading_role(t, layout) is None]
    return len(captions) >= 2 and all(
        t in captions or heading_role(t, layout) is not None for t in texts)


def with_group_row(read: HeadingRow, group: Sequence[Heading], layout: Layout) -> HeadingRow:
    """The columns of a column-header row completed by the group row above it: a heading
    there spanning both rows is a column of its own, and every column of a role printed
    more than once takes the period of the caption nearest above it."""
    spans = list(read.columns.spans)
    captions: list[tuple[float, Period]] = []
    for h in group:
        if not h.text.strip():
            continue
        role = heading_role(h.text, layout)
        if role is not None:
            if not any(s.x0 < h.x1 and h.x0 < s.x1 for s in spans):
                spans.append(ColumnSpan(role.role, role.period, h.text.replace("\n", "").strip(),
                                        h.x0, h.x1))
            continue
        period = caption_period(h.text, layout)
        if period is not None:
            captions.append(((h.x0 + h.x1) / 2, period))
    roles = [s.role for s in spans]
    if captions:
        for i, s in enumerate(spans):
            if s.period is None and s.role != "extra" and roles.count(s.role) > 1:
                centre = (s.x0 + s.x1) / 2
                period = min(captions, key=lambda c: abs(c[0] - centre))[1]
                spans[i] = ColumnSpan(s.role, period, s.heading, s.x0, s.x1)
    spans.sort(key=lambda s: s.x0)
    return HeadingRow(Columns(tuple(spans)), read.blocks)
