"""Tests of the ``pdftotext -layout`` parser: golden files, units, properties.

Fixtures in tests/fixtures/layout/ are the two shipped -layout samples (s04, s08) and the
-layout exports (``pdftotext -layout``, poppler) of the four sample PDFs (s01, s05, s06, s10).
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.table_columns import Columns, ColumnSpan
from extractors.text.layout.align import HeaderBlock, TablePart, align, line_words
from extractors.text.layout.columns import (
    _full_row_centres,
    _level3_cells,
    _nearest,
    _top_aligned,
    join_known,
)
from extractors.text.layout.forms import parse_pdftotext_layout
from extractors.text.layout.header import (
    accepted_hits,
    join_wrapped_labels,
    parse_header,
    wrapped_lines,
)
from extractors.text.layout.headings import stack_headings
from extractors.text.layout.lines import Line, document_lines, line_segments
from extractors.text.layout.spans import Extent, Fragment, assign_labels
from extractors.text.layout.vertical import TIGHT_PAD, RowLines, vertical_model
from extractors.vocabulary import caption_period, is_sign_off_line, options_unfinished
from extractors.vocabulary import is_page_footer as is_footer
from tests.support.truth import diff_forms, load_truth

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "layout"
TRUTH = load_truth(ROOT / "samples" / "truth.json")
GOLDEN = ["s01", "s04", "s05", "s06", "s08", "s10"]


def _truth_for(stem: str) -> list[dict[str, object]]:
    name = next(n for n in TRUTH if n.startswith(stem + "_"))
    projects: list[dict[str, object]] = TRUTH[name]["projects"]
    return projects


def _fixture(stem: str) -> str:
    return (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")


def _rows(text: str) -> list[tuple[str | None, str | None, str, str]]:
    return [
        (r.level1, r.level2, "".join(r.level3.split()), "".join(r.target_raw.split()))
        for f in parse_pdftotext_layout(text)
        for r in f.indicators
    ]


# --- golden ---------------------------------------------------------------------------


@pytest.mark.parametrize("stem", GOLDEN)
def test_golden_matches_truth(stem: str) -> None:
    forms = parse_pdftotext_layout(_fixture(stem))
    assert diff_forms(forms, _truth_for(stem)) == []


def test_form_pages_and_units() -> None:
    forms = parse_pdftotext_layout(_fixture("s08"))
    assert [f.page for f in forms] == [1, 3]
    assert all(f.layout == "national" and f.money_unit == "wan_yuan" for f in forms)
    assert all(f.has_target_column for f in forms)
    shanghai = parse_pdftotext_layout(_fixture("s04"))
    assert [f.money_unit for f in shanghai] == ["yuan", "yuan"]
    assert shanghai[0].fields["year"] == "2020"


def test_crlf_and_bom_are_normalised() -> None:
    text = _fixture("s04")
    assert _rows("\ufeff" + text.replace("\n", "\r\n")) == _rows(text)


# --- units ----------------------------------------------------------------------------


def test_segments_split_on_two_spaces_not_one() -> None:
    segs = line_segments("  受益 学生人数    >=3500人")
    assert [(s.start, s.text) for s in segs] == [(2, "受益 学生人数"), (13, ">=3500人")]


@pytest.mark.parametrize("text", ["- 3 -", "   第 3 页 共 9 页", "第3页", "共 9 页 第 3 页"])
def test_footers(text: str) -> None:
    assert is_footer(text)


def test_footer_lines_are_blanked() -> None:
    lines = document_lines("a\n    - 1 -\fb\n第 2 页 共 2 页\f")
    assert [(ln.page, ln.text) for ln in lines] == [(1, "a"), (1, ""), (2, "b"), (2, "")]


def test_label_in_a_sentence_is_not_a_label() -> None:
    assert accepted_hits("开展项目名称核对工作", "shanghai") == []
    assert [h.label.field for h in accepted_hits("项 目 名 称：  某项目", "shanghai")] == [
        "project_name"
    ]
    assert [h.label.field for h in accepted_hits("  项目名称     某项目", "national")] == [
        "project_name"
    ]


def test_label_centred_between_rows_covers_both() -> None:
    rows = [Extent(0, 2), Extent(2, 4), Extent(4, 6), Extent(6, 8)]
    frags = [Fragment(1, "A", y=2.0, slack=0.5), Fragment(5, "B", y=6.0, slack=0.5)]
    assert assign_labels(rows, frags, None) == ["A", "A", "B", "B"]


def test_leading_rows_keep_the_carried_label() -> None:
    rows = [Extent(0, 2), Extent(2, 4), Extent(4, 6)]
    assert assign_labels(rows, [Fragment(3, "B", y=5.0, slack=0.25)], "A") == ["A", "A", "B"]


def test_wrapped_label_fragments_join() -> None:
    rows = [Extent(0, 2), Extent(2, 4), Extent(4, 6)]
    frags = [Fragment(2, "服务对象满意度指", y=2.0, slack=0.5), Fragment(4, "标", y=4.0, slack=0.5)]
    assert assign_labels(rows, frags, None) == ["服务对象满意度指\n标"] * 3


def test_breaks_keep_level2_inside_level1() -> None:
    rows = [Extent(0, 2), Extent(2, 4), Extent(4, 6)]
    frags = [Fragment(1, "A", y=2.0, slack=1.0)]
    assert assign_labels(rows, frags, "Z", breaks=frozenset({1})) == ["Z", "A", "A"]


def test_vertical_model_gives_wrapped_rows_their_height() -> None:
    rows = [RowLines((0,), (0,)), RowLines((2, 3, 4), (2, 4)), RowLines((6,), (6,))]
    model = vertical_model(rows)
    assert model.tops == (0.0, 2.0, 5.0, 7.0)
    assert model.y(3)[0] == pytest.approx(3.5)
    assert model.y(5)[0] == pytest.approx(5.0)


SHANGHAI_TABLE = """\
                          财政项目支出绩效目标表
                             （2021年度）
