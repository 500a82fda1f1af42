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
from dataclasses import dataclass, field

from extractors.model import Form, IndicatorRow, Layout, MoneyUnit
from extractors.vocabulary import (
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
        if find_title(line.text) or (find_year(line.text) and len(compact(line.text)) <= 8):
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


def _split_target(tokens: list[str], vocab: _Vocabulary) -> tuple[list[str], str]:
    """The cells before the target, and the target.

    Cells are separated by one space, and so are the pieces of a name a stray space cut, so
    the split is chosen: first where the file prints the same target or level-3 name
    unambiguously elsewhere, else before the last token (re-joined where a stray space cut an
    operator word or a unit off its number)."""
    for k in range(len(tokens) - 1, 0, -1):
        if compact("".join(tokens[k:])) in vocab.targets:
            return tokens[:k], "".join(tokens[k:])
    for k in range(len(tokens) - 1, 0, -1):
        if compact("".join(tokens[:k])).endswith(tuple(vocab.level3)):
            return tokens[:k], "".join(tokens[k:])
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
    pending_level3: str = ""


#: A lone line longer than this is a wrapped level-3 cell, not a merged level label.
MAX_LABEL_CHARS = 10


@dataclass
class _Vocabulary:
    """What the file prints unambiguously: level-2 labels on their own line, and rows whose
    level-3 name and target are the only two cells."""

    level2: set[str] = field(default_factory=set)
    level3: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)


def parse_table(lines: Iterable[Line], layout: Layout, vocab: _Vocabulary) -> list[IndicatorRow]:
    """Indicator rows with the merged level cells filled down.

    ``vocab.level2`` are the level-2 labels known for this file (the layout's taxonomy plus
    every label printed on a line of its own), used to tell an in-line level-2 cell from a
    level-3 name cut by a stray space. A long lone line is the first part of a wrapped
    level-3 cell whose last part is printed with the target."""
    rows: list[IndicatorRow] = []
    state = _TableState()
    level1_names = set(LEVEL1[layout])
    for line in lines:
        text = line.text.strip()
        if _is_column_header(text, layout) or TABLE_HEADING_RE.search(text):
            continue
        tokens = text.split()
        if _is_lone_label(text, layout, vocab.level2):
            if compact(text) in level1_names:
                state.level1, state.level2, state.needs_level2 = text, None, True
            else:
                state.level2, state.needs_level2 = text, False
            continue
        if len(tokens) == 1 or _is_cut_fragment(tokens):
            state.pending_level3 += "".join(tokens)
            continue
        if _is_name_fragment(tokens[-1]):
            # merged labels, then the first line of a wrapped level-3 name (no target yet)
            level1, rest = _peel([*tokens[:-1], ""], level1_names)
            if level1 is not None:
                state.level1, state.level2, state.needs_level2 = level1, None, True
            if rest[:-1]:
                state.level2, state.needs_level2 = "".join(rest[:-1]), False
            state.pending_level3 += tokens[-1]
            continue
        cells, target = _split_target(tokens, vocab)
        level1, cells = _peel(cells, level1_names)
        if level1 is not None:
            state.level1, state.level2, state.needs_level2 = level1, None, True
        level2, cells = _peel(cells, vocab.level2)
        if level2 is None and state.needs_level2 and len(cells) > 1:
            level2, cells = cells[0], cells[1:]
        if level2 is not None:
            state.level2, state.needs_level2 = level2, False
        level3 = state.pending_level3 + "".join(cells)
        state.pending_level3 = ""
        rows.append(IndicatorRow(state.level1, state.level2, level3, target, line.page))
    return rows


#: A last cell this long with no digit is the first line of a wrapped level-3 name, not a
#: target: qualitative targets are short phrases, numeric ones have digits.
MIN_NAME_FRAGMENT = 14


def _is_name_fragment(token: str) -> bool:
    return len(compact(token)) >= MIN_NAME_FRAGMENT and not re.search(r"\d", token)


def _is_cut_fragment(tokens: list[str]) -> bool:
    """A wrapped level-3 line that a stray space cut: its "target" would be one lone CJK
    character, which no target is."""
    last = tokens[-1]
    return len(tokens) >= 2 and len(last) == 1 and not last.isascii() and not last.isdigit()


def _is_lone_label(text: str, layout: Layout, level2_names: set[str]) -> bool:
    key = compact(text)
    if key in LEVEL1[layout] or key in level2_names:
        return True
    return len(text.split()) == 1 and len(key) <= MAX_LABEL_CHARS


def file_vocabulary(tables: Sequence[Sequence[Line]], layout: Layout) -> _Vocabulary:
    """Labels and names the file's tables print without ambiguity: lone level labels, then
    rows left with exactly a level-3 name and a target once their level labels are peeled."""
    vocab = _Vocabulary(level2={compact(n) for names in LEVEL2[layout].values() for n in names})
    rows: list[list[str]] = []
    for lines in tables:
        for line in lines:
            tokens = line.text.split()
            key = compact(line.text)
            if len(tokens) == 1 and key not in LEVEL1[layout] and len(key) <= MAX_LABEL_CHARS:
                vocab.level2.add(key)
            elif len(tokens) >= 2 and not _is_column_header(line.text, layout):
                rows.append(tokens)
    for tokens in rows:
        _, cells = _peel(tokens, LEVEL1[layout])
        _, cells = _peel(cells, vocab.level2)
        if len(cells) == 2:
            vocab.level3.add(compact(cells[0]))
            vocab.targets.add(compact(cells[1]))
    return vocab


def block_to_form(layout: Layout, lines: Sequence[Line], vocab: _Vocabulary) -> Form:
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
        indicators=tuple(parse_table(table, layout, vocab)),
        money_unit=money_unit,
        has_target_column=has_target_column,
    )


def parse_seed_text(text: str) -> tuple[int, list[Form]]:
    """``(page_count, forms)`` of a seed-style export."""
    page_count, lines = text_to_lines(text)
    blocks = lines_to_form_blocks(lines)
    tables = [split_header_and_table(block, layout)[1] for layout, block in blocks]
    # a file holds one layout in practice; the vocabulary is per layout all the same
    forms: list[Form] = []
    vocabularies = {layout: file_vocabulary(tables, layout) for layout in {b[0] for b in blocks}}
    for layout, block in blocks:
        forms.append(block_to_form(layout, block, vocabularies[layout]))
    return page_count, forms
