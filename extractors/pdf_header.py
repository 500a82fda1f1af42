"""A form's header block: label cells paired with the value cells to their right.

The header is a ruled table of label/value cells. Which cell is a label is decided by the shared
vocabulary (:mod:`extractors.layouts`), never by position, so extra or reordered rows, spaced or
half-width labels and a missing colon all read the same. A value is kept as printed, wrapped
lines joined by ``"\\n"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.layouts import LabelHit, label_at_start
from extractors.model import Layout, MoneyUnit
from extractors.pdf_grid import Cell

_COLONS = ("：", ":")


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """One row of header cells and where it was printed.

    ``opens_page``: the first table row of a page after the form's first page; a narrative
    cell split by a page break continues in such a row, under an empty label cell."""

    cells: tuple[Cell, ...]
    page: int
    opens_page: bool = False


@dataclass(frozen=True, slots=True)
class Header:
    fields: dict[str, str]
    money_unit: MoneyUnit | None  # from a label's ``（万元）``/``（元）``, if any printed one
    notes: tuple[str, ...]


def cell_label(text: str, layout: Layout, strict: bool = True) -> LabelHit | None:
    """The label opening a cell, if the cell is a label cell.

    A label wrapped inside its cell is read with the break as a space (which the label patterns
    allow). ``strict``: a label word followed by more text and no colon is taken for a value
    that happens to start with a label word (a project called ``项目类别管理系统``); only a
    cell that is no label's value is read loosely (``申报单位名称上海市…``, colon missing)."""
    flat = text.replace("\n", " ")
    hit = label_at_start(flat, layout)
    if hit is None or not strict:
        return hit
    rest = flat[hit.end:].strip()
    ends_colon = flat[hit.start:hit.end].rstrip().endswith(_COLONS)
    return hit if (not rest or ends_colon) else None


def row_pairs(cells: Sequence[Cell], layout: Layout) -> tuple[list[tuple[LabelHit, str]], str]:
    """Pair each label cell of a row with its value: the rest of its own cell, else the next
    cell if that is not itself a label. Returns the pairs and any text printed before the first
    label (a continuation, or something unknown)."""
    pairs: list[tuple[LabelHit, str]] = []
    lead: list[str] = []
    strict = [cell_label(c.text, layout) for c in cells]
    i = 0
    while i < len(cells):
        hit = strict[i] or cell_label(cells[i].text, layout, strict=False)
        if hit is None:
            if not pairs and not cells[i].blank:
                lead.append(cells[i].text.strip())
            i += 1
            continue
        value = cells[i].text[hit.end:].strip()
        i += 1
        takes_next = hit.label.kind != "heading" and not value
        if takes_next and i < len(cells) and strict[i] is None:
            value = cells[i].text.strip()
            i += 1
        pairs.append((hit, value))
    return pairs, "\n".join(lead)


def read_header(rows: Sequence[HeaderRow], layout: Layout) -> Header:
    """Fields of a header block, in reading order across pages.

    A row with text but no label continues the previous field when its label cell is empty or it
    opens a page (a narrative split by a page break); otherwise it is noted, not guessed."""
    fields: dict[str, str] = {}
    unit: MoneyUnit | None = None
    notes: list[str] = []
    last: str | None = None
    for row in rows:
        pairs, lead = row_pairs(row.cells, layout)
        if lead:
            continues = bool(row.cells) and (row.cells[0].blank or row.opens_page)
            if last is not None and continues:
                fields[last] = (fields[last] + "\n" + lead).strip("\n")
            else:
                notes.append(f"page {row.page}: header text without a label: {lead[:40]!r}")
        for hit, value in pairs:
            if unit is None and hit.money_unit is not None:
                unit = hit.money_unit
            name = hit.label.field
            if name is None:
                continue
            if fields.get(name):
                notes.append(f"page {row.page}: label {hit.label.text} printed twice; "
                             f"kept the first value")
                continue
            fields[name] = value
            last = name
    return Header(fields=fields, money_unit=unit, notes=tuple(notes))
