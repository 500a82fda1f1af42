"""Parser for "seed-style" text exports: one printed line per line, pages marked by a space.

These exports (the 2020 seed document is one) print every table row on one line with its
cells separated by spaces, a header label with its value on the same line or on the
following lines, and begin every page after the first with a single space. Merged level-1
and level-2 cells are printed once, on the first row they cover: on a line of their own
when they cover several rows, in front of the row when they cover one.

The chain: ``text_to_lines`` (pages, footers, blank lines) → ``lines_to_form_blocks``
(titles) → ``block_to_form`` (header labels and the indicator table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.layouts import (
    LEVEL1,
    LEVEL2,
    TABLE_COLUMNS,
    TABLE_HEADING_RE,
    compact,
    default_money_unit,
    find_labels,
    find_title,
    find_year,
    is_page_footer,
    label_at_start,
)
from extractors.model import Form, IndicatorRow, Layout, MoneyUnit

_PAGE_START = re.compile(r"^ (?=[^ \t\u3000])")
#: Words a target may start with that a stray space can cut off from its number.
_TARGET_PREFIX = re.compile(
    r"^(?:不低于|不高于|不少于|不多于|不超过|不大于|不小于|大于|小于|高于|低于|达到|"
    r"[≥≤><=＞＜＝]+)$"
)
_TARGET_SUFFIX = re.compile(r"^(?:%|％|[^\d\s]{1,3})$")
_NUMBERISH = re.compile(r"^[≥≤><=＞＜＝]*\d")


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank printed line and the 1-based page it is on."""

    page: int
    text: str