申报单位名称：某单位

项目名称：           某项目                项目类别：         经常性项目
\f                        2021年绩效目标
一级目标    二级目标               三级目标               指标目标值

               名称甲                       ≥1次
        数量
               名称乙乙乙乙乙乙乙乙乙乙
                                       =2个
               丙丙丙
产出目标
        质量   名称丁                       合格

影响力目标   长效管理   名称戊                 健全
"""


def test_wrapped_level3_joins_the_row_it_is_centred_on() -> None:
    assert _rows(SHANGHAI_TABLE) == [
        ("产出目标", "数量", "名称甲", "≥1次"),
        ("产出目标", "数量", "名称乙乙乙乙乙乙乙乙乙乙丙丙丙", "=2个"),
        ("产出目标", "质量", "名称丁", "合格"),
        ("影响力目标", "长效管理", "名称戊", "健全"),
    ]


def test_header_value_wraps_around_its_label() -> None:
    form = parse_pdftotext_layout(_fixture("s04"))[0]
    assert form.fields["project_name"].split("\n") == ["青少年科技节暨“小小科学", "家”评选活动"]
    assert form.fields["measures"] == ""


def test_two_labels_wrapped_on_one_line_are_both_joined() -> None:
    """``项目资金（万`` / ``元）`` and ``其中：财政拨`` / ``款`` wrapped side by side: joining the
    first moves the second, which must still be joined, and the two keep a column gap."""
    lines = document_lines(
        "         中期资金总额：2597.92          年度资金总额：811.85\n\n"
        "项目资金（万 其中：财政拨                                730.66\n"
        "  元）      款\n\n"
        "项目资金（   其中：财政拨\n"
        "                                             263.59\n"
        " 万元）       款\n")
    joined = [ln.text.split() for ln in join_wrapped_labels(lines, "national")]
    assert joined[2] == ["项目资金（万元）", "其中：财政拨款", "730.66"]
    assert joined[6] == ["项目资金（万元）", "其中：财政拨款", "263.59"]


def test_an_outer_label_written_back_keeps_the_inner_label_beside_it() -> None:
    """An outer label wrapped over three lines (``经费总额及构`` / ``成（万元`` / ``）``) and the
    inner one beside it (``其中：财政`` / ``拨款``) are both joined, the inner one kept whole
    and a column gap apart even where the outer one, written back, is wider than its cell."""
    lines = document_lines(
        "经费总额及构\n"
        "成（万元   其中：财政                                  12.50\n"
        "   ）       拨款\n"
        "         其他资金                                   3.00\n")
    joined = [ln.text.split() for ln in join_wrapped_labels(lines, "national")]
    assert joined[1][-2:] == ["其中：财政拨款", "12.50"]
    assert "其他资金" in joined[3] and "拨款" not in " ".join(joined[2] + joined[3])


def test_options_cut_after_an_option_go_on_to_the_next_line() -> None:
    assert options_unfinished("新增项目□延续项目☑其")
    assert not options_unfinished("新增项目□延续项目☑")
    assert not options_unfinished("☑新增 □延续")  # boxes before: nothing shows a cut
    assert not options_unfinished("常年项目")
    text = ("                    项目绩效目标表（2024年度）\n"
            "    项目名称         某某设备购置\n"
            "    项目属性         新增项目□延续项目☑其            主管部门         某某局\n"
            "                 他□\n"
            "   主管部门编码        123                    项目单位         某某中心\n")
    form = parse_pdftotext_layout(text)[0]
    assert form.fields["project_attribute"].split("\n") == ["新增项目□延续项目☑其", "他□"]
    assert form.fields["supervising_dept_code"] == "123"


def test_a_value_wrapped_at_its_cell_edge_stays_with_its_label() -> None:
    """Labels printed on the first line of their values (not centred): a line that runs to
    the column's wrap edge without ending a sentence goes on below, so the lines under it
    are its own, not the next label's."""
    header = ("      项目概况      某某经费用于本单位年度重点工作，覆盖辖区内全部的街道社区和乡\n"
              "                镇。\n"
              "      长期目标      目标1：完善设施，提升服务能力和水平，保障运行。目标2：开展\n"
              "                培训，提升人员业务能力。\n"
              "      年度目标      完成年度任务。\n")
    lines = document_lines(header)
    assert wrapped_lines(lines) == frozenset({0, 2})
    form = parse_pdftotext_layout("                    绩效目标表（2024年度）\n" + header)[0]
    assert form.fields["overview"].endswith("乡\n镇。")
    assert form.fields["long_term_goal"].endswith("开展\n培训，提升人员业务能力。")
    assert form.fields["overall_goal"] == "完成年度任务。"


