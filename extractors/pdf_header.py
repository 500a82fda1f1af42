"""A form's header block: label cells paired with the value cells to their right.

The header is a ruled table of label/value cells. Which cell is a label is decided by the shared
vocabulary (:mod:`extractors.layouts`), never by position, so extra or reordered rows, spaced or
half-width labels and a missing colon all read the same. A value is kept as printed, wrapped
lines joined by ``"\\n"``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.layouts import (
    CODE_FIELDS,
    LABELS,
    LabelHit,
    compact,
    label_at_start,
    split_code,
)
from extractors.model import Extra, Layout, MoneyUnit
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
    #: Labels the profile does not know (as printed, colon removed) → their values
    extra_fields: Extra = ()


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


#: The longest text read as a label the profiles do not know: as long as the longest label
#: they do know (longer text is a value).
_MAX_LABEL = max(len(compact(text)) for labels in LABELS.values() for label in labels
                 for text in (label.text, *label.synonyms))
_SENTENCE = re.compile(r"[。；;！？!?]")


def unknown_label(text: str) -> str | None:
    """The label of a cell that reads as a label the profile does not know: short text, not a
    sentence, not a number; the colon removed. ``None`` when it reads as a value."""
    flat = compact(text).rstrip("：:")
    if not flat or len(flat) > _MAX_LABEL or _SENTENCE.search(flat):
        return None
    if not any(ch.isalpha() for ch in flat) or any(ch.isdigit() for ch in flat):
        return None
    return flat


@dataclass(frozen=True, slots=True)
class RowRead:
    """A header row as read: known labels with their values, unknown labels with theirs, and
    any text printed before the first label (a continuation, or something unknown)."""

    pairs: list[tuple[LabelHit, str]]
    extras: list[tuple[str, str]]
    lead: str


def row_pairs(cells: Sequence[Cell], layout: Layout) -> tuple[list[tuple[LabelHit, str]], str]:
    """The known labels of a row with their values, and the text before the first label."""
    read = read_row(cells, layout, pair_unknown=False)
    return read.pairs, read.lead


def read_row(cells: Sequence[Cell], layout: Layout, *, pair_unknown: bool = True) -> RowRead:
    """Pair each label cell of a row with its value: the rest of its own cell, else the next
    cell if that is not itself a label. In a row that prints a known label, an unlabelled
    label-like cell followed by an unlabelled value is a label the profile does not know
    (``pair_unknown``); a row without any known label is left to the caller (noted, not
    guessed)."""
    pairs: list[tuple[LabelHit, str]] = []
    extras: list[tuple[str, str]] = []
    lead: list[str] = []
    strict = [cell_label(c.text, layout) for c in cells]
    loose = [h or cell_label(c.text, layout, strict=False) for h, c in zip(strict, cells,
                                                                          strict=True)]
    pair_unknown = pair_unknown and bool(cells) and not cells[0].blank and any(loose)
    i = 0
    while i < len(cells):
        hit = loose[i]
        if hit is None:
            name = unknown_label(cells[i].text) if pair_unknown else None
            nxt = i + 1
            if (name is not None and nxt < len(cells) and loose[nxt] is None
                    and not cells[nxt].blank):
                extras.append((name, cells[nxt].text.strip()))
                i += 2
                continue
            if not pairs and not extras and not cells[i].blank:
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
    return RowRead(pairs=pairs, extras=extras, lead="\n".join(lead))


def read_header(rows: Sequence[HeaderRow], layout: Layout) -> Header:
    """Fields of a header block, in reading order across pages.

    A row with text but no label continues the previous field when its label cell is empty or it
    opens a page (a narrative split by a page break); otherwise it is noted, not guessed."""
    fields: dict[str, str] = {}
    unit: MoneyUnit | None = None
    notes: list[str] = []
    extras: list[tuple[str, str]] = []
    last: str | None = None
    for row in rows:
        read = read_row(row.cells, layout, pair_unknown=not row.opens_page)
        pairs, lead = read.pairs, read.lead
        extras.extend(read.extras)
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
            code_field = CODE_FIELDS.get(name)
            if code_field is not None and not fields.get(code_field):
                code, value = split_code(value)
                if code is not None:
                    fields[code_field] = code
            fields[name] = value
            last = name
    return Header(fields=fields, money_unit=unit, notes=tuple(notes), extra_fields=tuple(extras))
