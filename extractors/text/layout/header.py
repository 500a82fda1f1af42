"""Header block of a -layout form: labels on the left, values to their right.

A value cell is vertically centred on its label: the label is printed on the middle line of
the value's lines (or on a line of its own between the two middle lines). So free lines
(lines without a label) belong to the label line they touch, and where two label lines
touch the same run of free lines, the run is split so each label's block stays symmetric.
Horizontally a free line's text belongs to the label whose value column it starts in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from extractors.header_fields import CODE_FIELDS, FieldValues, opens_with_code
from extractors.model import Extra, Layout, MoneyUnit
from extractors.text.layout.lines import Line, Segment, line_segments
from extractors.vocabulary import (
    LABEL_NOTE_RE,
    MONEY_NOTE_RE,
    Label,
    LabelHit,
    compact,
    find_labels,
    is_sign_off_blank,
    label_at_start,
    money_note,
    options_unfinished,
    unknown_label,
)

_GAP_BEFORE = re.compile(r"(?:^\s*|\s{2,})$")
_GAP_AFTER = re.compile(r"^(?:\s{2,}|\s*$)")


@dataclass(frozen=True, slots=True)
class Header:
    """Printed header values by canonical field, and the money unit a label printed."""

    fields: dict[str, str]
    money_unit: MoneyUnit | None
    #: Labels kept as printed (colon removed) → their values
    extra_fields: Extra = ()


@dataclass(slots=True)
class _LabelLine:
    line: Line
    hits: list[LabelHit]
    pieces: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, hit_no: int, order: int, text: str) -> None:
        self.pieces.setdefault(hit_no, []).append((order, text))


#: A bracketed note after a label, cut by the cell's edge before its closing bracket
#: (``中期目标（2020-2022年`` / ``）``), the value one space or more after it
_CUT_NOTE = re.compile(r"([（(][^（()）\s]{1,20})(?=\s+\S)(?![^（(]*[）)])")
#: One space, then a value
_ONE_SPACE_VALUE = re.compile(r" (?=\S)")
#: A line that is only a label and its colon (``填报单位（盖章）：`` left blank)
_BLANK_LABEL = re.compile(r"\s*(\S{1,30}?)[：:](.*)")
#: A value label printed one space before its figure (``上年结转资金 0.00``,
#: ``该项目支出上级资金 434.0``); a narrative's words followed by a number are no label
_FIGURE_AFTER = re.compile(r"\s?-?\d[\d,]*(?:\.\d+)?(?:万元|万|元)?(?:\s{2,}|\s*$)")
#: A run ending in a colon and a column gap before a value: a label the profile may not
#: know (a colon inside a narrative, ``具体措施如下：一是…``, is followed by its text).
_COLON_LABEL = re.compile(r"(?:^\s*|(?<=\s\s))(\S[^：:\s]{0,29})[：:](?=\s{2,}\S)")
#: ... or, opening a line, a label with a bracketed note and its value glued to the colon
#: (``填报单位（盖章）：某某中心``): a narrative does not open a line that way.
_NOTED_LABEL = re.compile(r"^\s*(\S[^：:\s（()）]{0,29}[（(][^（()）]{1,20}[）)])[：:](?=\S)")


def accepted_hits(text: str, layout: Layout) -> list[LabelHit]:
    """Label hits that really are labels: followed by a colon, or standing alone between
    column gaps (narratives may mention a label's words in passing), or after a gap and one
    space before its value (``该项目支出上级资金 434.0``, ``项目申报的可行性 前期调研充分``),
    a bracketed note after
    the label taken with it. A label the profile does not know is accepted when it is
    printed with a colon (``预算执行率权重(%)：``); its value goes to ``extra_fields``."""
    out = []
    for hit in find_labels(text, layout):
        end = hit.start + len(text[hit.start : hit.end].rstrip())
        note = LABEL_NOTE_RE.match(text, end)
        if note is not None and text[end - 1] not in "：:":
            end = note.end()
        cut = _CUT_NOTE.match(text, end) if note is None else None
        if cut is not None:  # a note whose closing bracket wrapped onto the next line
            end = cut.end(1)
        hit = LabelHit(hit.label, hit.start, end, hit.money_unit)
        has_colon = text[end - 1] in "：:" or cut is not None
        before = bool(_GAP_BEFORE.search(text[: hit.start]))
        alone = before and bool(_GAP_AFTER.match(text[end:]))
        figure = (before and hit.label.kind not in ("narrative", "heading")
                  and _FIGURE_AFTER.match(text, end) is not None)
        # ... or a label opening a run, one space before its value: Chinese text prints no
        # spaces, so a narrative mentioning a label's words does not put one there
        spaced = (before and hit.label.kind != "heading"
                  and _ONE_SPACE_VALUE.match(text, end) is not None)
        if has_colon or alone or figure or spaced:
            out.append(hit)
    blank = _BLANK_LABEL.fullmatch(text)
    if (blank is not None and not out and unknown_label(blank.group(1)) is not None
            and is_sign_off_blank(blank.group(2))):
        label = Label(text=blank.group(1), field=None, kind="extra")
        return [LabelHit(label, blank.start(1), blank.end(), None)]  # a sign-off blank
    for m in [*_COLON_LABEL.finditer(text), *_NOTED_LABEL.finditer(text)]:
        if any(m.start(1) < h.end and h.start < m.end() for h in out):
            continue
        if MONEY_NOTE_RE.match(text, m.start()):
            continue
        name = unknown_label(m.group(1))
        if name is not None:
            label = Label(text=name, field=None, kind="extra")
            out.append(LabelHit(label, m.start(1), m.end(), None))
    return sorted(out, key=lambda h: h.start)


def _value_hits(hits: Sequence[LabelHit]) -> list[int]:
    return [i for i, h in enumerate(hits)
            if h.label.field is not None or h.label.kind in ("extra", "personal")]


def _split_run(above: int, run: int) -> int:
    """How many of ``run`` free lines below a label line with ``above`` free lines above it
    belong to it: as many as keep it centred."""
    return min(above, run)


def _blocks(lines: Sequence[Line], kinds: Sequence[str]) -> list[list[int]]:
    """Runs of consecutive non-separator lines on one page."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i, kind in enumerate(kinds):
        if kind == "sep" or (current and lines[current[-1]].page != lines[i].page):
            if current:
                blocks.append(current)
            current = [] if kind == "sep" else [i]
            continue
        current.append(i)
    if current:
        blocks.append(current)
    return blocks


#: A value line ending in one of these ends its sentence: it does not go on below
_SENTENCE_END = "。；;！？!?"
#: Shorter runs than this (in characters) are never taken for text wrapped at the cell edge
_WRAP_MIN_CHARS = 12
#: How far short of the widest run a wrapped run may end: pdftotext's character columns
#: drift by one or two over a line of CJK text (measured on the generated corpora)
_WRAP_SLACK = 2


def wrapped_lines(lines: Sequence[Line]) -> frozenset[int]:
    """Lines whose last run reaches the wrap column of its value column (where the long runs
    starting in that column end) without ending a sentence: the text was wrapped at the
    cell's edge and goes on in the next line, whichever way the label beside it is
    aligned."""
    last = [segs[-1] if segs else None for segs in (line_segments(ln.text) for ln in lines)]
    long = [(i, seg) for i, seg in enumerate(last)
            if seg is not None and len(seg.text) >= _WRAP_MIN_CHARS]
    out: set[int] = set()
    for i, seg in long:
        if seg.text[-1] in _SENTENCE_END:
            continue
        peers = [p.end for _, p in long if abs(p.start - seg.start) <= _WRAP_SLACK]
        if len(peers) >= 2 and seg.end >= max(peers) - _WRAP_SLACK:
            out.add(i)
    return frozenset(out)


def _owners(lines: Sequence[Line], kinds: Sequence[str],
            continued: frozenset[int] = frozenset(),
            first_lines: frozenset[int] = frozenset()) -> dict[int, int]:
    """For each free line, the index of the label line it belongs to. A line whose text
    visibly goes on (``continued``: wrapped at the cell's edge, tick-box options cut after an
    option) hands the free line under it to the same label, even where centring alone would
    give that line to the next label. A label line whose value visibly opens there
    (``first_lines``: a code before a name) takes no free line from above, and its value's
    next line is the one under it: this export prints a label on its value's first line."""
    owner: dict[int, int] = {}
    last_label: int | None = None
    pending: list[int] = []  # orphan free lines before any label line
    for block in _blocks(lines, kinds):
        labels = [i for i in block if kinds[i] == "label"]
        if not labels:
            if last_label is None:
                pending.extend(block)
            else:
                owner.update({i: last_label for i in block})
            continue
        owner.update({i: labels[0] for i in block if i < labels[0]})
        above = sum(1 for i in block if i < labels[0])
        for a, b in pairwise(labels):
            run = [i for i in block if a < i < b]
            chain = 0
            while chain < len(run) and (
                    run[chain - 1] in continued if chain else a in continued | first_lines):
                chain += 1
            keep = len(run) if b in first_lines else max(_split_run(above, len(run)), chain)
            owner.update({i: a for i in run[:keep]})
            owner.update({i: b for i in run[keep:]})
            above = len(run) - keep
        owner.update({i: labels[-1] for i in block if i > labels[-1]})
        if pending:
            owner.update({i: labels[0] for i in pending})
            pending = []
        last_label = labels[-1]
    return owner


def _column_owner(hits: Sequence[LabelHit], seg: Segment, over: bool = False) -> int | None:
    """The value-bearing label whose column a text falls in: the last label starting at or
    before it; for labels printed over their values (``over``, centred above their columns)
    the label whose centre is nearest the text's."""
    candidates = _value_hits(hits)
    if not candidates:
        return None
    if over:
        return min(candidates, key=lambda i: abs((hits[i].start + hits[i].end) / 2
                                                 - seg.centre))
    chosen = candidates[0]
    for i in candidates:
        if hits[i].start <= seg.start:
            chosen = i
    return chosen


def _label_line_values(entry: _LabelLine, order: int) -> None:
    text = entry.line.text
    for i in _value_hits(entry.hits):
        nxt = entry.hits[i + 1].start if i + 1 < len(entry.hits) else len(text)
        value = text[entry.hits[i].end : nxt].strip()
        entry.pieces.setdefault(i, [])
        if value:
            entry.add(i, order, value)


def _column_labels(hits: Sequence[LabelHit], text: str) -> bool:
    """Labels printed over their values: two or more value labels on a line with nothing
    after any of them (``中期目标（2022年—2024年）    年度目标``)."""
    values = _value_hits(hits)
    if len(values) < 2:
        return False
    for i in values:
        nxt = hits[i + 1].start if i + 1 < len(hits) else len(text)
        if text[hits[i].end:nxt].strip():
            return False
    return True


def _drop_row_captions(lines: list[Line], hits: list[list[LabelHit]]) -> None:
    """A fallback label with other narrative labels printed just above or below it, right of
    it and left of the text beside it, is a caption over them (``总体目标`` left of 中期目标 /
    年度目标): no field; its text is blanked so the text beside it is read under the labels
    it groups."""
    for i, line in enumerate(lines):
        for h in [h for h in hits[i] if h.label.fallback]:
            after = line.text[h.end:]
            value_at = h.end + len(after) - len(after.lstrip()) if after.strip() else None
            near = [g for j in range(max(0, i - 2), min(len(lines), i + 3)) if j != i
                    and lines[j].page == line.page for g in hits[j]
                    if g.label.kind == "narrative"]
            if any(h.end <= g.start and (value_at is None or g.start < value_at)
                   for g in near):
                lines[i] = Line(line.page, line.index, _blank_out(lines[i].text, h.start,
                                                                  h.end))
                hits[i] = [x for x in hits[i] if x is not h]


def _drop_group_headings(lines: list[Line], hits: list[list[LabelHit]],
                         rewritten: Sequence[bool]) -> MoneyUnit | None:
    """A group heading (``项目绩效目标`` left of 长期目标 / 年度目标) printed beside text that
    is no label, or written back from its wrapped pieces onto a line of its own: it sits
    inside the rows it groups, so it is blanked (the text beside it goes on a value; the
    line is no separator). The money unit its note states (``资金情况（元）``) is returned."""
    unit: MoneyUnit | None = None
    for i, line in enumerate(lines):
        if not hits[i] or any(h.label.kind != "heading" for h in hits[i]):
            continue
        text = line.text
        for h in hits[i]:
            text = _blank_out(text, h.start, h.end)
        if text.strip() or rewritten[i]:
            unit = unit or next((h.money_unit for h in hits[i] if h.money_unit), None)
            lines[i] = Line(line.page, line.index, text)
            hits[i] = []
    return unit


def _drop_captions(lines: list[Line], hits: list[list[LabelHit]]) -> None:
    """Under a line of column labels, a label left of them all is a group caption
    (``总体目标`` beside the two goals): no field; its text is blanked so the values beside
    it are read under the column labels."""
    above: list[LabelHit] | None = None
    for i, line in enumerate(lines):
        if line.blank:
            continue
        if hits[i] and _column_labels(hits[i], line.text):
            above = hits[i]
            continue
        if above is not None and hits[i] and all(h.end <= above[0].start for h in hits[i]):
            text = line.text
            for h in hits[i]:
                text = text[:h.start] + " " * (h.end - h.start) + text[h.end:]
            lines[i] = Line(line.page, line.index, text)
            hits[i] = []
        above = None if hits[i] else above


#: Lines below a label's first line its other lines may be printed on (a value centred
#: beside a two-line label sits on the line between them), and the most lines a label wraps.
_WRAP_GAP, _WRAP_LINES = 2, 3


def _blank_out(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _place(text: str, start: int, label: str) -> str:
    """``text`` with ``label`` written at ``start`` and a column gap after it; text already
    there moves right to make room (its values are read relative to the labels on the line);
    a column gap is kept after text already on the line before ``start``, and a label
    written back before it that reaches past ``start`` is never cut."""
    before, after = text[:start].ljust(start), text[start:]
    if before and not before[-1].isspace() and after and not after[0].isspace():
        tail = re.match(r"\S+", after)
        assert tail is not None
        before, after = before + tail.group(), after[tail.end():]
    if before.rstrip() and len(before.rstrip()) + 2 > len(before):  # text right before
        before = before.rstrip() + "  "
    gap = len(after) - len(after.lstrip())
    need = len(label) + 2
    if gap >= need:
        return before + label + after[len(label):]
    return before + label + "  " + after.lstrip()


def _words(text: str) -> list[Segment]:
    """Runs of text without any space: a label piece may be printed one space before a
    value."""
    return [Segment(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]


def _label_length(text: str, layout: Layout) -> int:
    """How much of ``text`` (compacted) a label opening it covers; 0 for none."""
    hit = label_at_start(text, layout)
    return len(compact(text[:hit.end])) if hit is not None else 0


def join_wrapped_labels(lines: Sequence[Line], layout: Layout) -> list[Line]:
    """Labels wrapped in a narrow label cell (``年度资金总`` / ``额：``, ``其中：财政`` /
    ``拨款``) written back as one label on the line between their pieces, where the value
    centred beside them is printed (on the first piece's line when the value follows that
    piece one space after it: ``该项目支 492.2`` / ``出上级资`` / ``金``). Pieces are runs
    of text one over the other (overlapping character columns, at most ``_WRAP_GAP`` lines
    apart); they are joined only when together they are a label of the profile that is
    longer than what the first piece alone reads.
    Every chain is found on the lines as printed, then all are written back left to right,
    so an outer label (``项目资金（万元）``) written back never hides the inner one beside it."""
    segs = [_words(ln.text) for ln in lines]
    taken: set[tuple[int, int]] = set()
    chains: list[tuple[int, int, str, list[tuple[int, Segment]]]] = []
    for k in range(len(lines)):
        for a in segs[k]:
            if (k, a.start) in taken:
                continue
            found = _wrapped(lines, segs, k, a, layout, _label_length(a.text, layout), taken)
            if found is None:
                continue
            pieces, label = found
            taken.update((j, seg.start) for j, seg in pieces)
            # written back where its value is: between its pieces (centred beside them),
            # or on the first piece's line when the value follows it there one space after
            value_after = lines[k].text[a.end:a.end + 2].startswith(" ") and (
                lines[k].text[a.end + 1:a.end + 2].strip() != "")
            line = k if value_after else (pieces[0][0] + pieces[-1][0]) // 2
            chains.append((line, a.start, label, pieces))
    texts = [ln.text for ln in lines]
    for _, _, _, pieces in chains:
        for j, seg in pieces:
            texts[j] = _blank_out(texts[j], seg.start, seg.end)
    for mid, start, label, _ in sorted(chains, key=lambda c: (c[0], c[1])):
        texts[mid] = _place(texts[mid], start, label)
    return [Line(ln.page, ln.index, text) for ln, text in zip(lines, texts, strict=True)]


def _wrapped(lines: Sequence[Line], segs: Sequence[list[Segment]], k: int, a: Segment,
             layout: Layout, own: int, taken: set[tuple[int, int]],
             ) -> tuple[list[tuple[int, Segment]], str] | None:
    """The longest chain of pieces from ``a`` down that together read as a label longer than
    ``own`` and nothing but it, if any."""
    best: tuple[list[tuple[int, Segment]], str] | None = None

    def grow(chain: list[tuple[int, Segment]]) -> None:
        nonlocal best
        if len(chain) > 1:
            text = "".join(s.text for _, s in chain)
            covered = _label_length(text, layout)
            if covered > own and covered >= len(compact(text)) and (
                    best is None or len(text) > len(best[1])):
                best = (list(chain), text)
        if len(chain) == _WRAP_LINES:
            return
        j0, last = chain[-1]
        for j in range(j0 + 1, min(j0 + 1 + _WRAP_GAP, len(lines))):
            if lines[j].page != lines[k].page:
                break
            for b in segs[j]:
                if (b.start < last.end + 1 and last.start < b.end + 1
                        and b.start >= a.start - 2 and (j, b.start) not in taken):
                    grow([*chain, (j, b)])

    grow([(k, a)])
    return best


def parse_header(lines: Sequence[Line], layout: Layout) -> Header:
    """Header fields of one form from the lines between its title and its indicator table."""
    printed = [ln.text for ln in lines]
    lines = join_wrapped_labels(lines, layout)
    rewritten = [ln.text != text for ln, text in zip(lines, printed, strict=True)]
    unit: MoneyUnit | None = None
    kept: list[Line] = []
    for ln in lines:
        for note in MONEY_NOTE_RE.finditer(ln.text):
            unit = unit or money_note(note.group(0))
        text = MONEY_NOTE_RE.sub(lambda m: " " * len(m.group(0)), ln.text)
        kept.append(Line(ln.page, ln.index, text))
    lines = kept
    hits = [accepted_hits(ln.text, layout) for ln in lines]
    _drop_captions(lines, hits)
    _drop_row_captions(lines, hits)
    heading_unit = _drop_group_headings(lines, hits, rewritten)
    unit = unit or heading_unit
    kinds = [_kind(ln, h, moved) for ln, h, moved in zip(lines, hits, rewritten, strict=True)]
    entries = {i: _LabelLine(lines[i], hits[i]) for i, k in enumerate(kinds) if k == "label"}
    for i, entry in entries.items():
        _label_line_values(entry, i)
    continued = wrapped_lines(lines) | frozenset(
        i for i, entry in entries.items()
        if any(options_unfinished(text) for pieces in entry.pieces.values()
               for _, text in pieces[-1:]))
    # ... but a value never goes on with a code: a line opening with one starts a value
    continued -= frozenset(i - 1 for i, kind in enumerate(kinds)
                           if kind == "free" and opens_with_code(lines[i].text.strip()))
    first_lines = frozenset(
        i for i, entry in entries.items()
        if any(entry.hits[h].label.field in CODE_FIELDS and opens_with_code(pieces[0][1])
               for h, pieces in entry.pieces.items() if pieces))
    owners = _owners(lines, kinds, continued, first_lines)
    # Labels over their columns print their values below them; labels with value text
    # above them too are row labels whose values are centred on them (主管部门 / 实施单位).
    with_text_above = {owner for i, owner in owners.items() if i < owner}
    over_lines = {o for o in set(owners.values()) - with_text_above
                  if _column_labels(entries[o].hits, entries[o].line.text)}
    placed: dict[int, list[tuple[int, Segment, int]]] = {}
    for i, owner in owners.items():
        entry = entries[owner]
        over = owner in over_lines
        for seg in line_segments(lines[i].text):
            if _BRACKETS.fullmatch(seg.text):
                continue  # the closing bracket of a wrapped label: 项目资金（万元 / ）
            hit_no = _column_owner(entry.hits, seg, over)
            if hit_no is not None:
                placed.setdefault(owner, []).append((i, seg, hit_no))
    for owner, found in placed.items():
        if owner in over_lines:
            found = _by_value_edges(found)
        for i, seg, hit_no in found:
            entries[owner].add(hit_no, i, seg.text)
    return _assemble(hits, entries, unit)


def _by_value_edges(found: list[tuple[int, Segment, int]]) -> list[tuple[int, Segment, int]]:
    """Texts under labels printed over their columns, first placed by the nearest label
    centre, then by the columns' left edges (where each column's text starts): a short last
    line of a right column (``收。``) starts at that column's edge though it is nearer the
    centre of the left one."""
    edges: dict[int, int] = {}
    for _, seg, hit_no in found:
        edges[hit_no] = min(edges.get(hit_no, seg.start), seg.start)
    order = sorted(edges, key=lambda h: edges[h])
    out = []
    for i, seg, hit_no in found:
        at = [h for h in order if edges[h] <= seg.start]
        out.append((i, seg, at[-1] if at else hit_no))
    return out


_BRACKETS = re.compile(r"[（()）]+")


def _kind(line: Line, hits: Sequence[LabelHit], rewritten: bool) -> str:
    """``sep``: a blank line as printed (the gap between rows) or a line of labels without
    values; ``label``; ``free``: value text, or a line emptied by writing a wrapped label
    back elsewhere (it sits inside rows, not between them)."""
    if line.blank:
        return "free" if rewritten else "sep"
    if hits and not _value_hits(hits):
        return "sep"
    return "label" if hits else "free"


def _assemble(hits: Sequence[list[LabelHit]], entries: dict[int, _LabelLine],
              unit: MoneyUnit | None) -> Header:
    values = FieldValues()
    for line_hits in hits:
        for hit in line_hits:
            if unit is None and hit.money_unit is not None:
                unit = hit.money_unit
    for i in sorted(entries):
        entry = entries[i]
        for hit_no, pieces in sorted(entry.pieces.items()):
            hit = entry.hits[hit_no]
            value = "\n".join(_join_same_line(pieces)).strip(" \u3000")
            printed = unknown_label(entry.line.text[hit.start:hit.end]) or hit.label.text
            name = hit.label.field
            if name is not None and not values.fields.get(name) and name in values.fields:
                del values.fields[name]  # printed empty before: a later value wins
            values.add(hit.label, printed, value)
    fields, extras = values.done()
    return Header(fields=fields, money_unit=unit, extra_fields=extras)


def _join_same_line(pieces: list[tuple[int, str]]) -> list[str]:
    """Pieces in line order; pieces from one line are joined with a space."""
    out: list[tuple[int, str]] = []
    for order, text in sorted(pieces, key=lambda p: p[0]):
        text = text.strip(" \u3000")
        if out and out[-1][0] == order:
            out[-1] = (order, out[-1][1] + " " + text)
        else:
            out.append((order, text))
    return [t for _, t in out]