def test_a_value_opening_with_its_code_starts_on_its_label_line() -> None:
    """``(159)某某区文`` / ``化和旅游局``: the code shows the label is printed on its value's
    first line, so the line under it goes on that value, not on the next label's."""
    text = ("                    绩效目标表（2024年度）\n"
            "     主管部门       (159)某某市某某区文         实施单位   某某馆\n"
            "                化和旅游局\n"
            "     项目来源       本级申报项目               项目期    2024年1月至12月\n")
    form = parse_pdftotext_layout(text)[0]
    assert form.fields["supervising_dept"] == "某某市某某区文\n化和旅游局"
    assert form.fields["supervising_dept_code"] == "159"
    assert dict(form.extra_fields)["项目来源"] == "本级申报项目"


def test_a_line_opening_with_a_code_does_not_continue_the_value_above() -> None:
    """A project name as long as the wrap column, then ``[201]某某市…`` wrapped around its
    label below: the code opens the next label's value, it does not go on the name."""
    text = ("                    项目支出绩效目标批复表\n"
            "                         (2025年度)\n"
            "      项目名称           2025年城区道路养护服务采购\n"
            "                     [201]某某市某某区城市管\n"
            "    主管部门及代码                           实施单位    某某区道路养护中心\n"
            "                     理局\n"
            "      项目属性           常年项目               项目期     3年\n")
    form = parse_pdftotext_layout(text)[0]
    assert form.fields["project_name"] == "2025年城区道路养护服务采购"
    assert form.fields["supervising_dept_code"] == "201"
    assert form.fields["supervising_dept"] == "某某市某某区城市管\n理局"


def test_a_short_last_line_of_a_right_column_stays_in_that_column() -> None:
    text = ("                    绩效目标表（2024年度）\n"
            "                        长期目标                                年度目标\n"
            "  总体目标      完成培训30期，培育经营主体。         目标1：防控病虫害，保障"
            "农产品稳定供给。目标2：\n"
            "                                            改善人居环境，建设宜居乡村。目标3："
            "促进农民增\n"
            "                                            收。\n")
    form = parse_pdftotext_layout(text)[0]
    assert form.fields["long_term_goal"] == "完成培训30期，培育经营主体。"
    assert form.fields["overall_goal"].endswith("促进农民增\n收。")


def test_a_line_opening_with_a_noted_label_and_its_value_is_a_label() -> None:
    hits = accepted_hits("填报单位（盖章）：某某服务中心                      单位：万元",
                         "national")
    assert [(h.label.text, h.label.kind) for h in hits] == [("填报单位(盖章)", "extra")]  # NFKC
    assert accepted_hits("  具体措施如下：一是加强管理", "national") == []  # a narrative


def test_a_value_label_one_space_before_its_figure_after_a_gap_is_a_label() -> None:
    """A money or extra label printed right of another value, its figure one space after it:
    the value beside it ends at the gap, the figure is the label's."""
    line = "   年度本级预算金额      26.5万              该项目支出上级资金 8.0"
    assert [h.label.text for h in accepted_hits(line, "national")] == [
        "年度资金总额", "该项目支出上级资金"]
    # inside a run of text (no gap before it) the same words are no label
    assert accepted_hits("  本年度绩效目标      争取该项目支出上级资金 8 类", "national")[1:] == []


def test_a_label_opening_a_run_one_space_before_its_value_is_a_label() -> None:
    """Chinese prints no spaces: a known label opening a run with one space before the
    text after it is a label, whatever the value (a narrative's words run on)."""
    hits = accepted_hits(" 项目立项情况     项目申报的可行性 经论证切实可行", "national")
    assert [h.label.text for h in hits][-1] == "项目申报的可行性"
    assert accepted_hits("  完成项目申报的可行性研究报告编制", "national") == []


def test_a_label_note_cut_before_its_closing_bracket_is_taken_with_the_label() -> None:
    """``中期目标（2023-2025年`` / ``）``: the cell's edge cut the note; the value starts one
    space after it."""
    line = "         中期目标（2023-2025年 完成修缮文物点12处，提升保护水平"
    (hit,) = accepted_hits(line, "national")
    assert hit.label.field == "long_term_goal"
    assert line[hit.end:].strip().startswith("完成修缮文物点")


