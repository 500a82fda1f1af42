"""A form's header block: label cells paired with the value cells to their right.

The header is a ruled table of label/value cells. Which cell is a label is decided by the shared
vocabulary (:mod:`extractors.vocabulary`), never by position, so extra or reordered rows, spaced or
half-width labels and a missing colon all read the same. A value is kept as printed, wrapped
lines joined by ``"\\n"``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.header_fields import FieldValues
from extractors.model import Extra, Layout, MoneyUnit
from extractors.pdf.grid import Cell
from extractors.vocabulary import (
    LABEL_NOTE_RE,
    MONEY_NOTE_RE,
    LabelHit,
    compact,
    is_sign_off_blank,
    label_at_start,
    money_note,
    unknown_label,
)

_COLONS = ("：", ":")


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """One row of header cells and where it was printed.

    ``opens_page``: the first table row of a page after the form's first page; a narrative
    cell split by a page break continues in such a row, under an empty label cell."""

    cells: tuple[Cell, ...]
    page: int
    opens_page: bool = False
    #: A line printed outside the ruled header (``填报单位（盖章）：…  单位：万元``)
    loose: bool = False


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
    noted = LABEL_NOTE_RE.fullmatch(rest) is not None  # 中期目标（2023-2024年）: a note, no value
    return hit if (not rest or ends_colon or noted) else None


@dataclass(frozen=True, slots=True)
class RowRead:
    """A header row as read: known labels with their values, unknown labels with theirs, and
    any text printed before the first label (a continuation, or something unknown)."""

    pairs: list[tuple[LabelHit, str]]
    extras: list[tuple[str, str]]
    lead: str


def _loose_label(text: str, layout: Layout) -> LabelHit | None:
    """A field label glued to its value without a colon (``申报单位名称上海市…``); a heading
    is never printed so, and a value that starts with one (``项目资金来源可靠…``) is a value."""
    hit = cell_label(text, layout, strict=False)
    return hit if hit is not None and hit.label.kind != "heading" else None


def _pairs_up(cells: Sequence[Cell]) -> bool:
    """A row of unknown labels each followed by its value (``项目申报的可行性 | 已评估``)."""
    return (len(cells) >= 2 and len(cells) % 2 == 0
            and all(unknown_label(c.text) is not None for c in cells[::2]))


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
    loose = [h or _loose_label(c.text, layout) for h, c in zip(strict, cells, strict=True)]
    filled = [c for c in cells if not c.blank]
    pair_unknown = pair_unknown and bool(cells) and not cells[0].blank and (
        any(loose) or _pairs_up(filled))
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
        if LABEL_NOTE_RE.fullmatch(value.replace("\n", "")):
            value = ""  # a note printed with the label, not its value
        i += 1
        takes_next = hit.label.kind != "heading" and not value
        if takes_next and i < len(cells) and strict[i] is None:
            value = cells[i].text.strip()
            i += 1
        pairs.append((hit, value))
    return RowRead(pairs=pairs, extras=extras, lead="\n".join(lead))


_LOOSE_LABEL = re.compile(r"(?:^|(?<=\s))([^\s：:]{1,30}?)\s*[：:]")


def read_loose_line(text: str, layout: Layout) -> tuple[RowRead, MoneyUnit | None]:
    """The ``label：value`` pairs of a line printed outside the ruled header, and the money
    unit a ``单位：万元`` note on it states. A label with nothing after it is a sign-off blank
    (``填报单位：（盖章）``), not a field."""
    pairs: list[tuple[LabelHit, str]] = []
    extras: list[tuple[str, str]] = []
    unit: MoneyUnit | None = None
    for note in MONEY_NOTE_RE.finditer(text):
        unit = unit or money_note(note.group(0))
    text = MONEY_NOTE_RE.sub(" ", text)
    found = list(_LOOSE_LABEL.finditer(text))
    for k, m in enumerate(found):
        value = text[m.end():found[k + 1].start() if k + 1 < len(found) else len(text)].strip()
        if is_sign_off_blank(value):
            continue
        hit = label_at_start(m.group(0), layout)
        if hit is not None and hit.end == len(m.group(0)):
            pairs.append((hit, value))
        elif (name := unknown_label(m.group(1))) is not None:
            extras.append((name, value))
    return RowRead(pairs=pairs, extras=extras, lead=""), unit


def column_labels(row: HeaderRow, below: HeaderRow, layout: Layout) -> RowRead | None:
    """Labels printed over their values: a row of two or more label cells (``中期目标（2024年
    —2026年）`` | ``年度目标``), possibly beside a caption cell that spans the row below too
    (``总体目标``: a group caption, no field), and a row below without labels whose cells sit
    under them. ``None`` when ``row`` is not such a row."""
    if row.loose or below.loose or row.page != below.page:
        return None
    cells = [c for c in row.cells if not c.blank]
    low = [c for c in below.cells if not c.blank]
    if not cells or not low or any(cell_label(c.text, layout, strict=False) for c in low):
        return None
    bottom = min(c.bottom for c in cells)
    heads = [c for c in cells if c.bottom <= bottom + 1.0]
    if len(heads) < 2:
        return None
    pairs: list[tuple[LabelHit, str]] = []
    for head in heads:
        hit = cell_label(head.text, layout, strict=False)
        rest = head.text.replace("\n", " ")[hit.end:] if hit is not None else "x"
        if hit is None or LABEL_NOTE_RE.sub("", rest).strip():
            return None
        under = [c.text.strip() for c in low if head.x0 <= c.mid_x <= head.x1]
        if under:  # a label with nothing under it is a caption beside the others
            pairs.append((hit, "\n".join(under)))
    if len(pairs) < 2:
        return None
    return RowRead(pairs=pairs, extras=[], lead="")


def printed_label(row: HeaderRow, hit: LabelHit, layout: Layout) -> str:
    """A known label as the row printed it (colon and spaces removed), for extra_fields."""
    for cell in row.cells:
        flat = cell.text.replace("\n", " ")
        found = label_at_start(flat, layout)
        if found is not None and found.label == hit.label:
            return compact(flat[found.start:found.end]).rstrip("：:")
    return hit.label.text


def read_header(rows: Sequence[HeaderRow], layout: Layout) -> Header:
    """Fields of a header block, in reading order across pages.

    A row with text but no label continues the previous field when its label cell is empty or it
    opens a page (a narrative split by a page break); otherwise it is noted, not guessed."""
    values = FieldValues()
    unit: MoneyUnit | None = None
    notes: list[str] = []
    last: str | None = None
    skip = False
    for k, row in enumerate(rows):
        below = rows[k + 1] if k + 1 < len(rows) else None
        if skip:
            skip = False
            continue
        over = column_labels(row, below, layout) if below is not None else None
        if over is not None:
            read, skip = over, True
        elif row.loose:
            read, note = read_loose_line(row.cells[0].text, layout)
            unit = unit or note
        else:
            read = read_row(row.cells, layout, pair_unknown=not row.opens_page)
        pairs, lead = read.pairs, read.lead
        values.extras.extend(read.extras)
        if lead:
            continues = bool(row.cells) and (row.cells[0].blank or row.opens_page)
            if last is not None and continues:
                values.append(last, lead)
            else:
                notes.append(f"page {row.page}: header text without a label: {lead[:40]!r}")
        for hit, value in pairs:
            if unit is None and hit.money_unit is not None:
                unit = hit.money_unit
            if not values.add(hit.label, printed_label(row, hit, layout), value):
                notes.append(f"page {row.page}: label {hit.label.text} printed twice; "
                             f"kept the first value")
            elif hit.label.field is not None and not hit.label.fallback:
                last = hit.label.field
    fields, extras = values.done()
    return Header(fields=fields, money_unit=unit, notes=tuple(notes), extra_fields=extras)
