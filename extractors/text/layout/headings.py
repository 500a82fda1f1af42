"""The column-header row of a ``-layout`` indicator table, found by its headings
(:func:`extractors.table_columns.read_headings`, the same rule the PDF reader uses), its
wrapped headings stacked from up to :data:`LayoutColumnSettings.max_header_lines` lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.model import Layout
from extractors.table_columns import Heading, heading_role, read_headings, with_group_row
from extractors.text.layout.align import HeaderBlock
from extractors.text.layout.lines import Line, Segment, line_segments
from extractors.vocabulary import caption_period


@dataclass(frozen=True, slots=True)
class LayoutColumnSettings:
    """Tuning of the heading-anchored reader.

    ``max_header_lines``: a wrapped heading such as ``二级指标（长期）`` printed in a narrow
    column takes up to five lines in the variants' exports (three characters a line), six
    leaves one for a taller font. ``min_headings``: as the PDF reader's
    ``PdfSettings.min_column_headers``."""

    max_header_lines: int = 6
    min_headings: int = 3


def stack_headings(lines: Sequence[Line], layout: Layout
                   ) -> tuple[list[tuple[Heading, int]], list[Heading]]:
    """The headings printed over ``lines``: runs of text on different lines that overlap
    horizontally are one wrapped heading, read top to bottom, with the first line of each;
    and apart, the group captions over column blocks (``长期绩效指标`` over 二级 / 三级指标 /
    指标值), which stand over several headings."""
    clusters: list[tuple[float, float, list[tuple[int, str]]]] = []
    captions: list[Heading] = []
    segments = _split_by_neighbours([line_segments(line.text) for line in lines], layout)
    for k, line_segs in enumerate(segments):
        for seg in line_segs:
            if caption_period(seg.text, layout) is not None and \
                    heading_role(seg.text, layout) is None:
                captions.append(Heading(seg.text, seg.start, seg.end))
                continue
            for c, (x0, x1, parts) in enumerate(clusters):
                if seg.start < x1 and x0 < seg.end and all(j != k for j, _ in parts):
                    clusters[c] = (min(x0, seg.start), max(x1, seg.end), [*parts, (k, seg.text)])
                    break
            else:
                clusters.append((seg.start, seg.end, [(k, seg.text)]))
    out = [(Heading("".join(t for _, t in sorted(parts)), x0, x1), min(j for j, _ in parts))
           for x0, x1, parts in clusters]
    return sorted(out, key=lambda h: h[0].x0), captions


def _split_by_neighbours(segments: Sequence[list[Segment]], layout: Layout
                         ) -> list[list[Segment]]:
    """Each line's segments, a segment holding single spaces cut at them where another line
    of the stack prints apart pieces that each stand under one of its words (``一级指 二级指``
    over `` 标   标``), or where each of its words is a heading of a known role and the whole
    is none (``一级指标 二级指标``): headings in narrow columns print one space apart."""
    out: list[list[Segment]] = []
    for k, line_segs in enumerate(segments):
        cut: list[Segment] = []
        for seg in line_segs:
            words = _words(seg)
            if len(words) > 1 and (_all_headings(words, seg, layout) or any(
                    _stands_under(words, seg, other)
                    for j, other in enumerate(segments) if j != k)):
                cut.extend(words)
            else:
                cut.append(seg)
        out.append(cut)
    return out


def _all_headings(words: Sequence[Segment], seg: Segment, layout: Layout) -> bool:
    def known(text: str) -> bool:
        role = heading_role(text, layout)
        return role is not None and role.role != "extra"

    return not known(seg.text) and all(known(w.text) for w in words)


def _words(seg: Segment) -> list[Segment]:
    return [Segment(seg.start + m.start(), seg.start + m.end(), m.group())
            for m in re.finditer(r"\S+", seg.text)]


def _stands_under(words: Sequence[Segment], seg: Segment, other: Sequence[Segment]) -> bool:
    """Do two or more of ``other``'s segments overlap ``seg``, each exactly one of its words,
    no two the same?"""
    def overlaps(a: Segment, b: Segment) -> bool:
        return a.start < b.end and b.start < a.end

    hit: list[int] = []
    for o in other:
        if not overlaps(o, seg):
            continue
        over = [w for w, word in enumerate(words) if overlaps(o, word)]
        if len(over) != 1:
            return False
        hit.append(over[0])
    return len(hit) >= 2 and len(set(hit)) == len(hit)


def read_header_at(lines: Sequence[Line], i: int, layout: Layout,
                   settings: LayoutColumnSettings) -> HeaderBlock | None:
    """The column-header row starting at ``lines[i]``, if one does: of the stacks of 1 to
    ``max_header_lines`` consecutive non-blank lines, the one reading most headings."""
    if lines[i].blank:
        return None
    best: tuple[int, HeaderBlock] | None = None
    for count in range(1, settings.max_header_lines + 1):
        j = i + count - 1
        if j >= len(lines) or lines[j].blank or lines[j].page != lines[i].page:
            break
        stacked, captions = stack_headings(lines[i:j + 1], layout)
        read = read_headings([h for h, _ in stacked], layout, settings.min_headings)
        if read is None:
            continue
        if len(captions) >= 2:
            read = with_group_row(read, captions, layout)
        known = sum(s.role != "extra" for s in read.columns.spans)
        if count > 1 and not _opens_known(stacked, layout) and not stack_headings(
                lines[i:i + 1], layout)[1]:
            continue  # the first line opens no known heading nor caption: text above
        score = 10 * known - (len(read.columns.spans) - known)
        if best is None or score > best[0]:
            blocks = tuple(stacked[b][0].text for b in read.blocks)
            if len(captions) == 1:  # one block heading over the whole table (长期绩效指标)
                blocks = (*blocks, captions[0].text)
            best = (score, HeaderBlock(i, count, read.columns, blocks))
    return best[1] if best is not None else None


def _opens_known(stacked: Sequence[tuple[Heading, int]], layout: Layout) -> bool:
    """Does the first line of a stack of lines open a heading of a known role?"""
    for heading, first in stacked:
        role = heading_role(heading.text, layout)
        if first == 0 and role is not None and role.role != "extra":
            return True
    return False


def headers_of(page: Sequence[Line], layout: Layout,
             settings: LayoutColumnSettings) -> dict[int, HeaderBlock]:
    """The column-header rows of a page, by the index of their first line."""
    out: dict[int, HeaderBlock] = {}
    i = 0
    while i < len(page):
        found = read_header_at(page, i, layout, settings)
        if found is not None:
            out[i] = found
            i += found.count
        else:
            i += 1
    return out