def test_a_wrapped_label_with_its_value_after_its_first_piece_is_written_back_there() -> None:
    """``该项目支 12.5`` / ``出上级资`` / ``金``: the label wraps in a narrow cell, its value
    printed one space after the first piece; the label goes back on that line, so the money
    value before it ends where it starts."""
    lines = [Line(1, 0, " 年度本级预算金额         86.4万          该项目支 12.5"),
             Line(1, 1, "                                    出上级资"),
             Line(1, 2, "                                      金")]
    header = parse_header(lines, "national")
    assert header.fields["total_budget"] == "86.4万"
    assert dict(header.extra_fields)["该项目支出上级资金"] == "12.5"


def test_label_pieces_on_consecutive_lines_join_when_together_known() -> None:
    def known(text: str) -> bool:
        return text in ("产出指标", "数量指标")

    frags = [Fragment(1, "产出指", 2.0), Fragment(2, "标", 4.0), Fragment(4, "产出指", 8.0),
             Fragment(5, "标", 10.0), Fragment(6, "数量指标", 12.0)]
    joined = join_known(frags, known)
    assert [(f.text, f.y, f.slack) for f in joined] == [
        ("产出指\n标", 3.0, 0.0), ("产出指\n标", 9.0, 0.0), ("数量指标", 12.0, 0.0)]


def test_a_label_piece_joins_the_next_even_where_that_is_a_label_alone() -> None:
    def known(text: str) -> bool:
        return text in ("满意度指标", "服务对象满意度指标")

    frags = [Fragment(1, "服务对象", 2.0), Fragment(3, "满意度指标", 6.0),
             Fragment(5, "满意度指标", 10.0)]
    assert [f.text for f in join_known(frags, known)] == ["服务对象\n满意度指标", "满意度指标"]

    four = [Fragment(1, "社会公众", 2.0), Fragment(2, "或服务对", 4.0),
            Fragment(3, "象满意度", 6.0), Fragment(4, "指标", 8.0)]
    wrapped = join_known(four, lambda t: t == "社会公众或服务对象满意度指标")
    assert [(f.text, f.y) for f in wrapped] == [("社会公众\n或服务对\n象满意度\n指标", 5.0)]


DEPARTMENT_WIDE = """\
                     部门整体支出绩效目标表
                            ( 2021 年度)
  部门（单位）名称       某某区文化和旅游局
      年度总体目标     完成文物保护修缮，提升公共文化服务水平。
        一级指标        二级指标                   三级指标
                              修缮文物点
                    数量指标
                              举办展览
        产出指标
                    质量指标      修缮验收合格率
        满意度指标    满意度指标      群众满意度
"""


def test_a_table_whose_header_row_names_no_target_column_has_none() -> None:
    """A department-wide table (部门整体支出绩效目标表) prints three level columns and no value:
    the form says so (quarantined as no_target_column), whatever the rows read as."""
    (form,) = parse_pdftotext_layout(DEPARTMENT_WIDE)
    assert not form.has_target_column


BLOCK_HEADING_CLOSING_A_PAGE = """\
                     项目绩效目标表
                       (2023年度)
      项目名称       某某区养老服务补贴项目
      主管部门       某某区民政局            实施单位      某某区社会福利院

                       长期绩效指标

                         第1页/共2页
\f一级指   二级指标       指标内容               指标值       备注
 标

              集中供养特困人员             =900人
      数量指标
              开展关爱走访              7500人次以上
产出指
 标            康复训练达标率               >=81%    全年口径
      质量指标
              项目实施规范性              规范有序
"""


def test_a_block_heading_closing_a_page_gives_its_period_to_the_table_on_the_next() -> None:
    """``长期绩效指标`` is the last line of page 1, the table starts on page 2: its rows are
    the long-term block's, read by the table's headings."""
    (form,) = parse_pdftotext_layout(BLOCK_HEADING_CLOSING_A_PAGE)
    assert [(r.level3, r.period) for r in form.indicators] == [
        ("集中供养特困人员", "long_term"), ("开展关爱走访", "long_term"),
        ("康复训练达标率", "long_term"), ("项目实施规范性", "long_term")]
    assert {"".join((r.level1 or "").split()) for r in form.indicators} == {"产出指标"}


def test_sign_off_rows_end_the_table() -> None:
    assert is_sign_off_line("主管部门审核意见           （盖章）   年 月 日")
    assert is_sign_off_line("     财政部门审核意见")
    assert is_sign_off_line("填表人：某某   联系电话：0556-7334275   填报日期：")
    assert not is_sign_off_line("      时效指标   资金支付及时率       =100%")
    assert not is_sign_off_line("  2025年11月30日前")


def test_a_narrative_line_just_above_the_header_row_stays_in_the_header() -> None:
    text = ("                              绩效目标表\n"
            "                             （2024年度）\n"
            "      项目名称      某某项目\n"
            "      年度目标      目标1：改善办学条件，促进优质均衡发展。目标2：组织培训，提升教\n"
            "                  师专业能力。\n"
            "       一级指标     二级指标         三级指标内容      指标值      备注\n"
            "                       参训教师人数             ≥1000人\n"
            "       产出指标   数量指标\n"
            "                       购置实验教学仪器         ≥1400台套\n")
    form = parse_pdftotext_layout(text)[0]
    assert form.fields["overall_goal"].endswith("师专业能力。")
    assert [(r.level1, r.level2, r.level3) for r in form.indicators] == [
        ("产出指标", "数量指标", "参训教师人数"), ("产出指标", "数量指标", "购置实验教学仪器")]


