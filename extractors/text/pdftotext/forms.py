"""Forms from a text export made with `pdftotext` in its default mode (no ``-layout``).

Default mode prints a page's text blocks in reading order, one paragraph per block, so a
header label and its value are usually separate paragraphs (value after label), and the two
columns of a form may interleave: a wrapped value can have the next label printed between its
lines, a label vertically centred beside a long value can come after the value's first line,
and the national template prints ``年度总体目标`` long before its text. The header parser
follows the labels (``vocabulary.find_labels``) and applies three rules for those cases, each
justified by the block structure (see :func:`_assign_text`).

The indicator table is split into rows by :mod:`extractors.text.pdftotext.table`; the merged
level-1/level-2 labels, which default mode prints away from their rows, are assigned by
:mod:`extractors.text.pdftotext.level_inference` (its docstring says how, and how exactly).

Development results against ``samples/truth.json`` (s03, s07 and the pdftotext outputs of
s01, s05, s06, s10; 15 forms, 292 indicator rows): every header field right; level-3 name,
target and page right for 292/292 rows; level 1 and level 2 both right for 248/292 (84.9%),
with no sample vocabulary (:mod:`extractors.text.pdftotext.level_inference` has the figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from extractors.model import Form, IndicatorRow, Layout, MoneyUnit
from extractors.text.pdftotext.level_inference import infer_levels
from extractors.text.pdftotext.stream import Line, split_lines
from extractors.text.pdftotext.table import parse_table
from extractors.text.width import display_width
from extractors.vocabulary import (
    TABLE_HEADING_RE,
    LabelHit,
    column_header_index,
    compact,
    default_money_unit,
    find_labels,
    find_title,
    find_year,
)

_MONEY_RE = re.compile(r"^[-+]?[0-9][0-9,]*(\.[0-9]+)?$")
_SENTENCE_END = ("。", "；", ";", ".")
_SHORT = 0.82  # of the column width: a line this short ended its paragraph
_FULL = 0.85  # of the column width: a line this wide was wrapped by the column


@dataclass(slots=True)
class _RawForm:
    layout: Layout
    page: int
    year: str | None = None
    header: list[Line] = field(default_factory=list)
    table: list[Line] = field(default_factory=list)


def parse_pdftotext(text: str) -> list[Form]:
    """Forms in file order from the decoded text of a `pdftotext` (default mode) export."""
    return [_build(raw) for raw in _split_forms(split_lines(text))]


# --- forms and regions ------------------------------------------------------------------


def _is_table_start(line: Line, layout: Layout) -> bool:
    k = compact(line.text)
    return column_header_index(k, layout) is not None or bool(TABLE_HEADING_RE.match(k))


def _split_forms(lines: list[Line]) -> list[_RawForm]:
    """A title starts a form; its header runs until the table's heading or column header."""
    forms: list[_RawForm] = []
    in_table = False
    for line in lines:
        layout = find_title(line.text)
        if layout is not None:
            forms.append(_RawForm(layout=layout, page=line.page))
            in_table = False
            continue
        if not forms:
            continue
        form = forms[-1]
        if form.year is None and not form.header and not in_table:
            year = find_year(line.text)
            if year is not None:
                form.year = str(year)
                continue
        if not in_table and _is_table_start(line, form.layout):
            in_table = True
        (form.table if in_table else form.header).append(line)
    return forms


def _build(raw: _RawForm) -> Form:
    fields, unit = _parse_header(raw.header, raw.layout)
    fields = repair_value_kinds(fields, raw.layout,
                                unit_label_elsewhere=_prints_unit_label(raw.table, raw.layout))
    if raw.year is not None:
        fields["year"] = raw.year
    stream = parse_table(raw.table, raw.layout)
    levels = infer_levels(stream.rows, stream.labels, raw.layout)
    rows = tuple(
        IndicatorRow(level1=l1, level2=l2, level3=r.level3, target_raw=r.target, page=r.page)
        for r, (l1, l2) in zip(stream.rows, levels, strict=True)
    )
    notes = () if all(l1 and l2 for l1, l2 in levels) else ("some rows without level labels",)
    return Form(
        layout=raw.layout,
        page=raw.page,
        fields=fields,
        indicators=rows,
        money_unit=unit or default_money_unit(raw.layout),
        has_target_column=bool(raw.table),
        notes=notes,
    )


