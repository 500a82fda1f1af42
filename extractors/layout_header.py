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

from extractors.layout_lines import Line, line_segments
from extractors.layouts import LabelHit, find_labels
from extractors.model import Layout, MoneyUnit

_GAP_BEFORE = re.compile(r"(?:^\s*|\s{2,})$")
_GAP_AFTER = re.compile(r"^(?:\s{2,}|\s*$)")


@dataclass(frozen=True, slots=True)
class Header:
    """Printed header values by canonical field, and the money unit a label printed."""

    fields: dict[str, str]
    money_unit: MoneyUnit | None


@dataclass(slots=True)
class _LabelLine:
    line: Line
    hits: list[LabelHit]
    pieces: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, hit_no: int, order: int, text: str) -> None:
        self.pieces.setdefault(hit_no, []).append((order, text))


def accepted_hits(text: str, layout: Layout) -> list[LabelHit]:
    """Label hits that really are labels: followed by a colon, or standing alone between
    column gaps (narratives may mention a label's words in passing)."""
    out = []
    for hit in find_labels(text, layout):
        end = hit.start + len(text[hit.start : hit.end].rstrip())
        has_colon = text[end - 1] in "：:"
        alone = bool(_GAP_BEFORE.search(text[: hit.start])) and bool(
            _GAP_AFTER.match(text[end:])
        )
        if has_colon or alone:
            out.append(hit)
    return out


def _value_hits(hits: Sequence[LabelHit]) -> list[int]:
    return [i for i, h in enumerate(hits) if h.label.field is not None]


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


def _owners(lines: Sequence[Line], kinds: Sequence[str]) -> dict[int, int]:
    """For each free line, the index of the label line it belongs to."""
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
            keep = _split_run(above, len(run))
            owner.update({i: a for i in run[:keep]})
            owner.update({i: b for i in run[keep:]})
            above = len(run) - keep
        owner.update({i: labels[-1] for i in block if i > labels[-1]})
        if pending:
            owner.update({i: labels[0] for i in pending})
            pending = []
        last_label = labels[-1]
    return owner


def _column_owner(hits: Sequence[LabelHit], start: int) -> int | None:
    """The value-bearing label whose column a text starting at ``start`` falls in."""
    candidates = _value_hits(hits)
    if not candidates:
        return None
    chosen = candidates[0]
    for i in candidates:
        if hits[i].start <= start:
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


def parse_header(lines: Sequence[Line], layout: Layout) -> Header:
    """Header fields of one form from the lines between its title and its indicator table."""
    hits = [accepted_hits(ln.text, layout) for ln in lines]
    kinds = [
        "sep" if ln.blank or (h and not _value_hits(h)) else "label" if h else "free"
        for ln, h in zip(lines, hits, strict=True)
    ]
    entries = {i: _LabelLine(lines[i], hits[i]) for i, k in enumerate(kinds) if k == "label"}
    for i, entry in entries.items():
        _label_line_values(entry, i)
    for i, owner in _owners(lines, kinds).items():
        entry = entries[owner]
        for seg in line_segments(lines[i].text):
            hit_no = _column_owner(entry.hits, seg.start)
            if hit_no is not None:
                entry.add(hit_no, i, seg.text)
    return _assemble(hits, entries)


def _assemble(hits: Sequence[list[LabelHit]], entries: dict[int, _LabelLine]) -> Header:
    fields: dict[str, str] = {}
    unit: MoneyUnit | None = None
    for line_hits in hits:
        for hit in line_hits:
            if unit is None and hit.money_unit is not None:
                unit = hit.money_unit
    for i in sorted(entries):
        entry = entries[i]
        for hit_no, pieces in sorted(entry.pieces.items()):
            name = entry.hits[hit_no].label.field
            if name is None:
                continue
            value = "\n".join(_join_same_line(pieces)).strip(" \u3000")
            if name not in fields or (not fields[name] and value):
                fields[name] = value
    return Header(fields=fields, money_unit=unit)


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