def test_a_header_label_opening_with_a_period_marker_is_no_caption() -> None:
    assert caption_period("实施期绩效目标", "national") is None
    assert caption_period("中期指标", "national") == "mid_term"


def test_level3_cells_of_an_export_that_prints_centred_cells_apart() -> None:
    """Columns: 0 name, 1 target, 2 source. Rows: a one-line row; a name wrapped around its
    centred target (name / target / name: the export prints centred cells apart); a one-line
    row with its target on its line, then a name alone on the next line, which is a row of
    its own (a two-line name would have its target between its lines)."""
    lines = [(0, {0: "项目实施规范性", 1: "规范有序"}),
             (1, {0: "项目实施过程中各环节"}), (2, {1: ">=97%", 2: "问卷调查"}),
             (3, {0: "资料归档及时完整率"}),
             (4, {0: "开展巡河", 1: ">=250次"}),
             (5, {0: "工程验收合格"}), (6, {1: "=100%"}), (7, {0: "率"})]
    assert _level3_cells(lines, 0, 1, tight=True) == [[0], [1, 3], [4], [5, 7]]


def test_a_cell_ends_where_its_line_falls_short_of_the_column_width() -> None:
    """Rows with blank lines between them, two of them printed on consecutive lines: a name
    and target that stop well short of their columns' widths are not wrapped, the next line
    is a row of its own; a name that fills its column goes on below."""
    lines = [(0, {0: "救助残疾儿童人数", 1: "≥750人"}), (1, {0: "集中供养特困人员", 1: "900人"}),
             (3, {0: "开展关爱走访活动次数合计", 1: "不低于2500人次"}),
             (5, {0: "年度各项工作任务按照时间"}), (6, {0: "节点推进完成情况", 1: "按时完成"})]
    assert _level3_cells(lines, 0, 1, tight=False) == [[0], [1], [3], [5, 6]]


def test_pieces_between_names_go_to_the_row_that_needs_them() -> None:
    """Names and targets alternating line by line. A target wrapped around a one-line name
    (target / name / target) closes that row, and the next name wraps around its own target;
    a name wrapped around its target (name / target / name) already prints a target, so the
    target below it opens the next row's wrap."""
    target_first = [(0, {1: "实现动态清"}), (1, {0: "零就业家庭动态清零"}), (2, {1: "零"}),
                    (3, {0: "项目实施后服务对象办"}), (4, {1: "显著提升"}),
                    (5, {0: "事便利程度提升情况"})]
    assert _level3_cells(target_first, 0, 1, tight=False) == [[1], [3, 5]]
    name_first = [(0, {0: "项目档案资料完整率", 1: ">=98.5%"}), (1, {0: "65岁及以上老年人健"}),
                  (2, {1: "69%以上"}), (3, {0: "康管理率"}), (4, {1: "2023年11月30日"}),
                  (5, {0: "项目完成时限"}), (6, {1: "前"}),
                  (7, {0: "项目启动时间", 1: "2023年3月前启动"})]
    assert _level3_cells(name_first, 0, 1, tight=False) == [[0], [1, 3], [5], [7]]


def test_a_tight_row_printing_its_target_between_its_name_lines_ends_before_the_next() -> None:
    """Rows printed without blank lines between them. A name wrapped around its centred
    weight and target, then an explanation wrapped around the next row's one-line name: the
    next name prints a target of its own, so it is a row of its own. A name and a target
    both wrapped around a one-line weight are one row."""
    wrapped_around = [(0, {0: "★★★项目形成的设施设备及制"}), (1, {2: "6", 1: "长期发挥作用"}),
                      (2, {0: "度成果持续发挥作用情况"}), (3, {3: "反映项目任务完成的数"}),
                      (4, {0: "就诊居民满意度", 2: "2", 1: "不低于87%"}), (5, {3: "量情况"})]
    assert _level3_cells(wrapped_around, 0, 1, tight=True) == [[0, 2], [4]]
    both_wrapped = [(0, {0: "★★★项目形成的设施设备及制", 1: "可持续发挥作"}), (1, {2: "6"}),
                    (2, {0: "度成果持续发挥作用情况", 1: "用"}),
                    (4, {0: "*就诊居民满意度", 1: "不低于92%", 2: "5"})]
    assert _level3_cells(both_wrapped, 0, 1, tight=True) == [[0, 2], [4]]


