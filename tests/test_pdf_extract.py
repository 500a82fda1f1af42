"""PDF extractor: golden samples, generated perturbations, and the pure steps one by one."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.model import Form
from extractors.pdf.forms import (
    FormChunk,
    Placed,
    build_form,
    form_year,
    group_forms,
    read_pdf_forms,
    split_rows,
)
from extractors.pdf.grid import (
    Cell,
    Glyph,
    PageGrid,
    TableGrid,
    TextLine,
    build_page,
    glyphs_text,
    glyphs_to_lines,
    line_text,
    squeeze_cjk_spaces,
)
from extractors.pdf.header import HeaderRow, cell_label, read_header, row_pairs
from extractors.pdf.settings import PdfSettings
from extractors.pdf.tables import (
    Draft,
    Segment,
    aligned,
    header_columns,
    join_spans,
    read_indicators,
)
from extractors.table_columns import Columns, ColumnSpan
from extractors.vocabulary import compact, is_page_footer
from tests import pdf_fixtures as fx
from tests.support.truth import diff_forms, load_truth

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TRUTH = load_truth(SAMPLES / "truth.json")
SAMPLE_PDFS = sorted((SAMPLES / "docs").glob("*.pdf"))
S = PdfSettings()

needs_fonts = pytest.mark.skipif(not fx.fonts_available(), reason="CJK fonts not installed")


# --- golden: the shipped sample PDFs -----------------------------------------------------


@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda p: p.name[:3])
def test_sample_pdf_matches_truth(path: Path) -> None:
    doc = TRUTH[path.name]
    pages, forms = read_pdf_forms(path)
    assert pages == doc["pages"]
    assert diff_forms(forms, doc["projects"]) == []
    assert {f.layout for f in forms} == {doc["layout"]}
    assert all(f.has_target_column for f in forms)


def test_sample_form_pages_and_units() -> None:
    s05 = next(p for p in SAMPLE_PDFS if p.name.startswith("s05"))
    _, forms = read_pdf_forms(s05)
    assert [f.page for f in forms] == [1, 3, 6, 8, 10]
    assert {f.money_unit for f in forms} == {"yuan"}
    s06 = next(p for p in SAMPLE_PDFS if p.name.startswith("s06"))
    _, forms = read_pdf_forms(s06)
    assert [f.money_unit for f in forms] == ["wan_yuan", "wan_yuan"]


def test_values_keep_printed_line_breaks() -> None:
    s01 = next(p for p in SAMPLE_PDFS if p.name.startswith("s01"))
    _, forms = read_pdf_forms(s01)
    assert "\n" in forms[0].fields["project_name"]  # wraps in its cell; transforms join it
    assert "\n" in forms[0].fields["overview"]


def test_page_footers_do_not_leak() -> None:
    s10 = next(p for p in SAMPLE_PDFS if p.name.startswith("s10"))
    _, forms = read_pdf_forms(s10)
    for form in forms:
        for value in [*form.fields.values(), *(r.target_raw for r in form.indicators)]:
            assert not any(is_page_footer(line) for line in value.splitlines())


# --- generated PDFs: perturbations the samples do not show --------------------------------

LONG = fx.indicators(fx.SHANGHAI_ROWS, extra=40)


def _nat(k: int, extra: int = 0) -> fx.Project:
    return fx.project(k, indicators=fx.indicators(fx.NATIONAL_ROWS, extra=extra))


CASES: dict[str, tuple[list[fx.Project], str, fx.Options]] = {
    "spaced_labels+footer_of": ([fx.project(1), fx.project(2)], "shanghai",
                                fx.Options(spaced_labels=True, footer="of")),
    "halfwidth_labels": ([fx.project(1)], "shanghai", fx.Options(halfwidth_labels=True)),
    "no_colon": ([fx.project(1)], "shanghai", fx.Options(no_colon=True)),
    "span_page_break+repeat_header": ([fx.project(1, indicators=LONG)], "shanghai",
                                      fx.Options(repeat_header=True, footer="dash")),
    "span_label_repeat": ([fx.project(1, indicators=LONG)], "shanghai",
                          fx.Options(span_label_repeat=True)),
    "long_names+long_cells": ([fx.project(
        1, unit="上海市某某区人民政府办公室下属公共服务与信息化建设管理中心"
                "（上海市某某区大数据中心）",
        name="超长项目名称用于测试单元格内换行的情况以及更多文字内容",
        indicators=(fx.Indicator("产出目标", "数量", "基层医疗卫生机构健康教育专兼职人员"
                                 "培训覆盖率及社区居民健康素养监测样本完成率", "≥95%"),
                    *fx.indicators(fx.SHANGHAI_ROWS)))], "shanghai", fx.Options()),
    "long_paragraph+header_page_break": ([fx.project(1, overview="项目概况内容。" * 300,
                                                     basis="依据文件。" * 200)],
                                         "shanghai", fx.Options(footer="dash")),
    "header_page_break_at_row": ([fx.project(1), fx.project(2)], "shanghai",
                                 fx.Options(header_break="项目设立的必要性")),
    "stray_spaces+fullwidth+indent": ([fx.project(
        1, unit="上海市 示范 服务中心（分中心）", name="社区 服务 (能力) 提升项目",
        overview="　　第一段内容。\n    第二段内容。",
        indicators=(fx.Indicator("产出目标", "数 量", "举办 培训 班次", "＞＝85％"),
                    fx.Indicator("效果目标", "社会 效益", "居民 知晓率", "80％～90％")))],
        "shanghai", fx.Options()),
    "table_same_page_shanghai": ([fx.project(1), fx.project(2)], "shanghai",
                                 fx.Options(indicator_new_page=False)),
    "national+table_continues": ([_nat(1), _nat(2, extra=50)], "national",
                                 fx.Options(footer="dash")),
    "national+repeat_header+label_repeat": ([_nat(1, extra=50)], "national",
                                            fx.Options(repeat_header=True,
                                                       span_label_repeat=True)),
    "multi_project_12+cover": ([fx.project(k) for k in range(12)], "shanghai",
                               fx.Options(cover="目录与说明")),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not fx.fonts_available():
        pytest.skip("CJK fonts not installed")
    out = tmp_path_factory.mktemp("pdf")
    docs = {}
    for name, (projects, layout, opts) in CASES.items():
        path = out / f"{name}.pdf"
        pages, truth = fx.render(path, projects, layout, opts=opts)
        docs[name] = (path, pages, truth)
    return docs


@needs_fonts
@pytest.mark.parametrize("case", list(CASES))
def test_generated_pdf_matches_what_was_drawn(rendered: dict[str, Any], case: str) -> None:
    path, pages, truth = rendered[case]
    got_pages, forms = read_pdf_forms(path)
    assert got_pages == pages
    assert diff_forms(forms, truth) == []


@needs_fonts
def test_generated_cases_really_break_pages(rendered: dict[str, Any]) -> None:
    """Guard the generator: the page-break cases do put rows of one form on several pages."""
    for case in ("span_page_break+repeat_header", "span_label_repeat",
                 "national+table_continues"):
        _, _, truth = rendered[case]
        assert len({i["source_page"] for i in truth[-1]["indicators"]}) > 1, case


# --- pure steps: text --------------------------------------------------------------------


def _g(text: str, x0: float, top: float, size: float = 9.0) -> Glyph:
    return Glyph(text, x0, x0 + size, top, top + size, size)


def test_squeeze_cjk_spaces_keeps_latin_spacing() -> None:
    assert squeeze_cjk_spaces("项 目 名 称：") == "项目名称："
    assert squeeze_cjk_spaces("上海市　示范 中心") == "上海市示范中心"
    assert squeeze_cjk_spaces("PM2.5 年均浓度") == "PM2.5 年均浓度"
    assert squeeze_cjk_spaces("a b") == "a b"


@pytest.mark.parametrize("text", ["- 3 -", "－ 12 －", "第 3 页 共 9 页", "第3页", "3 / 9"])
def test_page_footers(text: str) -> None:
    assert is_page_footer(text)


@pytest.mark.parametrize("text", ["2021年绩效目标", "≥3", "按时", "100%"])
def test_not_page_footers(text: str) -> None:
    assert not is_page_footer(text)


def test_glyphs_group_into_lines_and_gaps_into_spaces() -> None:
    glyphs = [_g("乙", 20, 10.5), _g("甲", 10, 10), _g("丙", 10, 21), _g("A", 50, 10)]
    lines = glyphs_to_lines(glyphs, S.line_overlap)
    assert ["".join(g.text for g in line) for line in lines] == ["甲乙A", "丙"]
    assert line_text(lines[0], S.space_gap) == "甲乙 A"
    assert glyphs_text(glyphs, S) == "甲乙 A\n丙"


@given(st.lists(st.text(alphabet="项目名称上海市中心产出数量", min_size=1, max_size=12),
                min_size=1, max_size=6))
def test_lines_at_the_form_pitch_come_back_in_order(lines: list[str]) -> None:
    glyphs = [_g(ch, 10 + 9 * i, 100 + 10.5 * n) for n, line in enumerate(lines)
              for i, ch in enumerate(line)]
    assert glyphs_text(reversed(glyphs), S) == "\n".join(lines)


def test_build_page_puts_glyphs_in_cells_and_drops_footers() -> None:
    glyphs = [_g("标", 100, 20), _g("题", 109, 20), _g("名", 12, 52), _g("值", 112, 52),
              _g("-", 100, 800), _g("1", 109, 800), _g("-", 118, 800)]
    boxes = [[[(10.0, 50.0, 100.0, 70.0), (100.0, 50.0, 200.0, 70.0)]]]
    page = build_page(1, 1, glyphs, boxes, S)
    assert [[c.text for c in row] for row in page.tables[0].rows] == [["名", "值"]]
    assert [line.text for line in page.lines] == ["标题"]
    assert page.glyph_count == 7 and page.cid_count == 0


# --- pure steps: header ------------------------------------------------------------------


def _cell(text: str, x0: float, top: float = 0, x1: float | None = None,
          bottom: float | None = None) -> Cell:
    return Cell(text, x0, top, x0 + 50 if x1 is None else x1,
                top + 20 if bottom is None else bottom)


def test_cell_label_is_tolerant_but_not_fooled_by_values() -> None:
    for text in ("项目名称：", "项 目 名 称：", "项目名称:", "项目名称", "项目\n名称："):
        hit = cell_label(text, "shanghai")
        assert hit is not None and hit.label.field == "project_name", text
    assert cell_label("项目类别管理系统", "shanghai") is None
    assert cell_label("项目类别管理系统", "shanghai", strict=False) is not None
    hit = cell_label("项目总预算(元):", "shanghai")
    assert hit is not None and hit.money_unit == "yuan"


def test_row_pairs_label_value_and_inline_value() -> None:
    row = (_cell("项目名称：", 0), _cell("项目类别管理系统", 50), _cell("项目类别：", 100),
           _cell("经常性项目", 150))
    pairs, lead = row_pairs(row, "shanghai")
    assert [(h.label.field, v) for h, v in pairs] == [("project_name", "项目类别管理系统"),
                                                      ("project_category", "经常性项目")]
    assert lead == ""
    pairs, _ = row_pairs((_cell("申报单位名称：某某中心\n（分部）", 0, x1=500),), "shanghai")
    assert [(h.label.field, v) for h, v in pairs] == [("unit_name", "某某中心\n（分部）")]


def test_read_header_joins_a_narrative_split_by_a_page_break() -> None:
    rows = [HeaderRow((_cell("项目概况：", 0), _cell("第一页的文字", 50)), page=1),
            HeaderRow((_cell("", 0), _cell("第二页的文字", 50)), page=2, opens_page=True),
            HeaderRow((_cell("立项依据：", 0), _cell("依据", 50)), page=2)]
    header = read_header(rows, "shanghai")
    assert header.fields == {"overview": "第一页的文字\n第二页的文字", "basis": "依据"}
    assert header.money_unit is None and header.notes == ()


def test_read_header_notes_unknown_text_instead_of_guessing() -> None:
    rows = [HeaderRow((_cell("项目名称：", 0), _cell("甲", 50)), page=1),
            HeaderRow((_cell("这一行既没有标签，也不是上一格的续行。", 0),), page=1)]
    header = read_header(rows, "shanghai")
    assert header.fields == {"project_name": "甲"}
    assert len(header.notes) == 1


def test_read_header_keeps_labels_it_does_not_know_as_extra_fields() -> None:
    rows = [HeaderRow((_cell("项目名称：", 0), _cell("甲", 50)), page=1),
            HeaderRow((_cell("项目来源", 0), _cell("部门申报", 50),
                       _cell("预算执行率权重(%)：", 100), _cell("20", 150)), page=1)]
    header = read_header(rows, "national")
    assert header.fields == {"project_name": "甲"}
    # 项目来源 is a label the national profile keeps in extra_fields; the other is unknown
    assert dict(header.extra_fields) == {"项目来源": "部门申报", "预算执行率权重(%)": "20"}
    assert header.notes == ()


def test_read_header_national_money_unit_from_heading() -> None:
    rows = [HeaderRow((_cell("项目资金（万元）", 0, bottom=60), _cell("年度资金总额", 50),
                       _cell("52.80", 100)), page=1),
            HeaderRow((_cell("其中：财政拨款", 50, top=20), _cell("40.00", 100, top=20)), page=1)]
    header = read_header(rows, "national")
    assert header.money_unit == "wan_yuan"
    assert header.fields == {"total_budget": "52.80", "fiscal_appropriation": "40.00"}


# --- pure steps: indicator table ---------------------------------------------------------

XS = ((0.0, 60.0), (60.0, 140.0), (140.0, 360.0), (360.0, 500.0))
ROLES = ("level1", "level2", "level3", "target")
HEADINGS = ("一级目标", "二级目标", "三级目标", "指标目标值")
COLS = Columns(spans=tuple(ColumnSpan(r, None, h, x0, x1)
                           for r, h, (x0, x1) in zip(ROLES, HEADINGS, XS, strict=True)))


def test_header_columns_needs_the_level3_header() -> None:
    row = [_cell(t, x0, x1=x1) for t, (x0, x1) in zip(("一级目标", "二级目标", "三级目标",
                                                       "指标目标\n值"), XS, strict=True)]
    read = header_columns(row, "shanghai", 3)
    assert read is not None and read.columns == COLS and read.blocks == ()
    assert header_columns(row[:2], "shanghai", 2) is None
    other = header_columns(row, "national", 3)  # same columns, other layout's words
    assert other is not None and other.columns == COLS
    assert header_columns([_cell("指标值", 0)] * 4, "shanghai", 3) is None


def test_header_columns_reads_roles_period_markers_and_block_cells() -> None:
    texts = ("长期绩\n效指标", "一级指标", "二级指标（\n中期）", "三级指标（中期）",
             "指标值（中期）", "三级指标（年度）", "指标值（年度）", "备注", "得分说明")
    row = [_cell(t, 60.0 * i, x1=60.0 * (i + 1)) for i, t in enumerate(texts)]
    read = header_columns(row, "national", 3)
    assert read is not None
    assert [c.text for c in read.blocks] == ["长期绩\n效指标"]
    assert [(s.role, s.period) for s in read.columns.spans] == [
        ("level1", None), ("level2", "mid_term"), ("level3", "mid_term"),
        ("target", "mid_term"), ("level3", "annual"), ("target", "annual"),
        ("remarks", None), ("extra", None)]
    assert read.columns.periods() == ("mid_term", "annual")
    # the annual block shares the unmarked level 1 and has no level 2 of its own but the
    # mid-term one's is not borrowed: a marked column belongs to its block only
    assert read.columns.block("annual") == {"level1": 0, "level3": 4, "target": 5,
                                            "remarks": 6}


def test_aligned_only_under_the_level3_header() -> None:
    assert aligned([_cell("x", 141, x1=359)], COLS, 6)
    assert not aligned([_cell("x", 0, x1=500)], COLS, 6)


def _table_cells(rows: list[tuple[str, str, str, str]], top: float = 0,
                 blank_top: bool = False) -> list[Cell]:
    """Cells of a ruled indicator table, level cells merged over equal consecutive labels."""
    cells: list[Cell] = []
    for col in (0, 1):
        i = 0
        while i < len(rows):
            j = i
            while j + 1 < len(rows) and rows[j + 1][: col + 1] == rows[i][: col + 1]:
                j += 1
            text = "" if blank_top and i == 0 else rows[i][col]
            cells.append(Cell(text, XS[col][0], top + 20 * i, XS[col][1], top + 20 * (j + 1)))
            i = j + 1
    for i, r in enumerate(rows):
        for col in (2, 3):
            cells.append(Cell(r[col], XS[col][0], top + 20 * i, XS[col][1], top + 20 * (i + 1)))
    return cells


def test_read_indicators_fills_merged_cells_down_by_their_boxes() -> None:
    rows = [("产出目标", "数量", "甲", "1"), ("产出目标", "数量", "乙", "2"),
            ("产出目标", "质量", "丙", "3"), ("效果目标", "社会效益", "丁", "4")]
    got = read_indicators([Segment(1, COLS, tuple(_table_cells(rows)))], "shanghai")
    assert [(r.level1, r.level2, r.level3, r.target_raw, r.page) for r in got] == [
        (*r, 1) for r in rows]


def test_read_indicators_carries_a_merged_cell_over_the_page_break() -> None:
    a = [("产出目标", "数量", "甲", "1"), ("产出目标", "数量", "乙", "2")]
    b = [("产出目标", "数量", "丙", "3"), ("效果目标", "社会效益", "丁", "4")]
    segments = [Segment(1, COLS, tuple(_table_cells(a, top=500))),
                Segment(2, COLS, tuple(_table_cells(b, blank_top=True)))]
    got = read_indicators(segments, "shanghai")
    assert [(r.level1, r.level2, r.page) for r in got] == [
        ("产出目标", "数量", 1), ("产出目标", "数量", 1), ("产出目标", "数量", 2),
        ("效果目标", "社会效益", 2)]


def test_read_indicators_joins_a_row_cut_by_the_page_break() -> None:
    a = [("产出目标", "数量", "甲", "不少于")]
    b = [("产出目标", "数量", "", "3项")]
    got = read_indicators([Segment(1, COLS, tuple(_table_cells(a))),
                           Segment(2, COLS, tuple(_table_cells(b, blank_top=True)))],
                          "shanghai")
    assert [(r.level3, r.target_raw) for r in got] == [("甲", "不少于\n3项")]


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[tuple[str, str, str, str]], list[int], bool]:
    rows = []
    for a in range(draw(st.integers(1, 4))):
        for b in range(draw(st.integers(1, 3))):
            for c in range(draw(st.integers(1, 4))):
                rows.append((f"一级{a}", f"二级{a}{b}", f"三级{a}{b}{c}", f"目标{c}"))
    cuts = sorted(draw(st.sets(st.integers(1, len(rows) - 1), max_size=3))) if len(rows) > 1 \
        else []
    return rows, cuts, draw(st.booleans())


def _segments(rows: list[tuple[str, str, str, str]], cuts: list[int],
              repeat: bool) -> list[Segment]:
    """Cut a table at ``cuts``; a merged cell cut by a break prints its label on the first
    part only (or on every part when ``repeat``)."""
    segments = []
    bounds = [0, *cuts, len(rows)]
    for n, (lo, hi) in enumerate(pairwise(bounds)):
        cells = _table_cells(rows[lo:hi], top=100)
        if lo and not repeat:
            prev = rows[lo - 1]
            cells = [replace(c, text="") if c.top == 100 and c.x0 < 140 and (
                (c.x0 == 0 and rows[lo][0] == prev[0])
                or (c.x0 == 60 and rows[lo][:2] == prev[:2])) else c for c in cells]
        segments.append(Segment(n + 1, COLS, tuple(cells)))
    return segments


@settings(max_examples=150, deadline=None)
@given(_tables())
def test_stitching_recovers_every_label_whatever_the_page_breaks(
        table: tuple[list[tuple[str, str, str, str]], list[int], bool]) -> None:
    rows, cuts, repeat = table
    got = read_indicators(_segments(rows, cuts, repeat), "shanghai")
    assert [(r.level1, r.level2, r.level3, r.target_raw) for r in got] == rows
    pages = [1 + sum(i >= c for c in cuts) for i in range(len(rows))]
    assert [r.page for r in got] == pages


def test_join_spans_does_not_carry_level2_into_another_level1() -> None:
    d = [Draft(0, 1, "产出目标", "a", "数量", "b", "甲", "1"),
         Draft(1, 2, "效果目标", "c", "", "d", "乙", "2")]
    assert join_spans(d) == [("产出目标", "数量"), ("效果目标", "")]


# --- pure steps: forms -------------------------------------------------------------------


def _page(number: int, lines: list[str], tables: list[TableGrid]) -> PageGrid:
    text_lines = tuple(TextLine(t, 10.0 * i, 10.0 * i + 9, 0) for i, t in enumerate(lines))
    return PageGrid(number, 3, tuple(tables), text_lines, 10, 0)


def _grid(rows: list[list[tuple[str, int, int]]], top: float) -> TableGrid:
    return TableGrid(rows=tuple(tuple(Cell(t, x0, top + 20 * r, x1, top + 20 * r + 20)
                                      for t, x0, x1 in row) for r, row in enumerate(rows)))


def test_group_forms_cuts_at_titles_and_drops_a_cover_page() -> None:
    pages = [_page(1, ["目录"], []),
             _page(2, ["财 政 项 目 支 出 绩 效 目 标 表", "（2023年度）"], []),
             _page(3, ["项目支出绩效目标表（2024年度）"], []),
             _page(4, ["2025年度项目支出绩效目标表"], [])]
    chunks = list(group_forms(pages))
    assert [(c.layout, c.page) for c in chunks] == [("shanghai", 2), ("national", 3),
                                                    ("national", 4)]
    assert [form_year(c) for c in chunks] == ["2023", "2024", "2025"]


def test_split_rows_header_then_segments_across_pages() -> None:
    head = [[("项目名称：", 0, 60), ("甲", 60, 500)]]
    cols = [[("一级目标", 0, 60), ("二级目标", 60, 140), ("三级目标", 140, 360),
             ("指标目标值", 360, 500)]]
    body = [[("产出目标", 0, 60), ("数量", 60, 140), ("乙", 140, 360), ("1", 360, 500)]]
    footnote = [[("备注：无", 0, 500)]]
    blocks = (Placed(1, TextLine("财政项目支出绩效目标表", 0, 10, 0)),
              Placed(1, _grid(head, 100), True), Placed(2, _grid(cols + body, 50), True),
              Placed(3, _grid(body, 50), True), Placed(3, _grid(footnote, 200)))
    chunk = FormChunk("shanghai", 1, blocks)
    rows = split_rows(chunk, S)
    assert len(rows.header) == 1 and [s.page for s in rows.segments] == [2, 3]
    form = build_form(chunk, S)
    assert isinstance(form, Form)
    assert form.fields == {"project_name": "甲"}
    assert [(r.level3, r.page) for r in form.indicators] == [("乙", 2), ("乙", 3)]
    assert form.money_unit == "yuan" and form.has_target_column


def test_build_form_skips_a_title_with_nothing_under_it() -> None:
    chunk = FormChunk("national", 1, (Placed(1, TextLine("项目支出绩效目标表", 0, 10, 0)),))
    assert build_form(chunk, S) is None


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [{"snap_tolerance": -1}, {"strategy": "text"},
                                 {"line_overlap": 0}, {"cid_share": 1.5},
                                 {"min_column_headers": 5}])
def test_settings_reject_nonsense(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        PdfSettings(**bad)


def test_settings_are_frozen_and_feed_pdfplumber() -> None:
    s = PdfSettings(snap_tolerance=2)
    assert s.table_settings()["snap_tolerance"] == 2
    with pytest.raises(AttributeError):
        s.snap_tolerance = 4  # type: ignore[misc]
    assert compact("指标目标\n值") == "指标目标值"


# --- memory on a long file ---------------------------------------------------------------

# VmHWM, not ru_maxrss: Linux carries the parent's high-water mark (pytest's, hundreds of MB
# late in a run) into ru_maxrss across fork+exec, while VmHWM belongs to this process alone.
_MEASURE = """
import json, sys
from pathlib import Path
from extractors.pdf.forms import read_pdf_forms
from tests.support.truth import diff_forms
pages, forms = read_pdf_forms(Path(sys.argv[1]))
diffs = diff_forms(forms, json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
print(json.dumps({"pages": pages, "diffs": diffs,
                  "peak_mb": next(int(line.split()[1]) for line in open("/proc/self/status")
                                  if line.startswith("VmHWM:")) / 1024}))
"""


@needs_fonts
@pytest.mark.slow
def test_300_page_file_stays_under_400_mb(tmp_path: Path) -> None:
    """Pages are closed as they are read, so peak memory does not grow with the file."""
    import json
    import subprocess
    import sys

    projects = [fx.project(k, indicators=fx.indicators(fx.SHANGHAI_ROWS, extra=22, tag=str(k)))
                for k in range(100)]
    pdf, truth_file = tmp_path / "long.pdf", tmp_path / "truth.json"
    pages, truth = fx.render(pdf, projects, opts=fx.Options(footer="dash"))
    assert pages >= 300
    truth_file.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(pdf), str(truth_file)],
                         cwd=root, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["pages"] == pages and result["diffs"] == []
    assert result["peak_mb"] < 400, result["peak_mb"]
