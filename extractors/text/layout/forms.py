"""Parser for text exports made with ``pdftotext -layout``.

-layout keeps the page geometry as character columns and line positions, so this parser
reads the forms the way the PDF extractor does, only on a character grid: a form starts at
its title, its header block runs to the indicator table, and the table runs to the next
title. The header is in :mod:`extractors.text.layout.header`, the table in
:mod:`extractors.text.layout.table`, the merged-cell geometry in
:mod:`extractors.text.layout.spans`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby, islice

from extractors.model import Form, Layout
from extractors.text.layout.align import HeaderBlock
from extractors.text.layout.columns import read_layout_table
from extractors.text.layout.header import parse_header
from extractors.text.layout.headings import LayoutColumnSettings, read_header_at
from extractors.text.layout.lines import Line, document_lines
from extractors.text.layout.table import is_column_header, is_table_heading, table_rows
from extractors.vocabulary import (
    block_period,
    default_money_unit,
    default_period,
    find_title,
    find_year,
    find_year_line,
    is_sign_off_line,
    refused_title,
    title_year,
)

_YEAR_LOOKAHEAD = 3
_COLUMNS = LayoutColumnSettings()


def parse_pdftotext_layout(text: str) -> list[Form]:
    """Forms in file order from the decoded text of a `pdftotext -layout` export."""
    lines = document_lines(text)
    return [_form(part, layout) for part, layout in lines_to_form_parts(lines)]


def lines_to_form_parts(lines: Sequence[Line]) -> list[tuple[list[Line], Layout]]:
    """The lines of each form, from its title line to the next title (or to the title of a
    table that is no target table, such as a self-evaluation table, whose lines are
    dropped)."""
    starts: list[tuple[int, Layout | None]] = []
    for i, ln in enumerate(lines):
        lay = find_title(ln.text)
        if lay is not None or refused_title(ln.text) is not None:
            starts.append((i, lay))
    bounds = [s for s, _ in starts[1:]] + [len(lines)]
    return [(list(lines[s:e]), lay) for (s, lay), e in zip(starts, bounds, strict=False)
            if lay is not None]


def _year(lines: Sequence[Line]) -> tuple[str | None, int]:
    """The fiscal year on or under the title and the index of the first line after it."""
    on_title = title_year(lines[0].text) if lines else None
    if on_title is not None:
        return str(on_title), 1
    for i, line in enumerate(lines[1 : 1 + _YEAR_LOOKAHEAD], start=1):
        year = find_year(line.text) or find_year_line(line.text)
        if year is not None:
            return str(year), i + 1
    return None, 1


def _table_start(lines: Sequence[Line], layout: Layout) -> tuple[int, HeaderBlock | None]:
    """Where the indicator table starts, and its column-header row as the heading-anchored
    reader (:mod:`extractors.text.layout.columns`) reads it, if it can."""
    for i, line in enumerate(lines):
        found = read_header_at(lines, i, layout, _COLUMNS)
        if found is not None:
            return i, found
        if is_table_heading(line.text) or is_column_header(line.text, layout):
            return i, None
        if not line.blank and block_period(line.text, layout, whole=True) is not None:
            return i, _header_below(lines, i, layout)  # 长期绩效指标 over the table
    return len(lines), None


def _header_below(lines: Sequence[Line], i: int, layout: Layout) -> HeaderBlock | None:
    """The column-header row of the table a block heading at ``lines[i]`` stands over: on
    one of the next three printed lines, blank lines and a page break between them aside
    (the heading may close a page, its table open the next)."""
    printed = (k for k in range(i + 1, len(lines)) if not lines[k].blank)
    for k in islice(printed, 3):
        found = read_header_at(lines, k, layout, _COLUMNS)
        if found is not None:
            return found
    return None


def split_pages(lines: Sequence[Line]) -> list[list[Line]]:
    return [list(group) for _, group in groupby(lines, key=lambda ln: ln.page)]


def _form(lines: list[Line], layout: Layout) -> Form:
    year, body_start = _year(lines)
    body = lines[body_start:]
    cut, header_row = _table_start(body, layout)
    header = parse_header(body[:cut], layout)
    fields = dict(header.fields)
    if year is not None:
        fields["year"] = year
    table = body[cut:]
    end = next((k for k, ln in enumerate(table) if is_sign_off_line(ln.text)), len(table))
    table = table[:end]  # the sign-off rows under the table (审核意见, seal, date) end it
    if header_row is not None:  # read by its headings; the row names the columns
        indicators = read_layout_table(split_pages(table), layout, default_period(layout),
                                       _COLUMNS)
        has_target = header_row.columns.has("target")
    else:  # no column-header row the headings reader knows: the classic four columns
        indicators = table_rows(split_pages(table), layout)
        has_target = any(is_column_header(ln.text, layout) for ln in table)
    return Form(
        layout=layout,
        page=lines[0].page,
        fields=fields,
        indicators=tuple(indicators),
        money_unit=header.money_unit or default_money_unit(layout),
        has_target_column=has_target,
        extra_fields=header.extra_fields,
    )