def test_a_line_of_level_labels_alone_does_not_part_a_wrapped_name() -> None:
    """``项目形成的设施设`` / ``可持续影`` / ``备及制度成果持续  长期发挥作用`` / ``响指标`` /
    ``发挥作用情况``: the level-2 label wraps between the name's lines, one name."""
    lines = [(0, {0: "项目形成的设施设"}), (2, {0: "备及制度成果持续", 1: "长期发挥作用"}),
             (4, {0: "发挥作用情况"})]
    assert _level3_cells(lines, 0, 1, tight=True, labels_only=frozenset({1, 3})) == [[0, 2, 4]]
    assert _level3_cells(lines, 0, 1, tight=True) == [[0], [2], [4]]  # blank lines part


def test_rows_closing_a_page_may_wait_for_the_label_of_the_next() -> None:
    """A merged cell cut by a page break prints its label in its larger piece: where the
    table goes on (``open_end``), trailing rows no label here is centred on stay unlabelled
    (the next page's label is written back), instead of stretching the last label."""
    rows = [Extent(2.0 * k, 2.0 * k + 2) for k in range(6)]
    frags = [Fragment(2, "产出指标", 3.0), Fragment(7, "效益指标", 8.0)]  # rows 0-2, 3-4
    closed = assign_labels(rows, frags, None)
    assert None not in closed and closed[-1] == "效益指标"  # the last label stretched
    assert assign_labels(rows, frags, None, open_end=True) == (
        ["产出指标"] * 3 + ["效益指标"] * 2 + [None])


def test_levels_printed_on_every_row_are_one_label_per_row() -> None:
    rows = [Extent(2.0 * i, 2.0 * i) for i in (1, 3, 5, 7)]
    frags = [Fragment(i, "数量指标", 2.0 * i) for i in (1, 3, 5, 7)]
    labels = assign_labels(rows, frags, None, lambda t: t == "数量指标")
    assert labels == ["数量指标"] * 4  # never 数量指标\n数量指标 joined into one label


def test_a_line_between_two_rows_goes_to_the_row_its_cell_wraps_around() -> None:
    """平方公 / row / 里 / next row: 里 closes the unit cell of the row above."""
    lines = [(0, {5: "平方公"}), (1, {2: "治理水土流失面积", 4: "10"}), (2, {5: "里"}),
             (3, {2: "管护小型水库", 4: "55", 5: "座"})]
    groups = _level3_cells(lines, 2, 4, tight=True)
    assert groups == [[1], [3]]
    assert _nearest(groups, 2, dict(lines)) == 0
    assert _nearest(groups, 2) == 1  # without the cells: the one below


def test_a_target_wrapped_around_a_one_line_name_completes_that_row() -> None:
    """A tight table: ``2023年4月前启`` / name / ``动`` between rows that print their
    targets on their own lines; both pieces are equally near two rows and go to the row
    missing its target."""
    lines = [(0, {0: "任务按期完成率", 1: "不低于95%"}), (1, {1: "2023年4月前启"}),
             (2, {0: "项目启动时间", 2: "问卷调查"}), (3, {1: "动"}),
             (4, {0: "预算执行偏差率", 1: "±3%以内"})]
    groups = _level3_cells(lines, 0, 1, tight=True)
    assert groups == [[0], [2], [4]]
    assert _nearest(groups, 1, dict(lines)) == 1
    assert _nearest(groups, 3, dict(lines)) == 1


def test_headings_one_space_apart_are_parted_by_the_pieces_wrapped_under_them() -> None:
    """``一级指 二级指`` is one run of text (one space apart), the line below prints ``标``
    under each: two wrapped headings, not one; so is ``一级指标 二级指标``, two headings of
    known roles one space apart."""
    lines = [Line(1, 0, "一级指 二级指"),
             Line(1, 1, "                 三级指标                目标值          指标说明"),
             Line(1, 2, " 标   标")]
    stacked, captions = stack_headings(lines, "national")
    assert [h.text for h, _ in stacked] == [
        "一级指标", "二级指标", "三级指标", "目标值", "指标说明"]
    assert not captions
    one_line = stack_headings([Line(1, 0, "绩效 指标")], "national")[0]
    assert [h.text for h, _ in one_line] == ["绩效 指标"]  # nothing parts it: one heading
    known = stack_headings([Line(1, 0, "  一级指标 二级指标       三级指标     指标值及单"),
                            Line(1, 1, "                             位")], "national")[0]
    assert [h.text for h, _ in known] == ["一级指标", "二级指标", "三级指标", "指标值及单位"]


def test_a_label_on_a_line_of_its_own_in_a_tight_table_sits_between_rows() -> None:
    """Rows printed without blank lines between them: a label on a line of its own lies on
    the border of two rows. A: five one-line rows, its label on the third; B: four one-line
    rows and one whose name wraps around its target, its label alone between the third and
    the fourth. In line indexes B's own line shifts the rows below it and B would seem to
    start a row early; in row heights it does not."""
    one = [RowLines((i,), (i,)) for i in (0, 1, 2, 3, 4, 5, 6, 7, 9)]
    rows = [*one, RowLines((10, 11, 12), (10, 12))]
    model = vertical_model(rows, TIGHT_PAD)
    extents = [Extent(2 * a, 2 * b) for a, b in zip(model.tops, model.tops[1:], strict=False)]
    frags = []
    for line, text in ((2, "数量指标"), (8, "质量指标")):
        y, slack = model.y(line)
        frags.append(Fragment(line, text, 2 * y, 2 * slack))
    labels = assign_labels(extents, frags, None)
    assert labels == ["数量指标"] * 5 + ["质量指标"] * 5


