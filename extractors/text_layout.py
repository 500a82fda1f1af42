"""Parser for text exports made with ``pdftotext -layout``.

-layout keeps the page geometry as character columns and line positions, so this parser
reads the forms the way the PDF extractor does, only on a character grid: a form starts at
its title, its header block runs to the indicator table, and the table runs to the next
title. The header is in :mod:`extractors.layout_header`, the table in
:mod:`extractors.layout_table`, the merged-cell geometry in :mod:`extractors.layout_spans`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from extractors.layout_header import parse_header
from extractors.layout_lines import Line, document_lines
from extractors.layout_table import is_column_header, is_table_heading, table_rows
from extractors.layouts import default_money_unit, find_title, find_year
from extractors.model import Form, Layout

_YEAR_LOOKAHEAD = 3


def parse_pdftotext_layout(text: str) -> list[Form]:
    """Forms in file order from the decoded text of a `pdftotext -layout` export."""
    lines = document_lines(text)
    return [_form(part, layout) for part, layout in lines_to_form_parts(lines)]


def lines_to_form_parts(lines: Sequence[Line]) -> list[tuple[list[Line], Layout]]:
    """The lines of each form, from its title line to the next title."""
    starts = [(i, lay) for i, ln in enumerate(lines) if (lay := find_title(ln.text)) is not None]
    if not starts:
        return []
    bounds = [s for s, _ in starts[1:]] + [len(lines)]
    return [(list(lines[s:e]), lay) for (s, lay), e in zip(starts, bounds, strict=True)]


def _year(lines: Sequence[Line]) -> tuple[str | None, int]:
    """The fiscal year under the title and the index of the first line after it."""
    for i, line in enumerate(lines[1 : 1 + _YEAR_LOOKAHEAD], start=1):
        year = find_year(line.text)
        if year is not None:
            return str(year), i + 1
    return None, 1


def _table_start(lines: Sequence[Line], layout: Layout) -> int:
    for i, line in enumerate(lines):
        if is_table_heading(line.text) or is_column_header(line.text, layout):
            return i
    return len(lines)


def split_pages(lines: Sequence[Line]) -> list[list[Line]]:
    return [list(group) for _, group in groupby(lines, key=lambda ln: ln.page)]


def _form(lines: list[Line], layout: Layout) -> Form:
    year, body_start = _year(lines)
    body = lines[body_start:]
    cut = _table_start(body, layout)
    header = parse_header(body[:cut], layout)
    fields = dict(header.fields)
    if year is not None:
        fields["year"] = year
    table = body[cut:]
    return Form(
        layout=layout,
        page=lines[0].page,
        fields=fields,
        indicators=tuple(table_rows(split_pages(table), layout)),
        money_unit=header.money_unit or default_money_unit(layout),
        has_target_column=any(is_column_header(ln.text, layout) for ln in table),
    )