# --- header -------------------------------------------------------------------------------

_MONEY_FIELDS = ("total_budget", "current_year_budget", "prior_year_budget",
                 "prior_year_executed", "fiscal_appropriation", "other_funds")


def _prints_unit_label(lines: list[Line], layout: Layout) -> bool:
    """The unit's label printed away from the header (among the table's text)."""
    return any(hit.label.field == "unit_name" for line in lines
               for hit in find_labels(line.text, layout))


def repair_value_kinds(fields: dict[str, str], layout: Layout,
                       unit_label_elsewhere: bool) -> dict[str, str]:
    """Put back values that reading order glued to the wrong label, by their kind.

    An amount followed by paragraphs is a money cell and the overall goal printed after it;
    what the goal's label held instead, a one-line name, is then the unit's name when the
    unit's label was printed elsewhere (a distributed label ``实 施 单 位`` can land far
    from its value)."""
    out = dict(fields)
    goal = "overall_goal"
    for name in _MONEY_FIELDS:
        value = out.get(name, "")
        first, _, rest = value.partition("\n")
        if not rest.strip() or not _MONEY_RE.match(compact(first)):
            continue
        displaced = out.get(goal, "")
        if displaced and "\n" not in displaced.strip() and len(compact(displaced)) <= 40:
            out[name], out[goal] = first, rest
            if layout == "national" and unit_label_elsewhere and not out.get("unit_name"):
                out["unit_name"] = displaced
        elif not displaced:
            out[name], out[goal] = first, rest
    return out


@dataclass(slots=True)
class _Slot:
    """A printed label and the text pieces (block, text) assigned to it."""

    hit: LabelHit
    block: int
    parts: list[tuple[int, str]] = field(default_factory=list)


def _events(lines: list[Line], layout: Layout) -> list[tuple[int, LabelHit | str]]:
    """(block, label hit or text piece) in print order; a line may hold several of each.

    Text opening a page continues the previous page's value: its block number is negated so
    it is never taken for text printed beside the label that follows it in the same block."""
    out: list[tuple[int, LabelHit | str]] = []
    carried: int | None = None
    for n, line in enumerate(lines):
        hits = find_labels(line.text, layout)
        if n > 0 and line.page != lines[n - 1].page and not hits:
            carried = line.block
        elif hits:
            carried = None
        block = -line.block if carried == line.block else line.block
        pos = 0
        for hit in hits:
            before = line.text[pos:hit.start].strip()
            if before:
                out.append((block, before))
            out.append((line.block, hit))
            pos = hit.end
        rest = line.text[pos:].strip()
        if rest:
            out.append((block, rest))
    return out


def _assign_text(events: list[tuple[int, LabelHit | str]]) -> list[_Slot]:
    """Text goes to the label before it, except:

    * text in a label's block *before* the label goes to the previous label while that one
      has no value yet (a wrapped value printed beside the next label), else to the label
      (a label centred beside a long value);
    * text in a label's block *after* the label, when the previous label took text from that
      block and more unlabelled text follows, is the rest of the previous label's wrap."""
    slots: list[_Slot] = []
    pending_before: list[tuple[int, str]] = []
    for i, (block, ev) in enumerate(events):
        if isinstance(ev, LabelHit):
            slot = _Slot(hit=ev, block=block)
            if pending_before:
                if slots and not slots[-1].parts:
                    slots[-1].parts.extend(pending_before)
                else:
                    slot.parts.extend(pending_before)
                pending_before = []
            slots.append(slot)
            continue
        nxt_label_block = next((b for b, e in events[i + 1:] if isinstance(e, LabelHit)), None)
        if slots and block != slots[-1].block and nxt_label_block == block:
            pending_before.append((block, ev))
        elif slots and len(slots) > 1 and block == slots[-1].block and _wrap_tail(
                slots, events, i):
            slots[-2].parts.append((block, ev))
        elif slots:
            slots[-1].parts.append((block, ev))
    if pending_before and slots:
        slots[-1].parts.extend(pending_before)
    return slots


def _wrap_tail(slots: list[_Slot], events: list[tuple[int, LabelHit | str]], i: int) -> bool:
    prev, cur = slots[-2], slots[-1]
    if not any(b == cur.block for b, _ in prev.parts) or prev.block == cur.block:
        return False
    for block, ev in events[i + 1:]:
        if isinstance(ev, LabelHit):
            return False
        if block != cur.block:
            return True
    return False