# --- properties -----------------------------------------------------------------------


FORM_ALPHABET = list("项目名称：财政支出绩效目标表一级二三指标值 \n\f（）2020年度-0")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(FORM_ALPHABET), max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    parse_pdftotext_layout(text)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(GOLDEN),
    st.integers(min_value=0, max_value=20000),
    st.integers(min_value=0, max_value=400),
    st.lists(st.sampled_from([*FORM_ALPHABET, "  ", "\n\n", "         "]), max_size=40).map(
        "".join
    ),
)
def test_never_raises_on_damaged_exports(stem: str, at: int, cut: int, noise: str) -> None:
    text = _fixture(stem)
    at = at % max(len(text), 1)
    parse_pdftotext_layout(text[:at] + noise + text[at + cut :])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_unicode(text: str) -> None:
    parse_pdftotext_layout(text)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(GOLDEN), st.integers(min_value=1, max_value=12))
def test_rows_survive_an_indent_shift(stem: str, shift: int) -> None:
    text = _fixture(stem)
    shifted = "\f".join(
        "\n".join((" " * shift + ln) if ln.strip() else ln for ln in page.split("\n"))
        for page in text.split("\f")
    )
    assert _rows(shifted) == _rows(text)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(GOLDEN), st.sampled_from(["- 7 -", "第 7 页 共 9 页"]))
def test_rows_survive_page_footers(stem: str, footer: str) -> None:
    text = _fixture(stem)
    pages = text.split("\f")
    with_footers = "\f".join(p + f"\n\n                    {footer}\n" if p.strip() else p
                             for p in pages)
    assert _rows(with_footers) == _rows(text)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(GOLDEN), st.integers(min_value=1, max_value=3))
def test_rows_survive_trailing_blank_lines_on_pages(stem: str, blanks: int) -> None:
    text = _fixture(stem)
    padded = "\f".join(p + "\n" * blanks if p.strip() else p for p in text.split("\f"))
    assert _rows(padded) == _rows(text)


def test_name_after_a_wide_label_is_found_under_padding() -> None:
    """pdftotext -layout pads text that follows CJK characters too little: the name after a
    level-1 label starts columns left of the level-3 column, but a target follows it."""
    from extractors.text.layout.table import page_table

    text = ("        一级指标      二级指标              三级指标             指标值\n"
            "                                 服务对象满意度       88%-95%\n"
            "                    服务对象满意度指\n"
            "           满意度指标             社会评价            良好\n"
            "                        标\n"
            "                                 参与群众满意度        =100%\n")
    lines = document_lines(text)
    table = page_table(lines, "national")
    names = [r.level3 for r in table.rows]
    assert any("社会评价" in (n or "") for n in names)
    assert all("社会评价" not in f.text for f in (*table.level1, *table.level2))


def test_a_block_heading_down_the_left_of_a_page_without_header_row_is_no_label() -> None:
    """The classic reader on a continuation page: ``年度绩`` / ``效指`` / ``标`` printed left
    of where the table's first column starts (known from the page before) is the block
    heading, not a level-1 label."""
    text = ("                    项目支出绩效目标表（2024年度）\n"
            "     项目名称         某某项目\n"
            "      一级指标           二级指标                  指标名称                  目标值\n"
            "                               购置设备数量                        >=10台\n"
            "      产出指标          数量指标\n"
            "                               培训人次                          >=200人次\n"
            "\f"
            "                               家长满意度                        >=92%\n"
            "年度绩\n"
            "效指          满意度指标     服务对象满意度指标\n"
            " 标\n"
            "                               社会公众满意率                    >=90%\n")
    rows = parse_pdftotext_layout(text)[0].indicators
    assert [(r.level1, r.level2, r.level3) for r in rows[2:]] == [
        ("满意度指标", "服务对象满意度指标", "家长满意度"),
        ("满意度指标", "服务对象满意度指标", "社会公众满意率")]


def test_two_row_labels_with_values_centred_on_them_are_no_column_labels() -> None:
    """``主管部门 … 实施单位`` alone on a line, each value printed on the lines above and
    below it: row labels (values right of each), not labels over columns."""
    text = ("                 项目支出绩效目标申报表\n"
            "                       （2022年度）\n"
            "     项目名称      某某专项经费\n"
            "               某某市某某区市场监督                  某某市某某区市场监管综合执法\n"
            "     主管部门                    实施单位\n"
            "               管理局                         大队\n")
    fields = parse_pdftotext_layout(text)[0].fields
    assert fields["supervising_dept"] == "某某市某某区市场监督\n管理局"
    assert fields["unit_name"] == "某某市某某区市场监管综合执法\n大队"