def text_to_lines(text: str) -> tuple[int, list[Line]]:
    """Split an export into content lines with their pages; drop blank lines and footers.

    Returns ``(page_count, lines)``; a trailing page marker with nothing after it is not a
    page."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    page = 1
    last_content_page = 1
    out: list[Line] = []
    for n, raw in enumerate(text.split("\n")):
        line = raw
        if n > 0 and (_PAGE_START.match(line) or line == " "):
            page += 1
            line = line[1:]
        if not line.strip() or is_page_footer(line):
            continue
        out.append(Line(page, line.rstrip()))
        last_content_page = page
    return last_content_page, out


def lines_to_form_blocks(lines: Sequence[Line]) -> list[tuple[Layout, list[Line]]]:
    """Group lines into forms: each form starts at a title line."""
    blocks: list[tuple[Layout, list[Line]]] = []
    for line in lines:
        layout = find_title(line.text)
        if layout is not None:
            blocks.append((layout, [line]))
        elif blocks:
            blocks[-1][1].append(line)
    return blocks


def _is_column_header(text: str, layout: Layout) -> bool:
    return compact(text) == "".join(TABLE_COLUMNS[layout])


def split_header_and_table(
    lines: Sequence[Line], layout: Layout
) -> tuple[list[Line], list[Line], bool]:
    """Lines before the indicator table, lines of its rows, and whether the column-header
    row (and so the target column) was found."""
    for i, line in enumerate(lines):
        if _is_column_header(line.text, layout):
            header = [ln for ln in lines[:i] if not TABLE_HEADING_RE.search(ln.text.strip())]
            return header, list(lines[i + 1 :]), True
    for i, line in enumerate(lines):
        if TABLE_HEADING_RE.search(line.text.strip()):
            return list(lines[:i]), list(lines[i + 1 :]), False
    return list(lines), [], False


@dataclass
class _HeaderState:
    fields: dict[str, list[str]]
    money_unit: MoneyUnit | None = None
    current: str | None = None


def parse_header(lines: Iterable[Line], layout: Layout) -> tuple[dict[str, str], MoneyUnit]:
    """Label/value pairs of the header block.

    A line that opens with a label is split at every label it prints; a line that does not
    continues the value of the last label (a wrapped name or a narrative paragraph)."""
    state = _HeaderState(fields={})
    for line in lines:
        if find_title(line.text) or find_year(line.text) and len(compact(line.text)) <= 8:
            continue
        if label_at_start(line.text, layout) is None:
            if state.current is not None:
                state.fields[state.current].append(line.text.strip())
            continue
        hits = find_labels(line.text, layout)
        for i, hit in enumerate(hits):
            end = hits[i + 1].start if i + 1 < len(hits) else len(line.text)
            value = line.text[hit.end : end].strip()
            if hit.money_unit is not None:
                state.money_unit = hit.money_unit
            state.current = hit.label.field
            if hit.label.field is not None:
                state.fields.setdefault(hit.label.field, [])
                if value:
                    state.fields[hit.label.field].append(value)
    fields = {name: "\n".join(parts) for name, parts in state.fields.items()}
    return fields, state.money_unit or default_money_unit(layout)


def _split_target(tokens: list[str]) -> tuple[list[str], str]:
    """The cells before the target, and the target (the last cell, re-joined where a stray
    space cut an operator word or a unit off its number)."""
    target = tokens[-1]
    rest = tokens[:-1]
    if rest and _TARGET_SUFFIX.match(target) and re.search(r"\d$", rest[-1]):
        target = rest.pop() + target
    if rest and _NUMBERISH.match(target) and _TARGET_PREFIX.match(rest[-1]):
        target = rest.pop() + target
    return rest, target


def _peel(tokens: list[str], names: Iterable[str]) -> tuple[str | None, list[str]]:
    """Take the shortest run of leading tokens that spells one of ``names`` (stray spaces
    may cut a label in pieces); keep at least one token for level 3."""
    wanted = set(names)
    for k in range(1, len(tokens)):
        if compact("".join(tokens[:k])) in wanted:
            return "".join(tokens[:k]), tokens[k:]
    return None, tokens


@dataclass
class _TableState:
    level1: str | None = None
    level2: str | None = None
    needs_level2: bool = False


def parse_table(lines: Iterable[Line], layout: Layout, level2_names: set[str]) -> list[IndicatorRow]:
    """Indicator rows with the merged level cells filled down.

    ``level2_names`` are the level-2 labels known for this file (the layout's taxonomy plus
    every label printed on a line of its own), used to tell an in-line level-2 cell from a
    level-3 name cut by a stray space."""
    rows: list[IndicatorRow] = []
    state = _TableState()
    level1_names = set(LEVEL1[layout])
    for line in lines:
        text = line.text.strip()
        if _is_column_header(text, layout) or TABLE_HEADING_RE.search(text):
            continue
        tokens = text.split()
        if len(tokens) == 1 or _is_lone_label(text, layout, level2_names):
            if compact(text) in level1_names:
                state.level1, state.level2, state.needs_level2 = text, None, True
            else:
                state.level2, state.needs_level2 = text, False
            continue
        cells, target = _split_target(tokens)
        level1, cells = _peel(cells, level1_names)
        if level1 is not None:
            state.level1, state.level2, state.needs_level2 = level1, None, True
        level2, cells = _peel(cells, level2_names)
        if level2 is None and state.needs_level2 and len(cells) > 1:
            level2, cells = cells[0], cells[1:]
        if level2 is not None:
            state.level2, state.needs_level2 = level2, False
        rows.append(IndicatorRow(state.level1, state.level2, "".join(cells), target, line.page))
    return rows


def _is_lone_label(text: str, layout: Layout, level2_names: set[str]) -> bool:
    key = compact(text)
    return key in LEVEL1[layout] or key in level2_names


def lone_labels(lines: Iterable[Line], layout: Layout) -> set[str]:
    """Level labels printed on a line of their own anywhere in the file's tables."""
    found: set[str] = set()
    for line in lines:
        text = line.text.strip()
        if len(text.split()) == 1 and compact(text) not in LEVEL1[layout]:
            found.add(compact(text))
    return found


def block_to_form(layout: Layout, lines: Sequence[Line], level2_names: set[str]) -> Form:
    header, table, has_target_column = split_header_and_table(lines, layout)
    fields, money_unit = parse_header(header[1:], layout)
    year = next((y for ln in header[:3] if (y := find_year(ln.text)) is not None), None)
    if year is None:
        m = next((TABLE_HEADING_RE.search(ln.text.strip()) for ln in lines
                  if TABLE_HEADING_RE.search(ln.text.strip())), None)
        year = int(m.group(1)) if m else None
    if year is not None:
        fields["year"] = str(year)
    return Form(
        layout=layout,
        page=lines[0].page,
        fields=fields,
        indicators=tuple(parse_table(table, layout, level2_names)),
        money_unit=money_unit,
        has_target_column=has_target_column,
    )


def parse_seed_text(text: str) -> tuple[int, list[Form]]:
    """``(page_count, forms)`` of a seed-style export."""
    page_count, lines = text_to_lines(text)
    blocks = lines_to_form_blocks(lines)
    tables = [split_header_and_table(block, layout)[1] for layout, block in blocks]
    forms: list[Form] = []
    for layout, block in blocks:
        known = {compact(n) for names in LEVEL2[layout].values() for n in names}
        for table in tables:
            known |= lone_labels(table, layout)
        forms.append(block_to_form(layout, block, known))
    return page_count, forms