def _parse_header(lines: list[Line], layout: Layout) -> tuple[dict[str, str], MoneyUnit | None]:
    width = _column_width(lines, layout)
    slots = _redistribute(_fill_label_runs(_assign_text(_events(lines, layout)), width))
    fields: dict[str, str] = {}
    unit: MoneyUnit | None = None
    for slot in slots:
        if slot.hit.money_unit is not None and unit is None:
            unit = slot.hit.money_unit
        name = slot.hit.label.field
        if name is None or name in fields:
            continue
        fields[name] = _join(slot.parts)
    return fields, unit


def _fill_label_runs(slots: list[_Slot], width: int) -> list[_Slot]:
    """Labels printed as a run (no text between them) are followed by their values in order,
    all glued to the run's last label; give the leading values back to the empty labels.

    Right-aligned: the values nearest the last label belong to the labels nearest it (a label
    earlier in the run may really be empty). A money label takes one block that looks like an
    amount; a narrative label takes a one-line sentence (its own block, or the first line of
    the next paragraph) that is visibly shorter than the full-width line after it."""
    for j, last in enumerate(slots):
        if not last.parts:
            continue
        r = j
        while r > 0 and not slots[r - 1].parts:
            r -= 1
        empties = [s for s in slots[r:j] if s.hit.label.field is not None]
        for k in range(len(empties), 0, -1):
            taken = _take_values(empties[-k:], last.parts, width)
            if taken is not None:
                for slot, piece in zip(empties[-k:], taken[0], strict=True):
                    slot.parts = piece
                last.parts = taken[1]
                break
    return slots


def _take_values(labels: list[_Slot], parts: list[tuple[int, str]],
                 width: int) -> tuple[list[list[tuple[int, str]]], list[tuple[int, str]]] | None:
    """(one value per label, the rest) from the front of ``parts``, or None if they don't fit;
    the rest must keep a value of its own."""
    rest = list(parts)
    values: list[list[tuple[int, str]]] = []
    for slot in labels:
        kind = slot.hit.label.kind
        head = [p for p in rest if p[0] == rest[0][0]] if rest else []
        tail = rest[len(head):]
        if kind == "money" and len(head) == 1 and _MONEY_RE.match(compact(head[0][1])):
            values.append(head)
            rest = tail
        elif kind == "narrative" and head and _short_sentence(head, tail, width):
            values.append(head[:1])
            rest = rest[1:]
        else:
            return None
    return (values, rest) if rest else None


def _short_sentence(head: list[tuple[int, str]], tail: list[tuple[int, str]],
                    width: int) -> bool:
    """A one-line sentence ending well short of the column, before a full-width line."""
    first = head[0][1]
    nxt = head[1][1] if len(head) > 1 else (tail[0][1] if tail else "")
    return (bool(nxt) and first.rstrip().endswith(_SENTENCE_END)
            and display_width(first) <= _SHORT * width and display_width(nxt) >= _FULL * width)


def _column_width(lines: list[Line], layout: Layout) -> int:
    """Width of the narrative column: its widest wrapped line (a line with another line of
    its block below it); lines holding a label (two columns run together) don't count."""
    return max((display_width(a.text) for a, b in pairwise(lines)
                if a.block == b.block and not find_labels(a.text, layout)), default=0)


def _redistribute(slots: list[_Slot]) -> list[_Slot]:
    """A narrative label printed with no value (``年度总体目标`` beside the money rows) gets
    the paragraphs that follow a later short/money value: those take one paragraph each."""
    for i, slot in enumerate(slots):
        if slot.hit.label.kind not in ("money", "short"):
            continue
        blocks = sorted({b for b, _ in slot.parts}, key=[b for b, _ in slot.parts].index)
        if len(blocks) < 2:
            continue
        empty = [s for s in slots[:i] if s.hit.label.kind == "narrative" and not s.parts]
        if not empty:
            continue
        keep = blocks[0]
        empty[-1].parts.extend(p for p in slot.parts if p[0] != keep)
        slot.parts = [p for p in slot.parts if p[0] == keep]
    return slots


def _join(parts: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in parts).strip()