def test_a_line_between_two_rows_of_a_top_aligned_part_goes_to_the_row_above() -> None:
    """Cells printed from their row's first line (every wrapped name has its target on its
    first line, one over three lines): a line equally near two rows continues the upper."""
    groups = [[1, 2, 3], [5], [7, 8]]
    by_line = {1: {2: "某某工作任务按照时间", 3: "按期完成"}, 2: {2: "节点推进完成"},
               3: {2: "情况"}, 4: {4: "反映完成情况"}, 5: {2: "资金拨付及时率", 3: "100%"},
               6: {4: "程度"}, 7: {2: "项目档案资料", 3: "99%以上"}, 8: {2: "完整率"}}
    assert _top_aligned(groups, by_line, 3)
    assert _nearest(groups, 6, {}, top=True) == 1
    assert _nearest(groups, 6, {}) == 2  # centred cells: the one below
    assert not _top_aligned([[1, 2, 3]], {1: {2: "某某"}, 2: {2: "某", 3: "1"}}, 3)


def test_cells_wrapping_on_down_from_one_line_names_make_a_part_top_aligned() -> None:
    """No name wraps, but targets and explanations go on below their names' lines: printed
    from the row's first line. Pieces printed above and below a name: centred."""
    top = {0: {0: "资金支付进度", 1: "年底前资金支付率达", 2: "反映项目成本控制"},
           1: {1: "100%", 2: "情况"}, 2: {0: "任务按期完成率", 1: "≥98%", 2: "累计数"},
           3: {0: "项目完成时限", 1: "年内完成"}}
    assert _top_aligned([[0], [2], [3]], top, 1)
    assert _nearest([[0], [2], [3]], 1, top, top=True) == 0
    centred = {0: {0: "任务按期完成率", 1: "不低于95%"}, 1: {1: "2023年4月前启"},
               2: {0: "项目启动时间", 2: "问卷调查"}, 3: {1: "动"},
               4: {0: "预算执行偏差率", 1: "±3%以内"}}
    assert not _top_aligned([[0], [2], [4]], centred, 1)


def test_a_cell_one_space_after_a_wide_target_is_cut_off_where_the_target_ends() -> None:
    """``年底前资金支付率 行业标准``: pdftotext gives the eight wide characters before the
    space one column each, so the next cell seems to start inside the target's column; on
    the page it starts in the next one."""
    part = TablePart(header=HeaderBlock(0, 1, Columns(spans=())), page=1, centres=[],
                     left=0, width=80)
    line = Line(1, 5, "                  资金支付进度             年底前资金支付率 行业标准")
    words = line_words(line, part, "national")
    placed = align([3.0, 13.0, 21.5, 42.5, 51.0, 59.5], words)
    assert [(c, text) for c, _, text in placed] == [
        (2, "资金支付进度"), (3, "年底前资金支付率"), (4, "行业标准")]


def test_a_page_going_on_without_its_header_row_finds_its_columns_in_its_full_rows() -> None:
    """pdftotext packs the next page's grid by its own text: the operator, value, unit and
    weight columns stand 15 characters and more further left than the previous page's. Lines that
    print one run per column (and no level name) place them; a line with a level label
    does not count."""
    roles = ("level1", "level2", "level3", "operator", "target", "unit", "weight")
    spans = tuple(ColumnSpan(r, None, r, 10.0 * k, 10.0 * k + 4) for k, r in enumerate(roles))
    part = TablePart(header=HeaderBlock(0, 1, Columns(spans=spans)), page=2,
                     centres=[2.0, 12.0, 24.0, 46.0, 58.0, 66.0, 72.0], left=0, width=70)
    part.lines = [Line(2, 0, "                 项目预算控制数    ≤        1051        万元    3"),
                  Line(2, 1, "         成本指标"),
                  Line(2, 2, "                 预算执行偏差率    ≤          3         %     3"),
                  Line(2, 3, "        社会效益指标  工作效能  定性     较上年提高5%             5"),
                  Line(2, 4, "                 超预算支出      =          0         万元    6")]
    seeded = _full_row_centres(part, "national")
    assert seeded is not None
    assert seeded[:2] == [2.0, 12.0]  # level columns as they were
    assert seeded[2:] == [20.5, 28.5, 39.5, 50.0, 55.5]
    part.lines = part.lines[1:3]  # one full row: not enough to go by
    assert _full_row_centres(part, "national") is None


def test_a_level_name_one_space_after_a_cell_is_a_cell_of_its_own() -> None:
    """pdftotext may print the next block's level-2 cell one space after a target
    (``11月底前支出进 时效指标``): the taxonomy name starts a run of its own."""
    part = TablePart(header=HeaderBlock(0, 1, Columns(spans=())), page=1, centres=[],
                     left=0, width=80)
    line = Line(1, 5, "               资金支付进度   11月底前支出进 时效指标     资金支付进度")
    runs = [[w.text for w in words] for _, words in groupby(line_words(line, part, "national"),
                                                             key=lambda w: w.run)]
    assert runs == [["资金支付进度"], ["11月底前支出进"], ["时效指标"], ["资金支付进度"]]
